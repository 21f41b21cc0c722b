"""Script mode's settings: what ``entry_point``, ``source_dir`` and friends are, validated.

``FrameworkConfig`` is ``TrainingConfig`` plus the script-mode fields. It lives below both
``framework`` (the script-mode estimators) and ``estimator`` (whose generic ``Estimator``
takes an ``entry_point`` too), so neither imports the other.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import attrs

from . import _validation as v
from .errors import ValidationError
from .training import CODE_CHANNEL as CODE_CHANNEL
from .training import CODE_CHANNEL_ARCHIVE as CODE_CHANNEL_ARCHIVE
from .training import TrainingConfig

SOURCE_ARCHIVE = "sourcedir.tar.gz"
RESERVED_PREFIX = "sagemaker_"


def _fspath(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


@attrs.frozen(kw_only=True)
class FrameworkConfig(TrainingConfig):
    """TrainingConfig plus the script-mode settings."""

    entry_point: str | None = attrs.field(default=None, converter=_fspath, validator=v.optional_str)
    source_dir: str | None = attrs.field(default=None, converter=_fspath, validator=v.optional_str)
    dependencies: list[str] | None = attrs.field(default=None, converter=v.dependency_paths)
    code_location: str | None = attrs.field(default=None, validator=v.s3_uri())
    container_log_level: int = attrs.field(default=logging.INFO, validator=v.int_between(0, 50))
    git_config: dict[str, str] | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.git_config is not None:
            raise ValidationError(
                "git_config",
                self.git_config,
                "None: sagemaker_lite does not fetch code from git",
                hint="clone the repository yourself and pass source_dir='path/to/clone'",
            )
        reserved = sorted(k for k in self.hyperparameters if k.startswith(RESERVED_PREFIX))
        if reserved:
            raise ValidationError(
                "hyperparameters",
                reserved[0],
                "names that do not start with 'sagemaker_'",
                hint="those names are reserved for the SDK-container contract",
            )
