"""Load-test fixtures: the slow-test gate (see tests/faults/slow.py)."""

from __future__ import annotations

import pytest
from faults.slow import skip_unless_slow_enabled


def pytest_runtest_setup(item: pytest.Item) -> None:
    skip_unless_slow_enabled(item)
