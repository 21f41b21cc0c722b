"""Validation helpers shared by the Debugger configuration objects and rules.

Every failure is a ``ValidationError`` naming the parameter the user typed, raised when the
object is built, so a bad Debugger setting never reaches an upload or an API call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._validation import INSTANCE_TYPE_RE, S3_URI_RE, fail
from ..errors import ValidationError


def scalar_text(parameter: str, key: str, value: Any) -> str:
    """A map value as SageMaker takes it (a string).

    Strings pass unchanged; numbers and booleans become ``str(value)`` (the official SDK
    passes them through and botocore then refuses the request; the profiler rules already
    convert this way). Anything else is an error naming ``parameter[key]``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return str(value)
    raise ValidationError(f"{parameter}[{key!r}]", value, "a string (numbers and booleans are sent as str(value))")


def string_map(parameter: str, value: Any, *, limit: int | None = None) -> dict[str, str] | None:
    """``None`` or a dict of non-empty string keys to string values (see ``scalar_text``)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        fail(parameter, value, "a dict of parameter names to string values")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            fail(parameter, value, "a dict whose keys are non-empty strings", hint=f"{key!r} is not")
        out[key] = scalar_text(parameter, key, item)
    if limit is not None and len(out) > limit:
        fail(parameter, value, f"at most {limit} entries (a SageMaker limit)")
    return out


def optional_text(parameter: str, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        fail(parameter, value, "a non-empty string")


def optional_s3_uri(parameter: str, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and S3_URI_RE.match(value)):
        fail(parameter, value, "an S3 URI such as 's3://bucket/prefix'")


def optional_container_path(parameter: str, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and value.startswith("/")):
        fail(parameter, value, "an absolute path inside the container, such as '/opt/ml/output/tensors'")


def optional_instance_type(parameter: str, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and INSTANCE_TYPE_RE.match(value)):
        fail(parameter, value, "an instance type such as 'ml.m5.xlarge'")


def optional_volume(parameter: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        fail(parameter, value, "a positive integer (GB)")


def s3_uri_list(parameter: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        fail(parameter, value, "a list of S3 URIs")
    for item in value:
        optional_s3_uri(parameter, item)
    return list(value)


def rule_name(parameter: str, value: Any) -> None:
    if not isinstance(value, str) or not value or len(value) > 256:
        fail(parameter, value, "a rule name of 1 to 256 characters")


def matches(parameter: str, value: Any, pattern: str, example: str) -> None:
    if not isinstance(value, str) or not re.match(pattern, value):
        fail(parameter, value, f"a value like {example!r}")
