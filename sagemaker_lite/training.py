"""PURE: a training plan + staged locations -> the CreateTrainingJob request (its only author).

No I/O happens here. ``TrainingConfig`` declares every CreateTrainingJob setting a user can
set, validating each as it is set (their request paths are declared once, in
``training_fields``); ``training_job_request(plan, staged)`` renders a ``plan.TrainingPlan``
and the locations staging returned into the exact dict boto3 takes, hyperparameters and code
channel included; ``build_training_request`` is its settings part. The inverse, for
``attach``, is ``training_attach.config_kwargs_from_description``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import _validation as v
from .errors import ValidationError
from .inputs import INPUT_MODES
from .training_fields import write_settings

if TYPE_CHECKING:  # pragma: no cover
    from .debugger import DebuggerHookConfig, ProfilerConfig, RuleBase, TensorBoardOutputConfig
    from .plan import Staged, TrainingPlan


# The Debugger modules (rule table, configs, request renderer) load on first use, not with
# this module: most jobs set no Debugger field, and a framework import should stay cheap.
def _check_rules(value: Any) -> list[RuleBase] | None:
    if value is None:
        return None
    from .debugger.request import check_rules

    return check_rules(value)


def _debugger_request_fields(**kwargs: Any) -> dict[str, Any]:
    from .debugger.request import debugger_request_fields

    return debugger_request_fields(**kwargs)


DEFAULT_MAX_RUN = 24 * 60 * 60
DEFAULT_VOLUME_SIZE = 30
#: the operation whose service model gives the numeric bounds (read when a value is checked)
_OP = "CreateTrainingJob"
MODEL_CHANNEL_CONTENT_TYPE = "application/x-sagemaker-model"
#: script mode with network isolation: the code archive arrives as this channel, at this path
CODE_CHANNEL = "code"
CODE_CHANNEL_ARCHIVE = "/opt/ml/input/data/code/sourcedir.tar.gz"
EXPERIMENT_CONFIG_KEYS = ("ExperimentName", "TrialName", "TrialComponentDisplayName")


def _tags(value: Any) -> list[dict[str, str]] | None:
    return v.normalize_tags(value)


def _copy_mapping(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def _hyperparameter_dict(value: Any) -> Any:
    return {} if value is None else _copy_mapping(value)


@attrs.frozen
class InstanceGroup:
    """A named group of identical instances in a heterogeneous cluster.

    ``InstanceGroup("workers", "ml.c5.xlarge", 2)``
    """

    instance_group_name: str = attrs.field(validator=v.optional_str)
    instance_type: str = attrs.field(validator=v.instance_type)
    instance_count: int = attrs.field(validator=v.int_between(1))

    def to_request(self) -> dict[str, Any]:
        return {
            "InstanceGroupName": self.instance_group_name,
            "InstanceType": self.instance_type,
            "InstanceCount": self.instance_count,
        }


@attrs.frozen(kw_only=True)
class TrainingConfig:
    """Every CreateTrainingJob setting of an estimator, validated field by field."""

    image_uri: str | None = attrs.field(default=None, validator=v.optional_str)
    role: str | None = attrs.field(default=None, validator=v.role)
    instance_count: int | None = attrs.field(default=None, validator=v.int_between(1))
    instance_type: str | None = attrs.field(default=None, validator=v.instance_type)
    instance_groups: list[InstanceGroup] | None = attrs.field(default=None)
    volume_size: int = attrs.field(
        default=DEFAULT_VOLUME_SIZE, validator=v.service_bounds(_OP, "ResourceConfig.VolumeSizeInGB")
    )
    volume_kms_key: str | None = attrs.field(default=None, validator=v.optional_str)
    max_run: int = attrs.field(
        default=DEFAULT_MAX_RUN, validator=v.service_bounds(_OP, "StoppingCondition.MaxRuntimeInSeconds")
    )
    max_wait: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, "StoppingCondition.MaxWaitTimeInSeconds")
    )
    max_pending_time: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, "StoppingCondition.MaxPendingTimeInSeconds")
    )
    input_mode: str = attrs.field(default="File", validator=v.one_of(INPUT_MODES))
    output_path: str | None = attrs.field(default=None, validator=v.s3_uri(allow_file=True))
    output_kms_key: str | None = attrs.field(default=None, validator=v.optional_str)
    disable_output_compression: bool = attrs.field(default=False, validator=v.optional_bool)
    base_job_name: str | None = attrs.field(default=None, validator=v.optional_str)
    hyperparameters: dict[str, Any] = attrs.field(factory=dict, converter=_hyperparameter_dict)
    tags: list[dict[str, str]] | None = attrs.field(default=None, converter=_tags)
    subnets: list[str] | None = attrs.field(default=None, validator=v.str_list(v.SUBNET_RE, "['subnet-0abc...']"))
    security_group_ids: list[str] | None = attrs.field(
        default=None, validator=v.str_list(v.SECURITY_GROUP_RE, "['sg-0abc...']")
    )
    model_uri: str | None = attrs.field(default=None, validator=v.s3_uri(allow_file=True))
    model_channel_name: str = attrs.field(default="model", validator=v.optional_str)
    metric_definitions: list[dict[str, str]] | None = attrs.field(default=None, validator=v.metric_definitions)
    enable_network_isolation: bool = attrs.field(default=False, validator=v.optional_bool)
    encrypt_inter_container_traffic: bool | None = attrs.field(default=None, validator=v.optional_bool)
    use_spot_instances: bool = attrs.field(default=False, validator=v.optional_bool)
    checkpoint_s3_uri: str | None = attrs.field(default=None, validator=v.s3_uri(allow_file=True))
    checkpoint_local_path: str | None = attrs.field(default=None, validator=v.optional_str)
    environment: dict[str, str] | None = attrs.field(default=None, converter=_copy_mapping, validator=v.str_mapping)
    max_retry_attempts: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, "RetryStrategy.MaximumRetryAttempts")
    )
    keep_alive_period_in_seconds: int | None = attrs.field(
        default=None, validator=v.service_bounds(_OP, "ResourceConfig.KeepAlivePeriodInSeconds")
    )
    enable_sagemaker_metrics: bool | None = attrs.field(default=None, validator=v.optional_bool)
    container_entry_point: list[str] | None = attrs.field(default=None, validator=v.str_list())
    container_arguments: list[str] | None = attrs.field(default=None, validator=v.str_list())
    training_repository_access_mode: str | None = attrs.field(default=None, validator=v.one_of(("Platform", "Vpc")))
    training_repository_credentials_provider_arn: str | None = attrs.field(default=None, validator=v.optional_str)
    debugger_hook_config: DebuggerHookConfig | bool | None = attrs.field(default=None)
    disable_profiler: bool = attrs.field(default=False, validator=v.optional_bool)
    rules: list[RuleBase] | None = attrs.field(default=None, converter=_check_rules)
    tensorboard_output_config: TensorBoardOutputConfig | None = attrs.field(default=None)
    profiler_config: ProfilerConfig | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.instance_groups is not None:
            if not isinstance(self.instance_groups, list) or not all(
                isinstance(g, InstanceGroup) for g in self.instance_groups
            ):
                raise ValidationError("instance_groups", self.instance_groups, "a list of InstanceGroup")
            if self.instance_count is not None or self.instance_type is not None:
                raise ValidationError(
                    "instance_groups",
                    self.instance_groups,
                    "instance_groups or instance_count/instance_type, not both",
                )
        elif self.instance_count is None or self.instance_type is None:
            missing = "instance_count" if self.instance_count is None else "instance_type"
            raise ValidationError(
                missing,
                None,
                "a value: both instance_count and instance_type are required "
                "(or instance_groups for a heterogeneous cluster)",
            )
        if self.max_wait is not None:
            if not self.use_spot_instances:
                raise ValidationError(
                    "max_wait",
                    self.max_wait,
                    "max_wait only with use_spot_instances=True",
                    hint="max_wait bounds the wait for spot capacity; drop it or enable spot",
                )
            if self.max_wait < self.max_run:
                raise ValidationError(
                    "max_wait",
                    self.max_wait,
                    f"an integer >= max_run ({self.max_run})",
                    hint="max_wait counts the training time as well as the wait for capacity",
                )
        if (self.subnets is None) != (self.security_group_ids is None):
            given = "subnets" if self.subnets is not None else "security_group_ids"
            raise ValidationError(
                given, getattr(self, given), "subnets together with security_group_ids (a VPC needs both)"
            )
        if self.training_repository_credentials_provider_arn and not self.training_repository_access_mode:
            raise ValidationError(
                "training_repository_credentials_provider_arn",
                self.training_repository_credentials_provider_arn,
                "this only with training_repository_access_mode='Vpc'",
            )
        if not isinstance(self.hyperparameters, dict):
            raise ValidationError("hyperparameters", self.hyperparameters, "a dict of names to values")
        for key in self.hyperparameters:
            if not isinstance(key, str):
                raise ValidationError("hyperparameters", key, "string hyperparameter names")
        from .debugger.request import check_settings

        check_settings(
            rules=self.rules,
            debugger_hook_config=self.debugger_hook_config,
            tensorboard_output_config=self.tensorboard_output_config,
            profiler_config=self.profiler_config,
            disable_profiler=self.disable_profiler,
            instance_type=self.instance_type,
        )

    def instance_types(self) -> list[str | None]:
        """Every instance type the job asks for (one, or one per instance group)."""
        if self.instance_groups:
            return [group.instance_type for group in self.instance_groups]
        return [self.instance_type]


def encode_hyperparameter(value: Any) -> str:
    """Generic-image encoding: strings as-is, numbers and bools by ``str``, containers as JSON.

    The official SDK uses ``str()`` for everything, which turns ``["a"]`` into the
    non-JSON ``"['a']"``; containers are sent as JSON instead (docs/compatibility.md).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return str(value)


