"""Offline helpers shared by unit tests: fake boto3 sessions and a recorder that refuses every call.

Kept out of ``conftest.py`` so test modules import them by a unique name (``support.offline``):
two ``conftest`` modules in different folders shadow each other when imported by that name.
"""

from __future__ import annotations

from typing import Any

import boto3

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


class CallRecorder:
    """Counts every request any client of a boto3 Session tries to send, and refuses it."""

    def __init__(self, boto_session: boto3.Session) -> None:
        self.calls: list[tuple[str, Any]] = []
        boto_session.events.register("before-send", self._record)

    def _record(self, request: Any, **_: Any) -> None:
        self.calls.append((request.method, request.url))
        raise AssertionError(f"unexpected AWS request: {request.method} {request.url}")


def fake_boto_session(region: str = "us-west-2") -> boto3.Session:
    return boto3.Session(region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
