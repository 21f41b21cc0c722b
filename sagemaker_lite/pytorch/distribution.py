"""PyTorch distributed training: which strategies run where, and the hyperparameters they become.

    distribution={"torch_distributed": {"enabled": True}}           # torchrun (GPU, Trainium)
    distribution={"pytorchddp": {"enabled": True}}                  # = smdistributed dataparallel
    distribution={"smdistributed": {"dataparallel": {"enabled": True}}}
    distribution={"smdistributed": {"modelparallel": {"enabled": True, "parameters": {...}}},
                  "mpi": {"enabled": True, "processes_per_host": 8}}
    distribution={"mpi": {"enabled": True, "processes_per_host": 2}}

The rules are the official SDK's (v2.257.7 ``fw_utils``): SMDDP runs on a few GPU instance
types with listed PyTorch versions, torch_distributed on GPU (listed versions) or Trainium,
Trainium runs torch_distributed only, and ``pytorchddp`` is sent as SMDDP.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._validation import GPU_LOCAL_INSTANCE_TYPES
from ..errors import ValidationError

STRATEGIES = ("torch_distributed", "pytorchddp", "smdistributed", "mpi", "parameter_server", "pytorchxla")
SMDDP_INSTANCE_TYPES = ("ml.p3.16xlarge", "ml.p3dn.24xlarge", "ml.p4d.24xlarge", "ml.p4de.24xlarge", "local_gpu")
SMDDP_VERSIONS = (
    "1.6",
    "1.6.0",
    "1.7",
    "1.7.1",
    "1.8",
    "1.8.0",
    "1.8.1",
    "1.9",
    "1.9.0",
    "1.9.1",
    "1.10",
    "1.10.0",
    "1.10.2",
    "1.11",
    "1.11.0",
    "1.12",
    "1.12.0",
    "1.12.1",
    "1.13.1",
    "2.0.0",
    "2.0.1",
    "2.1.0",
    "2.1.2",
    "2.2.0",
)
TORCH_DISTRIBUTED_GPU_VERSIONS = (
    "1.13.1",
    "2.0.0",
    "2.0.1",
    "2.1.0",
    "2.1.2",
    "2.2.0",
    "2.3.0",
    "2.3.1",
    "2.4.1",
    "2.5.1",
    "2.6.0",
    "2.7.1",
    "2.8.0",
)
TORCH_DISTRIBUTED_TRAINIUM_VERSIONS = ("1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0")
_FAMILY = re.compile(r"^ml[._]([a-z\d\-]+)\.?\w*$")


def _enabled(section: Any) -> bool:
    return isinstance(section, Mapping) and bool(section.get("enabled", False))


def _family(instance_type: str | None) -> str:
    match = _FAMILY.match(instance_type or "")
    return match.group(1) if match else ""


def is_gpu(instance_type: str | None) -> bool:
    return instance_type in GPU_LOCAL_INSTANCE_TYPES or _family(instance_type).startswith(("p", "g"))


def is_trainium(instance_type: str | None) -> bool:
    return _family(instance_type).startswith("trn")


def normalize(distribution: Mapping[str, Any]) -> dict[str, Any]:
    """``pytorchddp`` becomes ``smdistributed.dataparallel`` (what the official SDK sends)."""
    result = dict(distribution)
    if "pytorchddp" in result:
        if "smdistributed" in result:
            raise ValidationError(
                "distribution", dict(distribution), "pytorchddp or smdistributed, not both", hint="pick one"
            )
        result["smdistributed"] = {"dataparallel": result.pop("pytorchddp")}
    return result


def validate(
    distribution: Mapping[str, Any],
    *,
    framework_version: str | None,
    py_version: str | None,
    instance_type: str | None,
    image_uri: str | None,
    entry_point: str | None,
) -> None:
    """``ValidationError`` for what the official SDK refuses (see the module docstring)."""
    unknown = sorted(set(distribution) - set(STRATEGIES))
    if unknown:
        raise ValidationError("distribution", unknown[0], "keys among " + ", ".join(STRATEGIES))
    for key, section in distribution.items():
        if not isinstance(section, Mapping):
            raise ValidationError(f"distribution[{key!r}]", section, "a dict such as {'enabled': True}")
    if "pytorchxla" in distribution:
        raise ValidationError(
            "distribution",
            "pytorchxla",
            "another strategy: PyTorch XLA needs SageMaker Training Compiler, which sagemaker_lite does not support",
        )
    if is_trainium(instance_type) and distribution and list(distribution) != ["torch_distributed"]:
        raise ValidationError("distribution", dict(distribution), "{'torch_distributed': {...}} on Trainium instances")
    smdistributed = distribution.get("smdistributed")
    if smdistributed is not None:
        if len(smdistributed) > 1:
            raise ValidationError(
                "distribution['smdistributed']", dict(smdistributed), "one of dataparallel, modelparallel"
            )
        for strategy in smdistributed:
            if strategy not in ("dataparallel", "modelparallel"):
                raise ValidationError("distribution['smdistributed']", strategy, "'dataparallel' or 'modelparallel'")
        if _enabled(smdistributed.get("dataparallel")):
            if not instance_type or instance_type not in SMDDP_INSTANCE_TYPES:
                raise ValidationError("instance_type", instance_type, "one of " + ", ".join(SMDDP_INSTANCE_TYPES))
            if not image_uri:
                if framework_version not in SMDDP_VERSIONS:
                    raise ValidationError(
                        "framework_version",
                        framework_version,
                        "a version smdistributed dataparallel supports: " + ", ".join(SMDDP_VERSIONS),
                    )
                if "py3" not in (py_version or ""):
                    raise ValidationError("py_version", py_version, "py3 or later with smdistributed dataparallel")
    if _enabled(distribution.get("torch_distributed")):
        _validate_torch_distributed(framework_version, py_version, instance_type, image_uri, entry_point)


def _validate_torch_distributed(
    framework_version: str | None,
    py_version: str | None,
    instance_type: str | None,
    image_uri: str | None,
    entry_point: str | None,
) -> None:
    if not image_uri:
        if "py3" not in (py_version or ""):
            raise ValidationError("py_version", py_version, "py3 or later with torch_distributed")
        allowed: tuple[str, ...]
        if is_gpu(instance_type):
            allowed = TORCH_DISTRIBUTED_GPU_VERSIONS
        elif is_trainium(instance_type):
            allowed = TORCH_DISTRIBUTED_TRAINIUM_VERSIONS
        else:
            raise ValidationError(
                "instance_type", instance_type, "a GPU or Trainium instance type with torch_distributed"
            )
        if framework_version not in allowed:
            raise ValidationError(
                "framework_version",
                framework_version,
                f"a version torch_distributed supports on {instance_type}: " + ", ".join(allowed),
            )
    if entry_point is not None and not entry_point.endswith(".py"):
        raise ValidationError("entry_point", entry_point, "a Python file (*.py) with torch_distributed")


def hyperparameters(distribution: Mapping[str, Any], *, instance_type: str | None) -> dict[str, Any]:
    """The reserved hyperparameters for a validated, normalized distribution."""
    from ..tensorflow.distribution import distribution_hyperparameters

    if _enabled(distribution.get("torch_distributed")):
        values: dict[str, Any] = {}
        if "smdistributed" in distribution:
            values = distribution_hyperparameters(distribution, instance_type=instance_type)
        values["sagemaker_torch_distributed_enabled"] = True
        if instance_type is not None:
            values["sagemaker_instance_type"] = instance_type
        return values
    return distribution_hyperparameters(distribution, instance_type=instance_type)


def from_hyperparameters(reserved: Mapping[str, Any], mp_parameters: Any = None) -> dict[str, Any]:
    """The inverse of ``hyperparameters`` (for ``attach``)."""
    from ..tensorflow.distribution import distribution_from_hyperparameters

    distribution = distribution_from_hyperparameters(reserved, mp_parameters)
    if reserved.get("sagemaker_torch_distributed_enabled") is not None:
        distribution["torch_distributed"] = {"enabled": bool(reserved["sagemaker_torch_distributed_enabled"])}
    return distribution
