"""Resource names: ``<base>-YYYY-MM-DD-HH-MM-SS-mmm-xxxx``, valid for SageMaker, unique anywhere.

The official SDK derives names from a millisecond timestamp alone, so two processes (or
machines) starting a job in the same millisecond draw the same name, and one of them used
to adopt the other's job. The official shape is kept (its timestamp is what people sort
and read) and four random base-36 characters are added (1.7 million values per
millisecond, drawn from the OS's entropy). Within one process the same timestamp is never
handed out twice either (a later call is bumped by a millisecond).
"""

from __future__ import annotations

import os
import re
import threading
import time

MAX_NAME_LENGTH = 63
_INVALID = re.compile(r"[^a-zA-Z0-9-]+")
_IMAGE_REPO = re.compile(r"^(?:.+/)?(?P<repo>[^:/@]+)(?::[^:/]+)?(?:@.+)?$")

_ENTROPY_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
ENTROPY_LENGTH = 4

_lock = threading.Lock()
_last_millis = 0


def _unique_millis() -> int:
    global _last_millis
    with _lock:
        now = time.time_ns() // 1_000_000
        if now <= _last_millis:
            now = _last_millis + 1
        _last_millis = now
        return now


def timestamp(short: bool = False) -> str:
    """``YYYY-MM-DD-HH-MM-SS-mmm`` (UTC), or ``YYMMDD-HHMMSSmmm`` when short."""
    millis = _unique_millis()
    seconds, ms = divmod(millis, 1000)
    moment = time.gmtime(seconds)
    if short:
        return time.strftime("%y%m%d-%H%M%S", moment) + f"{ms:03d}"
    return time.strftime("%Y-%m-%d-%H-%M-%S", moment) + f"-{ms:03d}"


def sanitize_base(base: str) -> str:
    """Turn anything into a valid name stem: invalid runs become '-', ends trimmed."""
    cleaned = _INVALID.sub("-", base).strip("-")
    return cleaned or "sagemaker"


def entropy() -> str:
    """``ENTROPY_LENGTH`` random lowercase letters and digits from ``os.urandom`` (never seeded by user code).

    Rejection sampling keeps every character equally likely; ``os.urandom`` rather than
    ``secrets`` keeps hmac/hashlib out of ``import sagemaker_lite.estimator``.
    """
    size = len(_ENTROPY_ALPHABET)
    limit = 256 - 256 % size
    out: list[str] = []
    while len(out) < ENTROPY_LENGTH:
        out.extend(_ENTROPY_ALPHABET[b % size] for b in os.urandom(ENTROPY_LENGTH * 2) if b < limit)
    return "".join(out[:ENTROPY_LENGTH])


def name_from_base(base: str, max_length: int = MAX_NAME_LENGTH, short: bool = False) -> str:
    """``name_from_base("xgboost")`` -> ``"xgboost-2026-11-21-21-47-35-123-k3f9"``."""
    stamp = f"{timestamp(short)}-{entropy()}"
    stem = sanitize_base(base)[: max_length - len(stamp) - 1].rstrip("-") or "sagemaker"
    return f"{stem}-{stamp}"


def base_name_from_image(image_uri: str | None, default: str = "training-job") -> str:
    """The repository part of an image URI: ``.../sagemaker-xgboost:1.7-1`` -> ``sagemaker-xgboost``."""
    if not image_uri:
        return default
    match = _IMAGE_REPO.match(image_uri)
    return sanitize_base(match.group("repo")) if match else sanitize_base(image_uri)
