"""TensorFlowModel and TensorFlowPredictor: a SavedModel behind TensorFlow Serving.

    from sagemaker_lite.tensorflow import TensorFlowModel

    model = TensorFlowModel(model_data="s3://bucket/model.tar.gz", role=role, framework_version="2.18")
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge")
    predictor.predict({"instances": [[1.0, 2.0]]})          # -> {"predictions": [[...]]}

The image is ``tensorflow-inference:<version>-cpu|gpu``, picked from the instance type at
deploy time. ``model.tar.gz`` must hold ``<version>/saved_model.pb`` with a numeric version
such as ``1`` (or the legacy ``export/Servo/<version>/``); docs/hosting.md shows the layout.
``entry_point="inference.py"`` (with ``source_dir`` holding ``requirements.txt``) is packed
into ``code/`` of the artifact, where the TensorFlow Serving container looks for it.
"""

from __future__ import annotations

import logging
import os
import re
import tarfile
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from .. import _validation as v
from ..deserializers import JSONDeserializer
from ..errors import ValidationError
from ..hosting import DeployConfig
from ..model import Model, ModelConfig
from ..predictor import Predictor
from ..serializers import JSONSerializer

__all__ = ["TensorFlowModel", "TensorFlowPredictor", "tfs_layout_problem"]

LOGGER = logging.getLogger("sagemaker_lite")
#: the TensorFlow Serving container reads its nginx log level from this variable
LOG_LEVEL_PARAM_NAME = "SAGEMAKER_TFS_NGINX_LOGLEVEL"
LOG_LEVEL_MAP = {10: "debug", 20: "info", 30: "warn", 40: "error", 50: "crit"}
INFERENCE_SCRIPT = "inference.py"
_SAVED_MODEL = re.compile(r"(?:^|/)(?P<version>[^/]+)/saved_model\.pb(?:txt)?$")


def tfs_layout_problem(names: Iterable[str]) -> str | None:
    """What is wrong with an artifact's member names for TensorFlow Serving, or None.

    TFS serves ``<version>/saved_model.pb`` where ``<version>`` is a positive integer
    (``1``); a model named ``0000000`` is version 0 and a non-numeric one is ignored.
    """
    versions = []
    for name in names:
        match = _SAVED_MODEL.search(name.removeprefix("./"))
        if match:
            versions.append(match.group("version"))
    if not versions:
        return "no saved_model.pb under a version directory (expected e.g. 1/saved_model.pb)"
    numeric = [version for version in versions if version.isdigit()]
    if not numeric:
        return f"saved_model.pb is under {versions[0]!r}, not a numeric version directory such as '1'"
    if all(int(version) == 0 for version in numeric):
        return f"the version directory {numeric[0]!r} is version 0; name it with a positive integer such as '1'"
    return None


def _local_member_names(path: str) -> list[str]:
    if os.path.isdir(path):
        return [
            os.path.relpath(os.path.join(root, file), path).replace(os.sep, "/")
            for root, _, files in os.walk(path)
            for file in files
        ]
    with tarfile.open(path, mode="r|*") as tar:  # streaming: headers only, nothing extracted
        return [member.name for member in tar]


