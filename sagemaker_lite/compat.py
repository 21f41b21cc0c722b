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


def is_plain_function(value: Any, method: str) -> bool:
    """A v1 codec: a function (or other callable) without the v2 object's ``method``."""
    return value is not None and callable(value) and not isinstance(value, type) and not hasattr(value, method)


def _serializer_for(function: Any, content_type: str) -> Any:
    from .serializers import CallableSerializer

    return CallableSerializer(function, content_type)


def _deserializer_for(function: Any, accept: str | tuple[str, ...]) -> Any:
    from .deserializers import CallableDeserializer

    return CallableDeserializer(function, accept)


def wrap_plain_codecs(serializer: Any, deserializer: Any) -> tuple[Any, Any]:
    """v1 style: a plain function as serializer or deserializer becomes a codec object (with a warning)."""
    if is_plain_function(serializer, "serialize"):
        warn_deprecated(
            "a plain function as serializer", "a serializer object (sagemaker_lite.serializers)", stacklevel=None
        )
        serializer = _serializer_for(serializer, getattr(serializer, "content_type", "application/octet-stream"))
    if is_plain_function(deserializer, "deserialize"):
        warn_deprecated(
            "a plain function as deserializer", "a deserializer object (sagemaker_lite.deserializers)", stacklevel=None
        )
        deserializer = _deserializer_for(deserializer, getattr(deserializer, "accept", "*/*"))
    return serializer, deserializer


def with_content_type(serializer: Any, content_type: str) -> Any:
    """The serializer's encoding under another Content-Type (a copy; the original is untouched)."""
    import copy

    if isinstance(getattr(serializer, "content_type", None), str) and "content_type" in vars(serializer):
        changed = copy.copy(serializer)
        changed.content_type = content_type
        return changed
    return _serializer_for(serializer.serialize, content_type)


def with_accept(deserializer: Any, accept: str | tuple[str, ...]) -> Any:
    """The deserializer's decoding, asking for another Accept (a copy; the original is untouched)."""
    import copy

    if "accept" in vars(deserializer):
        changed = copy.copy(deserializer)
        changed.accept = accept
        return changed
    return _deserializer_for(deserializer.deserialize, accept)


def realtime_codecs(
    serializer: Any, deserializer: Any, content_type: str | None, accept: str | None
) -> tuple[Any, Any]:
    """``RealTimePredictor``'s v1 ``content_type``/``accept`` keywords folded into the codecs."""
    if content_type is not None:
        if serializer is None:
            from .serializers import IdentitySerializer

            serializer = IdentitySerializer(content_type)
        elif is_plain_function(serializer, "serialize"):
            serializer = _serializer_for(serializer, content_type)
        else:
            serializer = with_content_type(serializer, content_type)
    if accept is not None:
        if deserializer is None:
            from .deserializers import BytesDeserializer

            deserializer = BytesDeserializer(accept)
        elif is_plain_function(deserializer, "deserialize"):
            deserializer = _deserializer_for(deserializer, accept)
        else:
            deserializer = with_accept(deserializer, accept)
    return serializer, deserializer
