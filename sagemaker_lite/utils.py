"""The ``sagemaker.utils`` helpers notebooks import in their first cells.

    from sagemaker_lite.utils import name_from_base, unique_name_from_base, sagemaker_timestamp

    job_name = name_from_base("xgboost-churn")            # 'xgboost-churn-2026-12-07-17-30-00-123'
    bucket_prefix = unique_name_from_base("experiment")   # 'experiment-1796664600-3f2a'

Names come from ``naming`` (the module our estimators use), so a notebook's names and the
SDK's own follow one rule; the rest are small pure functions with the official names and
behaviour. Each validates its arguments and raises ``ValidationError`` naming them.
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from collections.abc import Mapping
from typing import Any

from .errors import ValidationError
from .naming import MAX_NAME_LENGTH, timestamp
from .naming import base_name_from_image as _base_name_from_image
from .naming import name_from_base as _name_from_base

__all__ = [
    "base_from_name",
    "base_name_from_image",
    "build_dict",
    "get_config_value",
    "get_short_version",
    "name_from_base",
    "name_from_image",
    "sagemaker_short_timestamp",
    "sagemaker_timestamp",
    "unique_name_from_base",
    "unique_name_from_base_uuid4",
]

_TIMESTAMPED = re.compile(r"^(.+)-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}|\d{6}-\d{4,9})")


def _base(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError("base", value, "a string used as the start of the name")
    return value


def _max_length(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("max_length", value, "a positive integer (SageMaker names allow 63 characters)")
    return value


def sagemaker_timestamp() -> str:
    """``'2026-12-07-17-30-00-123'``: UTC with milliseconds, as in every generated job name."""
    return timestamp()


def sagemaker_short_timestamp() -> str:
    """``'261207-1730'``: year to minute, UTC, as the official helper returns it."""
    return time.strftime("%y%m%d-%H%M", time.gmtime())


def name_from_base(base: str, max_length: int = MAX_NAME_LENGTH, short: bool = False) -> str:
    """``name_from_base("my-job")`` -> ``'my-job-2026-12-07-17-30-00-123'`` (base trimmed to fit)."""
    return _name_from_base(_base(base), _max_length(max_length), short=short)


def name_from_image(image: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """A job name from an image's repository: ``.../sagemaker-xgboost:1.7-1`` -> ``sagemaker-xgboost-<timestamp>``."""
    return name_from_base(base_name_from_image(image), max_length)


def unique_name_from_base(base: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """``'<base>-<epoch seconds>-<4 hex digits>'``, random across processes and machines."""
    stamp = str(int(time.time()))
    unique = secrets.token_hex(2)
    trimmed = _base(base)[: _max_length(max_length) - 2 - len(stamp) - len(unique)]
    return f"{trimmed}-{stamp}-{unique}"


def unique_name_from_base_uuid4(base: str, max_length: int = MAX_NAME_LENGTH) -> str:
    """``'<base>-<uuid4>'`` (base trimmed so the whole fits ``max_length``)."""
    unique = str(uuid.uuid4())
    return f"{_base(base)[: _max_length(max_length) - len(unique) - 1]}-{unique}"


def base_name_from_image(image: str, default_base_name: str | None = None) -> str:
    """The repository part of an image URI: ``123.dkr.ecr.../sagemaker-xgboost:1.7-1`` -> ``'sagemaker-xgboost'``."""
    if image is None and default_base_name is not None:
        return default_base_name
    if not isinstance(image, str) or not image:
        raise ValidationError("image", image, "an image URI such as '<registry>/<repository>:<tag>'")
    return _base_name_from_image(image, default=default_base_name or "training-job")


def base_from_name(name: str) -> str:
    """Undo ``name_from_base``: ``'my-job-2026-12-07-17-30-00-123'`` -> ``'my-job'``."""
    if not isinstance(name, str):
        raise ValidationError("name", name, "a resource name string")
    match = _TIMESTAMPED.match(name)
    return match.group(1) if match else name


def build_dict(key: str, value: Any) -> dict[str, Any]:
    """``{key: value}`` when ``value`` is truthy, else ``{}`` (for optional request fields)."""
    return {key: value} if value else {}


def get_config_value(key_path: str, config: Mapping[str, Any] | None) -> Any:
    """Walk ``"a.b.c"`` through nested dicts; ``None`` when any step is missing."""
    if not isinstance(key_path, str) or not key_path:
        raise ValidationError("key_path", key_path, "a dotted path such as 'local.local_code'")
    current: Any = config
    for key in key_path.split("."):
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def get_short_version(framework_version: str) -> str:
    """``'2.13.1'`` -> ``'2.13'``."""
    if not isinstance(framework_version, str) or not framework_version:
        raise ValidationError("framework_version", framework_version, "a version string such as '2.13.1'")
    return ".".join(framework_version.split(".")[:2])
