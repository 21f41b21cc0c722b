"""Training inputs: where a channel's data comes from and how it is fed to the container.

    from sagemaker_lite.inputs import TrainingInput
    est.fit({
        "train": TrainingInput("s3://bucket/train", content_type="text/csv"),
        "validation": "s3://bucket/validation",
    })

Each input renders itself to one ``InputDataConfig`` channel (``to_channel(name)``);
``channels_from_inputs`` turns whatever ``fit()`` was given into the channel list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import attrs

from . import _validation as v
from .compat import warn_deprecated
from .errors import ValidationError

INPUT_MODES = ("File", "Pipe", "FastFile")
DISTRIBUTIONS = ("FullyReplicated", "ShardedByS3Key")
COMPRESSIONS = ("None", "Gzip")
RECORD_WRAPPINGS = ("None", "RecordIO")
S3_DATA_TYPES = ("S3Prefix", "ManifestFile", "AugmentedManifestFile")
FILE_SYSTEM_TYPES = ("EFS", "FSxLustre")
FILE_SYSTEM_ACCESS_MODES = ("ro", "rw")
CHANNEL_NAME_RE = r"^[A-Za-z0-9\.\-_]+$"


def _s3_or_file(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.check_s3_uri(attribute.name, value, allow_file=True)


def _shuffle_config(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, ShuffleConfig):
        raise ValidationError(attribute.name, value, "a ShuffleConfig(seed) or None")


@attrs.frozen
class ShuffleConfig:
    """``ShuffleConfig(seed=42)``: shuffle S3 object order each epoch (Pipe mode, ShardedByS3Key)."""

    seed: int = attrs.field(validator=v.int_between(0))

    def to_request(self) -> dict[str, int]:
        return {"Seed": self.seed}


@attrs.frozen
class TrainingInput:
    """One channel read from S3 (or ``file://`` in local mode).

    ``TrainingInput("s3://bucket/train", distribution="ShardedByS3Key", content_type="text/csv")``
    """

    s3_data: str = attrs.field(validator=_s3_or_file)
    distribution: str | None = attrs.field(default=None, validator=v.one_of(DISTRIBUTIONS))
    compression: str | None = attrs.field(default=None, validator=v.one_of(COMPRESSIONS))
    content_type: str | None = attrs.field(default=None, validator=v.optional_str)
    record_wrapping: str | None = attrs.field(default=None, validator=v.one_of(RECORD_WRAPPINGS))
    s3_data_type: str = attrs.field(default="S3Prefix", validator=v.one_of(S3_DATA_TYPES))
    instance_groups: list[str] | None = attrs.field(default=None, validator=v.str_list())
    input_mode: str | None = attrs.field(default=None, validator=v.one_of(INPUT_MODES))
    attribute_names: list[str] | None = attrs.field(default=None, validator=v.str_list())
    #: accepted for source compatibility; ``fit()`` refuses it (AutoML only, see ``channels_for_job``)
    target_attribute_name: str | None = attrs.field(default=None, validator=v.optional_str)
    shuffle_config: ShuffleConfig | None = attrs.field(default=None, validator=_shuffle_config)

    def __attrs_post_init__(self) -> None:
        if self.attribute_names and self.s3_data_type != "AugmentedManifestFile":
            raise ValidationError(
                "attribute_names",
                self.attribute_names,
                "attribute names only with s3_data_type='AugmentedManifestFile'",
            )

    @property
    def is_file_system(self) -> bool:
        return False

    def to_channel(self, name: str) -> dict[str, Any]:
        s3_source: dict[str, Any] = {
            "S3DataType": self.s3_data_type,
            "S3Uri": self.s3_data,
            "S3DataDistributionType": self.distribution or "FullyReplicated",
        }
        if self.attribute_names:
            s3_source["AttributeNames"] = list(self.attribute_names)
        if self.instance_groups:
            s3_source["InstanceGroupNames"] = list(self.instance_groups)
        channel: dict[str, Any] = {"ChannelName": name, "DataSource": {"S3DataSource": s3_source}}
        if self.compression is not None:
            channel["CompressionType"] = self.compression
        if self.content_type is not None:
            channel["ContentType"] = self.content_type
        if self.record_wrapping is not None:
            channel["RecordWrapperType"] = self.record_wrapping
        if self.input_mode is not None:
            channel["InputMode"] = self.input_mode
        if self.shuffle_config is not None:
            channel["ShuffleConfig"] = self.shuffle_config.to_request()
        return channel

    @classmethod
    def from_channel(cls, channel: Mapping[str, Any]) -> TrainingInput:
        """The inverse of ``to_channel`` (used by ``attach``); tolerant of omitted fields."""
        source = channel["DataSource"]["S3DataSource"]
        shuffle = channel.get("ShuffleConfig")
        distribution = source.get("S3DataDistributionType")
        return cls(
            s3_data=source["S3Uri"],
            distribution=distribution,
            compression=channel.get("CompressionType"),
            content_type=channel.get("ContentType"),
            record_wrapping=channel.get("RecordWrapperType"),
            s3_data_type=source.get("S3DataType", "S3Prefix"),
            instance_groups=source.get("InstanceGroupNames") or None,
            input_mode=channel.get("InputMode"),
            attribute_names=source.get("AttributeNames") or None,
            shuffle_config=ShuffleConfig(shuffle["Seed"]) if shuffle else None,
        )


@attrs.frozen
class FileSystemInput:
    """One channel read from EFS or FSx for Lustre (the job needs subnets and security groups).

    ``FileSystemInput("fs-0123456789abcdef0", "EFS", "/data", file_system_access_mode="ro")``
    """

    file_system_id: str = attrs.field(validator=v.matches(r"^fs-[0-9a-f]{8,40}$", "'fs-0123456789abcdef0'"))
    file_system_type: str = attrs.field(validator=v.one_of(FILE_SYSTEM_TYPES))
    directory_path: str = attrs.field(validator=v.optional_str)
    file_system_access_mode: str = attrs.field(default="ro", validator=v.one_of(FILE_SYSTEM_ACCESS_MODES))
    content_type: str | None = attrs.field(default=None, validator=v.optional_str)

    @property
    def is_file_system(self) -> bool:
        return True

    def to_channel(self, name: str) -> dict[str, Any]:
        channel: dict[str, Any] = {
            "ChannelName": name,
            "DataSource": {
                "FileSystemDataSource": {
                    "FileSystemId": self.file_system_id,
                    "FileSystemType": self.file_system_type,
                    "DirectoryPath": self.directory_path,
                    "FileSystemAccessMode": self.file_system_access_mode,
                }
            },
        }
        if self.content_type is not None:
            channel["ContentType"] = self.content_type
        return channel

    @classmethod
    def from_channel(cls, channel: Mapping[str, Any]) -> FileSystemInput:
        source = channel["DataSource"]["FileSystemDataSource"]
        return cls(
            file_system_id=source["FileSystemId"],
            file_system_type=source["FileSystemType"],
            directory_path=source["DirectoryPath"],
            file_system_access_mode=source.get("FileSystemAccessMode", "ro"),
            content_type=channel.get("ContentType"),
        )


Input: TypeAlias = "str | TrainingInput | FileSystemInput"
Inputs: TypeAlias = "str | TrainingInput | FileSystemInput | Mapping[str, str | TrainingInput | FileSystemInput] | None"


def as_input(value: Any, parameter: str = "inputs") -> TrainingInput | FileSystemInput:
    if isinstance(value, (TrainingInput, FileSystemInput)):
        return value
    if isinstance(value, str):
        v.check_s3_uri(parameter, value, allow_file=True)
        return TrainingInput(value)
    raise ValidationError(parameter, value, "an S3 URI string, a TrainingInput or a FileSystemInput")


def channels_from_inputs(inputs: Any, *, input_mode: str = "File") -> list[dict[str, Any]]:
    """Everything ``fit()`` accepts -> InputDataConfig channels (``training`` for a bare input).

    Raises ``ValidationError`` for Pipe mode over a file system (SageMaker rejects it) and
    for channel names SageMaker would refuse.
    """
    import re

    if inputs is None:
        return []
    named: Mapping[str, Any] = inputs if isinstance(inputs, Mapping) else {"training": inputs}
    channels: list[dict[str, Any]] = []
    for name, value in named.items():
        if not isinstance(name, str) or not re.match(CHANNEL_NAME_RE, name) or len(name) > 64:
            raise ValidationError("inputs", name, "channel names of 1-64 letters, digits, '.', '-' or '_'")
        item = as_input(value, parameter=f"inputs[{name!r}]")
        if isinstance(item, FileSystemInput) and input_mode == "Pipe":
            raise ValidationError(
                f"inputs[{name!r}]",
                item,
                "an S3 input when input_mode='Pipe'",
                hint="file system channels (EFS/FSx) can only be read in File mode",
            )
        channels.append(item.to_channel(name))
    return channels


def channels_for_job(inputs: Any, config: Any, session: Any) -> list[dict[str, Any]]:
    """``channels_from_inputs`` plus the checks that depend on the job's settings (VPC) and backend

    (``session.check_location``: SageMaker reads ``s3://`` only, local mode ``file://`` too).
    """
    channels = channels_from_inputs(inputs, input_mode=config.input_mode)
    named = inputs if isinstance(inputs, Mapping) else ({"training": inputs} if inputs is not None else {})
    for name, value in named.items():
        item = as_input(value, parameter=f"inputs[{name!r}]")
        if isinstance(item, FileSystemInput) and not config.subnets:
            raise ValidationError(
                f"inputs[{name!r}]",
                item,
                "a TrainingInput, or subnets and security_group_ids on the estimator",
                hint="EFS/FSx channels are reached through the job's VPC",
            )
        if isinstance(item, TrainingInput) and item.target_attribute_name is not None:
            raise ValidationError(
                f"inputs[{name!r}].target_attribute_name",
                item.target_attribute_name,
                "None for a training job",
                hint="TargetAttributeName belongs to AutoML job channels; CreateTrainingJob has no such field "
                "(the official SDK sends it and botocore refuses the call). Name the target in the "
                "algorithm's hyperparameters instead",
            )
        if isinstance(item, TrainingInput):
            session.check_location(
                f"inputs[{name!r}]", item.s3_data, hint="upload it first with session.upload_data(...)"
            )
    if config.output_path:
        session.check_location("output_path", config.output_path)
    return channels


def inputs_from_channels(channels: Sequence[Mapping[str, Any]]) -> dict[str, TrainingInput | FileSystemInput]:
    """InputDataConfig channels -> ``{name: TrainingInput | FileSystemInput}`` (for attach)."""
    result: dict[str, TrainingInput | FileSystemInput] = {}
    for channel in channels:
        source = channel.get("DataSource", {})
        if "FileSystemDataSource" in source:
            result[channel["ChannelName"]] = FileSystemInput.from_channel(channel)
        elif "S3DataSource" in source:
            result[channel["ChannelName"]] = TrainingInput.from_channel(channel)
    return result


def s3_input(*args: Any, **kwargs: Any) -> TrainingInput:
    """v1 spelling of ``TrainingInput`` (``sagemaker.session.s3_input``); warns."""
    warn_deprecated("s3_input(...)", "sagemaker_lite.inputs.TrainingInput(...)")
    return TrainingInput(*args, **kwargs)
