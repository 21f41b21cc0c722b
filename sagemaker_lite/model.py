"""Model: host a model artifact behind a SageMaker endpoint.

    from sagemaker_lite.model import Model

    model = Model(image_uri, "s3://bucket/model.tar.gz", role)
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge")
    predictor.predict(b"...")
    predictor.delete_endpoint(); predictor.delete_model()

``deploy`` validates everything first (``ValidationError`` before any call), then sends
CreateModel -> CreateEndpointConfig -> CreateEndpoint and waits for ``InService``. With
``entry_point`` (inference code) the artifact is repacked with ``code/<entry point>`` (plus
``source_dir`` and ``dependencies`` under ``code/lib/``), streamed from S3 through a
temporary file back to S3, never held in memory. A failure midway raises
``PartialFailureError`` saying what exists and the one call that removes it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, ClassVar

from ._configured import ConfigBacked
from .compat import MODEL_RENAMES, rename_kwargs
from .endpoints import (
    check_hosting_requests,
    delete_hosting_resources,
    deploy_hosting_resources,
    upload_repacked_model,
)
from .errors import ValidationError
from .hosting import (
    DataCaptureConfig,
    DeployConfig,
    ServerlessInferenceConfig,
    base_from_name,
    build_create_endpoint_request,
    build_create_model_request,
    build_endpoint_config_request,
    container_definition,
    production_variant,
)
from .limits import planned_default_bucket
from .model_config import DEFAULT_CONTAINER_LOG_LEVEL as DEFAULT_CONTAINER_LOG_LEVEL
from .model_config import SCRIPT_DIR_IN_MODEL as SCRIPT_DIR_IN_MODEL
from .model_config import ModelConfig as ModelConfig
from .naming import base_name_from_image, name_from_base

__all__ = ["DataCaptureConfig", "Model", "ModelConfig", "ServerlessInferenceConfig"]

LOGGER = logging.getLogger("sagemaker_lite")


class Model(ConfigBacked):
    """A model artifact plus the image that serves it (see the module docstring)."""

    _config_class: ClassVar[type[ModelConfig]] = ModelConfig

    _config: ModelConfig

    def __init__(
        self,
        image_uri: str | None = None,
        model_data: str | None = None,
        role: str | None = None,
        *,
        predictor_cls: Any = None,
        env: Mapping[str, str] | None = None,
        name: str | None = None,
        vpc_config: Mapping[str, Any] | None = None,
        sagemaker_session: Any = None,
        enable_network_isolation: bool | None = None,
        **settings: Any,
    ) -> None:
        if image_uri is not None:
            settings["image_uri"] = image_uri
        rename_kwargs(settings, MODEL_RENAMES, owner=type(self).__name__, stacklevel=4)
        settings.update(
            model_data=model_data,
            role=role,
            env=env,
            name=name,
            vpc_config=dict(vpc_config) if isinstance(vpc_config, Mapping) else vpc_config,
            enable_network_isolation=enable_network_isolation,
        )
        self._set_config(settings, sagemaker_session)
        self.__dict__["predictor_cls"] = predictor_cls
        self.__dict__["endpoint_name"] = None
        self.__dict__["repacked_model_data"] = None

    @property
    def config(self) -> ModelConfig:
        return self._config

    # --- hooks for framework models -------------------------------------------------------

    def _check_ready(self, session: Any) -> None:
        config = self._config
        session.check_role(config.role, " to pull the image and model")
        if config.entry_point and not config.model_data:
            raise ValidationError("model_data", None, "the model.tar.gz to add the inference code to (entry_point)")
        if config.model_data and not config.entry_point:
            session.check_location(
                "model_data",
                config.model_data,
                hint="upload it first: session.upload_data('model.tar.gz', key_prefix='models')",
            )

    def _image_for(self, deploy: DeployConfig, region: str) -> str:
        if not self._config.image_uri:
            raise ValidationError("image_uri", None, "the inference image's ECR URI")
        return self._config.image_uri

    def _check_artifact(self) -> None:
        """Framework models inspect a local artifact's layout here (warnings only)."""

    def _container_env(self, region: str) -> dict[str, str]:
        """The user's env, plus script-mode variables when inference code is packed in."""
        env = dict(self._config.env)
        if self._config.entry_point:
            env.update(
                SAGEMAKER_PROGRAM=os.path.basename(self._config.entry_point),
                SAGEMAKER_SUBMIT_DIRECTORY=SCRIPT_DIR_IN_MODEL,
                SAGEMAKER_CONTAINER_LOG_LEVEL=str(self._config.container_log_level or DEFAULT_CONTAINER_LOG_LEVEL),
                SAGEMAKER_REGION=region,
            )
        return env

    def _base_name(self, image_uri: str) -> str:
        return base_name_from_image(image_uri, "model")

    # --- deploy -----------------------------------------------------------------------------

    def deploy(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        serializer: Any = None,
        deserializer: Any = None,
        *,
        accelerator_type: str | None = None,
        endpoint_name: str | None = None,
        tags: Any = None,
        kms_key: str | None = None,
        wait: bool = True,
        data_capture_config: DataCaptureConfig | None = None,
        serverless_inference_config: ServerlessInferenceConfig | None = None,
        volume_size: int | None = None,
        model_data_download_timeout: int | None = None,
        container_startup_health_check_timeout: int | None = None,
    ) -> Any:
        """Create the model, an endpoint config and an endpoint; return a predictor for it.

            predictor = model.deploy(1, "ml.m5.xlarge", endpoint_name="my-endpoint")

        Names default to ``<image repository>-<timestamp>``, one name for the model, the
        endpoint config and the endpoint. ``wait=False`` returns once CreateEndpoint is accepted.
        """
        if accelerator_type is not None:
            raise ValidationError(
                "accelerator_type", accelerator_type, "None", hint="Elastic Inference is not supported; use a GPU type"
            )
        if not isinstance(wait, bool):
            raise ValidationError("wait", wait, "True or False")
        deploy = DeployConfig(
            initial_instance_count=initial_instance_count,
            instance_type=instance_type,
            endpoint_name=endpoint_name,
            tags=tags,
            kms_key=kms_key,
            data_capture_config=data_capture_config,
            serverless_inference_config=serverless_inference_config,
            volume_size=volume_size,
            model_data_download_timeout=model_data_download_timeout,
            container_startup_health_check_timeout=container_startup_health_check_timeout,
        )
        from .predictor import check_codecs

        check_codecs(serializer, deserializer)
        if self.__dict__.get("_sagemaker_session") is None:
            from .session import session_for_instance_type

            self.sagemaker_session = session_for_instance_type(deploy.instance_type)
        session = self.sagemaker_session
        session.check_instance_type("instance_type", deploy.instance_type)
        self._check_ready(session)
        code_files = self._config.code_files()
        self._check_artifact()
        region = session.boto_region_name
        image = self._image_for(deploy, region)
        generated = self._config.name is None
        model_name = self._config.name or name_from_base(self._base_name(image))
        endpoint = deploy.endpoint_name or (model_name if generated else name_from_base(base_from_name(model_name)))

        # the three requests with staged values as planned, against the service's limits (no I/O yet)
        planned_bucket = f"s3://{planned_default_bucket(region)}"
        check_hosting_requests(
            session,
            self._hosting_requests(
                deploy,
                model_name,
                endpoint,
                image,
                region,
                role_arn=session.planned_role_arn(self._config.role) or "",
                model_data=f"{planned_bucket}/{model_name}/model.tar.gz" if code_files else self._config.model_data,
                capture_default=f"{planned_bucket}/model-monitor/data-capture",
            ),
        )

        # --- from here on, calls ---
        role_arn = session.expand_role(self._config.role) if self._config.role else ""
        model_data = self._stage_code(session, model_name, code_files) or self._config.model_data
        capture_default = None
        if deploy.data_capture_config is not None and not deploy.data_capture_config.destination_s3_uri:
            capture_default = f"{session.default_output_prefix()}/model-monitor/data-capture"
        requests = self._hosting_requests(
            deploy,
            model_name,
            endpoint,
            image,
            region,
            role_arn=role_arn,
            model_data=model_data,
            capture_default=capture_default,
        )

        def created() -> None:
            self.name = model_name
            self.__dict__["endpoint_name"] = endpoint

        deploy_hosting_resources(session, requests, wait=wait, on_created=created)
        return self._make_predictor(endpoint, session, serializer, deserializer, model_name)

    def _hosting_requests(
        self,
        deploy: DeployConfig,
        model_name: str,
        endpoint: str,
        image: str,
        region: str,
        *,
        role_arn: str,
        model_data: str | None,
        capture_default: str | None,
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """CreateModel, CreateEndpointConfig and CreateEndpoint for this deploy (pure)."""
        model_request = self._create_model_request(deploy, model_name, image, region, role_arn, model_data)
        capture = None
        if deploy.data_capture_config is not None:
            capture = deploy.data_capture_config.to_request(capture_default)
        config_request = build_endpoint_config_request(
            endpoint,
            [production_variant(model_name, deploy)],
            tags=deploy.tags,
            kms_key=deploy.kms_key,
            data_capture=capture,
        )
        return model_request, config_request, build_create_endpoint_request(endpoint, endpoint, deploy.tags)

    def _create_model_request(
        self, deploy: DeployConfig, model_name: str, image: str, region: str, role_arn: str, model_data: str | None
    ) -> dict[str, Any]:
        """CreateModel (pure): for an endpoint, and for a batch transform (``transformer``)."""
        return build_create_model_request(
            model_name,
            role_arn,
            container_definition(image, model_data, self._container_env(region)),
            vpc_config=self._config.vpc_config,
            enable_network_isolation=self._config.enable_network_isolation,
            tags=deploy.tags,  # the model and the config are tagged too, as officially (cost allocation)
        )

    def _make_predictor(self, endpoint: str, session: Any, serializer: Any, deserializer: Any, model_name: str) -> Any:
        from . import predictor as predictor_module

        cls = self.predictor_cls or self._default_predictor_class()
        predictor = cls(endpoint, session)
        if serializer is not None:
            predictor.serializer = serializer
        if deserializer is not None:
            predictor.deserializer = deserializer
        if isinstance(predictor, predictor_module.Predictor):
            predictor._remember(endpoint_config_name=endpoint, model_names=[model_name])
        return predictor

    def _default_predictor_class(self) -> Any:
        from .predictor import Predictor

        return Predictor

    # --- inference code ----------------------------------------------------------------

    def _stage_code(self, session: Any, model_name: str, code_files: Mapping[str, str]) -> str | None:
        """Put the inference code where the container finds it; returns the model data to serve.

        Here: ``model.tar.gz`` repacked with ``code/`` (framework models may upload instead).
        """
        if not code_files:
            return None
        return self._repack_and_upload(session, model_name, code_files)

    def _code_uri(self, session: Any, model_name: str, filename: str) -> str:
        """``<code_location or the session's default output prefix>/<model name>/<filename>``.

        Hosted that is the default bucket; a LocalSession's default prefix is a local
        directory, so local deploys never upload.
        """
        base = self._config.code_location or session.default_output_prefix()
        return f"{base.rstrip('/')}/{model_name}/{filename}"

    def _repack_and_upload(self, session: Any, model_name: str, code_files: Mapping[str, str]) -> str:
        destination = self._code_uri(session, model_name, "model.tar.gz")
        source = self._config.model_data or ""
        uri = upload_repacked_model(session, source, code_files, destination, kms_key=self._config.model_kms_key)
        self.__dict__["repacked_model_data"] = uri
        return uri

    # --- clean-up -----------------------------------------------------------------------

    def transformer(self, instance_count: int, instance_type: str, **kwargs: Any) -> Any:
        """A ``Transformer`` over this model (created in SageMaker first): ``model.transformer(1, "ml.m5.large")``."""
        from .transformer import transformer_for_model

        return transformer_for_model(self, instance_count, instance_type, **kwargs)

    def delete_model(self) -> None:
        """DeleteModel for this model (after ``deploy``, or when constructed with ``name``)."""
        if not self._config.name:
            raise ValidationError("name", None, "a model that has been deployed or given a name")
        delete_hosting_resources(self.sagemaker_session, model_names=[self._config.name])
