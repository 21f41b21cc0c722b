"""The opt-in gate for ``slow`` variants (shared by tests/faults and tests/load)."""

from __future__ import annotations

import os

import pytest

SLOW_OPT_IN_VAR = "SAGEMAKER_LITE_SLOW_TESTS"


def slow_enabled(config: pytest.Config) -> bool:
    """True with SAGEMAKER_LITE_SLOW_TESTS=1, or when ``-m`` selects slow tests (``-m slow``)."""
    if os.environ.get(SLOW_OPT_IN_VAR) == "1":
        return True
    expression = str(config.getoption("markexpr", "") or "")
    return "slow" in expression and "not slow" not in expression


def skip_unless_slow_enabled(item: pytest.Item) -> None:
    if item.get_closest_marker("slow") is not None and not slow_enabled(item.config):
        pytest.skip(f"slow variant: run with {SLOW_OPT_IN_VAR}=1 or -m slow")
