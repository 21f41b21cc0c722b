"""From a trained estimator to an endpoint: ``create_model``, ``deploy`` and ``transformer``.

Kept apart from ``estimator.py`` (training) so each module has one job; ``EstimatorHosting``
is a base of every estimator, so ``help(Estimator)`` shows these methods where users look.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .naming import name_from_base

VPC_CONFIG_DEFAULT = "VPC_CONFIG_DEFAULT"


def vpc_config_for(config: Any, override: Any = VPC_CONFIG_DEFAULT) -> dict[str, list[str]] | None:
    """The training job's VPC for the model, unless ``vpc_config_override`` says otherwise."""
    if override != VPC_CONFIG_DEFAULT:
        return dict(override) if isinstance(override, Mapping) else override
    if not config.subnets:
        return None
    return {"Subnets": list(config.subnets), "SecurityGroupIds": list(config.security_group_ids or [])}


def deploy_estimator(
    estimator: Any,
    initial_instance_count: int | None,
    instance_type: str | None,
    serializer: Any,
    deserializer: Any,
    *,
    model_name: str | None,
    accelerator_type: str | None,
    wait: bool,
    deploy_settings: dict[str, Any],
    model_kwargs: dict[str, Any],
) -> Any:
    """Validate everything, wait for a job started with ``wait=False``, then create_model().deploy()."""
    from .hosting import DeployConfig, check_name
    from .predictor import check_codecs

    DeployConfig(initial_instance_count=initial_instance_count, instance_type=instance_type, **deploy_settings)
    check_codecs(serializer, deserializer)
    check_name("model_name", model_name)
    job = estimator.latest_training_job
    if job is None:
        raise ValidationError(
            "model_data", None, "an estimator that has been fit or attached", hint="call fit() before deploy()"
        )
    if job.describe(refresh=False).get("TrainingJobStatus") != "Completed":
        job.wait(logs="None")
    default_name = name_from_base(estimator._base_job_name())
    model = estimator.create_model(**model_kwargs)
    model.name = model_name or default_name
    settings = {
        **deploy_settings,
        "endpoint_name": deploy_settings.get("endpoint_name") or default_name,
        "tags": deploy_settings.get("tags") or estimator.config.tags,
    }
    return model.deploy(
        initial_instance_count,
        instance_type,
        serializer,
        deserializer,
        accelerator_type=accelerator_type,
        wait=wait,
        **settings,
    )


class EstimatorHosting:
    """The hosting half of an estimator (``EstimatorBase`` supplies the trained model)."""

    if TYPE_CHECKING:  # pragma: no cover - EstimatorBase's
        _config: Any
        sagemaker_session: Any

        @property
        def model_data(self) -> str: ...

        def training_image_uri(self) -> str: ...

        def enable_network_isolation(self) -> bool: ...

    def create_model(
        self,
        image_uri: str | None = None,
        role: str | None = None,
        vpc_config_override: Any = "VPC_CONFIG_DEFAULT",
        **kwargs: Any,
    ) -> Any:
        """A ``Model`` serving this estimator's artifact: ``est.create_model().deploy(1, "ml.m5.large")``.

        The image defaults to the training image (the built-in algorithms serve from the same
        image); VPC settings and network isolation are the training job's unless overridden.
        """
        from .model import Model

        kwargs.setdefault("enable_network_isolation", self.enable_network_isolation())
        return Model(
            image_uri or self.training_image_uri(),
            self.model_data,
            role or self._config.role,
            vpc_config=vpc_config_for(self._config, vpc_config_override),
            sagemaker_session=self.sagemaker_session,
            **kwargs,
        )

    def transformer(self, instance_count: int, instance_type: str, **kwargs: Any) -> Any:
        """A ``Transformer`` for the trained model: ``est.transformer(1, "ml.m5.large").transform(data)``.

        Creates the SageMaker model (not an endpoint) first; takes ``Transformer``'s keyword
        arguments plus ``model_name``, ``role``, ``vpc_config_override``, ``enable_network_isolation``.
        """
        from .transformer import transformer_for_estimator

        return transformer_for_estimator(self, instance_count, instance_type, **kwargs)

    def deploy(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        serializer: Any = None,
        deserializer: Any = None,
        *,
        endpoint_name: str | None = None,
        model_name: str | None = None,
        tags: Any = None,
        kms_key: str | None = None,
        wait: bool = True,
        data_capture_config: Any = None,
        serverless_inference_config: Any = None,
        volume_size: int | None = None,
        model_data_download_timeout: int | None = None,
        container_startup_health_check_timeout: int | None = None,
        accelerator_type: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Host the trained model: ``predictor = est.deploy(1, "ml.m5.xlarge")``.

        ``self.create_model(**kwargs).deploy(...)``; the model and the endpoint share one name,
        ``<base job name>-<timestamp>``, unless ``model_name`` / ``endpoint_name`` are given, and
        the estimator's tags are used unless ``tags`` are. Arguments are validated before any
        call; a job started with ``fit(wait=False)`` is waited for first.
        """
        deploy_settings: dict[str, Any] = {
            "endpoint_name": endpoint_name,
            "tags": tags,
            "kms_key": kms_key,
            "data_capture_config": data_capture_config,
            "serverless_inference_config": serverless_inference_config,
            "volume_size": volume_size,
            "model_data_download_timeout": model_data_download_timeout,
            "container_startup_health_check_timeout": container_startup_health_check_timeout,
        }
        return deploy_estimator(
            self,
            initial_instance_count,
            instance_type,
            serializer,
            deserializer,
            model_name=model_name,
            accelerator_type=accelerator_type,
            wait=wait,
            deploy_settings=deploy_settings,
            model_kwargs=kwargs,
        )
