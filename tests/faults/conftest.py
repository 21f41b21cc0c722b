"""Fault-injection fixtures: a FaultProxy in front of the (reset) moto server, and the slow-test gate.

Tests marked ``slow`` here run by default (CI included); ``SAGEMAKER_LITE_QUICK=1`` leaves them
out of a quick local run, keeping the fast variants.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.fault_proxy import FaultPlan, FaultProxy
from support.moto_server import MotoHandle

from .slow import skip_unless_slow_enabled


def pytest_runtest_setup(item: pytest.Item) -> None:
    skip_unless_slow_enabled(item)


@pytest.fixture
def proxy(moto: MotoHandle) -> Iterator[FaultProxy]:
    """A proxy without faults in front of the freshly reset moto server (set a plan with ``set_plan``)."""
    with FaultProxy(moto.url, FaultPlan(), deadline=900.0) as running:
        yield running
