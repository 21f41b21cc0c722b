"""attrs validators whose errors name the parameter, the bad value and what is accepted.

The attribute name *is* the user-facing parameter name, so every message points at
the keyword the user typed. Patterns follow the SageMaker API's documented constraints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .errors import ValidationError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

INSTANCE_TYPE_RE = re.compile(r"^ml\.[a-z0-9][a-z0-9-]*\.[a-z0-9]+$")
LOCAL_INSTANCE_TYPES = ("local", "local_gpu")
#: the local instance types that see this machine's GPUs
GPU_LOCAL_INSTANCE_TYPES = ("local_gpu",)
S3_URI_RE = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])(?:/(?P<key>.*))?$")
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z\-]*:iam::\d{12}:role/[\w+=,.@\-/]{1,512}$")
ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
JOB_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
SUBNET_RE = re.compile(r"^subnet-[0-9a-z]+$")
SECURITY_GROUP_RE = re.compile(r"^sg-[0-9a-z]+$")


def fail(parameter: str, value: Any, allowed: str, hint: str | None = None) -> None:
    raise ValidationError(parameter, value, allowed, hint=hint)


def check_instance_type(parameter: str, value: Any) -> None:
    if not isinstance(value, str) or not (INSTANCE_TYPE_RE.match(value) or value in LOCAL_INSTANCE_TYPES):
        fail(parameter, value, "an instance type such as 'ml.m5.xlarge', or 'local' / 'local_gpu' for local mode")


def check_s3_uri(parameter: str, value: Any, *, allow_file: bool = False) -> None:
    if isinstance(value, str) and S3_URI_RE.match(value):
        return
    if allow_file and isinstance(value, str) and value.startswith("file://") and len(value) > len("file://"):
        return
    allowed = "an S3 URI such as 's3://bucket/prefix'"
    if allow_file:
        allowed += " (or 'file:///path' in local mode)"
    fail(parameter, value, allowed)


def split_s3_uri(uri: str, parameter: str = "s3_uri") -> tuple[str, str]:
    """``s3://bucket/a/b`` -> ``("bucket", "a/b")``; anything else raises naming ``parameter``."""
    check_s3_uri(parameter, uri)
    match = S3_URI_RE.match(uri)
    assert match is not None
    return match.group("bucket"), match.group("key") or ""


def check_role(parameter: str, value: Any) -> None:
    if isinstance(value, str) and (ROLE_ARN_RE.match(value) or ROLE_NAME_RE.match(value)):
        return
    fail(parameter, value, "an IAM role ARN such as 'arn:aws:iam::123456789012:role/SageMakerRole', or a role name")


def check_job_name(parameter: str, value: Any) -> None:
    if not isinstance(value, str) or not JOB_NAME_RE.match(value):
        fail(
            parameter,
            value,
            "1-63 characters: letters, digits and single or repeated hyphens, starting and ending "
            "with a letter or digit",
        )


# --- attrs validator factories -------------------------------------------------------


def int_between(low: int, high: int | None = None) -> Validator:
    """An int (not a bool) in [low, high]."""

    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            upper = f" and {high}" if high is not None else ""
            fail(attribute.name, value, f"an integer between {low}{upper}" if upper else f"an integer >= {low}")

    return validate


def service_bounds(operation: str, path: str) -> Validator:
    """An int (not a bool) within the bounds botocore's service model gives ``operation``'s ``path``.

    The bounds are read from the model (``limits.constraints_for``) the first time a value is
    checked, never copied here, so a newer botocore brings newer limits. A field's own default
    is not checked here: loading the model costs ~180 ms, which ``Estimator(...)`` should not
    pay for values the user did not give; the backend checks the whole request against the
    same model before it is sent (``limits.check_request``).
    """

    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None or (type(value) is int and value == attribute.default):
            return
        from .limits import constraints_for

        limits = constraints_for(operation, path)
        low = int(limits.minimum) if limits.minimum is not None else None
        high = int(limits.maximum) if limits.maximum is not None else None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            bounds = (
                f"between {low} and {high}"
                if low is not None and high is not None
                else f">= {low}"
                if low is not None
                else f"<= {high}"
                if high is not None
                else ""
            )
            fail(
                attribute.name,
                value,
                f"an integer {bounds}".rstrip(),
                hint=f"{operation}.{path} in botocore's service model",
            )

    return validate


