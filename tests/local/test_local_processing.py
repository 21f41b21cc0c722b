"""Local processing jobs: the same Processor code, run on this machine without Docker (issue 17).

The script reads its input and writes its outputs under /opt/ml/processing, the outputs land
at their destinations (file:// by default, s3:// on the moto server when named), logs come
through the same ProcessingJob.wait() as hosted, failures carry the container's exit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sagemaker_lite.errors import JobFailedError
from sagemaker_lite.local import LocalSession
from sagemaker_lite.processing import ProcessingInput, ProcessingJob, ProcessingOutput, ScriptProcessor

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"

PREPROCESS_WITH_ARGS = """
import argparse, csv, json, os, socket
parser = argparse.ArgumentParser()
parser.add_argument("--input", default="/opt/ml/processing/input/data")
parser.add_argument("--train", default="/opt/ml/processing/train")
parser.add_argument("--test", default="/opt/ml/processing/test")
parser.add_argument("--split", type=float, default=0.5)
args = parser.parse_args()
rows = []
for name in sorted(os.listdir(args.input)):
    with open(os.path.join(args.input, name)) as handle:
        rows.extend(list(csv.reader(handle)))
cut = int(len(rows) * (1 - args.split))
os.makedirs(args.train, exist_ok=True)
os.makedirs(args.test, exist_ok=True)
with open(os.path.join(args.train, "train.csv"), "w") as handle:
    csv.writer(handle).writerows(rows[:cut])
with open(os.path.join(args.test, "test.csv"), "w") as handle:
    csv.writer(handle).writerows(rows[cut:])
print("rows", len(rows), "mode", os.environ.get("MODE"), flush=True)
"""


def write_data(directory: Path, rows: int = 10) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "data.csv").write_text("".join(f"{i},{i * 2}\n" for i in range(rows)))
    return directory


def processor(session: LocalSession) -> ScriptProcessor:
    return ScriptProcessor(
        role=ROLE,
        image_uri=IMAGE,
        command=["python3"],
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        env={"MODE": "local"},
    )


def test_script_processor_runs_locally_and_delivers_outputs(session: LocalSession, tmp_path: Path, capsys: Any) -> None:
    script = tmp_path / "preprocess.py"
    script.write_text(PREPROCESS_WITH_ARGS)
    data = write_data(tmp_path / "data")
    out = tmp_path / "out"
    job = processor(session).run(
        code=str(script),
        inputs=[ProcessingInput(source=str(data), destination="/opt/ml/processing/input/data")],
        outputs=[
            ProcessingOutput(source="/opt/ml/processing/train", destination=(out / "train").as_uri()),
            ProcessingOutput(source="/opt/ml/processing/test", output_name="test"),
        ],
        arguments=[
            "--split",
            "0.2",
            "--input",
            "/opt/ml/processing/input/data",
            "--train",
            "/opt/ml/processing/train",
            "--test",
            "/opt/ml/processing/test",
        ],
        job_name="local-prep",
    )
    printed = capsys.readouterr().out
    assert "rows 10 mode local" in printed
    assert "Processing job local-prep completed." in printed
    assert (out / "train" / "train.csv").read_text().splitlines() == [f"{i},{i * 2}" for i in range(8)]
    description = job.describe()
    assert description["ProcessingJobStatus"] == "Completed"
    test_uri = description["ProcessingOutputConfig"]["Outputs"][1]["S3Output"]["S3Uri"]
    assert test_uri.startswith("file://") and "/local-prep/output/test" in test_uri
    assert Path(test_uri[len("file://") :], "test.csv").read_text().splitlines() == ["8,16", "9,18"]
    assert not Path("/opt/ml/processing").exists()  # nothing written to the machine's /opt/ml
    attached = ProcessingJob.attach("local-prep", sagemaker_session=session)
    assert [i.input_name for i in attached.inputs] == ["input-1", "code"]
    listed = session.sagemaker_client.list_processing_jobs()["ProcessingJobSummaries"]
    assert [s["ProcessingJobName"] for s in listed] == ["local-prep"]


HARD_CODED = """
import os, socket
rows = open("/opt/ml/processing/input/data/data.csv").read().splitlines()
os.makedirs("/opt/ml/processing/output", exist_ok=True)
with open(f"/opt/ml/processing/output/{socket.gethostname()}.csv", "w") as handle:
    handle.write("\\n".join(rows) + "\\n")
