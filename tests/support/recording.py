"""A boto3 Session whose calls are recorded and answered in-process by plain functions.

Like httpx's MockTransport: botocore still validates every parameter against its service
model (``before-parameter-build`` records the kwargs, validation runs, then ``before-call``
short-circuits with the handler's parsed response). An operation without a handler fails
the test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import boto3
from botocore.awsrequest import AWSResponse

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class RecordedCall(NamedTuple):
    service: str
    operation: str
    params: dict[str, Any]


class RecordingAWS:
    """``aws = RecordingAWS({"sts.GetCallerIdentity": lambda p: {...}})``; ``aws.boto_session()``."""

    def __init__(self, handlers: dict[str, Handler] | None = None, region: str = "us-west-2") -> None:
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self.region = region
        self.calls: list[RecordedCall] = []

    def boto_session(self) -> boto3.Session:
        session = boto3.Session(region_name=self.region, aws_access_key_id="testing", aws_secret_access_key="testing")
        session.events.register("before-parameter-build", self._record)
        session.events.register("before-call", self._answer)
        return session

    @staticmethod
    def _service(model: Any) -> str:
        return str(
            model.service_model.endpoint_prefix
            if model.service_model.service_name == "s3"
            else model.service_model.service_name
        )

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(RecordedCall(self._service(model), model.name, dict(params)))

    def _answer(self, model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        key = f"{self._service(model)}.{model.name}"
        handler = self.handlers.get(key)
        if handler is None:
            raise AssertionError(f"no handler for {key}")
        params = self.calls[-1].params
        response = handler(params)
        parsed = {
            "ResponseMetadata": {"HTTPStatusCode": 200, "RequestId": "recorded", "HTTPHeaders": {}, "RetryAttempts": 0},
            **response,
        }
        return AWSResponse("https://recorded.invalid", 200, {}, None), parsed

    def operations(self) -> list[str]:
        return [f"{c.service}.{c.operation}" for c in self.calls]

    def params_of(self, operation: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.operation == operation]
