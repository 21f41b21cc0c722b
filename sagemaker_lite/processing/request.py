"""The CreateProcessingJob request: a pure function of the processor's settings and what run() staged.

    request = build_processing_request(config, job_name="prep-1", inputs=[...], outputs=[...],
                                       entrypoint=["python3", "/opt/ml/processing/input/code/p.py"],
                                       arguments=["--split", "0.2"])

No I/O here: ``run()`` stages code and local inputs first and passes the resulting
entries; this module only owns field names and order (the official SDK's, so requests
compare equal), and the inverse used by ``ProcessingJob.attach``/``Processor.attach``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .. import _validation as v
from ..network import NetworkConfig

DEFAULT_VOLUME_GB = 30
#: where the numeric bounds come from: botocore's service model, read when a value is checked
_OP = "CreateProcessingJob"
_CLUSTER = "ProcessingResources.ClusterConfig"


def _tags(value: Any) -> list[dict[str, str]] | None:
    return v.normalize_tags(value)


def _network(value: Any) -> Any:
    if isinstance(value, Mapping):
        return NetworkConfig(**value)
    return value


def _network_config(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, NetworkConfig):
        v.fail(attribute.name, value, "a sagemaker_lite.network.NetworkConfig")


def _entrypoint(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        v.fail(attribute.name, value, "a non-empty list of strings, e.g. ['python3', '/opt/ml/code/process.py']")
    if not all(isinstance(item, str) and item for item in value):
        v.fail(attribute.name, value, "a list of non-empty strings")


def _list(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@attrs.frozen(kw_only=True)
class ProcessorConfig:
    """What a user sets on a ``Processor`` (validated at construction and on assignment)."""

    role: str | None = attrs.field(default=None, validator=v.role)
    image_uri: str | None = attrs.field(default=None, validator=v.optional_str)
    instance_count: int = attrs.field(default=1, validator=v.service_bounds(_OP, f"{_CLUSTER}.InstanceCount"))
    instance_type: str | None = attrs.field(default=None, validator=v.instance_type)
    entrypoint: list[str] | None = attrs.field(default=None, converter=_list, validator=_entrypoint)
    command: list[str] | None = attrs.field(default=None, converter=_list, validator=_entrypoint)
    volume_size_in_gb: int = attrs.field(
        default=DEFAULT_VOLUME_GB, validator=v.service_bounds(_OP, f"{_CLUSTER}.VolumeSizeInGB")
    )
    volume_kms_key: str | None = attrs.field(default=None, validator=v.optional_str)
    output_kms_key: str | None = attrs.field(default=None, validator=v.optional_str)
    max_runtime_in_seconds: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, "StoppingCondition.MaxRuntimeInSeconds")
    )
    base_job_name: str | None = attrs.field(default=None, validator=v.optional_str)
    env: dict[str, str] | None = attrs.field(default=None, validator=v.str_mapping)
    tags: list[dict[str, str]] | None = attrs.field(default=None, converter=_tags)
    network_config: NetworkConfig | None = attrs.field(default=None, converter=_network, validator=_network_config)
    code_location: str | None = attrs.field(default=None, validator=v.s3_uri(allow_file=True))


def build_processing_request(
    config: ProcessorConfig,
    *,
    job_name: str,
    inputs: Sequence[Mapping[str, Any]],
    outputs: Sequence[Mapping[str, Any]],
    entrypoint: Sequence[str] | None,
    arguments: Sequence[str] | None,
    experiment_config: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The whole CreateProcessingJob request, in the official field order."""
    cluster: dict[str, Any] = {
        "InstanceType": config.instance_type,
        "InstanceCount": config.instance_count,
        "VolumeSizeInGB": config.volume_size_in_gb,
    }
    if config.volume_kms_key:
        cluster["VolumeKmsKeyId"] = config.volume_kms_key
    app: dict[str, Any] = {"ImageUri": config.image_uri}
    if arguments:
        app["ContainerArguments"] = list(arguments)
    if entrypoint:
        app["ContainerEntrypoint"] = list(entrypoint)
    request: dict[str, Any] = {
        "ProcessingJobName": job_name,
        "ProcessingResources": {"ClusterConfig": cluster},
        "AppSpecification": app,
        "RoleArn": config.role,
    }
    if inputs:
        request["ProcessingInputs"] = [dict(entry) for entry in inputs]
    if outputs:
        output_config: dict[str, Any] = {"Outputs": [dict(entry) for entry in outputs]}
        if config.output_kms_key:
            output_config["KmsKeyId"] = config.output_kms_key
        request["ProcessingOutputConfig"] = output_config
    if config.env:
        request["Environment"] = dict(config.env)
    if config.network_config is not None:
        request["NetworkConfig"] = config.network_config.to_request_dict()
    if config.max_runtime_in_seconds:
        request["StoppingCondition"] = {"MaxRuntimeInSeconds": config.max_runtime_in_seconds}
    if config.tags:
        request["Tags"] = [dict(tag) for tag in config.tags]
    if experiment_config:
        request["ExperimentConfig"] = dict(experiment_config)
    return request


def config_kwargs_from_description(description: Mapping[str, Any]) -> dict[str, Any]:
    """Processor settings back from a DescribeProcessingJob answer (for ``Processor.attach``)."""
    cluster = (description.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    app = description.get("AppSpecification") or {}
    outputs = description.get("ProcessingOutputConfig") or {}
    return {
        "role": description.get("RoleArn"),
        "image_uri": app.get("ImageUri"),
        "instance_count": cluster.get("InstanceCount", 1),
        "instance_type": cluster.get("InstanceType"),
        "entrypoint": app.get("ContainerEntrypoint"),
        "volume_size_in_gb": cluster.get("VolumeSizeInGB", DEFAULT_VOLUME_GB),
        "volume_kms_key": cluster.get("VolumeKmsKeyId"),
        "output_kms_key": outputs.get("KmsKeyId"),
        "max_runtime_in_seconds": (description.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"),
        "env": description.get("Environment") or None,
        "network_config": NetworkConfig.from_request(description.get("NetworkConfig")),
    }
