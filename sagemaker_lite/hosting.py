"""PURE: hosting settings -> CreateModel / CreateEndpointConfig / CreateEndpoint requests.

    from sagemaker_lite.hosting import DeployConfig, build_endpoint_config_request, production_variant
    deploy = DeployConfig(initial_instance_count=1, instance_type="ml.m5.xlarge", endpoint_name="my-ep")
    build_endpoint_config_request("my-ep", [production_variant("my-model", deploy)])

The builders are functions from validated attrs objects to the exact dicts boto3 takes
(``client.create_endpoint_config(**request)``), so botocore's Stubber checks every field
name in the tests. No I/O happens here: ``Model.deploy`` is the thin shell that sends the
requests, through ``endpoints`` (create, wait for ``InService``, delete).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from . import _validation as v
from .errors import ValidationError

DEFAULT_VARIANT = "AllTraffic"
#: where the numeric bounds come from: botocore's service model, read when a value is checked
_OP = "CreateEndpointConfig"
_VARIANT = "ProductionVariants[]"
_SERVERLESS = "ProductionVariants[].ServerlessConfig"
CAPTURE_MODES = {"REQUEST": "Input", "RESPONSE": "Output", "Input": "Input", "Output": "Output"}
_TIMESTAMP_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}|\d{6}-\d{9})(-[0-9a-z]{4})?$")


def check_name(parameter: str, value: Any) -> None:
    """Model, endpoint config, endpoint and variant names share SageMaker's 63-character pattern."""
    if value is not None:
        v.check_job_name(parameter, value)


