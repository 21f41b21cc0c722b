"""Estimator: train any image on SageMaker (built-in algorithms or your own container).

    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite import image_uris

    xgb = Estimator(
        image_uri=image_uris.retrieve("xgboost", "us-west-2", "1.7-1"),
        role="arn:aws:iam::123456789012:role/SageMakerRole",
        instance_count=1,
        instance_type="ml.m5.xlarge",
        output_path="s3://my-bucket/xgboost",
    )
    xgb.set_hyperparameters(objective="reg:squarederror", num_round=100)
    xgb.fit({"train": "s3://my-bucket/train", "validation": "s3://my-bucket/validation"})

Settings live in a validated, frozen ``TrainingConfig``; assigning an attribute
(``xgb.output_path = ...``) re-validates through ``attrs.evolve``. Bad settings raise
``ValidationError`` at construction or at the top of ``fit()``, before any upload or call.
Only the first four arguments are positional; the rest are keyword-only, because v1
and v2 of the official SDK put different parameters in the same positions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from . import _validation as v
from ._configured import ConfigBacked
from .compat import ESTIMATOR_RENAMES, rename_kwargs
from .debugger._fields import DEBUGGER_FIELDS
from .deploying import EstimatorHosting
from .errors import ValidationError
from .inputs import FileSystemInput, TrainingInput, channels_for_job, inputs_from_channels
from .jobs import TrainingJob
from .naming import base_name_from_image, name_from_base
from .plan import ScriptMode, TrainingPlan
from .script_config import FrameworkConfig
from .staging import entry_point_in_source, planned_training, program, stage_training, stages_under_job_prefix
from .training import EXPERIMENT_CONFIG_KEYS as EXPERIMENT_CONFIG_KEYS
from .training import TrainingConfig, training_job_request
from .training_attach import config_kwargs_from_description, data_channels_from_description


class EstimatorBase(ConfigBacked, EstimatorHosting):
    """What every estimator shares: configuration, fit, attach, model_data (hosting: ``EstimatorHosting``)."""

    _config_class: ClassVar[type[TrainingConfig]] = TrainingConfig
    #: default base job name when no image names one
    JOB_CLASS_NAME: ClassVar[str] = "training-job"
    #: a given job_name is checked unused before code is staged under ``<job>/source/``
    _CHECKS_NAME_BEFORE_STAGING: ClassVar[bool] = False

    _config: TrainingConfig

    def __init__(self, *, sagemaker_session: Any = None, **settings: Any) -> None:
        rename_kwargs(
            settings,
            ESTIMATOR_RENAMES,
            owner=type(self).__name__,
            stacklevel=5,
            accepted=attrs.fields_dict(self._config_class),
        )
        self._set_config(settings, sagemaker_session)
        if sagemaker_session is not None:  # its rules now; a default Session's at fit (none exists yet)
            sagemaker_session.check_checkpoint(self._config.checkpoint_local_path, self._config.checkpoint_s3_uri)
        self.__dict__["latest_training_job"] = None
        self.__dict__["_current_job_name"] = None
        self.__dict__["_attached_inputs"] = None

    @property
    def config(self) -> TrainingConfig:
        """The validated settings (frozen; use ``attrs.evolve`` or attribute assignment to vary)."""
        return self._config

    def _default_session(self) -> Any:
        from .session import session_for_instance_type

        groups = self._config.instance_groups
        return session_for_instance_type(groups[0].instance_type if groups else self._config.instance_type)

    # --- hyperparameters ------------------------------------------------------------

    def set_hyperparameters(self, **kwargs: Any) -> None:
        """``est.set_hyperparameters(num_round=100, objective="reg:squarederror")`` (merges)."""
        self.__dict__["_config"] = attrs.evolve(
            self._config, hyperparameters={**self._config.hyperparameters, **kwargs}
        )

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameters as given (``{"num_round": 100}``), as the official SDK returns them.

        Encoding to strings happens only in the request (``training.training_job_request``).
        """
        return {key: value for key, value in self._config.hyperparameters.items() if value is not None}

    def enable_network_isolation(self) -> bool:
        return bool(self._config.enable_network_isolation)

    def training_image_uri(self) -> str:
        if not self._config.image_uri:
            raise ValidationError("image_uri", self._config.image_uri, "the training image's ECR URI")
        return self._config.image_uri

    # --- fit --------------------------------------------------------------------------

    def _base_job_name(self, image_uri: str | None = None) -> str:
        image = image_uri or self._config.image_uri
        return self._config.base_job_name or base_name_from_image(image, self.JOB_CLASS_NAME)

    def _request_config(self, image_uri: str) -> TrainingConfig:
        """The settings the request is built from (subclasses adjust defaults per job)."""
        if image_uri == self._config.image_uri:
            return self._config
        return attrs.evolve(self._config, image_uri=image_uri)

    def _validate_before_io(self) -> None:
        """Hook: checks of local things (files) that must pass before any upload or call."""

    def _script_mode(self, config: TrainingConfig) -> ScriptMode | None:
        """Data hook: script mode's facts for ``config`` (None: the image runs as it is)."""
        return None

    @classmethod
    def _user_inputs(cls, inputs: dict[str, Any]) -> dict[str, Any]:
        """Hook: drop SDK-added channels from an attached job's inputs."""
        return inputs

    def _plan(self, inputs: Any, job_name: str | None, experiment_config: Mapping[str, str] | None) -> TrainingPlan:
        """Everything the job is, decided and validated without I/O (local files are read)."""
        session = self.sagemaker_session
        for instance_type in self._config.instance_types():
            session.check_instance_type("instance_type", instance_type)
        channels = channels_for_job(inputs, self._config, session)
        session.check_role(self._config.role, "")
        session.check_checkpoint(self._config.checkpoint_local_path, self._config.checkpoint_s3_uri)
        self._validate_before_io()
        if job_name is not None:
            v.check_job_name("job_name", job_name)
        if experiment_config is not None and (
            not isinstance(experiment_config, Mapping)
            or not all(isinstance(k, str) and isinstance(val, str) for k, val in experiment_config.items())
        ):
            raise ValidationError("experiment_config", experiment_config, "a dict of str -> str")
        image = self.training_image_uri()
        config = self._request_config(image)
        session.check_debugger(self._config, config, region=session.boto_region_name, image_uri=image)
        return TrainingPlan(
            config=config,
            job_name=job_name or name_from_base(self._base_job_name(image)),
            channels=tuple(channels),
            region=session.boto_region_name,
            experiment_config=dict(experiment_config) if experiment_config else None,
            script=self._script_mode(config),
        )

    def prepare_training_job(
        self,
        inputs: Any = None,
        job_name: str | None = None,
        experiment_config: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The whole CreateTrainingJob request ``fit()`` would send, after staging, without sending it.

            request = est.prepare_training_job({"train": "s3://bucket/train"}, job_name="my-job")

        Everything before the create happens (validation, code and rule-source uploads,
        default bucket), so the request is exactly what ``fit(inputs, job_name=...)`` sends;
        no job is created. A tuner's TrainingJobDefinition, a transformer or a pipeline step
        start from it. Plan -> stage -> build: ``plan.TrainingPlan``, ``staging.stage_training``,
        ``training.training_job_request``.
        """
        session = self.sagemaker_session
        plan = self._plan(inputs, job_name, experiment_config)
        previous_name = self.__dict__.get("_current_job_name")
        self.__dict__["_current_job_name"] = plan.job_name
        try:  # the whole request, staged locations as planned, before any upload or call
            planned = training_job_request(plan, planned_training(plan, session), session.debugger_fields)
            session.check_request("CreateTrainingJob", planned)
            if (  # generated names are unique; a given one may be taken
                job_name is not None
                and self._CHECKS_NAME_BEFORE_STAGING
                and isinstance(plan.config, FrameworkConfig)
                and stages_under_job_prefix(plan.config, session)
            ):
                TrainingJob.check_name_unused(session, plan.job_name)
        except Exception:  # refused: model_data must keep pointing at the previous job
            self.__dict__["_current_job_name"] = previous_name
            raise
        staged = stage_training(plan, session)
        request = training_job_request(plan, staged, session.debugger_fields)
        session.check_request("CreateTrainingJob", request)  # staged values too
        self.__dict__["_submit_directory"] = staged.submit_directory  # create_model serves this code
        self.__dict__["_debugger_fields"] = {key: request[key] for key in DEBUGGER_FIELDS if key in request}
        return request

    def fit(
        self,
        inputs: Any = None,
        wait: bool = True,
        logs: str | bool = "All",
        job_name: str | None = None,
        experiment_config: Mapping[str, str] | None = None,
    ) -> None:
        """Start a training job; with ``wait`` (default), block until it ends, streaming its logs.

        ``inputs``: an S3 URI, a ``TrainingInput``/``FileSystemInput``, or a dict of
        channel name -> either. ``job_name`` defaults to ``<base>-<timestamp>``.
        """
        if logs not in ("All", "None", "Training", "Rules", True, False, None):
            raise ValidationError("logs", logs, "'All', 'None', 'Training', 'Rules', True or False")
        if not isinstance(wait, bool):
            raise ValidationError("wait", wait, "True or False")
        previous_job_name = self.__dict__.get("_current_job_name")
        request = self.prepare_training_job(inputs, job_name, experiment_config)
        try:
            self.latest_training_job = TrainingJob.start_new(self.sagemaker_session, request)
        except Exception:  # e.g. the name is taken: model_data must not point at another job's model
            self.__dict__["_current_job_name"] = previous_job_name
            raise
        if wait:
            self.latest_training_job.wait(logs=logs)

    # --- Debugger -------------------------------------------------------------------------

    def _latest_job_name(self, what: str) -> str:
        job: TrainingJob | None = self.latest_training_job
        if job is None:
            raise ValidationError(
                "latest_training_job", None, "an estimator that has been fit or attached", hint=f"no {what} yet"
            )
        return job.name

    def latest_job_debugger_artifacts_path(self) -> str | None:
        """Where the Debugger hook saved tensors: ``s3://.../<job>/debug-output`` (None without a hook)."""
        from .debugger.request import artifacts_path

        name = self._latest_job_name("Debugger artifacts")
        return artifacts_path(self.__dict__.get("_debugger_fields") or {}, name, "debugger")

    def latest_job_tensorboard_artifacts_path(self) -> str | None:
        """Where TensorBoard data went: ``s3://.../<job>/tensorboard-output`` (None without a config)."""
        from .debugger.request import artifacts_path

        name = self._latest_job_name("TensorBoard artifacts")
        return artifacts_path(self.__dict__.get("_debugger_fields") or {}, name, "tensorboard")

    def latest_job_profiler_artifacts_path(self) -> str | None:
        """Where the profiler wrote: ``s3://.../<job>/profiler-output`` (None when it was disabled)."""
        from .debugger.request import artifacts_path

        name = self._latest_job_name("profiler artifacts")
        return artifacts_path(self.__dict__.get("_debugger_fields") or {}, name, "profiler")

    def rule_job_summary(self) -> list[dict[str, Any]]:
        """Every rule's evaluation status now (one DescribeTrainingJob): ``est.rule_job_summary()``.

        Debugger rules first, then profiler rules, as in DescribeTrainingJob's
        ``DebugRuleEvaluationStatuses`` / ``ProfilerRuleEvaluationStatuses``.
        """
        self._latest_job_name("rule evaluations")
        job: TrainingJob = self.latest_training_job
        return job.rule_job_summary()

    # --- after training -------------------------------------------------------------

    @property
    def model_data(self) -> str:
        """The S3 URI of the trained model (``model.tar.gz``)."""
        job: TrainingJob | None = self.latest_training_job
        if job is not None:
            uri = job.model_data
            if uri:
                return uri
        if self._current_job_name is None:
            raise ValidationError("model_data", None, "an estimator that has been fit or attached")
        base = (self._config.output_path or "").rstrip("/")
        return f"{base}/{self._current_job_name}/output/model.tar.gz"

    def describe(self) -> dict[str, Any]:
        """DescribeTrainingJob for the latest job."""
        if self.latest_training_job is None:
            raise ValidationError("latest_training_job", None, "an estimator that has been fit or attached")
        return self.latest_training_job.describe()

    @property
    def training_job_name(self) -> str | None:
        name: str | None = self.__dict__.get("_current_job_name")
        return name

    @property
    def attached_inputs(self) -> dict[str, TrainingInput | FileSystemInput] | None:
        """The channels of the attached job, ready to pass to ``fit()`` again."""
        return self._attached_inputs  # type: ignore[no-any-return]

    @classmethod
    def _init_params_from_description(cls, description: Mapping[str, Any], model_channel_name: str) -> dict[str, Any]:
        return config_kwargs_from_description(description, model_channel_name)

    @classmethod
    def attach(
        cls,
        training_job_name: str,
        sagemaker_session: Any = None,
        model_channel_name: str = "model",
        *,
        wait: bool = True,
        logs: str | bool = "None",
    ) -> Any:
        """Rebuild the estimator of an existing job: ``Estimator.attach("xgboost-2026-...")``.

        Like the official SDK it waits for the job to end (``wait=False`` returns at once);
        the rebuilt estimator's next request equals the original's, tags included.
        """
        v.check_job_name("training_job_name", training_job_name)
        if not isinstance(model_channel_name, str) or not model_channel_name:
            raise ValidationError("model_channel_name", model_channel_name, "a channel name such as 'model'")
        if not isinstance(wait, bool):
            raise ValidationError("wait", wait, "True or False")
        if logs not in ("All", "None", "Training", "Rules", True, False, None):
            raise ValidationError("logs", logs, "'All', 'None', 'Training', 'Rules', True or False")
        if sagemaker_session is None:
            from .session import Session

            sagemaker_session = Session()
        job = TrainingJob(sagemaker_session, training_job_name)
        description = job.describe()
        params = cls._init_params_from_description(description, model_channel_name)
        arn = description.get("TrainingJobArn")
        if arn:
            try:
                tags = job.polling.call(lambda: sagemaker_session.sagemaker_client.list_tags(ResourceArn=arn))
                params["tags"] = [t for t in tags.get("Tags", []) if not t["Key"].startswith("aws:")] or None
            except Exception:  # tags are a nicety; a missing sagemaker:ListTags permission must not break attach
                params.pop("tags", None)
        params = {key: value for key, value in params.items() if value is not None}
        estimator = cls(sagemaker_session=sagemaker_session, **params)
        estimator.__dict__["_debugger_fields"] = {
            key: description[key] for key in DEBUGGER_FIELDS if key in description
        }
        estimator.__dict__["latest_training_job"] = job
        estimator.__dict__["_current_job_name"] = training_job_name
        estimator.__dict__["_attached_inputs"] = cls._user_inputs(
            inputs_from_channels(data_channels_from_description(description, model_channel_name))
        )
        if wait:
            job.wait(logs=logs)
        return estimator


@attrs.frozen(kw_only=True)
class EstimatorConfig(FrameworkConfig):
    """FrameworkConfig's script-mode fields, without its ban on user ``sagemaker_*`` hyperparameters.

    A generic estimator may carry the reserved names itself (local mode's ``local-script``
    image, hand-written built-in algorithm requests); with ``entry_point`` the SDK writes them.
    """

    def __attrs_post_init__(self) -> None:
        if self.entry_point is not None:
            super().__attrs_post_init__()
            return
        TrainingConfig.__attrs_post_init__(self)
        if self.git_config is not None:
            super().__attrs_post_init__()


class Estimator(EstimatorBase):
    """A generic estimator for any training image (see the module docstring for an example).

    Bring-your-own image in script mode, as officially: with ``entry_point`` (plus
    ``source_dir``/``dependencies``) the code is packed and uploaded as for a framework, and
    the reserved ``sagemaker_program``/``sagemaker_submit_directory``/... hyperparameters are
    added JSON-encoded after the user's own (JSON-encoded too when there is a ``source_dir``,
    plain strings otherwise, as the official ``Estimator`` does)::

        Estimator(image_uri=my_image, entry_point="train.py", source_dir="src", role=role,
                  instance_count=1, instance_type="ml.m5.xlarge").fit("s3://bucket/train")

    The staging steps are the ``Framework`` ones, borrowed rather than inherited: a generic
    estimator is not a ``Framework`` (the tuner and attach treat those differently).
    """

    _config_class: ClassVar[type[TrainingConfig]] = EstimatorConfig

    def __init__(
        self,
        image_uri: str | None = None,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        *,
        sagemaker_session: Any = None,
        **kwargs: Any,
    ) -> None:
        settings = dict(kwargs)
        for key, value in (
            ("image_uri", image_uri),
            ("role", role),
            ("instance_count", instance_count),
            ("instance_type", instance_type),
        ):
            if value is not None:
                settings[key] = value
        super().__init__(sagemaker_session=sagemaker_session, **settings)

    # --- script mode (only with entry_point): the staging steps are staging.py's -------------

    def _validate_before_io(self) -> None:
        if getattr(self._config, "entry_point", None) is not None:
            entry_point_in_source(self._config)  # type: ignore[arg-type]

    def _script_mode(self, config: TrainingConfig) -> ScriptMode | None:
        if not isinstance(config, FrameworkConfig) or config.entry_point is None:
            return None
        # as officially: with a source_dir every value is JSON-encoded, else only the reserved ones
        return ScriptMode(
            program=program(config),
            container_log_level=config.container_log_level,
            json_user_values=bool(config.source_dir),
        )
