"""Local-mode fixtures: every job lives under the test's tmp_path and is stopped quickly."""

from __future__ import annotations

from pathlib import Path

import pytest

from sagemaker_lite.local import LocalSageMakerClient, LocalSession


@pytest.fixture
def local_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "root"
    monkeypatch.setenv("SAGEMAKER_LITE_LOCAL_ROOT", str(root))
    return root


@pytest.fixture
def client(local_root: Path) -> LocalSageMakerClient:
    return LocalSageMakerClient(root=local_root, stop_timeout=2.0)


@pytest.fixture
def session(local_root: Path) -> LocalSession:
    return LocalSession(root=local_root, stop_timeout=2.0)


@pytest.fixture(params=["namespaces", "relocated"])
def container_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with per-host namespaces and with the relocation fallback (forced by the env var)."""
    from sagemaker_lite.local.training.sandbox import MODE_ENV

    monkeypatch.setenv(MODE_ENV, "auto" if request.param == "namespaces" else "off")
    return str(request.param)
