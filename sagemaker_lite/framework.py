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
import shutil
from pathlib import Path
from typing import Any, ClassVar

from ._warnings import warn_user
from .errors import ValidationError
from .estimator import EstimatorBase
from .script_config import CODE_CHANNEL as CODE_CHANNEL
from .script_config import CODE_CHANNEL_ARCHIVE as CODE_CHANNEL_ARCHIVE
from .script_config import RESERVED_PREFIX as RESERVED_PREFIX
from .script_config import SOURCE_ARCHIVE as SOURCE_ARCHIVE
from .script_config import FrameworkConfig as FrameworkConfig
from .training import TrainingConfig


class Framework(EstimatorBase):
    """Base of script-mode estimators; subclasses give the image and framework specifics."""

    _config_class: ClassVar[type[TrainingConfig]] = FrameworkConfig
    _config: FrameworkConfig

    # --- validation before any I/O ---------------------------------------------------

    def _entry_point_in_source(self) -> str:
        """The entry point relative to the archive root, after checking it exists."""
        config = self._config
        entry = config.entry_point
        if not entry:
            raise ValidationError("entry_point", entry, "the path of the training script, e.g. 'train.py'")
        if config.source_dir is None:
            if not Path(entry).is_file():
                raise ValidationError("entry_point", entry, "an existing file (relative to the working directory)")
            sibling = Path(entry).resolve().parent / "requirements.txt"
            if sibling.is_file():
                warn_user(
                    f"{sibling} will not be installed: without source_dir only the entry point is uploaded. "
                    f"Pass source_dir={str(Path(entry).parent)!r} and entry_point={Path(entry).name!r}.",
                )
            return Path(entry).name
        if config.source_dir.startswith("s3://"):
            if not config.source_dir.endswith(".tar.gz"):
                raise ValidationError("source_dir", config.source_dir, "an existing directory or an s3://…tar.gz URI")
            return entry  # the archive is the user's; nothing local to check
        source = Path(config.source_dir)
        if not source.is_dir():
            raise ValidationError("source_dir", config.source_dir, "an existing directory or an s3://…tar.gz URI")
        if (source / entry).is_file():
            relative = entry
        elif Path(entry).is_file() and Path(entry).resolve().is_relative_to(source.resolve()):
            relative = Path(entry).resolve().relative_to(source.resolve()).as_posix()
            warn_user(
                f"entry_point={entry!r} is taken relative to source_dir; using {relative!r}",
            )
        else:
            raise ValidationError(
                "entry_point",
                entry,
                f"a file inside source_dir={config.source_dir!r}",
                hint="the container runs the entry point from the uploaded source_dir",
            )
        if not (source / "requirements.txt").is_file():
            misplaced = sorted(str(p.relative_to(source)) for p in source.rglob("requirements.txt"))
            if misplaced:
                warn_user(
                    f"{misplaced[0]} in source_dir will not be installed: the container only installs "
                    "requirements.txt at the root of source_dir.",
                )
        for dependency in self._config.dependencies or []:
            if not Path(dependency).exists():
                raise ValidationError("dependencies", dependency, "existing local directories or files")
        return relative

    def _validate_before_io(self) -> None:
        self._entry_point_in_source()

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

    # --- code staging -----------------------------------------------------------------

    def _stage_code(self, job_name: str) -> str:
        """Pack and upload the code; returns the ``sagemaker_submit_directory`` value."""
        from . import code

        config = self._config
        session = self.sagemaker_session
        if config.source_dir and config.source_dir.startswith("s3://"):
            return config.source_dir
        entry = self._entry_point_in_source()
        # pack_source takes the entry point as given when there is no source_dir ("src/train.py")
        source_entry = entry if config.source_dir else config.entry_point or entry
        if not config.code_location:
            in_place = session.code_in_place(source_entry, config.source_dir, config.dependencies or ())
            if in_place is not None:
                return str(in_place)
        bucket, key_prefix = self._code_bucket_and_prefix(job_name)
        from .progress import wanted

        archive = code.pack_source(
            source_entry,
            config.source_dir,
            config.dependencies or (),
            progress=wanted(getattr(session, "progress", None)),
        )
        key = "/".join(part for part in (key_prefix, job_name, "source", SOURCE_ARCHIVE) if part)
        try:
            result = code.upload_source(session, archive, bucket=bucket, key=key, kms_key=config.output_kms_key)
        finally:
            shutil.rmtree(archive.path.parent, ignore_errors=True)  # reuse needs the digest, not the file
        return str(result.uri)

    def _code_bucket_and_prefix(self, job_name: str) -> tuple[str, str]:
        from .session import split_s3_uri

        config = self._config
        if config.code_location:
            bucket, prefix = split_s3_uri(config.code_location, "code_location")
            return bucket, prefix.strip("/")
        if config.output_path and config.output_path.startswith("s3://"):
            bucket, _ = split_s3_uri(config.output_path, "output_path")
            return bucket, ""
        session = self.sagemaker_session
        return session.default_bucket(), session.default_bucket_prefix or ""

    def _prepare_for_training(self, job_name: str) -> None:
        self.__dict__["_submit_directory"] = self._stage_code(job_name)

    def _plan_staging(self, job_name: str) -> None:
        """Where ``_stage_code`` will put the code, without packing, uploading or a bucket lookup."""
        from .limits import planned_default_bucket
        from .session import split_s3_uri

        config = self._config
        session = self.sagemaker_session
        if config.source_dir and config.source_dir.startswith("s3://"):
            planned = config.source_dir
        elif not config.code_location and (
            in_place := session.planned_code_in_place(config.entry_point, config.source_dir)
        ):
            planned = in_place
        else:
            if config.code_location:
                bucket, prefix = split_s3_uri(config.code_location, "code_location")
            elif config.output_path and config.output_path.startswith("s3://"):
                bucket, prefix = split_s3_uri(config.output_path, "output_path")[0], ""
            else:
                bucket = planned_default_bucket(session.boto_region_name)
                prefix = session.default_bucket_prefix or ""
            key = "/".join(part for part in (prefix.strip("/"), job_name, "source", SOURCE_ARCHIVE) if part)
            planned = f"s3://{bucket}/{key}"
        self.__dict__["_submit_directory"] = planned

    def _stages_under_job_prefix(self) -> bool:
        """``<job>/source/sourcedir.tar.gz`` is written, unless the code is in S3 already or stays local."""
        config = self._config
        if config.source_dir and config.source_dir.startswith("s3://"):
            return False
        return bool(config.code_location) or not self.sagemaker_session.planned_code_in_place(
            config.entry_point, config.source_dir
        )

    # --- request pieces -------------------------------------------------------------------

    def _framework_hyperparameters(self) -> dict[str, Any]:
        """Subclass hook: distribution and framework-specific reserved hyperparameters."""
        return {}

    def _hyperparameters_for_request(self) -> dict[str, str]:
        config = self._config
        submit = self.__dict__.get("_submit_directory")
        if config.enable_network_isolation and submit and submit.startswith("s3://"):
            submit = CODE_CHANNEL_ARCHIVE
        values: dict[str, Any] = {k: val for k, val in config.hyperparameters.items() if val is not None}
        values.update(
            {
                "sagemaker_submit_directory": submit,
                "sagemaker_program": self._entry_point_in_source()
                if config.source_dir
                else Path(config.entry_point or "").name,
                "sagemaker_container_log_level": config.container_log_level,
                "sagemaker_job_name": self._current_job_name,
                "sagemaker_region": self.sagemaker_session.boto_region_name,
            }
        )
        values.update(self._framework_hyperparameters())
        return {key: json.dumps(value) for key, value in values.items()}

    def hyperparameters(self) -> dict[str, str]:
        """The user's hyperparameters as they will be sent (JSON-encoded)."""
        return {k: json.dumps(val) for k, val in self._config.hyperparameters.items() if val is not None}

    def _extra_channels(self) -> list[dict[str, Any]]:
        submit = self.__dict__.get("_submit_directory")
        if self._config.enable_network_isolation and submit and submit.startswith("s3://"):
            return [
                {
                    "ChannelName": CODE_CHANNEL,
                    "DataSource": {
                        "S3DataSource": {
                            "S3DataType": "S3Prefix",
                            "S3Uri": submit,
                            "S3DataDistributionType": "FullyReplicated",
                        }
                    },
                }
            ]
        return []

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
