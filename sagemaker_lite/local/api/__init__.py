"""The local backend behind boto3-shaped clients: the requests a SageMaker client takes, answered here.

``training`` (``LocalSageMakerClient``: Create/Describe/Stop/List training jobs, tags),
``hosting`` (models, endpoint configs, endpoints), ``runtime`` (InvokeEndpoint) and ``logs``
(CloudWatch Logs reads), with ``processing``, ``tuning`` and ``transform``. They validate and
record; the work runs in ``local.training``, ``local.processing``, ``local.tuning``,
``local.transform`` (each a ``lifecycle.LocalJob``) and ``local.serving``. What is live belongs to
the ``LocalAccount`` of the client's root (``local.account``), which the clients are given: no
module here keeps a table of jobs or endpoints, and none reads another's.
"""
