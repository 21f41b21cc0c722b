"""The script-mode framework family as data: one ``FrameworkSpec`` per framework.

    class SKLearn(FamilyEstimator):
        SPEC = FrameworkSpec(name="sklearn", estimator="SKLearn", max_instance_count=1,
                             py_versions=("py3",), model="sagemaker_lite.sklearn.model:SKLearnModel")

PyTorch, scikit-learn, XGBoost and Hugging Face differ in facts, not in code: which image
registry entry they use, which versions attach reads back from an image tag, whether the
inference code is repacked into the model, which predictor talks to the endpoint, the
instance-count limits and the distribution strategies. ``FamilyEstimator`` and
``FamilyModel`` (``family_model.py``) read those facts; the per-framework modules declare
them (plus a distribution hook where a framework has one). Requests are the official SDK's
for the same inputs (tests/unit/test_framework_parity.py replays the captures).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from . import _validation as v
from .compat import warn_deprecated
from .errors import ValidationError
from .framework import Framework, FrameworkConfig
from .training import TrainingConfig

if TYPE_CHECKING:  # pragma: no cover
    from packaging.version import Version

_VALIDATION_REGION = "us-east-1"


@attrs.frozen(kw_only=True)
class FrameworkSpec:
    """The facts of one framework (see the module docstring)."""

    name: str  #: the image registry's framework name
    estimator: str  #: the estimator's class name, for messages
    model: str  #: "module:Class" of the model ``create_model`` returns
    #: reads (framework_version, py_version, extra settings) back from a training image URI
    parse_image: Callable[[str], dict[str, Any] | None]
    py_versions: tuple[str, ...] | None = None  #: None: whatever the registry has
    max_instance_count: int | None = None
    metrics_from: str | None = None  #: enable_sagemaker_metrics defaults to True from this version
    version_field: str = "framework_version"
    #: create_model() serves the training script (with its source_dir) unless told otherwise
    model_reuses_training_script: bool = True


def tag_parser(repository: str, pattern: str) -> Callable[[str], dict[str, Any] | None]:
    """A ``parse_image`` for ``<account>.dkr.ecr.<region>.../<repository>:<tag>`` with a tag regex."""
    compiled = re.compile(rf"/{re.escape(repository)}:{pattern}$")

    def parse(image: str) -> dict[str, Any] | None:
        match = compiled.search(image or "")
        return {key: value for key, value in match.groupdict().items() if value} if match else None

    return parse


def _version(value: str | None) -> Version | None:
    from packaging.version import InvalidVersion, Version  # only when versions are compared

    try:
        return Version(value) if value else None
    except InvalidVersion:
        return None


@attrs.frozen(kw_only=True)
class FamilyConfig(FrameworkConfig):
    """FrameworkConfig plus the framework's versions and distribution."""

    framework_version: str | None = attrs.field(default=None, validator=v.optional_str)
    py_version: str | None = attrs.field(default=None, validator=v.optional_str)
    distribution: dict[str, Any] | None = attrs.field(default=None)