def one_of(choices: Iterable[str]) -> Validator:
    allowed = tuple(choices)

    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value not in allowed:
            fail(attribute.name, value, "one of " + ", ".join(repr(c) for c in allowed))

    return validate


def matches(pattern: str, example: str) -> Validator:
    compiled = re.compile(pattern)

    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not compiled.match(value):
            fail(attribute.name, value, f"a value like {example}")

    return validate


def optional_str(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        fail(attribute.name, value, "a non-empty string")


def optional_bool(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        fail(attribute.name, value, "True or False")


def s3_uri(*, allow_file: bool = False) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check_s3_uri(attribute.name, value, allow_file=allow_file)

    return validate


def instance_type(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_instance_type(attribute.name, value)


def role(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_role(attribute.name, value)


def str_list(pattern: re.Pattern[str] | None = None, example: str = "") -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            fail(attribute.name, value, f"a list of strings{' such as ' + example if example else ''}")
        for item in value:
            if not isinstance(item, str) or (pattern is not None and not pattern.match(item)):
                fail(
                    attribute.name,
                    value,
                    f"a list of strings{' such as ' + example if example else ''}",
                    hint=f"{item!r} does not fit",
                )

    return validate


def str_mapping(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        fail(attribute.name, value, "a dict of strings to strings")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            fail(attribute.name, value, "a dict of strings to strings", hint=f"{key!r}: {item!r} is not str -> str")


def normalize_tags(value: Any) -> list[dict[str, str]] | None:
    """Accept ``[{"Key": k, "Value": v}, ...]`` or ``{k: v}``; values must be strings."""
    if value is None:
        return None
    allowed = "a list of {'Key': str, 'Value': str} dicts, or a dict of str -> str"
    pairs: list[tuple[Any, Any]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, (list, tuple)):
        pairs = []
        for item in value:
            if not isinstance(item, Mapping) or set(item) != {"Key", "Value"}:
                fail("tags", value, allowed, hint=f"{item!r} is not a {{'Key': ..., 'Value': ...}} dict")
            pairs.append((item["Key"], item["Value"]))
    else:
        fail("tags", value, allowed)
        return None  # unreachable; keeps type checkers content
    for key, item in pairs:
        if not isinstance(key, str) or not key or len(key) > 128:
            fail("tags", value, allowed, hint=f"tag key {key!r} must be a string of 1-128 characters")
        if not isinstance(item, str) or len(item) > 256:
            fail(
                "tags",
                value,
                allowed,
                hint=f"tag {key!r} has value {item!r}; tag values must be strings "
                f"(write {str(item)!r}) of at most 256 characters",
            )
    return [{"Key": k, "Value": v} for k, v in pairs]


def metric_definitions(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    allowed = "a list of {'Name': str, 'Regex': str} dicts"
    if not isinstance(value, (list, tuple)):
        fail(attribute.name, value, allowed)
    for item in value:
        if (
            not isinstance(item, Mapping)
            or set(item) != {"Name", "Regex"}
            or not all(isinstance(v, str) and v for v in item.values())
        ):
            fail(attribute.name, value, allowed, hint=f"{item!r} does not fit")


def dependency_paths(value: Any) -> list[str] | None:
    """``dependencies=``: a list of local paths (str or ``os.PathLike``), returned as strings."""
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)) or not isinstance(value, (list, tuple)):
        raise ValidationError("dependencies", value, "a list of local directories or files")
    for item in value:
        if not isinstance(item, (str, os.PathLike)):
            raise ValidationError(
                "dependencies", value, "a list of paths (str or pathlib.Path)", hint=f"{item!r} is not one"
            )
    return [os.fspath(item) for item in value]
