"""The gate for ``slow`` variants (shared by tests/faults and tests/load): on unless a quick run.

The slow variants run by default (CI included): a skipped test is no test.
``SAGEMAKER_LITE_QUICK=1`` leaves them out of a local iteration (tests/conftest.py
deselects them and says so).
"""

from __future__ import annotations

import os

import pytest

SLOW_OPT_IN_VAR = "SAGEMAKER_LITE_SLOW_TESTS"  # kept for old scripts: slow variants now always run
QUICK_VAR = "SAGEMAKER_LITE_QUICK"


def slow_enabled(config: pytest.Config) -> bool:
    """False only for a quick run (``SAGEMAKER_LITE_QUICK=1``) that does not select ``-m slow``."""
    expression = str(config.getoption("markexpr", "") or "")
    if "slow" in expression and "not slow" not in expression:
        return True
    return os.environ.get(QUICK_VAR) != "1"


def skip_unless_slow_enabled(item: pytest.Item) -> None:
    if item.get_closest_marker("slow") is not None and not slow_enabled(item.config):
        pytest.skip(f"slow variant left out by {QUICK_VAR}=1")
