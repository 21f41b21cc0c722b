"""What Ctrl-C while waiting for a training job says and does: the Session seam (issue 11, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sagemaker_lite.local import LocalSession
from sagemaker_lite.session import Session


def test_hosted_jobs_keep_running_and_say_how_to_attach(aws_region: str) -> None:
    text = Session(region_name=aws_region).training_job_interrupted("job-1")
    assert "training job job-1 is still running" in text
    assert "Resume with: Estimator.attach('job-1')" in text


def test_a_local_job_not_run_here_is_not_claimed_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAGEMAKER_LITE_LOCAL_ROOT", raising=False)
    text = LocalSession(root=tmp_path).training_job_interrupted("elsewhere")
    assert "is not running in this Python process" in text and "still running" not in text
    assert f"Estimator.attach('elsewhere', sagemaker_session=LocalSession(root={str(tmp_path)!r}))" in text
