"""v1 -> v2 compatibility: one rename table, one way to warn.

Notebooks written for SageMaker Python SDK v1 keep working: every old keyword is
accepted, renamed, and a ``DeprecationWarning`` names the new spelling. Passing both
spellings is ambiguous, so it is a ``ValidationError`` rather than a silent choice.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

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


def warn_deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Emit the one DeprecationWarning format used for every v1 spelling."""
    warnings.warn(
        f"{old} is a SageMaker Python SDK v1 name and is deprecated; use {new} instead.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


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
