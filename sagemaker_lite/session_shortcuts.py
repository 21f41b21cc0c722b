"""The Session methods notebooks call, each a thin door into the classes that do the work.

    sess = sagemaker_lite.Session()
    sess.delete_endpoint(predictor.endpoint_name)
    sess.logs_for_job("xgboost-2026-12-07-17-00-00-000", wait=True)
    description = sess.wait_for_job("xgboost-2026-12-07-17-00-00-000")
    name = sess.endpoint_from_model_data("s3://bucket/model.tar.gz", image_uri, 1, "ml.m5.large", role=role)

Why a mixin of its own: the official ``Session`` is where notebooks find these, so
``Session`` must have them, but none of them is new behaviour. Deleting goes through
``endpoints.delete_hosting_resources`` (every deletion attempted, the real error
reported), waiting and logs through ``jobs.TrainingJob`` (one poller, one deadline, every
host's logs), deploying through ``model.Model``. Keeping them here keeps ``session.py``
about clients, buckets and transfers. ``LocalSession`` inherits them unchanged: they only
use the Session's clients, which local mode answers.

Deploying from a model artifact builds the same three requests ``Model.deploy`` builds, from
the same pieces (``model_config.ModelConfig`` validation, ``hosting``'s builders,
``endpoints.deploy_hosting_resources``), without ``Model`` itself: a ``Model`` made without
a session creates its default ``Session``, so importing it here would make an import cycle
(``tests/unit/test_import_graph.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._validation import fail

#: the official ``logs_for_job``/``wait_for_job`` poll arguments are accepted and ignored:
#: polling follows the Session's ``PollingPolicy`` (backoff within the service's rate limits)
_IGNORED_POLL = "poll"


def _name(parameter: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        fail(parameter, value, "a non-empty resource name string")
    return str(value)


class SessionShortcuts:
    """Endpoint, model and job helpers with the official ``Session`` names and signatures."""

    # --- hosting ---------------------------------------------------------------------

    def delete_endpoint(self, endpoint_name: str) -> None:
        """DeleteEndpoint (the endpoint config and models stay, as in the official SDK)."""
        from .endpoints import delete_hosting_resources

        delete_hosting_resources(self, endpoint_name=_name("endpoint_name", endpoint_name))

    def delete_endpoint_config(self, endpoint_config_name: str) -> None:
        """DeleteEndpointConfig."""
        from .endpoints import delete_hosting_resources

        delete_hosting_resources(self, endpoint_config_name=_name("endpoint_config_name", endpoint_config_name))

    def delete_model(self, model_name: str) -> None:
        """DeleteModel."""
        from .endpoints import delete_hosting_resources

        delete_hosting_resources(self, model_names=[_name("model_name", model_name)])

    def wait_for_endpoint(self, endpoint: str, poll: float | None = None) -> dict[str, Any]:
        """Wait until the endpoint is InService and return its description (Failed raises)."""
        from .endpoints import wait_for_endpoint

        return wait_for_endpoint(self, _name("endpoint", endpoint))

    def describe_endpoint(self, endpoint_name: str) -> dict[str, Any]:
        """DescribeEndpoint."""
        return dict(self.sagemaker_client.describe_endpoint(EndpointName=_name("endpoint_name", endpoint_name)))  # type: ignore[attr-defined]

    def endpoint_from_model_data(
        self,
        model_s3_location: str,
        image_uri: str,
        initial_instance_count: int,
        instance_type: str,
        name: str | None = None,
        role: str | None = None,
        wait: bool = True,
        model_environment_vars: Mapping[str, str] | None = None,
        model_vpc_config: Mapping[str, Any] | None = None,
        accelerator_type: str | None = None,
        data_capture_config: Any = None,
        tags: Any = None,
    ) -> str:
        """Create a model, an endpoint config and an endpoint from a model artifact; returns the endpoint name.

        The model, its endpoint config and the endpoint share ``name`` (default: the image's
        repository and a timestamp), as with ``Model(image_uri, model_s3_location, role).deploy(...)``.
        """
        from .endpoints import check_hosting_requests, deploy_hosting_resources
        from .hosting import (
            DeployConfig,
            build_create_endpoint_request,
            build_create_model_request,
            build_endpoint_config_request,
            container_definition,
            production_variant,
        )
        from .model_config import ModelConfig
        from .naming import base_name_from_image, name_from_base

        session: Any = self  # a Session: the mixin's methods run on one
        vpc: Any = model_vpc_config  # ModelConfig validates it
        if not isinstance(image_uri, str) or not image_uri:
            fail("image_uri", image_uri, "the inference image's ECR URI")
        if accelerator_type is not None:
            fail("accelerator_type", accelerator_type, "None (Elastic Inference is not supported; use a GPU type)")
        if not isinstance(wait, bool):
            fail("wait", wait, "True or False")
        config = ModelConfig(
            image_uri=image_uri,
            model_data=model_s3_location,
            role=role,
            env=model_environment_vars,
            name=name,
            vpc_config=vpc,
        )
        deploy = DeployConfig(
            initial_instance_count=initial_instance_count,
            instance_type=instance_type,
            endpoint_name=name,
            tags=tags,
            data_capture_config=data_capture_config,
        )
        session.check_instance_type("instance_type", deploy.instance_type)
        session.check_role(config.role, " to pull the image and model")
        session.check_location("model_s3_location", config.model_data)
        endpoint = config.name or name_from_base(base_name_from_image(image_uri, "model"))

        def requests(role_arn: str, capture_default: str | None) -> list[dict[str, Any]]:
            container = container_definition(image_uri, config.model_data, config.env)
            model = build_create_model_request(
                endpoint, role_arn, container, vpc_config=config.vpc_config, tags=deploy.tags
            )
            capture = None if data_capture_config is None else data_capture_config.to_request(capture_default)
            variant = production_variant(endpoint, deploy)
            endpoint_config = build_endpoint_config_request(endpoint, [variant], tags=deploy.tags, data_capture=capture)
            return [model, endpoint_config, build_create_endpoint_request(endpoint, endpoint, deploy.tags)]

        from .limits import planned_default_bucket

        planned_capture = f"s3://{planned_default_bucket(session.boto_region_name)}/model-monitor/data-capture"
        check_hosting_requests(session, requests(session.planned_role_arn(config.role) or "", planned_capture))
        capture_default = None
        if data_capture_config is not None and not data_capture_config.destination_s3_uri:
            capture_default = f"{session.default_output_prefix()}/model-monitor/data-capture"
        role_arn = session.expand_role(config.role) if config.role else ""
        deploy_hosting_resources(session, requests(role_arn, capture_default), wait=wait, on_created=lambda: None)
        return endpoint

    def endpoint_from_job(
        self,
        job_name: str,
        initial_instance_count: int,
        instance_type: str,
        image_uri: str | None = None,
        name: str | None = None,
        role: str | None = None,
        wait: bool = True,
        model_environment_vars: Mapping[str, str] | None = None,
        vpc_config_override: Mapping[str, Any] | None = None,
        accelerator_type: str | None = None,
        data_capture_config: Any = None,
    ) -> str:
        """Deploy a finished training job's model; returns the endpoint name.

        The job's training image is used unless ``image_uri`` names the inference image.
        """
        description = self.describe_training_job(job_name)
        artifacts = (description.get("ModelArtifacts") or {}).get("S3ModelArtifacts")
        if not artifacts:
            status = description.get("TrainingJobStatus")
            fail("job_name", job_name, f"a completed training job with model artifacts (status {status!r})")
        image = image_uri or description["AlgorithmSpecification"].get("TrainingImage")
        return self.endpoint_from_model_data(
            str(artifacts),
            image,
            initial_instance_count,
            instance_type,
            name=name or job_name,
            role=role or description.get("RoleArn"),
            wait=wait,
            model_environment_vars=model_environment_vars,
            model_vpc_config=vpc_config_override if vpc_config_override is not None else description.get("VpcConfig"),
            accelerator_type=accelerator_type,
            data_capture_config=data_capture_config,
        )

    # --- training jobs ---------------------------------------------------------------

    def describe_training_job(self, job_name: str) -> dict[str, Any]:
        """DescribeTrainingJob."""
        return dict(self.sagemaker_client.describe_training_job(TrainingJobName=_name("job_name", job_name)))  # type: ignore[attr-defined]

    def wait_for_job(self, job: str, poll: float | None = None) -> dict[str, Any]:
        """Wait quietly for a training job to end: Completed returns the description, Failed raises."""
        from .jobs import TrainingJob

        return TrainingJob(self, _name("job", job)).wait(logs=False)

    def logs_for_job(
        self,
        job_name: str,
        wait: bool = False,
        poll: float | None = None,
        log_type: str = "All",
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Print the job's status transitions and every host's log lines; with ``wait``, follow until it ends.

        Without ``wait`` the lines logged so far are printed once and the description returned.
        """
        from .jobs import TrainingJob

        if not isinstance(wait, bool):
            fail("wait", wait, "True or False")
        job = TrainingJob(self, _name("job_name", job_name))
        if wait:
            return job.wait(logs=log_type)
        return _print_logs_so_far(self, job.describe(), job_name)


def _print_logs_so_far(session: Any, description: dict[str, Any], job_name: str) -> dict[str, Any]:
    """One pass over every host's log stream: what ``logs_for_job(wait=False)`` shows."""
    from .logs import LogTailer, describe_log_streams_limiter
    from .redact import redact

    tailer = LogTailer(
        session.logs_client,
        job_name,
        limiter=describe_log_streams_limiter(session),
        expected_streams=(description.get("ResourceConfig") or {}).get("InstanceCount"),
        policy=session.polling,
    )
    for event in tailer.poll(final=True):
        print(redact(tailer.format(event)), flush=True)
    return description
