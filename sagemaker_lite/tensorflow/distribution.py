"""Distributed training settings for TensorFlow: validation and the hyperparameters they become.

    distribution={"parameter_server": {"enabled": True}}
    distribution={"mpi": {"enabled": True, "processes_per_host": 8, "custom_mpi_options": "-verbose"}}
    distribution={"multi_worker_mirrored_strategy": {"enabled": True}}
    distribution={"smdistributed": {"dataparallel": {"enabled": True}}}
    distribution={"smdistributed": {"modelparallel": {"enabled": True, "parameters": {...}},
                  "mpi": {"enabled": True, "processes_per_host": 8}}}

The containers read these as reserved hyperparameters (``sagemaker_mpi_enabled``, ...);
the names are the SageMaker TensorFlow containers' contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.version import InvalidVersion, Version

from ..errors import ValidationError

STRATEGIES = ("parameter_server", "mpi", "multi_worker_mirrored_strategy", "smdistributed")
SMDDP_INSTANCE_TYPES = ("ml.p3.16xlarge", "ml.p3dn.24xlarge", "ml.p4d.24xlarge", "ml.p4de.24xlarge")
#: where the smdistributed dataparallel settings are accepted: those, and a local GPU
SMDDP_ACCEPTED = (*SMDDP_INSTANCE_TYPES, "local_gpu")
SMDDP_MAX_TF = Version("2.11")
MWMS_MIN_TF = Version("2.9")


def _enabled(section: Any) -> bool:
    return isinstance(section, Mapping) and section.get("enabled") is True


def _tf_version(framework_version: str | None) -> Version | None:
    try:
        return Version(framework_version) if framework_version else None
    except InvalidVersion:
        return None


def validate_distribution(
    distribution: Any,
    *,
    framework_version: str | None,
    instance_type: str | None,
    instance_count: int | None,
) -> None:
    """Raise ValidationError for settings the containers would reject or silently ignore."""
    if not isinstance(distribution, Mapping):
        raise ValidationError("distribution", distribution, "a dict such as {'mpi': {'enabled': True}}")
    unknown = sorted(set(distribution) - set(STRATEGIES))
    if unknown:
        raise ValidationError("distribution", unknown[0], "keys among " + ", ".join(STRATEGIES))
    for key, section in distribution.items():
        if not isinstance(section, Mapping):
            raise ValidationError(f"distribution[{key!r}]", section, "a dict such as {'enabled': True}")
    mpi = distribution.get("mpi") or {}
    smdistributed = distribution.get("smdistributed") or {}
    unknown_sm = sorted(set(smdistributed) - {"dataparallel", "modelparallel"})
    if unknown_sm:
        raise ValidationError("distribution['smdistributed']", unknown_sm[0], "'dataparallel' or 'modelparallel'")
    data_parallel = _enabled(smdistributed.get("dataparallel"))
    model_parallel = _enabled(smdistributed.get("modelparallel"))
    enabled = [
        name
        for name, on in (
            ("parameter_server", _enabled(distribution.get("parameter_server"))),
            ("mpi", _enabled(mpi) and not model_parallel),
            ("multi_worker_mirrored_strategy", _enabled(distribution.get("multi_worker_mirrored_strategy"))),
            ("smdistributed dataparallel", data_parallel),
            ("smdistributed modelparallel", model_parallel),
        )
        if on
    ]
    if len(enabled) > 1:
        raise ValidationError(
            "distribution",
            dict(distribution),
            "one distribution strategy at a time",
            hint=f"{' and '.join(enabled)} are both enabled",
        )
    if "processes_per_host" in mpi:
        count = mpi["processes_per_host"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValidationError("distribution['mpi']['processes_per_host']", count, "an integer >= 1")
    if "custom_mpi_options" in mpi and not isinstance(mpi["custom_mpi_options"], str):
        raise ValidationError("distribution['mpi']['custom_mpi_options']", mpi["custom_mpi_options"], "a string")
    version = _tf_version(framework_version)
    if data_parallel:
        if instance_type not in SMDDP_ACCEPTED:
            raise ValidationError(
                "instance_type",
                instance_type,
                "one of " + ", ".join(SMDDP_INSTANCE_TYPES),
                hint="smdistributed dataparallel runs on these instance types only",
            )
        if version is not None and version > SMDDP_MAX_TF:
            raise ValidationError(
                "framework_version", framework_version, f"TensorFlow <= {SMDDP_MAX_TF} with smdistributed dataparallel"
            )
    if model_parallel and not _enabled(mpi):
        raise ValidationError(
            "distribution['mpi']",
            mpi or None,
            "{'enabled': True} with smdistributed modelparallel",
            hint="model parallelism runs under MPI",
        )
    if _enabled(distribution.get("multi_worker_mirrored_strategy")) and version is not None and version < MWMS_MIN_TF:
        raise ValidationError(
            "framework_version", framework_version, f"TensorFlow >= {MWMS_MIN_TF} with multi_worker_mirrored_strategy"
        )
    if _enabled(distribution.get("parameter_server")) and instance_count == 1:
        pass  # allowed (one worker + one server on the same host), as on SageMaker


def distribution_hyperparameters(distribution: Mapping[str, Any], *, instance_type: str | None) -> dict[str, Any]:
    """The reserved hyperparameters (JSON values) for a validated distribution."""
    values: dict[str, Any] = {}
    if "parameter_server" in distribution:
        values["sagemaker_parameter_server_enabled"] = _enabled(distribution["parameter_server"])
    if "mpi" in distribution:
        mpi = distribution["mpi"]
        values["sagemaker_mpi_enabled"] = _enabled(mpi)
        if mpi.get("processes_per_host"):
            values["sagemaker_mpi_num_of_processes_per_host"] = mpi["processes_per_host"]
        values["sagemaker_mpi_custom_mpi_options"] = mpi.get("custom_mpi_options", "")
    if "smdistributed" in distribution:
        smdistributed = distribution["smdistributed"]
        model_parallel = smdistributed.get("modelparallel") or {}
        if _enabled(model_parallel):
            values["mp_parameters"] = dict(model_parallel.get("parameters") or {})
        data_parallel = smdistributed.get("dataparallel") or {}
        values["sagemaker_distributed_dataparallel_enabled"] = _enabled(data_parallel)
        values["sagemaker_instance_type"] = instance_type
        if _enabled(data_parallel):
            values["sagemaker_distributed_dataparallel_custom_mpi_options"] = data_parallel.get(
                "custom_mpi_options", ""
            )
    if "multi_worker_mirrored_strategy" in distribution:
        values["sagemaker_multi_worker_mirrored_strategy_enabled"] = _enabled(
            distribution["multi_worker_mirrored_strategy"]
        )
    return values


def distribution_from_hyperparameters(reserved: Mapping[str, Any], mp_parameters: Any = None) -> dict[str, Any]:
    """The inverse of ``distribution_hyperparameters`` (for ``attach``)."""
    distribution: dict[str, Any] = {}
    if "sagemaker_parameter_server_enabled" in reserved:
        distribution["parameter_server"] = {"enabled": bool(reserved["sagemaker_parameter_server_enabled"])}
    if "sagemaker_mpi_enabled" in reserved:
        mpi: dict[str, Any] = {"enabled": bool(reserved["sagemaker_mpi_enabled"])}
        if reserved.get("sagemaker_mpi_num_of_processes_per_host"):
            mpi["processes_per_host"] = reserved["sagemaker_mpi_num_of_processes_per_host"]
        if reserved.get("sagemaker_mpi_custom_mpi_options"):
            mpi["custom_mpi_options"] = reserved["sagemaker_mpi_custom_mpi_options"]
        distribution["mpi"] = mpi
    if "sagemaker_distributed_dataparallel_enabled" in reserved:
        smdistributed: dict[str, Any] = {}
        data_parallel: dict[str, Any] = {"enabled": bool(reserved["sagemaker_distributed_dataparallel_enabled"])}
        if reserved.get("sagemaker_distributed_dataparallel_custom_mpi_options"):
            data_parallel["custom_mpi_options"] = reserved["sagemaker_distributed_dataparallel_custom_mpi_options"]
        if data_parallel["enabled"]:
            smdistributed["dataparallel"] = data_parallel
        if mp_parameters is not None:
            smdistributed["modelparallel"] = {"enabled": True, "parameters": mp_parameters}
        distribution["smdistributed"] = smdistributed
    if "sagemaker_multi_worker_mirrored_strategy_enabled" in reserved:
        distribution["multi_worker_mirrored_strategy"] = {
            "enabled": bool(reserved["sagemaker_multi_worker_mirrored_strategy_enabled"])
        }
    return distribution
