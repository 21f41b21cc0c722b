"""v1 -> v2 compatibility: one rename table, one way to warn.

Notebooks written for SageMaker Python SDK v1 keep working: every old keyword is
accepted, renamed, and a ``DeprecationWarning`` names the new spelling. Passing both
spellings is ambiguous, so it is a ``ValidationError`` rather than a silent choice.

The v1 codec spellings live here too, so ``predictor.py`` is about prediction: a plain
function as serializer/deserializer, ``RealTimePredictor``'s ``content_type``/``accept``,
``predictor.content_type = ...``, and the module-level ``sagemaker.predictor.csv_serializer``
objects. Each becomes the v2 codec object (``sagemaker_lite.serializers`` /
``deserializers``) with a DeprecationWarning that points at the user's line.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from ._warnings import warn_user
from .errors import ValidationError

#: Keyword renames accepted by every estimator (``Estimator``, ``Framework``, ``TensorFlow``).
ESTIMATOR_RENAMES: Mapping[str, str] = {
    "train_instance_count": "instance_count",
    "train_instance_type": "instance_type",
    "train_volume_size": "volume_size",
    "train_volume_kms_key": "volume_kms_key",
    "train_max_run": "max_run",
    "train_max_wait": "max_wait",
    "train_use_spot_instances": "use_spot_instances",
    "image_name": "image_uri",
    "distributions": "distribution",
    "train_max_run_in_seconds": "max_run",
}

#: Keyword renames accepted by models (``Model``, ``TensorFlowModel``).
MODEL_RENAMES: Mapping[str, str] = {
    "image": "image_uri",
    "model_server_workers": "model_server_workers",
}


def warn_deprecated(old: str, new: str, *, stacklevel: int | None = 3) -> None:
    """Emit the one DeprecationWarning format used for every v1 spelling.

    ``stacklevel=None`` attributes it to the first caller outside sagemaker_lite (``warn_user``).
    """
    message = f"{old} is a SageMaker Python SDK v1 name and is deprecated; use {new} instead."
    if stacklevel is None:
        warn_user(message, DeprecationWarning)
    else:
        warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)


def rename_kwargs(
    kwargs: MutableMapping[str, Any],
    table: Mapping[str, str],
    *,
    owner: str,
    stacklevel: int = 4,
    accepted: Collection[str] | None = None,
) -> MutableMapping[str, Any]:
    """Rewrite v1 keyword names in ``kwargs`` (in place) to their v2 names.

    ``owner`` is the callable's name, used in the warning (``Estimator(train_instance_count=...)``).
    A rename whose v2 name ``owner`` does not take (``accepted``) is left alone, so the refusal
    names the keyword the user wrote instead of suggesting one ``owner`` would refuse too.
    """
    for old, new in table.items():
        if old not in kwargs or old == new or (accepted is not None and new not in accepted):
            continue
        if new in kwargs and kwargs[new] is not None:
            raise ValidationError(
                old,
                kwargs[old],
                f"only one of {old} (v1) and {new} (v2)",
                hint=f"{owner}() was given both; keep {new}",
            )
        warn_deprecated(f"{owner}({old}=...)", f"{owner}({new}=...)", stacklevel=stacklevel)
        kwargs[new] = kwargs.pop(old)
    return kwargs


# --- v1 codecs ---------------------------------------------------------------------------

#: v1 module-level codec objects (``sagemaker.predictor.csv_serializer``) -> (module, v2 class)
V1_CODECS: Mapping[str, tuple[str, str]] = {
    "csv_serializer": ("serializers", "CSVSerializer"),
    "json_serializer": ("serializers", "JSONSerializer"),
    "npy_serializer": ("serializers", "NumpySerializer"),
    "csv_deserializer": ("deserializers", "CSVDeserializer"),
    "json_deserializer": ("deserializers", "JSONDeserializer"),
    "numpy_deserializer": ("deserializers", "NumpyDeserializer"),
}


def v1_codec(name: str) -> Any:
    """``sagemaker.predictor.<name>`` of v1: a new v2 codec object, with a DeprecationWarning."""
    import importlib

    module, cls = V1_CODECS[name]
    warn_deprecated(f"sagemaker.predictor.{name}", f"sagemaker.{module}.{cls}()", stacklevel=4)
    return getattr(importlib.import_module(f"sagemaker_lite.{module}"), cls)()


#: serializer/deserializer: (v2 method, the MIME attribute, module, callable wrapper, v1 default
#: MIME type, the codec a v1 MIME keyword alone means)
_CODEC_KINDS: Mapping[str, tuple[str, str, str, str, str, str]] = {
    "serializer": (
        "serialize",
        "content_type",
        "serializers",
        "CallableSerializer",
        "application/octet-stream",
        "IdentitySerializer",
    ),
    "deserializer": ("deserialize", "accept", "deserializers", "CallableDeserializer", "*/*", "BytesDeserializer"),
}


def _codec_class(kind: str, position: int) -> Any:
    import importlib

    spec = _CODEC_KINDS[kind]
    return getattr(importlib.import_module(f"sagemaker_lite.{spec[2]}"), spec[position])


def is_plain_function(value: Any, method: str) -> bool:
    """A v1 codec: a function (or other callable) without the v2 object's ``method``."""
    return value is not None and callable(value) and not isinstance(value, type) and not hasattr(value, method)


def wrap_plain_codecs(serializer: Any, deserializer: Any) -> tuple[Any, Any]:
    """v1 style: a plain function as serializer or deserializer becomes a codec object (with a warning)."""
    codecs = {"serializer": serializer, "deserializer": deserializer}
    for kind, codec in codecs.items():
        method, attribute, module, _, default, _ = _CODEC_KINDS[kind]
        if is_plain_function(codec, method):
            warn_deprecated(
                f"a plain function as {kind}", f"a {kind} object (sagemaker_lite.{module})", stacklevel=None
            )
            codecs[kind] = _codec_class(kind, 3)(codec, getattr(codec, attribute, default))
    return codecs["serializer"], codecs["deserializer"]


def retyped(kind: str, codec: Any, mime: str | tuple[str, ...]) -> Any:
    """The codec's encoding under another Content-Type / Accept (a copy; the original is untouched).

    ``retyped("serializer", CSVSerializer(), "text/plain")``: what ``predictor.content_type = ...``
    and v1's ``content_type=``/``accept=`` keywords mean.
    """
    import copy

    method, attribute, *_ = _CODEC_KINDS[kind]
    if attribute in vars(codec):
        changed = copy.copy(codec)
        setattr(changed, attribute, mime)
        return changed
    return _codec_class(kind, 3)(getattr(codec, method), mime)


def realtime_codecs(
    serializer: Any, deserializer: Any, content_type: str | None, accept: str | None
) -> tuple[Any, Any]:
    """``RealTimePredictor``'s v1 ``content_type``/``accept`` keywords folded into the codecs."""
    codecs = {"serializer": serializer, "deserializer": deserializer}
    for kind, mime in (("serializer", content_type), ("deserializer", accept)):
        codec = codecs[kind]
        if mime is None:
            continue
        if codec is None:
            codecs[kind] = _codec_class(kind, 5)(mime)
        elif is_plain_function(codec, _CODEC_KINDS[kind][0]):
            codecs[kind] = _codec_class(kind, 3)(codec, mime)
        else:
            codecs[kind] = retyped(kind, codec, mime)
    return codecs["serializer"], codecs["deserializer"]
