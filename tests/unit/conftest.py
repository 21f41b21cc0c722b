"""Unit-tier fixtures: Sessions whose clients never leave the process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sagemaker_lite import Session

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


@pytest.fixture
def offline_session() -> Iterator[tuple[Session, CallRecorder]]:
    """A Session whose every attempted AWS call is recorded and refused."""
    boto = fake_boto_session()
    recorder = CallRecorder(boto)
    yield Session(boto_session=boto, default_bucket="out-bucket"), recorder


@pytest.fixture
def stubbed() -> Iterator[tuple[Session, Stubber]]:
    """A Session whose SageMaker client is a botocore Stubber (requests validated against the model)."""
    session = Session(boto_session=fake_boto_session())
    stubber = Stubber(session.sagemaker_client)
    with stubber:
        yield session, stubber