print(socket.gethostname(), "saw", len(rows), flush=True)
"""


def test_hard_coded_container_paths_run_unchanged_on_two_hosts(
    session: LocalSession, tmp_path: Path, capsys: Any
) -> None:
    """The done-when of issue 17: /opt/ml/processing/... as the container sees it, outputs delivered."""
    script = tmp_path / "hard_coded.py"
    script.write_text(HARD_CODED)
    data = tmp_path / "data"
    data.mkdir()
    (data / "data.csv").write_text("1,2\n3,4\n")
    out = tmp_path / "out"
    proc = ScriptProcessor(
        role=ROLE,
        image_uri=IMAGE,
        command=["python3"],
        instance_count=2,
        instance_type="local",
        sagemaker_session=session,
    )
    proc.run(
        code=str(script),
        inputs=[ProcessingInput(source=str(data), destination="/opt/ml/processing/input/data")],
        outputs=[ProcessingOutput(source="/opt/ml/processing/output", destination=out.as_uri())],
        job_name="local-hard-coded",
    )
    printed = capsys.readouterr().out
    assert "[algo-1] algo-1 saw 2" in printed and "[algo-2] algo-2 saw 2" in printed
    assert sorted(p.name for p in out.iterdir()) == ["algo-1.csv", "algo-2.csv"]
    assert (out / "algo-2.csv").read_text() == "1,2\n3,4\n"
    assert not Path("/opt/ml/processing").exists()


def test_a_failing_script_fails_the_job_with_its_exit_and_last_lines(session: LocalSession, tmp_path: Path) -> None:
    script = tmp_path / "boom.py"
    script.write_text("print('about to fail', flush=True)\nraise SystemExit(3)\n")
    with pytest.raises(JobFailedError) as info:
        processor(session).run(code=str(script), job_name="local-boom", logs=False)
    assert info.value.kind == "Processing"
    assert "exited with code 3" in info.value.failure_reason
    assert any("about to fail" in line for line in info.value.last_log_lines)
    assert "Processing job local-boom failed" in str(info.value)


def test_duplicate_names_and_pipe_inputs_are_refused(session: LocalSession, tmp_path: Path) -> None:
    from botocore.exceptions import ClientError

    script = tmp_path / "ok.py"
    script.write_text("print('ok')\n")
    proc = processor(session)
    proc.run(code=str(script), job_name="local-once", logs=False)
    with pytest.raises(ClientError) as info:
        proc.run(code=str(script), job_name="local-once", wait=False)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"
    with pytest.raises(ClientError, match="Pipe input mode"):
        proc.run(
            code=str(script),
            inputs=[ProcessingInput(source="s3://b/k", destination="/opt/ml/processing/i", s3_input_mode="Pipe")],
            job_name="local-pipe",
            wait=False,
        )


def test_requirements_install_into_the_job_environment_only(session: LocalSession, tmp_path: Path) -> None:
    """pip inside a local job installs into the job's own environment, never the caller's."""
    script = tmp_path / "where.py"
    script.write_text(
        "import json, sys\nprint(json.dumps({'prefix': sys.prefix, 'base': sys.base_prefix}), flush=True)\n"
    )
    printed: list[str] = []
    job = processor(session).run(code=str(script), job_name="local-where", wait=False)
    job.wait(printer=printed.append)
    info = json.loads(next(line for line in printed if line.startswith("{")))
    assert info["prefix"] != info["base"]  # a virtual environment over this interpreter
    assert info["prefix"].startswith(str(session.root))


def test_relocation_fallback_rewrites_container_paths_and_says_so(
    session: LocalSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGEMAKER_LITE_NAMESPACES", "off")
    script = tmp_path / "preprocess.py"
    script.write_text(PREPROCESS_WITH_ARGS)
    data = write_data(tmp_path / "data", rows=4)
    out = tmp_path / "out"
    printed: list[str] = []
    job = processor(session).run(
        code=str(script),
        inputs=[ProcessingInput(source=str(data), destination="/opt/ml/processing/input/data")],
        outputs=[ProcessingOutput(source="/opt/ml/processing/train", destination=out.as_uri())],
        arguments=[
            "--input",
            "/opt/ml/processing/input/data",
            "--train",
            "/opt/ml/processing/train",
            "--test",
            "/opt/ml/processing/test",
        ],
        job_name="local-fallback",
        wait=False,
    )
    job.wait(printer=printed.append)
    assert any("no per-host containers" in line for line in printed)
    assert (out / "train.csv").read_text().splitlines() == ["0,0", "1,2"]
