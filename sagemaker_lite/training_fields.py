"""Every CreateTrainingJob setting, declared once: keyword -> request path -> how it is written.

    Setting("volume_size", "ResourceConfig.VolumeSizeInGB", ALWAYS)

One table, four readers, so the wire mapping cannot drift between them:

- ``training.build_training_request`` writes every simple row (``ALWAYS``, ``NOT_NONE``,
  ``GIVEN``, ``FLAG``) with ``write_settings``, and writes the ``BY_HAND`` rows in its one
  hand-written section (each says why it is not 1:1);
- ``training.config_kwargs_from_description`` (attach) reads the simple rows back with
  ``read_settings``, so a rebuilt estimator sends the request it was described by;
- ``_request_names`` names a refused request member by the keyword the user typed;
- ``tools/estimator_settings.py`` renders docs/estimator_settings.md with the bounds and
  patterns of botocore's service model (a test fails when the page is stale).

A leaf module (no sagemaker_lite imports): ``limits`` reads it when it names a problem, and
``training`` when it builds, without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

#: written as is, always (the attach inverse falls back to the setting's default)
ALWAYS = "always"
#: written when the setting is not None
NOT_NONE = "not None"
#: written when the setting is truthy (an empty list or dict is not sent)
GIVEN = "given"
#: a bool setting, sent as the row's ``flag`` constant when true and left out when false
FLAG = "flag"
#: written by hand in ``training.build_training_request`` (see the row's ``note``)
BY_HAND = "by hand"
#: an argument of ``fit()``/``attach()`` rather than a constructor setting
CALL = "fit() argument"


class Setting(NamedTuple):
    keyword: str
    path: str  #: dotted request path, as ``limits.constraints_for`` takes it
    write: str
    flag: Any = None
    note: str = ""


_ALG = "AlgorithmSpecification."
_IMAGE_CONFIG = _ALG + "TrainingImageConfig."

#: In request order (the builder writes the simple rows in this order).
TRAINING_SETTINGS: tuple[Setting, ...] = (
    Setting("base_job_name", "TrainingJobName", BY_HAND, note="the prefix of a generated job name"),
    Setting("job_name", "TrainingJobName", CALL, note="fit(job_name=...), else <base job name>-<timestamp>"),
    Setting("image_uri", _ALG + "TrainingImage", ALWAYS),
    Setting("input_mode", _ALG + "TrainingInputMode", ALWAYS),
    Setting("metric_definitions", _ALG + "MetricDefinitions", GIVEN),
    Setting("enable_sagemaker_metrics", _ALG + "EnableSageMakerMetricsTimeSeries", NOT_NONE),
    Setting("container_entry_point", _ALG + "ContainerEntrypoint", GIVEN),
    Setting("container_arguments", _ALG + "ContainerArguments", GIVEN),
    Setting("training_repository_access_mode", _IMAGE_CONFIG + "TrainingRepositoryAccessMode", GIVEN),
    Setting(
        "training_repository_credentials_provider_arn",
        _IMAGE_CONFIG + "TrainingRepositoryAuthConfig.TrainingRepositoryCredentialsProviderArn",
        GIVEN,
    ),
    Setting("role", "RoleArn", BY_HAND, note="a role name is expanded to its ARN (the Session's lookup)"),
    Setting("output_path", "OutputDataConfig.S3OutputPath", BY_HAND, note="default: the Session's output prefix"),
    Setting("output_kms_key", "OutputDataConfig.KmsKeyId", GIVEN),
    Setting("disable_output_compression", "OutputDataConfig.CompressionType", FLAG, flag="NONE"),
    Setting("instance_count", "ResourceConfig.InstanceCount", BY_HAND, note="not with instance_groups"),
    Setting("instance_type", "ResourceConfig.InstanceType", BY_HAND, note="not with instance_groups"),
    Setting("instance_groups", "ResourceConfig.InstanceGroups", BY_HAND, note="a list of InstanceGroup"),
    Setting("volume_size", "ResourceConfig.VolumeSizeInGB", ALWAYS),
    Setting("volume_kms_key", "ResourceConfig.VolumeKmsKeyId", GIVEN),
    Setting("keep_alive_period_in_seconds", "ResourceConfig.KeepAlivePeriodInSeconds", NOT_NONE),
    Setting("max_run", "StoppingCondition.MaxRuntimeInSeconds", ALWAYS),
    Setting("max_wait", "StoppingCondition.MaxWaitTimeInSeconds", NOT_NONE),
    Setting("max_pending_time", "StoppingCondition.MaxPendingTimeInSeconds", NOT_NONE),
    Setting("inputs", "InputDataConfig", CALL, note="fit(inputs=...): one channel each"),
    Setting(
        "model_uri",
        "InputDataConfig[].DataSource.S3DataSource.S3Uri",
        BY_HAND,
        note="an extra File channel named model_channel_name, content type application/x-sagemaker-model",
    ),
    Setting("model_channel_name", "InputDataConfig[].ChannelName", BY_HAND, note="the model_uri channel's name"),
    Setting("hyperparameters", "HyperParameters", BY_HAND, note="encoded per estimator; script mode adds sagemaker_*"),
    Setting("subnets", "VpcConfig.Subnets", NOT_NONE),
    Setting("security_group_ids", "VpcConfig.SecurityGroupIds", NOT_NONE),
    Setting("tags", "Tags", GIVEN),
    Setting("enable_network_isolation", "EnableNetworkIsolation", FLAG, flag=True),
    Setting("encrypt_inter_container_traffic", "EnableInterContainerTrafficEncryption", FLAG, flag=True),
    Setting("use_spot_instances", "EnableManagedSpotTraining", FLAG, flag=True),
    Setting("checkpoint_s3_uri", "CheckpointConfig.S3Uri", BY_HAND, note="CheckpointConfig only with an S3 URI"),
    Setting("checkpoint_local_path", "CheckpointConfig.LocalPath", BY_HAND, note="only with checkpoint_s3_uri"),
    Setting("environment", "Environment", GIVEN),
    Setting("max_retry_attempts", "RetryStrategy.MaximumRetryAttempts", NOT_NONE),
    Setting("experiment_config", "ExperimentConfig", CALL, note="fit(experiment_config=...)"),
    Setting("debugger_hook_config", "DebugHookConfig", BY_HAND, note="Debugger defaults depend on the region"),
    Setting("rules", "DebugRuleConfigurations", BY_HAND, note="Debugger rules"),
    Setting("rules", "ProfilerRuleConfigurations", BY_HAND, note="profiler rules"),
    Setting("profiler_config", "ProfilerConfig", BY_HAND, note="Debugger defaults depend on the region"),
    Setting("disable_profiler", "ProfilerConfig.DisableProfiler", BY_HAND, note="Debugger defaults"),
    Setting("tensorboard_output_config", "TensorBoardOutputConfig", BY_HAND, note="Debugger"),
)

SIMPLE_WRITES = (ALWAYS, NOT_NONE, GIVEN, FLAG)
_MISSING = object()


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(item) for item in value]
    return value


def simple_settings(settings: Iterable[Setting] = TRAINING_SETTINGS) -> list[Setting]:
    return [setting for setting in settings if setting.write in SIMPLE_WRITES]


def write_settings(config: Any, request: dict[str, Any], settings: Iterable[Setting] = TRAINING_SETTINGS) -> None:
    """Write every simple row of ``settings`` from ``config``'s attributes into ``request``."""
    for setting in simple_settings(settings):
        value = getattr(config, setting.keyword)
        if (setting.write == NOT_NONE and value is None) or (setting.write in (GIVEN, FLAG) and not value):
            continue
        *parents, leaf = setting.path.split(".")
        target = request
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = setting.flag if setting.write == FLAG else _copy(value)


def read_settings(
    description: Mapping[str, Any], defaults: Mapping[str, Any], settings: Iterable[Setting] = TRAINING_SETTINGS
) -> dict[str, Any]:
    """The inverse of ``write_settings``: keyword -> value, ``defaults[keyword]`` where nothing was sent."""
    found: dict[str, Any] = {}
    for setting in simple_settings(settings):
        wire: Any = description
        for part in setting.path.split("."):
            wire = wire.get(part, _MISSING) if isinstance(wire, Mapping) else _MISSING
        default = defaults[setting.keyword]
        if setting.write == FLAG:
            found[setting.keyword] = True if wire == setting.flag else default
        elif wire is _MISSING or (setting.write == GIVEN and not wire):
            found[setting.keyword] = default
        else:
            found[setting.keyword] = _copy(wire)
    return found