class FamilyEstimator(Framework):
    """A script-mode estimator whose specifics come from ``SPEC`` (see the module docstring)."""

    SPEC: ClassVar[FrameworkSpec]
    _config_class: ClassVar[type[TrainingConfig]] = FamilyConfig
    _config: FamilyConfig

    def __init__(
        self,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        source_dir: str | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        image_uri: str | None = None,
        distribution: Mapping[str, Any] | None = None,
        *,
        sagemaker_session: Any = None,
        **kwargs: Any,
    ) -> None:
        spec = self.SPEC
        compiler_config = kwargs.pop("compiler_config", None)
        if compiler_config is not None:
            raise ValidationError(
                "compiler_config",
                compiler_config,
                "None: SageMaker Training Compiler is not supported by sagemaker_lite",
                hint="the Training Compiler images are deprecated; leave compiler_config out",
            )
        for name in ("training_recipe", "recipe_overrides"):
            if kwargs.get(name) is not None:
                raise ValidationError(name, kwargs[name], "None: training recipes are not supported by sagemaker_lite")
            kwargs.pop(name, None)
        if "distributions" in kwargs and distribution is None:
            warn_deprecated(f"{spec.estimator}(distributions=...)", f"{spec.estimator}(distribution=...)", stacklevel=3)
            distribution = kwargs.pop("distributions")
        if entry_point is None:
            raise ValidationError("entry_point", None, "the path of the training script, e.g. 'train.py'")
        if image_uri is None and (not framework_version or not py_version):
            missing = "framework_version" if not framework_version else "py_version"
            raise ValidationError(
                missing if spec.version_field == "framework_version" or missing == "py_version" else spec.version_field,
                None,
                "a value when image_uri is not given",
                hint="framework_version and py_version pick the SageMaker image (see image_uris.versions())",
            )
        if spec.py_versions is not None and py_version is not None and py_version not in spec.py_versions:
            raise ValidationError("py_version", py_version, " or ".join(repr(p) for p in spec.py_versions))
        threshold = _version(spec.metrics_from)
        version = _version(framework_version)
        if threshold and version and version >= threshold and "enable_sagemaker_metrics" not in kwargs:
            kwargs["enable_sagemaker_metrics"] = True
        super().__init__(
            sagemaker_session=sagemaker_session,
            entry_point=entry_point,
            source_dir=source_dir,
            hyperparameters=dict(hyperparameters or {}),
            framework_version=framework_version,
            py_version=py_version,
            image_uri=image_uri,
            distribution=self._normalize_distribution(distribution),
            **kwargs,
        )
        config = self._config
        if spec.max_instance_count is not None and (config.instance_count or 1) > spec.max_instance_count:
            raise ValidationError(
                "instance_count",
                config.instance_count,
                f"at most {spec.max_instance_count} for {spec.estimator}",
                hint=f"{spec.estimator} training runs on a single instance",
            )
        if config.distribution is not None:
            self._validate_distribution(config)
        if config.image_uri is None:
            self._retrieve_image(_VALIDATION_REGION, "training")  # unsupported versions fail here

    # --- hooks (framework modules override what differs) ---------------------------------------

    def _normalize_distribution(self, distribution: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if distribution is None:
            return None
        if not isinstance(distribution, Mapping):
            raise ValidationError("distribution", distribution, "a dict such as {'mpi': {'enabled': True}}")
        return dict(distribution)

    def _validate_distribution(self, config: FamilyConfig) -> None:
        """Default: the shared strategies (MPI, smdistributed), checked as for TensorFlow's."""
        from .tensorflow.distribution import validate_distribution

        validate_distribution(
            config.distribution,
            framework_version=None,
            instance_type=config.instance_type,
            instance_count=config.instance_count,
        )

    def _image_arguments(self) -> dict[str, Any]:
        config = self._config
        return {"version": config.framework_version, "py_version": config.py_version}

    def _retrieve_image(self, region: str, scope: str, instance_type: str | None = None) -> str:
        from . import image_uris

        return image_uris.retrieve(
            self.SPEC.name,
            region=region,
            instance_type=instance_type or self._config.instance_type,
            image_scope=scope,
            **self._image_arguments(),
        )

    def training_image_uri(self) -> str:
        """The training image for this session's region (or ``image_uri`` when given)."""
        if self._config.image_uri:
            return self._config.image_uri
        return self._retrieve_image(self.sagemaker_session.boto_region_name, "training")

    def _framework_hyperparameters(self) -> dict[str, Any]:
        from .tensorflow.distribution import distribution_hyperparameters

        config = self._config
        if not config.distribution:
            return {}
        return distribution_hyperparameters(config.distribution, instance_type=config.instance_type)

    # --- hosting ---------------------------------------------------------------------------------

    def _model_settings(self) -> dict[str, Any]:
        """The version settings the model takes (Hugging Face has more than one)."""
        return {"framework_version": self._config.framework_version, "py_version": self._config.py_version}

    def _model_source_dir(self) -> str | None:
        """The training code for the model: the archive the job ran (hosted), else source_dir.

        As in the official SDK, the model gets the uploaded ``sourcedir.tar.gz`` (repacked from
        S3, or handed to the container as is); local jobs ran the directory itself.
        """
        submit = self.__dict__.get("_submit_directory")
        if isinstance(submit, str) and submit.startswith("s3://"):
            return submit
        return self._config.source_dir

    def create_model(  # type: ignore[override]  # the official framework signature
        self,
        model_server_workers: int | None = None,
        role: str | None = None,
        vpc_config_override: Any = "VPC_CONFIG_DEFAULT",
        entry_point: str | None = None,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The framework's model for this job's artifact, served by its **inference** image.

        ``est.create_model(entry_point="inference.py", source_dir="serve")``; without them the
        training script (and its source_dir) is the inference code, as in the official SDK.
        """
        from .deploying import vpc_config_for

        module, _, name = self.SPEC.model.partition(":")
        model_class = getattr(importlib.import_module(module), name)
        config = self._config
        if entry_point is None and self.SPEC.model_reuses_training_script:
            import os

            source_dir = source_dir or self._model_source_dir()
            packed = config.source_dir is None and source_dir is not None  # the archive of one script
            entry_point = os.path.basename(config.entry_point or "") if packed else config.entry_point
        kwargs.setdefault("image_uri", config.image_uri)
        kwargs.setdefault("enable_network_isolation", self.enable_network_isolation())
        if model_server_workers is not None:
            kwargs["model_server_workers"] = model_server_workers
        return model_class(
            model_data=self.model_data,
            role=role or config.role,
            entry_point=entry_point,
            source_dir=source_dir,
            dependencies=dependencies or config.dependencies,
            container_log_level=config.container_log_level,
            code_location=config.code_location,
            vpc_config=vpc_config_for(config, vpc_config_override),
            sagemaker_session=self.sagemaker_session,
            **self._model_settings(),
            **kwargs,
        )

    # --- attach ----------------------------------------------------------------------------------

    @classmethod
    def _settings_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        image = params.get("image_uri") or ""
        parsed = cls.SPEC.parse_image(image)
        if parsed:
            params.update(parsed)
            params["image_uri"] = None
        cls._distribution_from_reserved(reserved, params)

    @classmethod
    def _distribution_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        from .tensorflow.distribution import distribution_from_hyperparameters

        mp_parameters = params["hyperparameters"].pop("mp_parameters", None)
        distribution = distribution_from_hyperparameters(reserved, mp_parameters)
        if distribution:
            params["distribution"] = distribution
