"""Scripted AWS doubles at the transport level (see ``transport`` for the mechanism).

    sm = ScriptedSageMaker()
    client = sm.install(boto3.client("sagemaker", region_name="us-west-2",
                                     aws_access_key_id="x", aws_secret_access_key="x"))
    sm.script_job("my-job", [("InProgress", "Training"), ("Failed", "Failed")], failure_reason="OOM")

``ScriptedAWS`` bundles a SageMaker double and a Logs double linked to it, and makes boto3
sessions whose clients are answered by them (what the ``scripted`` fixture yields).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

from .logs import TRAINING_LOG_GROUP, LogStream, ScriptedLogs
from .sagemaker import DEFAULT_SCRIPT, STATUS_MESSAGES, ScriptedSageMaker, Step, TrainingJob
from .transport import (
    Call,
    Fault,
    JsonDict,
    ScriptedService,
    ServiceError,
    instant_backoff,
    json_response,
)

__all__ = [
    "DEFAULT_SCRIPT",
    "STATUS_MESSAGES",
    "TRAINING_LOG_GROUP",
    "Call",
    "Fault",
    "JsonDict",
    "LogStream",
    "ScriptedAWS",
    "ScriptedLogs",
    "ScriptedSageMaker",
    "ScriptedService",
    "ServiceError",
    "Step",
    "TrainingJob",
    "instant_backoff",
    "json_response",
]


class ScriptedAWS:
    """A ``ScriptedSageMaker`` plus a ``ScriptedLogs`` driven by its lifecycles, one region, fake keys."""

    def __init__(
        self,
        region: str = "us-west-2",
        *,
        enforce_log_rate_limit: bool = False,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        clocks: dict[str, Any] = {}
        if clock is not None:
            clocks["clock"] = clock
        if wall_clock is not None:
            clocks["wall_clock"] = wall_clock
        self.region = region
        self.sagemaker = ScriptedSageMaker(region=region, **clocks)
        self.logs = ScriptedLogs(self.sagemaker, region=region, enforce_rate_limit=enforce_log_rate_limit, **clocks)

    def boto_session(self) -> boto3.Session:
        """A session (fake keys, our region) whose sagemaker and logs clients are answered by the doubles."""
        session = boto3.Session(region_name=self.region, aws_access_key_id="testing", aws_secret_access_key="testing")
        self.sagemaker.install(session)
        self.logs.install(session)
        return session

    def client(self, service: str, **kwargs: Any) -> Any:
        return self.boto_session().client(service, **kwargs)

    def uninstall(self) -> None:
        self.sagemaker.uninstall()
        self.logs.uninstall()
