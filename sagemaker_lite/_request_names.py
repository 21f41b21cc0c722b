"""Request paths in the user's words: ``InputDataConfig[0]...S3Uri`` -> ``inputs['train'].s3_data``.

``limits.check_request`` finds what breaks a constraint by request path; messages should name
the argument the user typed. This table maps each operation's request paths (generic: ``[]`` for
list items, ``{}`` for map entries) to the SDK's argument names; the longest matching prefix
wins and the rest of the path is appended as it appears in the request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .training_fields import TRAINING_SETTINGS

if TYPE_CHECKING:  # pragma: no cover - limits imports this module when it names a problem
    from .limits import Problem

MODEL_CHANNEL_CONTENT_TYPE = "application/x-sagemaker-model"

#: CreateTrainingJob's paths come from the one settings table (``training_fields``); the model
#: channel's rows name a list item, which ``_channel_name`` below handles
_TRAINING = {setting.path: setting.keyword for setting in TRAINING_SETTINGS if "[" not in setting.path}
_VARIANT = "ProductionVariants[]."
NAMES: dict[str, dict[str, str]] = {
    "CreateTrainingJob": _TRAINING,
    "CreateModel": {
        "ModelName": "name",
        "ExecutionRoleArn": "role",
        "PrimaryContainer.Image": "image_uri",
        "PrimaryContainer.ModelDataUrl": "model_data",
        "PrimaryContainer.Environment": "env",
        "VpcConfig": "vpc_config",
        "Tags": "tags",
    },
    "CreateEndpointConfig": {
        "EndpointConfigName": "endpoint_name",
        _VARIANT + "InstanceType": "instance_type",
        _VARIANT + "InitialInstanceCount": "initial_instance_count",
        _VARIANT + "VolumeSizeInGB": "volume_size",
        _VARIANT + "ModelDataDownloadTimeoutInSeconds": "model_data_download_timeout",
        _VARIANT + "ContainerStartupHealthCheckTimeoutInSeconds": "container_startup_health_check_timeout",
        _VARIANT + "ServerlessConfig": "serverless_inference_config",
        _VARIANT + "ModelName": "model_name",
        _VARIANT + "VariantName": "variant_name",
        "KmsKeyId": "kms_key",
        "DataCaptureConfig": "data_capture_config",
        "DataCaptureConfig.DestinationS3Uri": "data_capture_config.destination_s3_uri",
        "DataCaptureConfig.KmsKeyId": "data_capture_config.kms_key_id",
        "DataCaptureConfig.InitialSamplingPercentage": "data_capture_config.sampling_percentage",
        "Tags": "tags",
    },
    "CreateEndpoint": {"EndpointName": "endpoint_name", "EndpointConfigName": "endpoint_name", "Tags": "tags"},
    "UpdateEndpoint": {"EndpointName": "endpoint_name", "EndpointConfigName": "endpoint_config_name"},
    "CreateTransformJob": {
        "TransformJobName": "job_name",
        "ModelName": "model_name",
        "Environment": "env",
        "MaxPayloadInMB": "max_payload",
        "MaxConcurrentTransforms": "max_concurrent_transforms",
        "TransformInput.DataSource.S3DataSource.S3Uri": "data",
        "TransformOutput.S3OutputPath": "output_path",
        "TransformResources.InstanceType": "instance_type",
        "TransformResources.InstanceCount": "instance_count",
        "Tags": "tags",
    },
    "InvokeEndpoint": {
        "EndpointName": "endpoint_name",
        "Body": "data",
        "ContentType": "content_type",
        "Accept": "accept",
        "CustomAttributes": "custom_attributes",
        "TargetModel": "target_model",
        "TargetVariant": "target_variant",
        "TargetContainerHostname": "target_container_hostname",
        "InferenceId": "inference_id",
    },
}
#: fields of a training channel, as TrainingInput / FileSystemInput call them
_CHANNEL_FIELDS = {
    "ChannelName": "",
    "DataSource.S3DataSource.S3Uri": ".s3_data",
    "DataSource.S3DataSource.AttributeNames": ".attribute_names",
    "DataSource.S3DataSource.InstanceGroupNames": ".instance_groups",
    "DataSource.FileSystemDataSource.FileSystemId": ".file_system_id",
    "DataSource.FileSystemDataSource.DirectoryPath": ".directory_path",
    "ContentType": ".content_type",
}


def _tail(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("{key}", "{value}"):
            continue
        elif text.endswith(("{key}", "{value}")):
            text += f"[{part!r}]"
        else:
            text += "." + part
    return text


def _split(path: Sequence[str | int], table: Mapping[str, str]) -> tuple[str, int] | None:
    """The table entry of the longest prefix of ``path``, and how many parts it covers."""
    best: tuple[str, int] | None = None
    generic = ""
    for count, part in enumerate(path, start=1):
        if isinstance(part, int):
            generic += "[]"
        elif part in ("{key}", "{value}"):
            generic += "{}"
        elif generic.endswith("{}"):
            continue  # the map key itself
        else:
            generic += ("." if generic else "") + part
        if generic in table:
            best = (table[generic], count)
    return best


def _channel_name(problem: Problem, request: Mapping[str, Any], index: int) -> str:
    channel = (request.get("InputDataConfig") or [None] * (index + 1))[index]
    if not isinstance(channel, Mapping):
        return f"inputs[{index}]"
    name = channel.get("ChannelName")
    if channel.get("ContentType") == MODEL_CHANNEL_CONTENT_TYPE:
        return "model_uri"
    rest = problem.path[2:]
    generic = ".".join(str(part) for part in rest if not isinstance(part, int))
    field = _CHANNEL_FIELDS.get(generic, "." + generic if generic else "")
    return f"inputs[{name!r}]{field}"


def user_name(problem: Problem, request: Mapping[str, Any]) -> str | None:
    """The user's name for the value ``problem`` is about, or None when the path maps to no argument."""
    path = problem.path
    table = NAMES.get(problem.operation, {})
    if problem.operation == "InvokeEndpoint" and len(path) == 1 and path[0] not in table:
        return f"initial_args[{path[0]!r}]"  # predict() takes extra InvokeEndpoint fields only there
    if problem.operation == "CreateTrainingJob" and len(path) >= 2 and path[0] == "InputDataConfig":
        index = path[1]
        if isinstance(index, int):
            return _channel_name(problem, request, index)
    found = _split(path, table)
    if found is None:
        return None
    name, covered = found
    rest = list(path[covered:])
    if rest and rest[0] in ("{key}", "{value}"):
        return f"{name}[{rest[1]!r}]"
    if name == "experiment_config" and rest:
        return f"experiment_config[{rest[0]!r}]"
    if name in ("tags", "rules"):
        return name
    return name + _tail(rest)
