"""From a trained estimator to an endpoint: the steps ``Estimator.deploy()`` takes.

Kept apart from ``estimator.py`` (training) so each module has one job; the estimator's
``create_model``/``deploy`` methods are thin and documented where users look for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
