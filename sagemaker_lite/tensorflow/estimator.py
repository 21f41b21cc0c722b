"""TensorFlow script mode on the SageMaker TensorFlow training containers.

    from sagemaker_lite.tensorflow import TensorFlow

    est = TensorFlow(
        entry_point="train.py", source_dir="src", framework_version="2.13", py_version="py310",
        role=role, instance_count=2, instance_type="ml.p3.16xlarge",
        distribution={"mpi": {"enabled": True, "processes_per_host": 8}},
        hyperparameters={"epochs": 10},
    )
    est.fit({"train": "s3://bucket/train"})

The image comes from the registry (``image_uris``) for the session's region, the version and
the processor of the instance type. ``model_dir`` defaults as the containers expect: an S3
path under the job (``<output_path>/<job>/model``), ``/opt/ml/model`` with MPI or in local
mode; ``model_dir=False`` leaves it out. Legacy (v1, TF 1.x) arguments map to their script-mode
equivalent with a DeprecationWarning, or fail saying exactly what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from packaging.version import InvalidVersion, Version

from .. import _validation as v
from ..compat import warn_deprecated
from ..errors import ValidationError
from ..framework import Framework, FrameworkConfig
from ..training import TrainingConfig
from .distribution import distribution_from_hyperparameters, distribution_hyperparameters, validate_distribution

_IMAGE_TAG = re.compile(r"/tensorflow-training:(?P<version>[0-9.]+)-(?:cpu|gpu)-(?P<py>py[0-9]+)")
_VALIDATION_REGION = "us-east-1"  # every TensorFlow training image exists there


def _model_dir(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None or value is False:
        return
    if not isinstance(value, str) or not (value.startswith(("s3://", "/")) and len(value) > 1):
        v.fail(attribute.name, value, "an s3:// URI, a container path such as '/opt/ml/model', or False")


@attrs.frozen(kw_only=True)
class TensorFlowConfig(FrameworkConfig):
    framework_version: str | None = attrs.field(default=None, validator=v.optional_str)
    py_version: str | None = attrs.field(default=None, validator=v.optional_str)
    distribution: dict[str, Any] | None = attrs.field(default=None)
    model_dir: str | bool | None = attrs.field(default=None, validator=_model_dir)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.image_uri is None:
            if not self.framework_version or not self.py_version:
                missing = "framework_version" if not self.framework_version else "py_version"
                v.fail(
                    missing,
                    None,
                    "a value when image_uri is not given (e.g. framework_version='2.13', py_version='py310')",
                )
            _check_image_exists(self)
        if self.distribution is not None:
            validate_distribution(
                self.distribution,
                framework_version=self.framework_version,
                instance_type=self.instance_type,
                instance_count=self.instance_count,
            )


def _check_image_exists(config: TensorFlowConfig) -> None:
    """Unsupported framework_version / py_version combinations fail here, listing what exists."""
    from .. import image_uris

    image_uris.retrieve(
        "tensorflow",
        region=_VALIDATION_REGION,
        version=config.framework_version,
        py_version=config.py_version,
        instance_type=config.instance_type,
        image_scope="training",
    )


_LEGACY_TO_HYPERPARAMETER = ("training_steps", "evaluation_steps")


class TensorFlow(Framework):
    """The TensorFlow estimator (script mode); see the module docstring for an example."""

    _config_class: ClassVar[type[TrainingConfig]] = TensorFlowConfig
    _config: TensorFlowConfig
    JOB_CLASS_NAME: ClassVar[str] = "tensorflow-training"

    def __init__(
        self,
        *,
        entry_point: str | None = None,
        source_dir: str | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        distribution: Mapping[str, Any] | None = None,
        model_dir: str | bool | None = None,
        image_uri: str | None = None,
        sagemaker_session: Any = None,
        **kwargs: Any,
    ) -> None:
        if hyperparameters is not None and not isinstance(hyperparameters, Mapping):
            raise ValidationError(
                "hyperparameters", hyperparameters, "a dict of names to values, such as {'epochs': 10}"
            )
        hps = dict(hyperparameters or {})
        self._apply_legacy_arguments(kwargs, hps)
        if model_dir is None and "checkpoint_path" in kwargs:
            model_dir = kwargs.pop("checkpoint_path")
        if "distributions" in kwargs and distribution is None:
            warn_deprecated("TensorFlow(distributions=...)", "TensorFlow(distribution=...)", stacklevel=3)
            distribution = kwargs.pop("distributions")
        version = _version(framework_version)
        if "enable_sagemaker_metrics" not in kwargs and version is not None and version >= Version("1.15"):
            kwargs["enable_sagemaker_metrics"] = True  # what the official SDK does for TF >= 1.15
        super().__init__(
            sagemaker_session=sagemaker_session,
            entry_point=entry_point,
            source_dir=source_dir,
            hyperparameters=hps,
            framework_version=framework_version,
            py_version=py_version,
            distribution=dict(distribution) if isinstance(distribution, Mapping) else distribution,
            model_dir=model_dir,
            image_uri=image_uri,
            **kwargs,
        )

    @staticmethod
    def _apply_legacy_arguments(kwargs: dict[str, Any], hyperparameters: dict[str, Any]) -> None:
        """v1 / TF 1.x legacy-mode arguments: a faithful mapping, or an error saying what to write."""
        if "script_mode" in kwargs:
            value = kwargs.pop("script_mode")
            if value is not True:
                raise ValidationError(
                    "script_mode",
                    value,
                    "True (or leave it out): legacy mode containers are gone",
                    hint="write a script-mode entry point that reads SM_MODEL_DIR and SM_CHANNEL_*",
                )
            warn_deprecated(
                "TensorFlow(script_mode=True)", "TensorFlow(...) (script mode is the only mode)", stacklevel=4
            )
        for name in _LEGACY_TO_HYPERPARAMETER:
            if name in kwargs:
                value = kwargs.pop(name)
                warn_deprecated(
                    f"TensorFlow({name}=...)",
                    f"hyperparameters={{'{name}': {value!r}}} (read --{name} in your script)",
                    stacklevel=4,
                )
                hyperparameters.setdefault(name, value)
        if "requirements_file" in kwargs:
            value = kwargs.pop("requirements_file")
            if value not in (None, "requirements.txt"):
                raise ValidationError(
                    "requirements_file",
                    value,
                    "None: script mode installs requirements.txt at the root of source_dir",
                    hint=f"move {value} to <source_dir>/requirements.txt",
                )
            warn_deprecated(
                "TensorFlow(requirements_file=...)", "a requirements.txt at the root of source_dir", stacklevel=4
            )
        if "checkpoint_path" in kwargs:
            warn_deprecated("TensorFlow(checkpoint_path=...)", "TensorFlow(model_dir=...)", stacklevel=4)

    # --- image ---------------------------------------------------------------------------

    def training_image_uri(self) -> str:
        """The training image for this session's region (or ``image_uri`` when given)."""
        config = self._config
        if config.image_uri:
            return config.image_uri
        from .. import image_uris

        return image_uris.retrieve(
            "tensorflow",
            region=self.sagemaker_session.boto_region_name,
            version=config.framework_version,
            py_version=config.py_version,
            instance_type=config.instance_type,
            image_scope="training",
            distribution=config.distribution,
        )

    # --- request pieces ----------------------------------------------------------------------

    @property
    def _mpi_enabled(self) -> bool:
        distribution = self._config.distribution or {}
        mpi = bool((distribution.get("mpi") or {}).get("enabled"))
        model_parallel = bool(((distribution.get("smdistributed") or {}).get("modelparallel") or {}).get("enabled"))
        return mpi or model_parallel

    @property
    def _parameter_server_enabled(self) -> bool:
        return bool(((self._config.distribution or {}).get("parameter_server") or {}).get("enabled"))

    def _framework_hyperparameters(self) -> dict[str, Any]:
        config = self._config
        if not config.distribution:
            return {}
        return distribution_hyperparameters(config.distribution, instance_type=config.instance_type)

    def _model_dir_settings(self) -> dict[str, str]:
        """model_dir as given, none (``model_dir=False``), or the containers' default (staging fills it in)."""
        model_dir = self._config.model_dir
        if model_dir is False:
            return {}
        if isinstance(model_dir, str) and model_dir:
            return {"model_dir": model_dir}
        return {"model_dir_template": self._model_dir_template()}

    def _request_config(self, image_uri: str) -> TrainingConfig:
        config = super()._request_config(image_uri)
        if config.debugger_hook_config is False:
            return config
        # the official SDK turns the default hook off where smdebug cannot follow the job
        checkpointing = bool(config.checkpoint_s3_uri and config.checkpoint_local_path)
        if self._parameter_server_enabled or checkpointing:
            return attrs.evolve(config, debugger_hook_config=False)
        return config

    # --- hosting ------------------------------------------------------------------------------

    def create_model(  # type: ignore[override]  # the official TF signature: no image_uri first
        self,
        role: str | None = None,
        vpc_config_override: Any = "VPC_CONFIG_DEFAULT",
        entry_point: str | None = None,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A ``TensorFlowModel`` serving this job's SavedModel on TensorFlow Serving.

        ``est.create_model(entry_point="inference.py", source_dir="serve")`` adds pre/post-processing;
        the training entry point is never reused for inference.
        """
        from ..deploying import vpc_config_for
        from .model import TensorFlowModel

        config = self._config
        vpc_config = vpc_config_for(config, vpc_config_override)
        level = config.container_log_level
        if level in (10, 20, 30, 40, 50):
            kwargs.setdefault("container_log_level", level)
        kwargs.setdefault("enable_network_isolation", self.enable_network_isolation())
        return TensorFlowModel(
            model_data=self.model_data,
            role=role or config.role,
            framework_version=config.framework_version,
            entry_point=entry_point,
            source_dir=source_dir,
            dependencies=dependencies,
            vpc_config=vpc_config,
            sagemaker_session=self.sagemaker_session,
            **kwargs,
        )

    # --- attach -------------------------------------------------------------------------------

    @classmethod
    def _settings_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        image = params.get("image_uri") or ""
        match = _IMAGE_TAG.search(image)
        if match:
            params["framework_version"] = match.group("version")
            params["py_version"] = match.group("py")
            params["image_uri"] = None
        hyperparameters = params["hyperparameters"]
        model_dir = hyperparameters.pop("model_dir", None)
        params["model_dir"] = model_dir if model_dir is not None else False
        mp_parameters = hyperparameters.pop("mp_parameters", None)
        distribution = distribution_from_hyperparameters(reserved, mp_parameters)
        if distribution:
            params["distribution"] = distribution

    @classmethod
    def attach(
        cls, training_job_name: str, sagemaker_session: Any = None, model_channel_name: str = "model", **kwargs: Any
    ) -> Any:
        """``TensorFlow.attach("tensorflow-training-2026-...")``; the default model_dir is restored as default."""
        estimator = super().attach(training_job_name, sagemaker_session, model_channel_name, **kwargs)
        config = estimator._config
        if isinstance(config.model_dir, str) and config.model_dir == estimator._default_model_dir_for(
            config.output_path, training_job_name
        ):
            estimator.__dict__["_config"] = attrs.evolve(config, model_dir=None)
        return estimator

    def _model_dir_template(self) -> str:
        """What the containers expect: ``/opt/ml/model`` under MPI, else ``<output_path>/<job>/model``."""
        return "/opt/ml/model" if self._mpi_enabled else "{output}/{job}/model"

    def _default_model_dir_for(self, output_path: str | None, job_name: str) -> str:
        return self._model_dir_template().format(output=(output_path or "").rstrip("/"), job=job_name)


def _version(value: str | None) -> Version | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise ValidationError("framework_version", value, "a version string such as '2.13'")
    try:
        return Version(value)
    except InvalidVersion:
        return None
