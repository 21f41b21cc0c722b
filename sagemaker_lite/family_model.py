"""Framework models of the script-mode family: the inference image and the script-mode environment.

    from sagemaker_lite.pytorch import PyTorchModel

    model = PyTorchModel("s3://bucket/model.tar.gz", role, entry_point="inference.py",
                         source_dir="serve", framework_version="2.5", py_version="py311")
    predictor = model.deploy(1, "ml.m5.xlarge")

The image is the framework's **inference** image for the instance type (never a training
image). The container finds the inference code through ``SAGEMAKER_PROGRAM`` and
``SAGEMAKER_SUBMIT_DIRECTORY`` (with ``SAGEMAKER_CONTAINER_LOG_LEVEL`` and
``SAGEMAKER_REGION``), set as the official SDK sets them. Where the code goes is a fact of
the framework (``INFERENCE_CODE``):

- ``"repack"`` (PyTorch, Hugging Face): ``model.tar.gz`` is rebuilt with ``code/`` and
  uploaded next to the model's name; ``SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code``.
- ``"upload"`` (scikit-learn, XGBoost): the code goes up as ``<name>/sourcedir.tar.gz``,
  the container downloads it, and ``model_data`` is used as is (repacked only with network
  isolation, when the container cannot download).

In local mode the same files go under the local session's root (``file://``), never S3.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from . import _validation as v
from .errors import ValidationError
from .hosting import DeployConfig
from .model import DEFAULT_CONTAINER_LOG_LEVEL, SCRIPT_DIR_IN_MODEL, Model, ModelConfig

LOGGER = logging.getLogger("sagemaker_lite")


def _workers(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        v.fail(attribute.name, value, "a positive integer (model server workers per instance)")


@attrs.frozen(kw_only=True)
class FamilyModelConfig(ModelConfig):
    framework_version: str | None = attrs.field(default=None, validator=v.optional_str)
    py_version: str | None = attrs.field(default=None, validator=v.optional_str)
    model_server_workers: int | None = attrs.field(default=None, validator=_workers)

    def code_files(self) -> dict[str, str]:
        if self.source_dir is not None and self.source_dir.startswith("s3://"):
            if not self.source_dir.endswith(".tar.gz"):
                raise ValidationError("source_dir", self.source_dir, "a local directory or an s3://...tar.gz archive")
            return {}  # the training job's uploaded archive: fetched at deploy time
        return super().code_files()


class FamilyModel(Model):
    """Base of PyTorchModel, SKLearnModel, XGBoostModel, HuggingFaceModel (see the module docstring)."""

    _config_class: ClassVar[type[ModelConfig]] = FamilyModelConfig
    _config: FamilyModelConfig
    FRAMEWORK: ClassVar[str]
    PREDICTOR: ClassVar[str]  #: "module:Class"
    INFERENCE_CODE: ClassVar[str] = "repack"  # or "upload"
    PY_VERSIONS: ClassVar[tuple[str, ...] | None] = None
    IMAGE_PY_VERSION: ClassVar[bool] = True
    VERSION_REQUIRED: ClassVar[str | None] = "framework_version"

    def __init__(
        self,
        model_data: str | None = None,
        role: str | None = None,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        image_uri: str | None = None,
        predictor_cls: Any = None,
        model_server_workers: int | None = None,
        **kwargs: Any,
    ) -> None:
        for key, value in (
            ("entry_point", entry_point),
            ("framework_version", framework_version),
            ("py_version", py_version),
            ("model_server_workers", model_server_workers),
        ):
            if value is not None:
                kwargs[key] = value
        if image_uri is None and self.VERSION_REQUIRED and not kwargs.get(self.VERSION_REQUIRED):
            raise ValidationError(self.VERSION_REQUIRED, None, "a version when image_uri is not given")
        if self.PY_VERSIONS is not None and py_version is not None and py_version not in self.PY_VERSIONS:
            raise ValidationError("py_version", py_version, " or ".join(repr(p) for p in self.PY_VERSIONS))
        super().__init__(image_uri, model_data, role, predictor_cls=predictor_cls, **kwargs)

    # --- image and environment -----------------------------------------------------------------

    def _image_arguments(self) -> dict[str, Any]:
        config = self._config
        arguments: dict[str, Any] = {"version": config.framework_version}
        if self.IMAGE_PY_VERSION:
            arguments["py_version"] = config.py_version
        return arguments

    def serving_image_uri(self, region_name: str, instance_type: str | None, **kwargs: Any) -> str:
        """The inference image: ``model.serving_image_uri("us-west-2", "ml.m5.xlarge")``."""
        from . import image_uris

        return image_uris.retrieve(
            self.FRAMEWORK,
            region_name,
            instance_type=instance_type,
            image_scope="inference",
            **self._image_arguments(),
            **kwargs,
        )

    def _image_for(self, deploy: DeployConfig, region: str) -> str:
        if self._config.image_uri:
            return self._config.image_uri
        return self.serving_image_uri(
            region, deploy.instance_type, serverless_inference_config=deploy.serverless_inference_config
        )

    def _repacks(self) -> bool:
        return self.INFERENCE_CODE == "repack" or bool(self._config.enable_network_isolation)

    def _container_env(self, region: str) -> dict[str, str]:
        config = self._config
        env = dict(config.env)
        program = os.path.basename(config.entry_point) if config.entry_point else ""
        if self.__dict__.get("_submit_directory"):
            submit = self.__dict__["_submit_directory"]
        elif config.entry_point and config.source_dir and not self.__dict__.get("_code_staged"):
            submit = config.source_dir if config.source_dir.startswith("s3://") else "file://" + config.source_dir
        else:
            submit = ""
        env.update(
            SAGEMAKER_PROGRAM=program,
            SAGEMAKER_SUBMIT_DIRECTORY=submit,
            SAGEMAKER_CONTAINER_LOG_LEVEL=str(config.container_log_level or DEFAULT_CONTAINER_LOG_LEVEL),
            SAGEMAKER_REGION=region,
        )
        if config.model_server_workers:
            env["SAGEMAKER_MODEL_SERVER_WORKERS"] = str(config.model_server_workers)
        return env

    def _default_predictor_class(self) -> Any:
        import importlib

        module, _, name = self.PREDICTOR.partition(":")
        return getattr(importlib.import_module(module), name)

    # --- inference code ------------------------------------------------------------------------

    def _local_source_dir(self, session: Any, workdir: str) -> str | None:
        """The source_dir on this machine: as given, or the training job's archive fetched from S3."""
        source_dir = self._config.source_dir
        if not (source_dir and source_dir.startswith("s3://")):
            return source_dir
        from .archives import safe_extract
        from .session import split_s3_uri

        bucket, key = split_s3_uri(source_dir, "source_dir")
        archive = os.path.join(workdir, "sourcedir.tar.gz")
        session.s3_client.download_file(bucket, key, archive)
        target = os.path.join(workdir, "source")
        safe_extract(archive, target)
        return target

    def _stage_code(self, session: Any, model_name: str, code_files: Mapping[str, str]) -> str | None:
        """Repack or upload the inference code (see the module docstring); returns the model data."""
        config = self._config
        if not config.entry_point:
            return None
        if not self._repacks() and config.source_dir and config.source_dir.startswith("s3://"):
            self.__dict__["_submit_directory"] = config.source_dir  # the training job's archive, as is
            return None
        workdir = tempfile.mkdtemp(prefix="sagemaker-lite-code-")
        try:
            source_dir = self._local_source_dir(session, workdir)
            self.__dict__["_code_staged"] = True
            if self._repacks():
                files = attrs.evolve(config, source_dir=source_dir).code_files()
                self.__dict__["_submit_directory"] = SCRIPT_DIR_IN_MODEL
                return self._repack_and_upload(session, model_name, files)
            self.__dict__["_submit_directory"] = self._upload_source(session, model_name, source_dir, workdir)
            return None
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _upload_source(self, session: Any, model_name: str, source_dir: str | None, workdir: str) -> str:
        """``sourcedir.tar.gz`` of the inference code at ``<code location>/<model name>/``."""
        from .code import pack_source
        from .endpoints import put_file

        config = self._config
        assert config.entry_point is not None
        entry = config.entry_point if source_dir is None else os.path.basename(config.entry_point)
        archive = pack_source(entry, source_dir, config.dependencies or (), output_dir=os.path.join(workdir, "out"))
        destination = self._code_uri(session, model_name, "sourcedir.tar.gz")
        with open(archive.path, "rb") as handle:
            return put_file(session, handle, destination, config.model_kms_key)