def training_job_request(
    plan: TrainingPlan,
    staged: Staged,
    debugger_fields: Callable[..., dict[str, Any]] = _debugger_request_fields,
) -> dict[str, Any]:
    """The whole CreateTrainingJob request for a plan and where staging put things (pure).

        request = training_job_request(plan, staging.stage_training(plan, session))

    The one author of the request: the settings, the hyperparameters (script mode's reserved
    ``sagemaker_*`` ones and the framework's included), the code channel (network isolation)
    and the experiment config. ``debugger_fields`` is the Session's (none in local mode).
    """
    config, script = plan.config, plan.script
    user = {key: value for key, value in config.hyperparameters.items() if value is not None}
    extra_channels: list[dict[str, Any]] = []
    if script is None:
        hyperparameters = {key: encode_hyperparameter(value) for key, value in user.items()}
    else:
        submit = staged.submit_directory
        if config.enable_network_isolation and submit and submit.startswith("s3://"):
            # the container cannot reach S3: the archive comes in as the "code" channel
            extra_channels.append(_s3_channel(CODE_CHANNEL, submit))
            submit = CODE_CHANNEL_ARCHIVE
        reserved: dict[str, Any] = {
            "sagemaker_submit_directory": submit,
            "sagemaker_program": script.program,
            "sagemaker_container_log_level": script.container_log_level,
            "sagemaker_job_name": plan.job_name,
            "sagemaker_region": plan.region,
            **script.framework_hyperparameters,
        }
        model_dir = script.model_dir or staged.model_dir
        if model_dir is not None:
            reserved["model_dir"] = model_dir
        if script.json_user_values:
            hyperparameters = {key: json.dumps(value) for key, value in {**user, **reserved}.items()}
        else:
            hyperparameters = {key: encode_hyperparameter(value) for key, value in user.items()}
            hyperparameters.update((key, json.dumps(value)) for key, value in reserved.items())
    extra: dict[str, Any] = {}
    if plan.experiment_config:
        extra["ExperimentConfig"] = {
            key: value for key, value in plan.experiment_config.items() if key in EXPERIMENT_CONFIG_KEYS
        }
    return build_training_request(
        config,
        job_name=plan.job_name,
        channels=plan.channels,
        output_path=staged.output_path,
        hyperparameters=hyperparameters,
        extra_channels=extra_channels,
        role_arn=staged.role_arn,
        region=plan.region,
        extra=extra,
        rule_sources=staged.rule_sources,
        debugger_fields=debugger_fields,
    )


