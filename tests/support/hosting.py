"""An in-process SageMaker hosting fake: a ``RecordingAWS`` (support.aws_double) with hosting state.

``FakeHosting`` keeps models, endpoint configs and endpoints as state, plays scripted
endpoint statuses (``Creating`` -> ``InService`` / ``Failed``), answers InvokeEndpoint, and
records one ``timeline`` in which the polling policy's sleeps are interleaved with the
calls, so a test can assert that the first DescribeEndpoint goes out before any sleep.
botocore still validates every request against its service model.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable
from typing import Any

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy

from .aws_double import OperationHandler, RecordingAWS, ServiceError

ACCOUNT = "123456789012"
REGION = "us-west-2"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"


def tiny_model_tar(members: Iterable[str] = ("1/saved_model.pb",)) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in members:
            info = tarfile.TarInfo(name)
            info.size = 5
            tar.addfile(info, io.BytesIO(b"model"))
    return buffer.getvalue()


def not_found(operation: str, what: str) -> ServiceError:
    return ServiceError("ValidationException", f"Could not find {what}.")


def already_exists(operation: str, what: str) -> ServiceError:
    return ServiceError("ValidationException", f"Cannot create already existing {what}.")


class FakeHosting:
    """State + handlers; ``fake.session()`` gives a Session whose every call lands here."""

    def __init__(self, endpoints: Iterable[dict[str, str]] = ()) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.objects: dict[tuple[str, str], bytes] = {}
        self.statuses: dict[str, list[str]] = {}
        self.failure_reason = ""
        self.invoke_result: tuple[bytes, str] = (b'{"predictions": [[3.0]]}', "application/json")
        self.tags: dict[str, list[dict[str, str]]] = {}
        self.timeline: list[str] = []
        self.sleeps: list[float] = []
        self.reject: dict[str, Exception] = {}  # operation -> what its next calls raise
        for item in endpoints:
            model, config, endpoint = item["ModelName"], item["EndpointConfigName"], item["EndpointName"]
            self.models[model] = {"ModelName": model, "PrimaryContainer": {"Image": "image"}}
            variant = {"VariantName": "AllTraffic", "ModelName": model, "InstanceType": "ml.m5.large"}
            self.configs[config] = {
                "EndpointConfigName": config,
                "ProductionVariants": [variant | {"InitialInstanceCount": 1}],
            }
            self.endpoints[endpoint] = {"EndpointName": endpoint, "EndpointConfigName": config}
        handlers: dict[str, OperationHandler] = {
            "sts.GetCallerIdentity": lambda p: {
                "Account": ACCOUNT,
                "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/R/me",
                "UserId": "x",
            },
            "s3.CreateBucket": self._create_bucket,
            "s3.GetObject": self._get_object,
            "s3.PutObject": self._put_object,
            "sagemaker.CreateModel": self._create_model,
            "sagemaker.DescribeModel": lambda p: self._get(self.models, p["ModelName"], "DescribeModel", "model"),
            "sagemaker.DeleteModel": lambda p: self._delete(self.models, p["ModelName"], "DeleteModel", "model"),
            "sagemaker.CreateEndpointConfig": self._create_config,
            "sagemaker.DescribeEndpointConfig": lambda p: self._get(
                self.configs, p["EndpointConfigName"], "DescribeEndpointConfig", "endpoint configuration"
            ),
            "sagemaker.DeleteEndpointConfig": lambda p: self._delete(
                self.configs, p["EndpointConfigName"], "DeleteEndpointConfig", "endpoint configuration"
            ),
            "sagemaker.CreateEndpoint": self._create_endpoint,
            "sagemaker.UpdateEndpoint": self._update_endpoint,
            "sagemaker.DescribeEndpoint": self._describe_endpoint,
            "sagemaker.DeleteEndpoint": lambda p: self._delete(
                self.endpoints, p["EndpointName"], "DeleteEndpoint", "endpoint"
            ),
            "sagemaker.ListTags": lambda p: {"Tags": self.tags.get(p["ResourceArn"], [])},
            "sagemaker-runtime.InvokeEndpoint": self._invoke,
        }
        self.aws = RecordingAWS({key: self._traced(key, handler) for key, handler in handlers.items()}, region=REGION)

    # --- plumbing ---------------------------------------------------------------------------

    def _traced(self, key: str, handler: OperationHandler) -> OperationHandler:
        def run(params: dict[str, Any]) -> dict[str, Any]:
            operation = key.split(".", 1)[1]
            self.timeline.append(operation)
            if operation in self.reject:
                raise self.reject[operation]
            return handler(params)

        return run

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.timeline.append("sleep")

    def session(self, **kwargs: Any) -> Session:
        polling = PollingPolicy(initial=1.0, maximum=4.0, jitter=0.0, sleep=self.sleep)
        return Session(boto_session=self.aws.boto_session(), polling=polling, **kwargs)

    def operations(self) -> list[str]:
        return [c.operation for c in self.aws.calls]

    def script(self, endpoint: str, statuses: list[str], failure_reason: str = "") -> None:
        self.statuses[endpoint] = list(statuses)
        self.failure_reason = failure_reason

    # --- handlers -----------------------------------------------------------------------------

    @staticmethod
    def _get(store: dict[str, dict[str, Any]], name: str, operation: str, what: str) -> dict[str, Any]:
        if name not in store:
            raise not_found(operation, f'{what} "{name}"')
        return dict(store[name])

    @staticmethod
    def _delete(store: dict[str, dict[str, Any]], name: str, operation: str, what: str) -> dict[str, Any]:
        if store.pop(name, None) is None:
            raise not_found(operation, f'{what} "{name}"')
        return {}

    def _create_bucket(self, params: dict[str, Any]) -> dict[str, Any]:
        raise ServiceError("BucketAlreadyOwnedByYou", "owned", 409)

    def _get_object(self, params: dict[str, Any]) -> dict[str, Any]:
        data = self.objects.get((params["Bucket"], params["Key"]), tiny_model_tar())
        return {"Body": io.BytesIO(data), "ContentLength": len(data)}

    def _put_object(self, params: dict[str, Any]) -> dict[str, Any]:
        body = params["Body"]
        self.objects[(params["Bucket"], params["Key"])] = body.read() if hasattr(body, "read") else bytes(body)
        return {"ETag": '"etag"'}

    def _create_model(self, params: dict[str, Any]) -> dict[str, Any]:
        if params["ModelName"] in self.models:
            raise already_exists("CreateModel", f'model "{ARN}:model/{params["ModelName"]}"')
        self.models[params["ModelName"]] = dict(params)
        return {"ModelArn": f"{ARN}:model/{params['ModelName']}"}

    def _create_config(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["EndpointConfigName"]
        if name in self.configs:
            raise already_exists("CreateEndpointConfig", f'endpoint configuration "{name}"')
        arn = f"{ARN}:endpoint-config/{name}"
        self.configs[name] = dict(params, EndpointConfigArn=arn)
        return {"EndpointConfigArn": arn}

    def _create_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["EndpointName"]
        if name in self.endpoints:
            raise already_exists("CreateEndpoint", f'endpoint "{name}"')
        if params["EndpointConfigName"] not in self.configs:
            raise not_found("CreateEndpoint", f'endpoint configuration "{params["EndpointConfigName"]}"')
        self.endpoints[name] = {"EndpointName": name, "EndpointConfigName": params["EndpointConfigName"]}
        return {"EndpointArn": f"{ARN}:endpoint/{name}"}

    def _update_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        self.endpoints[params["EndpointName"]]["EndpointConfigName"] = params["EndpointConfigName"]
        return {"EndpointArn": f"{ARN}:endpoint/{params['EndpointName']}"}

    def _describe_endpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["EndpointName"]
        endpoint = self._get(self.endpoints, name, "DescribeEndpoint", "endpoint")
        script = self.statuses.get(name, [])
        status = script.pop(0) if len(script) > 1 else (script[0] if script else "InService")
        response = dict(endpoint, EndpointArn=f"{ARN}:endpoint/{name}", EndpointStatus=status)
        if status == "Failed":
            response["FailureReason"] = self.failure_reason
        return response

    def _invoke(self, params: dict[str, Any]) -> dict[str, Any]:
        body, content_type = self.invoke_result
        return {"Body": io.BytesIO(body), "ContentType": content_type}
