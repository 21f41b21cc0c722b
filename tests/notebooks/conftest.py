"""Registers the ``notebooks`` marker until setup.cfg declares it (the suite runs with --strict-markers)."""

from __future__ import annotations

import pytest

NOTEBOOKS_MARKER = "notebooks: executes a notebook in notebooks/ top to bottom in a real ipykernel"


def pytest_configure(config: pytest.Config) -> None:
    declared = {line.split(":", 1)[0].strip() for line in config.getini("markers")}
    if "notebooks" not in declared:
        config.addinivalue_line("markers", NOTEBOOKS_MARKER)
