"""Which model server a local endpoint runs: the serving-runtime registry.

A SageMaker endpoint runs whatever server its image starts. Locally there is no image, so
each kind of image is mapped to a *runtime*: Python code, run in the endpoint's server
process, that answers ``/ping`` and ``/invocations`` the way that image's server does::

    ServingRuntime(
        name="pytorch",
        matches=lambda container: "pytorch" in image_repository(container),
        loader="sagemaker_lite.local.serving.handlers:load_pytorch",
        requires=(),
    )

``runtime_for(container)`` picks the first runtime whose ``matches`` accepts the model's
container definition (``Image``, ``Environment``, ``ModelDataUrl`` of CreateModel), in the
order of ``BUILTIN_RUNTIMES`` after any added with ``register_runtime``. Matching runs in
the caller's process and must be cheap (no imports); ``loader`` is a ``"module:function"``
string imported only inside the server process, so a runtime registered here costs nothing
until an endpoint uses it.

The loader is called as ``load(options: LoadOptions) -> Served`` after the server has bound
its port and before it reports ready. It loads the model (``StartupError`` or any exception:
the endpoint fails, the message leads its FailureReason) and returns an object whose
``handle(method, path, headers, body)`` answers every request: ``(status, content_type,
body)`` or ``(status, content_type, body, extra_headers)``. ``headers`` keys are lower case.

Adding a runtime (the built-in XGBoost algorithm, for instance) is one entry in
``BUILTIN_RUNTIMES`` placed before the entries it must win against, plus its loader module.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, Protocol

import attrs

from ...errors import LocalModeError

Reply = tuple[int, str, bytes] | tuple[int, str, bytes, Mapping[str, str]]


class Served(Protocol):
    """What a runtime's loader returns: one callable for every HTTP request."""

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply: ...


@attrs.frozen(kw_only=True)
class LoadOptions:
    """What the server process hands a runtime's loader."""

    model_dir: Path  #: the extracted model.tar.gz (``/opt/ml/model`` in the container)
    code_dir: Path  #: the user's inference code (``model_dir/code`` unless staged elsewhere)
    port: int  #: the port this server answers on (127.0.0.1)
    environment: Mapping[str, str]  #: the container's environment (CreateModel ``Environment`` included)


class StartupError(Exception):
    """A runtime cannot serve this model; the message becomes the endpoint's FailureReason."""


@attrs.frozen(kw_only=True)
class ServingRuntime:
    """One kind of model server (see the module docstring)."""

    name: str
    matches: Callable[[Mapping[str, Any]], bool]
    loader: str
    #: modules the server process must be able to import (checked at CreateModel, with the hint)
    requires: tuple[str, ...] = ()
    install_hint: str = ""
    #: True: code/requirements.txt is installed only when code/inference.py exists (the TFS rule)
    requirements_need_inference_script: bool = False
    #: the python that runs the server for a container (progress to the log); None: this interpreter.
    #: The built-in XGBoost runtime picks the xgboost its image has: a model file saved by xgboost 1.x
    #: does not load in xgboost >= 3.1.
    interpreter: Callable[[Mapping[str, Any], IO[bytes]], str] | None = None

    def check_available(self) -> None:
        """``LocalModeError`` when a required module is missing in this interpreter."""
        for module in self.requires:
            if importlib.util.find_spec(module) is None:
                raise LocalModeError(
                    f"local endpoints of this model run the {self.name} runtime, which needs {module!r}; "
                    f"it is not installed{': ' + self.install_hint if self.install_hint else ''}"
                )


def image_repository(container: Mapping[str, Any]) -> str:
    """``.../sagemaker-xgboost:1.7-1`` -> ``sagemaker-xgboost`` (lower case; '' without an image)."""
    image = str(container.get("Image") or "")
    return image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0].lower()


def environment(container: Mapping[str, Any]) -> Mapping[str, str]:
    env = container.get("Environment") or {}
    return env if isinstance(env, Mapping) else {}


def has_program(container: Mapping[str, Any]) -> bool:
    """Script mode: the container runs the user's ``SAGEMAKER_PROGRAM``."""
    return bool(environment(container).get("SAGEMAKER_PROGRAM"))