def _name(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_name(attribute.name, value)


def base_from_name(name: str) -> str:
    """``"tf-model-2026-01-02-03-04-05-678"`` -> ``"tf-model"``: re-stamp a name without stacking stamps."""
    return _TIMESTAMP_SUFFIX.sub("", name) or name


def _tags(value: Any) -> list[dict[str, str]] | None:
    return v.normalize_tags(value)


def _str_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# --- optional deploy settings ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ServerlessInferenceConfig:
    """A serverless endpoint (no instances, billed per request).

    model.deploy(serverless_inference_config=ServerlessInferenceConfig(memory_size_in_mb=4096))
    """

    memory_size_in_mb: int = attrs.field(default=2048)
    max_concurrency: int = attrs.field(default=5, validator=v.service_bounds(_OP, f"{_SERVERLESS}.MaxConcurrency"))
    provisioned_concurrency: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, f"{_SERVERLESS}.ProvisionedConcurrency")
    )

    @memory_size_in_mb.validator
    def _memory(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or value not in range(1024, 6145, 1024):
            raise ValidationError(attribute.name, value, "1024, 2048, 3072, 4096, 5120 or 6144")

    def __attrs_post_init__(self) -> None:
        if self.provisioned_concurrency is not None and self.provisioned_concurrency > self.max_concurrency:
            raise ValidationError(
                "provisioned_concurrency",
                self.provisioned_concurrency,
                f"at most max_concurrency ({self.max_concurrency})",
            )

    def to_request(self) -> dict[str, Any]:
        request: dict[str, Any] = {"MemorySizeInMB": self.memory_size_in_mb, "MaxConcurrency": self.max_concurrency}
        if self.provisioned_concurrency is not None:
            request["ProvisionedConcurrency"] = self.provisioned_concurrency
        return request


def _capture_options(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value or any(option not in CAPTURE_MODES for option in value):
        raise ValidationError(attribute.name, value, "a list of 'REQUEST' and/or 'RESPONSE'")


def _required_bool(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise ValidationError(attribute.name, value, "True or False")


@attrs.frozen
class DataCaptureConfig:
    """Capture requests/responses to S3: ``DataCaptureConfig(True, sampling_percentage=50, destination_s3_uri=...)``.

    Without ``destination_s3_uri``, captures go to ``s3://<default bucket>/model-monitor/data-capture``.
    """

    enable_capture: bool = attrs.field(validator=_required_bool)
    sampling_percentage: int = attrs.field(
        default=20, validator=v.service_bounds(_OP, "DataCaptureConfig.InitialSamplingPercentage")
    )
    destination_s3_uri: str | None = attrs.field(default=None, validator=v.s3_uri())
    kms_key_id: str | None = attrs.field(default=None, validator=v.optional_str)
    capture_options: tuple[str, ...] = attrs.field(
        default=("REQUEST", "RESPONSE"), converter=_str_tuple, validator=_capture_options
    )
    csv_content_types: tuple[str, ...] | None = attrs.field(default=None, converter=_str_tuple)
    json_content_types: tuple[str, ...] | None = attrs.field(default=None, converter=_str_tuple)
    sagemaker_session: Any = attrs.field(default=None, eq=False, repr=False)

    def to_request(self, default_destination: str | None = None) -> dict[str, Any]:
        destination = self.destination_s3_uri or default_destination
        if not destination:
            raise ValidationError("destination_s3_uri", None, "an S3 URI for the captured data")
        request: dict[str, Any] = {
            "EnableCapture": self.enable_capture,
            "InitialSamplingPercentage": self.sampling_percentage,
            "DestinationS3Uri": destination,
            "CaptureOptions": [{"CaptureMode": CAPTURE_MODES[option]} for option in self.capture_options],
        }
        if self.kms_key_id:
            request["KmsKeyId"] = self.kms_key_id
        header: dict[str, list[str]] = {}
        if self.csv_content_types:
            header["CsvContentTypes"] = list(self.csv_content_types)
        if self.json_content_types:
            header["JsonContentTypes"] = list(self.json_content_types)
        if header:
            request["CaptureContentTypeHeader"] = header
        return request


def _instance_of(cls: type) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, cls):
            raise ValidationError(attribute.name, value, f"a {cls.__name__} or None")

    return validate


@attrs.frozen(kw_only=True)
class DeployConfig:
    """Every setting of one ``deploy()`` call, validated as it is set."""

    initial_instance_count: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, f"{_VARIANT}.InitialInstanceCount")
    )
    instance_type: str | None = attrs.field(default=None, validator=v.instance_type)
    endpoint_name: str | None = attrs.field(default=None, validator=_name)
    tags: list[dict[str, str]] | None = attrs.field(default=None, converter=_tags)
    kms_key: str | None = attrs.field(default=None, validator=v.optional_str)
    data_capture_config: DataCaptureConfig | None = attrs.field(default=None, validator=_instance_of(DataCaptureConfig))
    serverless_inference_config: ServerlessInferenceConfig | None = attrs.field(
        default=None, validator=_instance_of(ServerlessInferenceConfig)
    )
    volume_size: int | None = attrs.field(default=None, validator=v.service_bounds(_OP, f"{_VARIANT}.VolumeSizeInGB"))
    model_data_download_timeout: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, f"{_VARIANT}.ModelDataDownloadTimeoutInSeconds")
    )
    container_startup_health_check_timeout: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, f"{_VARIANT}.ContainerStartupHealthCheckTimeoutInSeconds")
    )
    variant_name: str = attrs.field(default=DEFAULT_VARIANT, validator=_name)

    def __attrs_post_init__(self) -> None:
        if self.serverless_inference_config is not None:
            for name in ("instance_type", "initial_instance_count", "volume_size"):
                if getattr(self, name) is not None:
                    raise ValidationError(
                        name, getattr(self, name), "None with serverless_inference_config (serverless has no instances)"
                    )
            return
        for name in ("initial_instance_count", "instance_type"):
            if getattr(self, name) is None:
                raise ValidationError(
                    name,
                    None,
                    "a value: deploy() needs initial_instance_count and instance_type (or serverless_inference_config)",
                )


# --- pure request builders ------------------------------------------------------------------


def container_definition(image_uri: str, model_data_url: str | None, env: Mapping[str, str]) -> dict[str, Any]:
    """The PrimaryContainer of CreateModel; ``Environment`` is always sent (``{}`` too), as officially."""
    container: dict[str, Any] = {"Image": image_uri, "Environment": dict(env)}
    if model_data_url:
        container["ModelDataUrl"] = model_data_url
    return container


