"""Unit-tier fixtures: Sessions whose clients never leave the process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.stub import Stubber
from support.aws_double import RefusingAWS
from support.official import prepare_fixture_dir
from support.offline import fake_boto_session

from sagemaker_lite import Session


@pytest.fixture
def offline_session() -> Iterator[tuple[Session, RefusingAWS]]:
    """A Session whose every attempted AWS call is recorded and refused (``RefusingAWS``)."""
    boto = fake_boto_session()
    refuser = RefusingAWS()
    refuser.install(boto)
    yield Session(boto_session=boto, default_bucket="out-bucket"), refuser


@pytest.fixture
def stubbed() -> Iterator[tuple[Session, Stubber]]:
    """A Session whose SageMaker client is a botocore Stubber (requests validated against the model).

    The one double kept outside support.aws_double, on purpose: the request-builder tests state the
    exact request they expect, in order, and botocore's Stubber is the tool made for that.
    """
    session = Session(boto_session=fake_boto_session())
    stubber = Stubber(session.sagemaker_client)
    with stubber:
        yield session, stubber


@pytest.fixture
def official_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in tests/data/official (the captured cases' relative paths start there), junk files included."""
    directory = prepare_fixture_dir()
    monkeypatch.chdir(directory)
    return directory
