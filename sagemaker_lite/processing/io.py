"""ProcessingInput and ProcessingOutput: where a processing job's data comes from and goes.

    from sagemaker_lite.processing import ProcessingInput, ProcessingOutput

    ProcessingInput(source="s3://bucket/raw", destination="/opt/ml/processing/input")
    ProcessingInput(source="data/local.csv", destination="/opt/ml/processing/input")  # uploaded by run()
    ProcessingOutput(source="/opt/ml/processing/output", destination="s3://bucket/processed")
    ProcessingOutput(source="/opt/ml/processing/train", output_name="train")  # default S3 location

The official keyword arguments and defaults. Values are validated at construction (the
service's enums and the ``/opt/ml/processing`` container paths); the request field is
rendered by ``to_request(name, uri)`` once ``run()`` knows the names and staged URIs,
and ``from_request`` rebuilds the object for ``ProcessingJob.attach``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .. import _validation as v
from ..errors import ValidationError

S3_DATA_TYPES = ("S3Prefix", "ManifestFile")
S3_INPUT_MODES = ("File", "Pipe")
S3_DISTRIBUTION_TYPES = ("FullyReplicated", "ShardedByS3Key")
S3_COMPRESSION_TYPES = ("None", "Gzip")
S3_UPLOAD_MODES = ("EndOfJob", "Continuous")
#: where the service lets a processing container see its data
CONTAINER_ROOT = "/opt/ml/processing"


def _container_path(parameter: str, value: Any) -> None:
    """Processing LocalPaths must sit under /opt/ml/processing (the service refuses others)."""
    if not isinstance(value, str) or not value.startswith(CONTAINER_ROOT + "/") or "/../" in value + "/":
        raise ValidationError(
            parameter, value, f"a container path under {CONTAINER_ROOT}/, e.g. {CONTAINER_ROOT}/input"
        )


def _optional_name(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value or len(value) > 256):
        v.fail(attribute.name, value, "a name of 1 to 256 characters")


@attrs.frozen
class ProcessingInput:
    """One input of a processing job: ``source`` (S3 URI, or a local path ``run()`` uploads) -> ``destination``."""

    source: str | None = attrs.field(default=None)
    destination: str | None = attrs.field(default=None)
    input_name: str | None = attrs.field(default=None, validator=_optional_name)
    s3_data_type: str = attrs.field(default="S3Prefix", validator=v.one_of(S3_DATA_TYPES))
    s3_input_mode: str = attrs.field(default="File", validator=v.one_of(S3_INPUT_MODES))
    s3_data_distribution_type: str = attrs.field(default="FullyReplicated", validator=v.one_of(S3_DISTRIBUTION_TYPES))
    s3_compression_type: str = attrs.field(default="None", validator=v.one_of(S3_COMPRESSION_TYPES))
    s3_input: Mapping[str, Any] | None = attrs.field(default=None)
    dataset_definition: Mapping[str, Any] | None = attrs.field(default=None)
    app_managed: bool = attrs.field(default=False, validator=v.optional_bool)

    def __attrs_post_init__(self) -> None:
        if self.dataset_definition is not None:
            if not isinstance(self.dataset_definition, Mapping):
                raise ValidationError(
                    "dataset_definition", self.dataset_definition, "the DatasetDefinition request field as a dict"
                )
            return
        if self.s3_input is not None:
            if not isinstance(self.s3_input, Mapping) or "S3Uri" not in self.s3_input:
                raise ValidationError("s3_input", self.s3_input, "the S3Input request field as a dict with S3Uri")
            return
        if not isinstance(self.source, str) or not self.source:
            raise ValidationError("source", self.source, "an S3 URI or a local file or directory to upload")
        _container_path("destination", self.destination)

    @property
    def needs_staging(self) -> bool:
        """A local path that ``run()`` stages (uploads, or leaves on this machine in local mode)."""
        return self.s3_input is None and self.dataset_definition is None and "://" not in str(self.source)

    def to_request(self, name: str, uri: str | None = None) -> dict[str, Any]:
        """The ``ProcessingInputs`` entry, with ``uri`` replacing a staged local source."""
        entry: dict[str, Any] = {"InputName": name, "AppManaged": bool(self.app_managed)}
        if self.dataset_definition is not None:
            entry["DatasetDefinition"] = dict(self.dataset_definition)
            return entry
        if self.s3_input is not None:
            entry["S3Input"] = dict(self.s3_input)
            return entry
        entry["S3Input"] = {
            "S3Uri": uri or self.source,
            "LocalPath": self.destination,
            "S3DataType": self.s3_data_type,
            "S3InputMode": self.s3_input_mode,
            "S3DataDistributionType": self.s3_data_distribution_type,
            "S3CompressionType": self.s3_compression_type,
        }
        return entry

    @classmethod
    def from_request(cls, entry: Mapping[str, Any]) -> ProcessingInput:
        s3 = entry.get("S3Input")
        if not s3:
            return cls(
                input_name=entry.get("InputName"),
                dataset_definition=entry.get("DatasetDefinition") or {},
                app_managed=bool(entry.get("AppManaged", False)),
            )
        return cls(
            source=s3["S3Uri"],
            destination=s3.get("LocalPath"),
            input_name=entry.get("InputName"),
            s3_data_type=s3.get("S3DataType", "S3Prefix"),
            s3_input_mode=s3.get("S3InputMode", "File"),
            s3_data_distribution_type=s3.get("S3DataDistributionType", "FullyReplicated"),
            s3_compression_type=s3.get("S3CompressionType", "None"),
            app_managed=bool(entry.get("AppManaged", False)),
        )


@attrs.frozen
class ProcessingOutput:
    """One output: the container's ``source`` directory -> ``destination`` (S3, or ``file://`` in local mode)."""

    source: str | None = attrs.field(default=None)
    destination: str | None = attrs.field(default=None, validator=v.s3_uri(allow_file=True))
    output_name: str | None = attrs.field(default=None, validator=_optional_name)
    s3_upload_mode: str = attrs.field(default="EndOfJob", validator=v.one_of(S3_UPLOAD_MODES))
    app_managed: bool = attrs.field(default=False, validator=v.optional_bool)
    feature_store_output: Mapping[str, Any] | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.feature_store_output is not None:
            if (
                not isinstance(self.feature_store_output, Mapping)
                or "FeatureGroupName" not in self.feature_store_output
            ):
                raise ValidationError("feature_store_output", self.feature_store_output, "a dict with FeatureGroupName")
            return
        _container_path("source", self.source)

    def to_request(self, name: str, destination: str) -> dict[str, Any]:
        """The ``ProcessingOutputConfig.Outputs`` entry."""
        entry: dict[str, Any] = {"OutputName": name, "AppManaged": bool(self.app_managed)}
        if self.feature_store_output is not None:
            entry["FeatureStoreOutput"] = dict(self.feature_store_output)
            return entry
        entry["S3Output"] = {"S3Uri": destination, "LocalPath": self.source, "S3UploadMode": self.s3_upload_mode}
        return entry

    @classmethod
    def from_request(cls, entry: Mapping[str, Any]) -> ProcessingOutput:
        s3 = entry.get("S3Output")
        if not s3:
            return cls(
                output_name=entry.get("OutputName"),
                feature_store_output=entry.get("FeatureStoreOutput") or {"FeatureGroupName": ""},
                app_managed=bool(entry.get("AppManaged", False)),
            )
        return cls(
            source=s3.get("LocalPath"),
            destination=s3.get("S3Uri"),
            output_name=entry.get("OutputName"),
            s3_upload_mode=s3.get("S3UploadMode", "EndOfJob"),
            app_managed=bool(entry.get("AppManaged", False)),
        )
