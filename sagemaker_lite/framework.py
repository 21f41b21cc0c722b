"""Framework: script mode — your ``train.py`` runs inside a SageMaker framework container.

    from sagemaker_lite.tensorflow import TensorFlow

    est = TensorFlow(entry_point="train.py", source_dir="src", framework_version="2.13",
                     py_version="py310", instance_count=1, instance_type="ml.m5.xlarge",
                     role=role, hyperparameters={"epochs": 10})
    est.fit({"train": "s3://bucket/train"})

``source_dir`` (with its ``requirements.txt``, which the container installs) is packed into
``sourcedir.tar.gz`` and uploaded to ``<code_location or output bucket>/<job>/source/``;
the container finds it through reserved hyperparameters (``sagemaker_program``,
``sagemaker_submit_directory``, ...). Every hyperparameter value is JSON-encoded, because
the framework containers JSON-decode them before passing them to the script as
``--name value`` arguments (the generic ``Estimator`` sends plain strings instead, as
built-in algorithms expect; see docs/compatibility.md).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .errors import ValidationError
from .estimator import EstimatorBase
from .plan import ScriptMode
from .script_config import CODE_CHANNEL as CODE_CHANNEL
from .script_config import CODE_CHANNEL_ARCHIVE as CODE_CHANNEL_ARCHIVE
from .script_config import RESERVED_PREFIX as RESERVED_PREFIX
from .script_config import SOURCE_ARCHIVE as SOURCE_ARCHIVE
from .script_config import FrameworkConfig as FrameworkConfig
from .staging import entry_point_in_source, program
from .training import TrainingConfig


class Framework(EstimatorBase):
    """Base of script-mode estimators; subclasses give the image and framework specifics."""

    _config_class: ClassVar[type[TrainingConfig]] = FrameworkConfig
    _config: FrameworkConfig

    #: a given job_name is checked unused before the code is staged under ``<job>/source/``
    _CHECKS_NAME_BEFORE_STAGING: ClassVar[bool] = True

    def _validate_before_io(self) -> None:
        entry_point_in_source(self._config)

    # --- hosting --------------------------------------------------------------------------

    def create_model(
        self,
        image_uri: str | None = None,
        role: str | None = None,
        vpc_config_override: Any = "VPC_CONFIG_DEFAULT",
        **kwargs: Any,
    ) -> Any:
        """A ``Model`` on the inference image you name: ``est.create_model(image_uri=inference_image)``.

        A framework's training image is not its inference image, so the bare ``Framework`` base
        refuses to guess (the framework estimators choose their inference image themselves).
        """
        if image_uri is None:
            raise ValidationError(
                "image_uri",
                None,
                "the inference image's ECR URI (a training image cannot serve the model)",
                hint="use PyTorch/SKLearn/XGBoost/HuggingFace/TensorFlow, or create_model(image_uri=...)",
            )
        return super().create_model(image_uri, role, vpc_config_override, **kwargs)

    # --- script mode as data: the code is staged by staging.py, the request built by training.py ---

    def _framework_hyperparameters(self) -> dict[str, Any]:
        """Data hook: the framework's reserved hyperparameters (distribution flags), from the settings."""
        return {}

    def _model_dir_settings(self) -> dict[str, str]:
        """Data hook: ``ScriptMode.model_dir`` / ``model_dir_template`` (TensorFlow's model_dir)."""
        return {}

    def _script_mode(self, config: TrainingConfig) -> ScriptMode:
        assert isinstance(config, FrameworkConfig)
        return ScriptMode(
            program=program(config),
            container_log_level=config.container_log_level,
            framework_hyperparameters=self._framework_hyperparameters(),
            model_dir=self._model_dir_settings().get("model_dir"),
            model_dir_template=self._model_dir_settings().get("model_dir_template"),
        )

    def hyperparameters(self) -> dict[str, str]:
        """The user's hyperparameters as they will be sent (JSON-encoded)."""
        return {k: json.dumps(val) for k, val in self._config.hyperparameters.items() if val is not None}

    @classmethod
    def _init_params_from_description(cls, description: Any, model_channel_name: str) -> dict[str, Any]:
        """Decode the JSON hyperparameters and turn the reserved ones back into settings."""
        params = super()._init_params_from_description(description, model_channel_name)
        decoded: dict[str, Any] = {}
        for key, value in (params.pop("hyperparameters", None) or {}).items():
            try:
                decoded[key] = json.loads(value)
            except (TypeError, ValueError):
                decoded[key] = value
        reserved = {k: val for k, val in decoded.items() if k.startswith(RESERVED_PREFIX)}
        params["hyperparameters"] = {k: val for k, val in decoded.items() if not k.startswith(RESERVED_PREFIX)}
        params["entry_point"] = reserved.get("sagemaker_program")
        submit = reserved.get("sagemaker_submit_directory")
        if submit == CODE_CHANNEL_ARCHIVE:  # network isolation: the archive came in as the code channel
            for channel in description.get("InputDataConfig") or []:
                if channel.get("ChannelName") == CODE_CHANNEL:
                    submit = channel["DataSource"]["S3DataSource"]["S3Uri"]
        if isinstance(submit, str) and submit.startswith("s3://"):
            params["source_dir"] = submit
        if isinstance(reserved.get("sagemaker_container_log_level"), int):
            params["container_log_level"] = reserved["sagemaker_container_log_level"]
        cls._settings_from_reserved(reserved, params)
        return params

    @classmethod
    def _settings_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        """Subclass hook: rebuild framework settings (distribution, model_dir) for attach."""

    @classmethod
    def _user_inputs(cls, inputs: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in inputs.items() if name != CODE_CHANNEL}