def _s3_channel(name: str, uri: str) -> dict[str, Any]:
    return {
        "ChannelName": name,
        "DataSource": {
            "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}
        },
    }


def build_training_request(
    config: TrainingConfig,
    *,
    job_name: str,
    channels: Sequence[Mapping[str, Any]],
    output_path: str,
    hyperparameters: Mapping[str, str],
    extra_channels: Sequence[Mapping[str, Any]] = (),
    role_arn: str | None = None,
    region: str | None = None,
    extra: Mapping[str, Any] | None = None,
    rule_sources: Mapping[str, str] | None = None,
    debugger_fields: Callable[..., dict[str, Any]] = _debugger_request_fields,
) -> dict[str, Any]:
    """The CreateTrainingJob request for ``config`` (``client.create_training_job(**request)``).

    ``output_path`` and ``role_arn`` are passed resolved (default bucket, role name -> ARN)
    so this stays free of I/O; ``hyperparameters`` arrive encoded (generic and framework
    estimators encode differently); ``region`` decides the Debugger/profiler defaults, which
    ``debugger_fields`` writes (the Session's: none in local mode); ``extra`` merges further
    top-level fields; ``rule_sources`` maps local custom-rule sources to where they were uploaded.
    """
    v.check_job_name("job_name", job_name)
    # the skeleton fixes the top-level order; every simple setting comes from the one table
    request: dict[str, Any] = {
        "TrainingJobName": job_name,
        "AlgorithmSpecification": {},
        "RoleArn": role_arn or config.role,
        "OutputDataConfig": {"S3OutputPath": output_path},
        "ResourceConfig": {},
        "StoppingCondition": {},
    }
    # --- the BY_HAND rows of training_fields (each: why it is not 1:1) ---------------------------
    # instance_groups or instance_count/instance_type, never both
    if config.instance_groups:
        request["ResourceConfig"]["InstanceGroups"] = [group.to_request() for group in config.instance_groups]
    else:
        request["ResourceConfig"].update(InstanceCount=config.instance_count, InstanceType=config.instance_type)
    # model_uri becomes a channel of its own, after the user's; the SDK's own channels (code) follow
    all_channels = [dict(channel) for channel in channels]
    if config.model_uri:
        all_channels.append(
            {
                "ChannelName": config.model_channel_name,
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": config.model_uri,
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
                "ContentType": MODEL_CHANNEL_CONTENT_TYPE,
                "InputMode": "File",
            }
        )
    all_channels.extend(dict(channel) for channel in extra_channels)
    _check_unique_channels(all_channels, len(channels), config)
    if all_channels:
        request["InputDataConfig"] = all_channels
    # encoded by the estimator (generic and script-mode encodings differ)
    if hyperparameters:
        request["HyperParameters"] = dict(hyperparameters)
    # the local path only means something with an S3 URI to sync with
    if config.checkpoint_s3_uri:
        checkpoint: dict[str, Any] = {"S3Uri": config.checkpoint_s3_uri}
        if config.checkpoint_local_path:
            checkpoint["LocalPath"] = config.checkpoint_local_path
        request["CheckpointConfig"] = checkpoint
    write_settings(config, request)
    if region is not None:
        request.update(
            debugger_fields(
                region=region,
                output_path=output_path,
                debugger_hook_config=config.debugger_hook_config,
                disable_profiler=config.disable_profiler,
                rules=config.rules,
                tensorboard_output_config=config.tensorboard_output_config,
                profiler_config=config.profiler_config,
                instance_type=config.instance_type,
                job_name=job_name,
                rule_sources=rule_sources,
            )
        )
    if extra:
        request.update(extra)
    if not request["RoleArn"]:
        del request["RoleArn"]
    return request


def _check_unique_channels(channels: Sequence[Mapping[str, Any]], user_count: int, config: TrainingConfig) -> None:
    """The SDK's channels (``model_uri``'s, network isolation's ``code``) must not take a user's channel name.

    SageMaker refuses duplicate channel names, and the official SDK refuses them before its call.
    """
    seen: set[Any] = set()
    for index, channel in enumerate(channels):
        name = channel.get("ChannelName")
        if name not in seen:
            seen.add(name)
            continue
        if index < user_count:
            raise ValidationError("inputs", name, "unique channel names")
        if config.model_uri and name == config.model_channel_name:
            raise ValidationError(
                "model_uri",
                config.model_uri,
                f"a channel name of its own: inputs already has a {name!r} channel",
                hint="pass model_channel_name='...' to name the model channel differently",
            )
        raise ValidationError(
            "inputs",
            name,
            f"channel names other than {name!r}",
            hint=f"the SDK sends the code as a {name!r} channel (enable_network_isolation=True)",
        )
