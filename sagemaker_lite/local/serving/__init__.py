"""Local endpoints' model runtimes: which server answers /ping and /invocations for a model.

``runtimes.py`` is the registry (image -> runtime); ``tensorflow.py`` serves SavedModels
through TensorFlow Serving's REST API; ``handlers.py`` runs the SageMaker inference
toolkit's handler contract (``model_fn``/``input_fn``/``predict_fn``/``output_fn``) with
each framework's defaults (``defaults.py``, ``codecs.py``). Nothing here is imported
until an endpoint is created.
"""
