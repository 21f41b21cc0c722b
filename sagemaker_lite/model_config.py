"""PURE: a Model's CreateModel-side settings, validated field by field (``ModelConfig``).

    config = ModelConfig(image_uri=image, model_data="s3://bucket/model.tar.gz", role=role)
    config.code_files()    # {"inference.py": "src/inference.py", ...}: what goes under code/

Apart from ``model.py`` so that what only needs the settings (the Session's
``endpoint_from_model_data`` shortcut, which validates and builds the same CreateModel
request) does not import ``Model``, whose default Session would close an import cycle.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from . import _validation as v
from .errors import ValidationError
from .hosting import _name

SCRIPT_DIR_IN_MODEL = "/opt/ml/model/code"
DEFAULT_CONTAINER_LOG_LEVEL = 20  # logging.INFO, without importing logging's levels for one int


def _fspath(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def _env(value: Any) -> Any:
    return {} if value is None else dict(value) if isinstance(value, Mapping) else value


def _image(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.optional_str(_, attribute, value)
    if isinstance(value, str) and value.startswith(("s3://", "file://")):
        raise ValidationError(
            attribute.name,
            value,
            "a container image URI such as '123456789012.dkr.ecr.us-west-2.amazonaws.com/repo:tag'",
            hint="this looks like model data: v2 is Model(image_uri, model_data, role), "
            "v1 was Model(model_data, image)",
        )


def _vpc(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    allowed = "{'Subnets': ['subnet-...'], 'SecurityGroupIds': ['sg-...']}"
    if not isinstance(value, Mapping) or set(value) != {"Subnets", "SecurityGroupIds"}:
        raise ValidationError(attribute.name, value, allowed)
    for key, pattern in (("Subnets", v.SUBNET_RE), ("SecurityGroupIds", v.SECURITY_GROUP_RE)):
        items = value[key]
        if (
            not isinstance(items, (list, tuple))
            or not items
            or not all(isinstance(i, str) and pattern.match(i) for i in items)
        ):
            raise ValidationError(attribute.name, value, allowed, hint=f"{key} must be a non-empty list of ids")


@attrs.frozen(kw_only=True)
class ModelConfig:
    """Every CreateModel-side setting of a ``Model``, validated field by field."""

    image_uri: str | None = attrs.field(default=None, validator=_image)
    model_data: str | None = attrs.field(default=None, validator=v.s3_uri(allow_file=True))
    role: str | None = attrs.field(default=None, validator=v.role)
    env: dict[str, str] = attrs.field(factory=dict, converter=_env, validator=v.str_mapping)
    name: str | None = attrs.field(default=None, validator=_name)
    vpc_config: dict[str, list[str]] | None = attrs.field(default=None, validator=_vpc)
    enable_network_isolation: bool = attrs.field(default=False, validator=v.optional_bool)
    entry_point: str | None = attrs.field(default=None, converter=_fspath, validator=v.optional_str)
    source_dir: str | None = attrs.field(default=None, converter=_fspath, validator=v.optional_str)
    dependencies: list[str] | None = attrs.field(default=None, converter=v.dependency_paths)
    code_location: str | None = attrs.field(default=None, validator=v.s3_uri())
    model_kms_key: str | None = attrs.field(default=None, validator=v.optional_str)
    container_log_level: int | None = attrs.field(default=DEFAULT_CONTAINER_LOG_LEVEL, validator=v.int_between(0, 50))

    def code_files(self) -> dict[str, str]:
        """What goes under ``code/`` in the repacked artifact: ``{name under code/: local path}``.

        Computed (and every path checked) before anything is sent.
        """
        if self.entry_point is None:
            if self.source_dir is not None or self.dependencies:
                given = "source_dir" if self.source_dir is not None else "dependencies"
                raise ValidationError(given, getattr(self, given), "only together with entry_point")
            return {}
        from .code import collect_tree

        files: dict[str, str] = {}
        if self.source_dir is not None:
            if self.source_dir.startswith("s3://") or not os.path.isdir(self.source_dir):
                raise ValidationError("source_dir", self.source_dir, "an existing local directory")
            if not os.path.isfile(os.path.join(self.source_dir, self.entry_point)):
                raise ValidationError("entry_point", self.entry_point, f"a file inside source_dir ({self.source_dir})")
            files.update((item.arcname, item.path) for item in collect_tree(self.source_dir))
        elif os.path.isfile(self.entry_point):
            files[os.path.basename(self.entry_point)] = self.entry_point
        else:
            raise ValidationError("entry_point", self.entry_point, "an existing local file")
        for dependency in self.dependencies or []:
            if not os.path.exists(dependency):
                raise ValidationError("dependencies", dependency, "existing local directories or files")
            files[f"lib/{os.path.basename(os.path.normpath(dependency))}"] = dependency
        return files
