"""``sagemaker-lite local jobs``: real local-mode jobs, listed with their directories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from local_helpers import training_request, wait_for, write_code

from sagemaker_lite.cli import main
from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_job(client: LocalSageMakerClient, tmp_path: Path, name: str, body: str) -> dict[str, Any]:
    code = write_code(tmp_path / f"code-{name}", body)
    client.create_training_job(**training_request(name, code, output=f"file://{tmp_path / 'out'}"))
    return wait_for(client, name)


def test_local_jobs_lists_jobs_with_their_directories(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, capsys: Any
) -> None:
    run_job(client, tmp_path, "cli-local-ok", 'print("fine")\n')
    run_job(client, tmp_path, "cli-local-bad", "sys.exit(4)\n")

    code, out, err = run(capsys, "local", "jobs")  # root from $SAGEMAKER_LITE_LOCAL_ROOT (the fixture sets it)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "CREATED", "ENDED", "DIRECTORY"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["cli-local-ok"][1] == "Completed"
    assert rows["cli-local-bad"][1] == "Failed"
    assert rows["cli-local-ok"][-1] == str(local_root / "jobs" / "cli-local-ok")
    assert (Path(rows["cli-local-ok"][-1]) / "description.json").is_file()

    code, out, _ = run(capsys, "local", "jobs", "--root", str(local_root), "--status", "Failed", "--json")
    assert code == 0
    records = json.loads(out)
    assert [(r["TrainingJobName"], r["JobDirectory"]) for r in records] == [
        ("cli-local-bad", str(local_root / "jobs" / "cli-local-bad"))
    ]


def test_local_jobs_with_an_empty_root(tmp_path: Path, capsys: Any) -> None:
    code, out, err = run(capsys, "local", "jobs", "--root", str(tmp_path / "empty"))
    assert (code, out) == (0, "")
    assert "No local training jobs under" in err
