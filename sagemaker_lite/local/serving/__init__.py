"""Local endpoints: the endpoint supervisor, its server process, and the pluggable model runtimes.

``endpoint.py`` runs one server process per production variant and keeps the
DescribeEndpoint record; ``server.py`` is that process (HTTP on 127.0.0.1);
``invocations.py`` is SageMaker's ``/ping`` and ``/invocations``.

``runtimes.py`` is the registry (image -> runtime); ``tensorflow.py`` serves SavedModels
through TensorFlow Serving's REST API (``tfs.py``, ``tfs_models.py``); ``handlers.py`` runs the SageMaker inference
toolkit's handler contract (``model_fn``/``input_fn``/``predict_fn``/``output_fn``) with
each framework's defaults (``defaults.py``, ``codecs.py``). Nothing here is imported
until an endpoint is created.
"""