def _framework_version(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    from ..image_uris import versions

    available = versions("tensorflow", "inference")
    if value not in available:
        raise ValidationError(
            attribute.name,
            value,
            "a TensorFlow version with a SageMaker inference image: " + ", ".join(available),
            hint="inference images are published for fewer versions than training images",
        )


@attrs.frozen(kw_only=True)
class TensorFlowModelConfig(ModelConfig):
    """ModelConfig plus the TensorFlow version (the log level is unset unless given)."""

    framework_version: str | None = attrs.field(default=None, validator=_framework_version)
    container_log_level: int | None = attrs.field(default=None, validator=v.int_between(0, 50))

    def __attrs_post_init__(self) -> None:
        if not self.model_data:
            raise ValidationError(
                "model_data", self.model_data, "the S3 URI of a model.tar.gz holding <version>/saved_model.pb"
            )
        if not self.framework_version and not self.image_uri:
            raise ValidationError("framework_version", None, "a TensorFlow version such as '2.18' (or image_uri)")
        if self.container_log_level is not None and self.container_log_level not in LOG_LEVEL_MAP:
            raise ValidationError(
                "container_log_level", self.container_log_level, "logging.DEBUG, INFO, WARNING, ERROR or CRITICAL"
            )
        if self.entry_point and os.path.basename(self.entry_point) != INFERENCE_SCRIPT:
            raise ValidationError(
                "entry_point",
                self.entry_point,
                f"a file named {INFERENCE_SCRIPT}",
                hint="the TensorFlow Serving container only loads code/inference.py from the model",
            )


class TensorFlowModel(Model):
    """A TensorFlow SavedModel served by TensorFlow Serving (see the module docstring)."""

    _config_class: ClassVar[type[ModelConfig]] = TensorFlowModelConfig

    def __init__(
        self,
        model_data: str | None = None,
        role: str | None = None,
        entry_point: str | None = None,
        image_uri: str | None = None,
        framework_version: str | None = None,
        container_log_level: int | None = None,
        predictor_cls: Any = None,
        **kwargs: Any,
    ) -> None:
        for key, value in (
            ("entry_point", entry_point),
            ("framework_version", framework_version),
            ("container_log_level", container_log_level),
        ):
            if value is not None:
                kwargs[key] = value
        if model_data is None:  # checked here so the error names model_data, not a config detail
            raise ValidationError("model_data", None, "the S3 URI of a model.tar.gz holding <version>/saved_model.pb")
        super().__init__(image_uri, model_data, role, predictor_cls=predictor_cls, **kwargs)

    def _image_for(self, deploy: DeployConfig, region: str) -> str:
        if self._config.image_uri:
            return self._config.image_uri
        from ..image_uris import retrieve

        config = self._config
        assert isinstance(config, TensorFlowModelConfig)
        return retrieve(
            "tensorflow",
            region,
            version=config.framework_version,
            instance_type=deploy.instance_type,
            image_scope="inference",
            serverless_inference_config=deploy.serverless_inference_config,
        )

    def _container_env(self, region: str) -> dict[str, str]:
        """No script-mode variables: TFS finds ``code/inference.py`` in the model by itself."""
        env = dict(self._config.env)
        level = self._config.container_log_level
        if level is not None:
            env[LOG_LEVEL_PARAM_NAME] = LOG_LEVEL_MAP[level]
        return env

    def _check_artifact(self) -> None:
        """Warn (never fail) when a local artifact lacks the layout TFS serves."""
        data = self._config.model_data or ""
        if not data.startswith("file://"):
            return
        path = data[len("file://") :]
        try:
            problem = tfs_layout_problem(_local_member_names(path))
        except (OSError, tarfile.TarError) as exc:
            problem = f"it could not be read as a directory or tar archive ({exc})"
        if problem:
            message = (
                f"model_data {data!r} may not load in TensorFlow Serving: {problem}. "
                "See docs/hosting.md for the model.tar.gz layout."
            )
            LOGGER.warning(message)
            warnings.warn(message, UserWarning, stacklevel=3)

    def _default_predictor_class(self) -> Any:
        return TensorFlowPredictor


class TensorFlowPredictor(Predictor):
    """JSON in and out, in TensorFlow Serving's REST shape.

    predictor = TensorFlowPredictor("my-endpoint", model_name="half_plus_three", model_version="2")
    predictor.predict({"instances": [1.0, 2.0]})         # {"predictions": [3.5, 4.0]}
    predictor.classify({"examples": [{"x": 1.0}]})       # TFS classify API (tfs-method=classify)
    """

    def __init__(
        self,
        endpoint_name: str,
        sagemaker_session: Any = None,
        serializer: Any = None,
        deserializer: Any = None,
        model_name: str | None = None,
        model_version: str | int | None = None,
    ) -> None:
        super().__init__(endpoint_name, sagemaker_session, serializer, deserializer)
        if model_name is not None and (not isinstance(model_name, str) or not model_name or "," in model_name):
            raise ValidationError("model_name", model_name, "a TFS model name (no commas)")
        if model_version is not None and not str(model_version).isdigit():
            raise ValidationError("model_version", model_version, "a numeric model version such as '1'")
        self.model_name = model_name
        self.model_version = None if model_version is None else str(model_version)

    def _default_serializer(self) -> Any:
        return JSONSerializer()

    def _default_deserializer(self) -> Any:
        return JSONDeserializer()

    @property
    def _model_attributes(self) -> str | None:
        parts = []
        if self.model_name:
            parts.append(f"tfs-model-name={self.model_name}")
        if self.model_version:
            parts.append(f"tfs-model-version={self.model_version}")
        return ",".join(parts) or None

    def predict(
        self,
        data: Any,
        initial_args: Mapping[str, Any] | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        inference_id: str | None = None,
        custom_attributes: str | None = None,
    ) -> Any:
        """``predict({"instances": [...]})``; ``model_name``/``model_version`` go in CustomAttributes."""
        args = dict(initial_args or {})
        parts = [args.pop("CustomAttributes", None), custom_attributes, self._model_attributes]
        joined = ",".join(str(part) for part in parts if part)
        return super().predict(data, args or None, target_model, target_variant, inference_id, joined or None)

    def classify(self, data: Any) -> Any:
        """TFS classify: ``{"signature_name": ..., "examples": [...]}`` -> ``{"results": ...}``."""
        return self._call("classify", data)

    def regress(self, data: Any) -> Any:
        """TFS regress: ``{"signature_name": ..., "examples": [...]}`` -> ``{"results": ...}``."""
        return self._call("regress", data)

    def _call(self, method: str, data: Any) -> Any:
        return self.predict(data, {"CustomAttributes": f"tfs-method={method}"})
