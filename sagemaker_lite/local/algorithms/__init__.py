"""Built-in SageMaker algorithms run locally without their image: which images, and how.

    from sagemaker_lite.local import algorithms
    algorithm = algorithms.for_image("246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1")
    algorithm.name, algorithm.version, algorithm.train_module   # 'xgboost', '1.7-1', '...xgboost.train'

A built-in algorithm's image is its program: the request carries no script, only
hyperparameters and channels. Where the algorithm's container is open source (XGBoost:
aws/sagemaker-xgboost-container), local mode can play it faithfully - the same
hyperparameter names and checks, input formats, log lines, model file and inference
answers - as a Python module that the job process runs inside the ordinary local
training runtime (same ``/opt/ml``, channels, hosts, logs and artifacts as a script job).

Adding an algorithm is one module here: a subpackage (or module) exposing ``NAME``,
``DISPLAY_NAME``, ``REPOSITORIES``, ``version_of(repository, tag)``, ``TRAIN_MODULE``,
``EXTRA``, ``metric_definitions()``, ``missing()`` and ``python_for(version, log)``, listed in ``_MODULES``. Those
modules import nothing heavy at import time; the algorithm's own packages (xgboost,
numpy...) are imported only by the job and endpoint processes.

Which other built-ins could be faithful without their image (their containers are
closed, so "faithful" means the documented contract: hyperparameters, formats,
metric names and the model artifact's inference behaviour): linear-learner, k-means and
PCA (numpy/scikit-learn equivalents with the documented hyperparameters and
recordio-protobuf/CSV input; their model artifacts are MXNet-format, so a model trained
locally would serve locally but not load in the hosted image), factorization machines
and random cut forest (scikit-learn-like implementations exist) - none of them
bit-compatible with the hosted model files. Image-, text- and sequence-based built-ins
(image classification, object detection, semantic segmentation, seq2seq, BlazingText,
DeepAR, NTM, LDA, Object2Vec, IP Insights, k-NN) need their images: run them in Docker
or on SageMaker.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import IO, Any

#: modules (under this package) of the algorithms local mode runs without their image
_MODULES = ("xgboost",)

#: the repositories of every first-party algorithm image in the image registry, by algorithm
BUILTIN_REPOSITORIES: dict[str, str] = {
    "blazingtext": "BlazingText",
    "factorization-machines": "Factorization Machines",
    "forecasting-deepar": "DeepAR forecasting",
    "image-classification": "Image Classification",
    "ipinsights": "IP Insights",
    "kmeans": "k-means",
    "knn": "k-NN",
    "lda": "LDA",
    "linear-learner": "Linear Learner",
    "ntm": "Neural Topic Model",
    "object-detection": "Object Detection",
    "object2vec": "Object2Vec",
    "pca": "PCA",
    "randomcutforest": "Random Cut Forest",
    "semantic-segmentation": "Semantic Segmentation",
    "seq2seq": "Sequence-to-Sequence",
    "sagemaker-xgboost": "XGBoost",
    "xgboost": "XGBoost (legacy 0.72 image)",
}


@dataclass(frozen=True)
class BuiltinAlgorithm:
    """A built-in algorithm image that local mode runs as a Python module."""

    name: str
    image: str
    version: str
    train_module: str
    extra: str
    _module: Any

    def metric_definitions(self) -> list[dict[str, str]]:
        """The algorithm's own metric definitions (SageMaker applies them to every job of the image)."""
        definitions: list[dict[str, str]] = self._module.metric_definitions()
        return definitions

    def python(self, log: IO[bytes]) -> str:
        """The interpreter that runs the algorithm: one with the package version the image has."""
        python: str = self._module.python_for(self.version, log)
        return python

    def missing(self) -> str | None:
        """Why this machine cannot run the algorithm (its package is not installed), or None."""
        problem: str | None = self._module.missing()
        return problem

    def serving_runtime(self) -> str | None:
        """The module of the algorithm's inference runtime, if it has one."""
        runtime: str | None = getattr(self._module, "SERVE_MODULE", None)
        return runtime


def split_image(image: str) -> tuple[str, str]:
    """``<account>.dkr.ecr.<region>.amazonaws.com/sagemaker-xgboost:1.7-1`` -> ``("sagemaker-xgboost", "1.7-1")``."""
    name = image.rsplit("/", 1)[-1].split("@", 1)[0]
    repository, _, tag = name.partition(":")
    return repository, tag or "latest"


def _modules() -> list[Any]:
    return [importlib.import_module(f"{__name__}.{name}") for name in _MODULES]


def for_image(image: str) -> BuiltinAlgorithm | None:
    """The built-in algorithm ``image`` is, when local mode runs it without the image; else None."""
    repository, tag = split_image(image)
    for module in _modules():
        if repository in module.REPOSITORIES:
            version = module.version_of(repository, tag)
            if version is not None:
                return BuiltinAlgorithm(module.NAME, image, version, module.TRAIN_MODULE, module.EXTRA, module)
    return None


def builtin_name(image: str) -> str | None:
    """The algorithm's display name when ``image`` is any first-party algorithm image, else None."""
    return BUILTIN_REPOSITORIES.get(split_image(image)[0])


def local_builtins() -> list[str]:
    """Display names of the built-ins local mode runs without Docker."""
    return [str(module.DISPLAY_NAME) for module in _modules()]


def refusal(image: str, docker_reason: str) -> str:
    """The LocalModeError message for a built-in image that local mode cannot run here."""
    name = builtin_name(image) or image
    runs = ", ".join(local_builtins())
    return (
        f"Local mode runs these built-in algorithms without Docker: {runs} (image_uris.retrieve('xgboost', "
        f"region, '1.7-1') or any version the registry has). {image} is the {name} algorithm, whose container "
        f"is not open source, so it can only run in its own image, and that needs a Docker engine: "
        f"{docker_reason}.\n"
        "What works instead:\n"
        "  * start a Docker engine (so that 'docker info' succeeds) and call fit() again: local mode then runs "
        "the image itself;\n"
        "  * run it on SageMaker: instance_type='ml.m5.xlarge' (or another ml.* type);\n"
        "  * or train the same model with your own script locally (scikit-learn, for example) through a "
        "framework estimator with entry_point=."
    )
