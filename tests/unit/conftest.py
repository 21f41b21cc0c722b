"""Unit-tier fixtures: Sessions whose clients never leave the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.stub import Stubber
from support.offline import CallRecorder, fake_boto_session

from sagemaker_lite import Session


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