def build_create_model_request(
    name: str,
    role_arn: str,
    container: Mapping[str, Any],
    *,
    vpc_config: Mapping[str, Sequence[str]] | None = None,
    enable_network_isolation: bool = False,
    tags: Sequence[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """``client.create_model(**build_create_model_request("m", role, container_definition(...)))``."""
    check_name("name", name)
    request: dict[str, Any] = {"ModelName": name, "ExecutionRoleArn": role_arn, "PrimaryContainer": dict(container)}
    if vpc_config:
        request["VpcConfig"] = {key: list(value) for key, value in vpc_config.items()}
    if enable_network_isolation:
        request["EnableNetworkIsolation"] = True
    if tags:
        request["Tags"] = [dict(tag) for tag in tags]
    return request


def production_variant(model_name: str, deploy: DeployConfig) -> dict[str, Any]:
    """One ProductionVariant taking all traffic (``AllTraffic``, weight 1) unless told otherwise."""
    variant: dict[str, Any] = {"VariantName": deploy.variant_name, "ModelName": model_name}
    if deploy.serverless_inference_config is not None:
        variant["ServerlessConfig"] = deploy.serverless_inference_config.to_request()
    else:
        variant["InitialVariantWeight"] = 1
        variant["InitialInstanceCount"] = deploy.initial_instance_count
        variant["InstanceType"] = deploy.instance_type
    if deploy.volume_size is not None:
        variant["VolumeSizeInGB"] = deploy.volume_size
    if deploy.model_data_download_timeout is not None:
        variant["ModelDataDownloadTimeoutInSeconds"] = deploy.model_data_download_timeout
    if deploy.container_startup_health_check_timeout is not None:
        variant["ContainerStartupHealthCheckTimeoutInSeconds"] = deploy.container_startup_health_check_timeout
    return variant


def build_endpoint_config_request(
    name: str,
    variants: Sequence[Mapping[str, Any]],
    *,
    tags: Sequence[Mapping[str, str]] | None = None,
    kms_key: str | None = None,
    data_capture: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """CreateEndpointConfig; the config is named after the endpoint, as the official SDK names it."""
    check_name("endpoint_name", name)
    request: dict[str, Any] = {"EndpointConfigName": name, "ProductionVariants": [dict(x) for x in variants]}
    if tags:
        request["Tags"] = [dict(tag) for tag in tags]
    if kms_key:
        request["KmsKeyId"] = kms_key
    if data_capture:
        request["DataCaptureConfig"] = dict(data_capture)
    return request


def build_create_endpoint_request(
    name: str, config_name: str, tags: Sequence[Mapping[str, str]] | None = None
) -> dict[str, Any]:
    """CreateEndpoint. Without tags, ``Tags`` is left out (the official SDK sends ``[]``)."""
    check_name("endpoint_name", name)
    request: dict[str, Any] = {"EndpointName": name, "EndpointConfigName": config_name}
    if tags:
        request["Tags"] = [dict(tag) for tag in tags]
    return request


#: fields of a DescribeEndpointConfig response that a copy keeps (the rest are read-only)
_COPIED_CONFIG_FIELDS = ("KmsKeyId", "DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig")
_READ_ONLY_VARIANT_FIELDS = ("CurrentWeight", "DesiredWeight", "CurrentInstanceCount", "DesiredInstanceCount")


def endpoint_config_from_existing(
    existing: Mapping[str, Any],
    new_name: str,
    *,
    variants: Sequence[Mapping[str, Any]] | None = None,
    tags: Sequence[Mapping[str, str]] | None = None,
    kms_key: str | None = None,
    data_capture: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A CreateEndpointConfig request copying a DescribeEndpointConfig response, with overrides (update_endpoint)."""
    check_name("endpoint_config_name", new_name)
    copied = [
        {key: value for key, value in variant.items() if key not in _READ_ONLY_VARIANT_FIELDS}
        for variant in existing.get("ProductionVariants", [])
    ]
    request: dict[str, Any] = {
        "EndpointConfigName": new_name,
        "ProductionVariants": [dict(x) for x in variants] if variants else copied,
    }
    for field in _COPIED_CONFIG_FIELDS:
        if existing.get(field):
            request[field] = existing[field]
    if kms_key:
        request["KmsKeyId"] = kms_key
    if data_capture:
        request["DataCaptureConfig"] = dict(data_capture)
    if tags:
        request["Tags"] = [dict(tag) for tag in tags]
    return request
