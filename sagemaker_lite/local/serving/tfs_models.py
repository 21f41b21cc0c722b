"""Which SavedModels a model artifact holds, named and versioned as TensorFlow Serving names them.

    from sagemaker_lite.local.serving.tfs_models import find_models
    find_models(Path("model"))      # {"model": {1: Path("model/1"), 2: Path("model/2")}}

Pure and stdlib-only: the local SageMaker client checks an artifact with it before it
starts a server, and the server (``server.py``) serves what it finds. The rules are the
SageMaker TensorFlow Serving container's: every ``saved_model.pb`` (or ``.pbtxt``) whose
directory is a number is a *version*; the directory above it is the *model base path*,
and the model's name is that directory's base name. So::

    1/saved_model.pb                 -> model "model" (the artifact root), version 1
    export/Servo/1/saved_model.pb    -> model "Servo" (the legacy layout), version 1
    half_plus_three/2/saved_model.pb -> model "half_plus_three", version 2 (several models)

Every version is served (the container lists them all in TensorFlow Serving's model
config); a request that names no version gets the highest. The default model for
``/invocations`` is ``SAGEMAKER_TFS_DEFAULT_MODEL_NAME`` when it is set, else the only
(or, with several, the first by name) model.
"""

from __future__ import annotations

import os
from pathlib import Path

SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")
#: the name the container gives the model whose versions sit at the artifact root
ROOT_MODEL_NAME = "model"
DEFAULT_MODEL_ENV = "SAGEMAKER_TFS_DEFAULT_MODEL_NAME"


class ModelLayoutError(Exception):
    """The artifact holds no servable SavedModel, or two models would share one name."""


def find_models(model_dir: Path) -> dict[str, dict[int, Path]]:
    """``{model name: {version: version directory}}`` for every SavedModel under ``model_dir``.

    Raises ``ModelLayoutError`` when there is none, or when two base paths have the same name.
    """
    root = model_dir.resolve()
    bases: dict[Path, dict[int, Path]] = {}
    for directory, subdirs, files in os.walk(root, followlinks=True):
        subdirs.sort()
        if "code" in subdirs and Path(directory) == root:
            subdirs.remove("code")  # inference code, never a model
        if not any(name in files for name in SAVED_MODEL_FILES):
            continue
        here = Path(directory)
        if here == root or not here.name.isdigit():
            continue
        bases.setdefault(here.parent, {})[int(here.name)] = here
    if not bases:
        raise ModelLayoutError(
            "no SavedModel in the model artifact: TensorFlow Serving needs <version>/saved_model.pb with a "
            "numeric version directory (e.g. 1/saved_model.pb, <model name>/1/saved_model.pb or "
            "export/Servo/1/saved_model.pb)"
        )
    models: dict[str, dict[int, Path]] = {}
    for base in sorted(bases):
        name = ROOT_MODEL_NAME if base == root else base.name
        if name in models:
            raise ModelLayoutError(f"two SavedModel directories are both named {name!r}; model names must be unique")
        models[name] = dict(sorted(bases[base].items()))
    return models


def served_version(versions: dict[int, Path]) -> int:
    """The version a request without ``tfs-model-version`` gets: the highest."""
    return max(versions)


def default_model(models: dict[str, dict[int, Path]], configured: str | None = None) -> str:
    """The model ``/invocations`` uses without ``tfs-model-name``."""
    if configured and configured != "None":
        return configured
    return sorted(models)[0]
