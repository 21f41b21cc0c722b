"""The calls behind hosting: create endpoint resources, wait for ``InService``, delete, upload.

    from sagemaker_lite.endpoints import wait_for_endpoint, delete_hosting_resources
    wait_for_endpoint(session, "my-endpoint")
    delete_hosting_resources(session, endpoint_name="my-endpoint", endpoint_config_name="my-endpoint",
                             model_names=["my-model"])

Waiting polls with tenacity: the first DescribeEndpoint goes out at once (the official SDK
sleeps 30 s first), later ones back off with jitter up to ``Session.polling.maximum``, and
throttled describes are retried. Creating is safe to retry: a resource found under our name
with our settings is adopted, and a failure midway says what exists and how to remove it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from . import _partitions
from ._retry import DEFAULT_POLLING, PollingPolicy, error_code, error_message, got_no_answer
from ._validation import split_s3_uri
from .errors import EndpointFailedError, PartialFailureError, UnexpectedStatusError, ValidationError
from .retries import ambiguous_attempts
from .s3_transfer import put_file as put_file  # its old home (family_model imports it here)

LOGGER = logging.getLogger("sagemaker_lite")
IN_PROGRESS_STATUSES = ("Creating", "Updating", "SystemUpdating", "RollingBack")


def is_already_existing(exc: BaseException) -> bool:
    """SageMaker refuses a duplicate name with ``ValidationException: Cannot create already existing ...``."""
    message = error_message(exc).lower()
    return error_code(exc) in ("ValidationException", "ResourceInUse") and (
        "already existing" in message or "already exists" in message
    )


def is_not_found(exc: BaseException) -> bool:
    message = error_message(exc).lower()
    return error_code(exc) in ("ValidationException", "ResourceNotFound") and (
        "could not find" in message or "does not exist" in message
    )


def _polling(sagemaker_session: Any, polling: PollingPolicy | None) -> PollingPolicy:
    return polling or getattr(sagemaker_session, "polling", None) or DEFAULT_POLLING


def wait_for_endpoint(
    sagemaker_session: Any, endpoint_name: str, *, polling: PollingPolicy | None = None
) -> dict[str, Any]:
    """DescribeEndpoint at once, then with backoff, until the endpoint leaves Creating/Updating.

    ``InService`` returns the description; ``Failed`` raises ``EndpointFailedError`` with
    SageMaker's FailureReason; any other settled status raises ``UnexpectedStatusError``.
    """
    from tenacity import Retrying, retry_if_result

    policy = _polling(sagemaker_session, polling)
    client = sagemaker_session.sagemaker_client

    def describe() -> dict[str, Any]:
        return dict(policy.call(lambda: client.describe_endpoint(EndpointName=endpoint_name)))

    try:
        description: dict[str, Any] = Retrying(
            retry=retry_if_result(lambda d: d.get("EndpointStatus") in IN_PROGRESS_STATUSES),
            wait=policy.intervals(),
            sleep=policy.sleep,
        )(describe)
    except KeyboardInterrupt:
        LOGGER.warning(
            "Stopped waiting; endpoint %s is still being set up (and billed once InService). "
            "Wait again with sagemaker_lite.endpoints.wait_for_endpoint(session, %r), or remove it with "
            "sagemaker_lite.Predictor(%r).delete_endpoint()",
            endpoint_name,
            endpoint_name,
            endpoint_name,
        )
        raise
    status = str(description.get("EndpointStatus", ""))
    if status == "InService":
        return description
    console = _partitions.console_url(sagemaker_session.boto_region_name, f"/endpoints/{endpoint_name}")
    if status == "Failed":
        raise EndpointFailedError(endpoint_name, str(description.get("FailureReason", "")), console_url=console)
    raise UnexpectedStatusError(
        f"Endpoint {endpoint_name} is {status}, not InService",
        resource_name=endpoint_name,
        status=status,
        allowed_statuses=("InService",),
    )


def cleanup_call(created: Iterable[tuple[str, str]]) -> str:
    """The one call that deletes what a half-finished deploy created."""
    kinds: dict[str, list[str]] = {}
    for kind, name in created:
        kinds.setdefault(kind, []).append(name)
    args = []
    if "endpoint" in kinds:
        args.append(f"endpoint_name={kinds['endpoint'][0]!r}")
    if "endpoint config" in kinds:
        args.append(f"endpoint_config_name={kinds['endpoint config'][0]!r}")
    if "model" in kinds:
        args.append(f"model_names={kinds['model']!r}")
    return f"sagemaker_lite.endpoints.delete_hosting_resources(session, {', '.join(args)})"


def delete_hosting_resources(
    sagemaker_session: Any,
    *,
    endpoint_name: str | None = None,
    endpoint_config_name: str | None = None,
    model_names: Sequence[str] = (),
    polling: PollingPolicy | None = None,
) -> None:
    """Delete an endpoint, its config and models, in that order; ones already gone are skipped.

    Every deletion is attempted whatever happened to the ones before. One deletion that
    fails raises its own error; when several were asked for and any failed, a
    ``PartialFailureError`` lists what may remain (with every error) and the call that
    finishes the job, chained from the first error.
    """
    policy = _polling(sagemaker_session, polling)
    client = sagemaker_session.sagemaker_client
    steps: list[tuple[str, str, Callable[..., Any], dict[str, str]]] = []
    if endpoint_name:
        steps.append(("endpoint", endpoint_name, client.delete_endpoint, {"EndpointName": endpoint_name}))
    if endpoint_config_name:
        steps.append(
            (
                "endpoint config",
                endpoint_config_name,
                client.delete_endpoint_config,
                {"EndpointConfigName": endpoint_config_name},
            )
        )
    steps.extend(("model", name, client.delete_model, {"ModelName": name}) for name in model_names)
    failures: list[tuple[str, str, BaseException]] = []
    for kind, name, call, params in steps:
        try:
            policy.call(lambda call=call, params=params: call(**params))  # type: ignore[misc]
        except Exception as exc:
            if is_not_found(exc):
                LOGGER.info("%s %s was already deleted", kind, name)
            else:
                failures.append((kind, name, exc))
    if not failures:
        return
    if len(steps) == 1:
        raise failures[0][2]
    remaining = [(kind, name) for kind, name, _ in failures]
    reasons = "; ".join(f"{kind} {name}: {type(exc).__name__}: {exc}" for kind, name, exc in failures)
    raise PartialFailureError(
        f"could not delete everything ({reasons})",
        created=remaining,
        cleanup=cleanup_call(remaining),
        label="Not deleted",
    ) from failures[0][2]


def create_endpoint_resources(
    sagemaker_session: Any,
    model_request: Mapping[str, Any] | None,
    config_request: Mapping[str, Any],
    endpoint_request: Mapping[str, Any],
) -> None:
    """CreateModel (unless None), CreateEndpointConfig, CreateEndpoint.

    A model that already exists with the same container is reused (the official SDK reuses
    any model of that name, even one serving other artifacts: that is refused here). A
    failure after something was created raises ``PartialFailureError`` listing it and the
    cleanup call; a failure before raises the original error.
    """
    client = sagemaker_session.sagemaker_client
    created: list[tuple[str, str]] = []
    pending: tuple[str, str] | None = None
    try:
        if model_request is not None:
            pending = ("model", model_request["ModelName"])
            if _create(client.create_model, model_request, lambda: _same_model(client, model_request)):
                created.append(pending)
        pending = ("endpoint config", config_request["EndpointConfigName"])
        if _create(client.create_endpoint_config, config_request, lambda: _same_config(client, config_request)):
            created.append(pending)
        pending = ("endpoint", endpoint_request["EndpointName"])
        if _create(client.create_endpoint, endpoint_request, lambda: _same_endpoint(client, endpoint_request)):
            created.append(pending)
    except Exception as exc:
        # no answer (read timeout, connection lost): the create may have happened anyway
        unknown = pending is not None and got_no_answer(exc)
        leftover = [*created, pending] if unknown and pending is not None else created
        if not leftover:
            raise
        note = f" (the {pending[0]} {pending[1]} may exist: its create got no answer)" if unknown and pending else ""
        raise PartialFailureError(
            f"deploy stopped midway: {type(exc).__name__}: {exc}{note}",
            created=leftover,
            cleanup=cleanup_call(leftover),
        ) from exc


HOSTING_OPERATIONS = ("CreateModel", "CreateEndpointConfig", "CreateEndpoint")


def check_hosting_requests(sagemaker_session: Any, requests: Sequence[Mapping[str, Any]]) -> None:
    """CreateModel, CreateEndpointConfig and CreateEndpoint against the service model, before any call.

    A model without a role (local mode needs none) is checked without the empty field.
    """
    for operation, request in zip(HOSTING_OPERATIONS, requests, strict=True):
        if operation == "CreateModel" and not request.get("ExecutionRoleArn"):
            request = {key: value for key, value in request.items() if key != "ExecutionRoleArn"}
        sagemaker_session.check_request(operation, request)


def deploy_hosting_resources(
    sagemaker_session: Any, requests: Sequence[Mapping[str, Any]], *, wait: bool, on_created: Callable[[], None]
) -> None:
    """Check and create the three hosting resources, then (``wait``) wait for ``InService``.

    ``on_created`` runs once everything is created, before the wait (a ``Model`` records its
    names there, so a failed wait still leaves it pointing at what exists). A failed
    endpoint logs the cleanup call and raises.
    """
    check_hosting_requests(sagemaker_session, requests)
    model_request, config_request, endpoint_request = requests
    create_endpoint_resources(sagemaker_session, model_request, config_request, endpoint_request)
    on_created()
    if not wait:
        return
    endpoint = str(endpoint_request["EndpointName"])
    try:
        wait_for_endpoint(sagemaker_session, endpoint)
    except EndpointFailedError:
        created = [("endpoint", endpoint), ("endpoint config", str(config_request["EndpointConfigName"]))]
        created.append(("model", str(model_request["ModelName"])))
        LOGGER.warning("endpoint %s failed; clean up with: %s", endpoint, cleanup_call(created))
        raise


def _create(call: Callable[..., Any], request: Mapping[str, Any], is_ours: Callable[[], bool]) -> bool:
    """Send a create; True when it created the resource, False when an identical one existed.

    An existing endpoint or endpoint config is taken as ours only when an earlier attempt of
    this very call may have created it (its answer was lost) and it matches our request; a
    name already in use otherwise is SageMaker's error, raised as is. A model of the same
    name with the same container is reused, as the official SDK reuses models.
    """
    is_model = "ModelName" in request and "PrimaryContainer" in request
    try:
        call(**request)
        return True
    except Exception as exc:
        if is_already_existing(exc) and (is_model or ambiguous_attempts(exc) > 0) and is_ours():
            LOGGER.info("reusing the existing %s", next(iter(request.values())))
            return False
        if is_already_existing(exc) and is_model:
            raise ValidationError(
                "name",
                request["ModelName"],
                "a model name not in use, or one whose image, model data and environment match",
                hint="a different model already has this name; delete it or choose another name",
            ) from exc
        raise


def _same_model(client: Any, request: Mapping[str, Any]) -> bool:
    existing = client.describe_model(ModelName=request["ModelName"]).get("PrimaryContainer", {})
    wanted = request["PrimaryContainer"]
    return all(existing.get(key) == wanted.get(key) for key in ("Image", "ModelDataUrl", "Environment"))


def _same_config(client: Any, request: Mapping[str, Any]) -> bool:
    existing = client.describe_endpoint_config(EndpointConfigName=request["EndpointConfigName"])
    pairs = [(p.get("ModelName"), p.get("InstanceType")) for p in existing.get("ProductionVariants", [])]
    return pairs == [(p.get("ModelName"), p.get("InstanceType")) for p in request["ProductionVariants"]]


def _same_endpoint(client: Any, request: Mapping[str, Any]) -> bool:
    existing = client.describe_endpoint(EndpointName=request["EndpointName"])
    return bool(existing.get("EndpointConfigName") == request["EndpointConfigName"])


def upload_repacked_model(
    sagemaker_session: Any,
    model_data: str,
    code_files: Mapping[str, str],
    destination: str,
    *,
    kms_key: str | None = None,
) -> str:
    """Repack ``model_data`` (s3:// or file://) with ``code/`` and store it at ``destination``; returns it.

    The archive streams from the S3 body (or the local file) through ``repack.repack_model``
    into a temporary file, which is uploaded with s3transfer (multipart when large): memory
    stays at one copy buffer whatever the model's size.
    """
    from .repack import repack_model

    with tempfile.TemporaryFile(prefix="model-repack-") as output:
        if model_data.startswith("file://"):
            local = model_data[len("file://") :]
            if not os.path.isfile(local):
                raise ValidationError("model_data", model_data, "an existing local model.tar.gz")
            repack_model(local, output, code_files=code_files)
        else:
            source_bucket, source_key = split_s3_uri(model_data, "model_data")
            body = sagemaker_session.s3_client.get_object(Bucket=source_bucket, Key=source_key)["Body"]
            try:
                repack_model(body, output, code_files=code_files)
            finally:
                body.close()
        output.seek(0)
        return put_file(sagemaker_session, output, destination, kms_key)
