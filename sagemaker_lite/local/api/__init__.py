"""The local backend behind boto3-shaped clients: the requests a SageMaker client takes, answered here.

``training`` (``LocalSageMakerClient``: Create/Describe/Stop/List training jobs, tags),
``hosting`` (models, endpoint configs, endpoints), ``runtime`` (InvokeEndpoint) and ``logs``
(CloudWatch Logs reads). They validate and record; the work runs in ``local.training`` and
``local.serving``.
"""