def _repository_has(*words: str) -> Callable[[Mapping[str, Any]], bool]:
    def matches(container: Mapping[str, Any]) -> bool:
        repository = image_repository(container)
        return any(word in repository for word in words)

    return matches


def _xgboost_script(container: Mapping[str, Any]) -> bool:
    return "xgboost" in image_repository(container) and has_program(container)


def _builtin_algorithm(container: Mapping[str, Any]) -> bool:
    """A built-in algorithm image (no SAGEMAKER_PROGRAM) that local mode plays (local/algorithms)."""
    from ..algorithms import for_image

    algorithm = for_image(str(container.get("Image") or "")) if not has_program(container) else None
    return algorithm is not None and algorithm.serving_runtime() is not None


def _algorithm_python(container: Mapping[str, Any], log: IO[bytes]) -> str:
    from ..algorithms import for_image

    algorithm = for_image(str(container.get("Image") or ""))
    return algorithm.python(log) if algorithm is not None else sys.executable


_HANDLERS = "sagemaker_lite.local.serving.handlers"

BUILTIN_RUNTIMES: tuple[ServingRuntime, ...] = (
    ServingRuntime(
        name="huggingface",
        matches=_repository_has("huggingface"),
        loader=f"{_HANDLERS}:load_huggingface",
    ),
    ServingRuntime(
        name="tensorflow-serving",
        matches=_repository_has("tensorflow"),
        loader="sagemaker_lite.local.serving.tensorflow:load",
        requires=("tensorflow",),
        install_hint="install TensorFlow: pip install sagemaker_lite[tensorflow]",
        requirements_need_inference_script=True,
    ),
    ServingRuntime(name="pytorch", matches=_repository_has("pytorch"), loader=f"{_HANDLERS}:load_pytorch"),
    ServingRuntime(
        name="sklearn", matches=_repository_has("scikit-learn", "sklearn"), loader=f"{_HANDLERS}:load_sklearn"
    ),
    ServingRuntime(
        name="xgboost-algorithm",
        matches=_builtin_algorithm,
        loader="sagemaker_lite.local.algorithms.xgboost.serve:load",
        requires=("xgboost",),
        install_hint="pip install 'sagemaker_lite[xgboost]'",
        interpreter=_algorithm_python,
    ),
    ServingRuntime(
        name="xgboost-script",
        matches=_xgboost_script,
        loader=f"{_HANDLERS}:load_xgboost",
        requires=("xgboost",),
        install_hint="install XGBoost: pip install xgboost",
    ),
    # any other image in script mode: the SageMaker inference toolkit's handler contract
    ServingRuntime(name="inference-toolkit", matches=has_program, loader=f"{_HANDLERS}:load_generic"),
)

_registered: list[ServingRuntime] = []


def register_runtime(runtime: ServingRuntime) -> None:
    """Add a runtime ahead of the built-in ones (a later registration with the same name replaces it)."""
    if not isinstance(runtime, ServingRuntime):
        raise TypeError(f"register_runtime() takes a ServingRuntime, not {type(runtime).__name__}")
    _registered[:] = [r for r in _registered if r.name != runtime.name]
    _registered.insert(0, runtime)


def unregister_runtime(name: str) -> None:
    _registered[:] = [r for r in _registered if r.name != name]


def runtimes() -> tuple[ServingRuntime, ...]:
    """Every runtime, in the order ``runtime_for`` tries them."""
    return (*_registered, *BUILTIN_RUNTIMES)


def runtime_for(container: Mapping[str, Any]) -> ServingRuntime:
    """The runtime that serves this container definition, or ``LocalModeError`` saying what is served."""
    for runtime in runtimes():
        if runtime.matches(container):
            return runtime
    image = str(container.get("Image") or "")
    raise LocalModeError(
        f"no local serving runtime for image {image!r}: local endpoints serve TensorFlow Serving, PyTorch, "
        "scikit-learn, XGBoost and Hugging Face inference images, the built-in XGBoost algorithm, and any image "
        "in script mode "
        "(SAGEMAKER_PROGRAM, i.e. a model with entry_point='inference.py'); use an 'ml.*' instance type otherwise"
    )


def import_loader(spec: str) -> Callable[[LoadOptions], Served]:
    """``"package.module:function"`` -> the function (inside the server process)."""
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    loader: Callable[[LoadOptions], Served] = getattr(module, attribute)
    return loader
