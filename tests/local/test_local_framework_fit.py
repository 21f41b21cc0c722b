"""Framework estimators through local mode: entry points in subdirectories, log and status order."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sagemaker_lite.local import LocalSession
from sagemaker_lite.tensorflow import TensorFlow

# every framework_version these tests can name differs from the installed one: run the installed
# framework (these scripts import no framework; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]

LAST_LINES = """
import os
print("first line", flush=True)
open(os.environ["SM_MODEL_DIR"] + "/model.txt", "w").write("m")
print("second to last line", flush=True)
print("final line", flush=True)
"""


def _estimator(session: LocalSession, **kwargs: object) -> TensorFlow:
    return TensorFlow(
        framework_version="2.13",
        py_version="py310",
        role=None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        **kwargs,  # type: ignore[arg-type]
    )


def test_entry_point_in_a_subdirectory_without_source_dir(
    session: LocalSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(LAST_LINES)
    monkeypatch.chdir(tmp_path)
    est = _estimator(session, entry_point="src/train.py", output_path=f"file://{tmp_path / 'out'}")
    est.fit(logs=False, job_name="subdir-entry")
    description = est.latest_training_job.describe()
    assert description["TrainingJobStatus"] == "Completed", description.get("FailureReason")
    assert description["HyperParameters"]["sagemaker_program"] == '"train.py"'
    assert (tmp_path / "out" / "subdir-entry" / "output" / "model.tar.gz").is_file()


def test_status_lines_come_after_the_hosts_last_log_lines(
    session: LocalSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(LAST_LINES)
    est = _estimator(session, entry_point="train.py", source_dir=str(tmp_path / "src"))
    est.fit(wait=False, job_name="log-order")
    job = est.latest_training_job
    deadline = time.monotonic() + 60
    while job.describe()["TrainingJobStatus"] == "InProgress":  # every line and transition is in one poll
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)
    capsys.readouterr()
    job.wait(logs="All")
    lines = capsys.readouterr().out.splitlines()

    def where(text: str) -> int:
        return next(i for i, line in enumerate(lines) if text in line)

    assert where("first line") < where("second to last line") < where("final line"), lines
    assert where("final line") < where("Uploading - ") < where("Completed - "), lines
    assert where("Training - ") < where("first line"), lines
