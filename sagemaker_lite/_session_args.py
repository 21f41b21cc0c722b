"""The checks of ``Session``'s and ``LocalSession``'s arguments, made before anything uses them.

A wrong type given to a Session used to surface much later and far away (``AttributeError``
inside botocore at the first call, ``'list' object has no attribute 'strip'``); these checks
raise ``ValidationError`` at construction, naming the argument. ``botocore_config`` accepts a
``botocore.config.Config`` or a dict of its keyword arguments (converted here, so
``Session(botocore_config={"read_timeout": 5})`` works as it reads).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ._validation import fail

URL_SCHEMES = ("http://", "https://")


def check_url(parameter: str, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.startswith(URL_SCHEMES)):
        fail(parameter, value, "an http:// or https:// URL, such as 'http://127.0.0.1:5000'")


def check_optional_str(parameter: str, value: Any, what: str) -> None:
    if value is not None and not isinstance(value, str):
        fail(parameter, value, what)


def check_session_arguments(
    *,
    boto_session: Any,
    default_bucket: Any,
    default_bucket_prefix: Any,
    region_name: Any,
    endpoint_url: Any,
    endpoint_urls: Any,
    polling: Any,
) -> None:
    """Types and shapes of the arguments every Session takes (values are checked where they are used)."""
    if boto_session is not None and not (hasattr(boto_session, "client") and hasattr(boto_session, "region_name")):
        fail("boto_session", boto_session, "a boto3.Session (or None to create one)")
    check_optional_str("default_bucket", default_bucket, "an S3 bucket name")
    check_optional_str("default_bucket_prefix", default_bucket_prefix, "a key prefix string such as 'team/project'")
    check_optional_str("region_name", region_name, "an AWS region name such as 'us-west-2'")
    check_url("endpoint_url", endpoint_url)
    if endpoint_urls is not None:
        if not isinstance(endpoint_urls, Mapping):
            fail("endpoint_urls", endpoint_urls, "a dict of service name -> URL, such as {'sagemaker': 'http://...'}")
        for service, url in endpoint_urls.items():
            if not isinstance(service, str) or not service:
                fail("endpoint_urls", endpoint_urls, "service names (str) as keys", hint=f"{service!r} is not one")
            check_url(f"endpoint_urls[{service!r}]", url)
    if polling is not None:
        from ._retry import PollingPolicy

        if not isinstance(polling, PollingPolicy):
            fail("polling", polling, "a sagemaker_lite.PollingPolicy or None")


def botocore_config(value: Any) -> Any:
    """``value`` as a ``botocore.config.Config``: a Config as is, a dict converted, None kept."""
    if value is None:
        return None
    from botocore.config import Config

    if isinstance(value, Config):
        return value
    if not isinstance(value, Mapping):
        fail(
            "botocore_config", value, "a botocore.config.Config, or a dict of its arguments such as {'read_timeout': 5}"
        )
    try:
        return Config(**value)
    except TypeError as exc:
        accepted = ", ".join(sorted(Config.OPTION_DEFAULTS))
        fail("botocore_config", dict(value), f"keys botocore.config.Config accepts: {accepted}", hint=str(exc))
    return None  # unreachable: fail raises


def check_local_arguments(*, root: Any, stop_timeout: Any, s3_endpoint_url: Any, disable_local_code: Any) -> None:
    """What only ``LocalSession`` takes."""
    if root is not None and not isinstance(root, (str, os.PathLike)):
        fail("root", root, "a directory path (str or pathlib.Path) or None for the default")
    if isinstance(stop_timeout, bool) or not isinstance(stop_timeout, (int, float)) or not stop_timeout > 0:
        fail("stop_timeout", stop_timeout, "a number of seconds > 0")
    check_url("s3_endpoint_url", s3_endpoint_url)
    if not isinstance(disable_local_code, bool):
        fail("disable_local_code", disable_local_code, "True or False")
