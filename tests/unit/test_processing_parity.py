"""Processing requests equal the official SDK v2's (captured in tests/data/official/processing_cases.json).

Each captured case is replayed through sagemaker_lite against the in-process recording
fake: the CreateProcessingJob request must be equal, field for field, and the objects
written to S3 must be the same keys. The one documented difference (docs/compatibility.md):
``runproc.sh`` is our own text, so its bytes differ; its steps and paths are the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.aws_double import RecordingAWS

from sagemaker_lite import Session
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.network import NetworkConfig
from sagemaker_lite.processing import (
    ProcessingInput,
    ProcessingJob,
    ProcessingOutput,
    Processor,
    PyTorchProcessor,
    ScriptProcessor,
    SKLearnProcessor,
    XGBoostProcessor,
)
from sagemaker_lite.processing.framework import runproc_script

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official"
CASES = {case["name"]: case for case in json.loads((OFFICIAL / "processing_cases.json").read_text())}
ACCOUNT = "123456789012"
CLASSES = {
    "Processor": Processor,
    "ScriptProcessor": ScriptProcessor,
    "SKLearnProcessor": SKLearnProcessor,
    "PyTorchProcessor": PyTorchProcessor,
    "XGBoostProcessor": XGBoostProcessor,
}
TYPES = {"ProcessingInput": ProcessingInput, "ProcessingOutput": ProcessingOutput, "NetworkConfig": NetworkConfig}


def build(spec: Any) -> Any:
    if isinstance(spec, dict) and "__type__" in spec:
        return TYPES[spec["__type__"]](**{k: build(v) for k, v in spec.items() if k != "__type__"})
    if isinstance(spec, dict):
        return {k: build(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [build(v) for v in spec]
    return spec


def fake_aws() -> RecordingAWS:
    objects: dict[tuple[str, str], dict[str, Any]] = {}

    def put(params: dict[str, Any]) -> dict[str, Any]:
        objects[(params["Bucket"], params["Key"])] = params
        return {"ETag": '"x"'}

    def head(params: dict[str, Any]) -> dict[str, Any]:
        if (params["Bucket"], params["Key"]) not in objects:
            raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadObject")
        return {"ContentLength": 0, "Metadata": {}}

    def copy(params: dict[str, Any]) -> dict[str, Any]:
        objects[(params["Bucket"], params["Key"])] = params
        return {"CopyObjectResult": {"ETag": '"x"'}}

    def create_bucket(params: dict[str, Any]) -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "BucketAlreadyOwnedByYou", "Message": "owned"}}, "CreateBucket")

    return RecordingAWS(
        {
            "sts.GetCallerIdentity": lambda p: {
                "Account": ACCOUNT,
                "UserId": "AROAEXAMPLE:me",
                "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerRole/me",
            },
            "s3.CreateBucket": create_bucket,
            "s3.PutObject": put,
            "s3.HeadObject": head,
            "s3.CopyObject": copy,
            "sagemaker.CreateProcessingJob": lambda p: {
                "ProcessingJobArn": f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:processing-job/{p['ProcessingJobName']}"
            },
        }
    )


def replay(name: str, monkeypatch: pytest.MonkeyPatch) -> RecordingAWS:
    case = CASES[name]
    monkeypatch.chdir(OFFICIAL)  # relative paths resolve as in the capture
    aws = fake_aws()
    processor = CLASSES[case["class"]](
        sagemaker_session=Session(boto_session=aws.boto_session()), **build(case["kwargs"])
    )
    processor.run(**build(case["run"]), wait=False)
    return aws


def official_calls(name: str, operation: str) -> list[dict[str, Any]]:
    fixture = json.loads((OFFICIAL / f"{name}.json").read_text())
    return [c["params"] for c in fixture["calls"] if c["operation"] == operation]


@pytest.mark.parametrize("name", sorted(CASES))
def test_create_processing_job_matches_official(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    aws = replay(name, monkeypatch)
    assert aws.params_of("CreateProcessingJob") == official_calls(name, "CreateProcessingJob")


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_objects_are_written(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    aws = replay(name, monkeypatch)
    ours = {
        (call.params["Bucket"], call.params["Key"])
        for call in aws.calls
        if call.operation in ("PutObject", "CopyObject")
        and ".sagemaker-lite/" not in call.params["Key"]  # the digest copy for re-runs
    }
    theirs = {(p["Bucket"], p["Key"]) for p in official_calls(name, "PutObject")}
    assert ours == theirs
    for call in aws.calls:  # the code archive is encrypted as officially (ServerSideEncryption aws:kms)
        if call.operation == "PutObject" and call.params["Key"].endswith("sourcedir.tar.gz"):
            assert call.params["ServerSideEncryption"] == "aws:kms"


def test_runproc_runs_the_same_steps_as_the_official_script() -> None:
    official = next(
        p["Body"]["text"] for p in official_calls("pytorch-processor", "PutObject") if p["Key"].endswith("runproc.sh")
    )
    ours = runproc_script(["python"], "prep.py")
    for step in (
        "cd /opt/ml/processing/input/code/",
        "tar -xzf sourcedir.tar.gz",
        "-m pip install -r requirements.txt",
    ):
        assert step in official and step in ours
    assert official.rstrip().endswith('python prep.py "$@"') and ours.rstrip().endswith('python prep.py "$@"')


def test_minimal_run_makes_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    aws = replay("processor-minimal", monkeypatch)
    assert (
        aws.operations() == ["sagemaker.CreateProcessingJob"] == [f"sagemaker.{op}" for op in ["CreateProcessingJob"]]
    )


def test_processor_remembers_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(OFFICIAL)
    aws = fake_aws()
    processor = Processor(
        "arn:aws:iam::123456789012:role/R",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/p:latest",
        1,
        "ml.m5.xlarge",
        base_job_name="prep",
        sagemaker_session=Session(boto_session=aws.boto_session()),
    )
    first = processor.run(wait=False)
    second = processor.run(wait=False)
    assert processor.jobs == [first, second] and processor.latest_job is second
    assert first.job_name.startswith("prep-") and first.job_name != second.job_name
    assert isinstance(first, ProcessingJob)


BAD_RUNS: list[tuple[str, str, Any]] = [
    (
        "inputs not a list",
        "inputs",
        lambda p: p.run(inputs=ProcessingInput(source="s3://b/k", destination="/opt/ml/processing/i"), wait=False),
    ),
    ("arguments a string", "arguments", lambda p: p.run(arguments="--x 1", wait=False)),
    ("arguments numbers", "arguments", lambda p: p.run(arguments=["--x", 1], wait=False)),
    (
        "missing local input",
        "source",
        lambda p: p.run(inputs=[ProcessingInput(source="no/such.csv", destination="/opt/ml/processing/i")], wait=False),
    ),
    ("bad job name", "job_name", lambda p: p.run(job_name="bad_name!", wait=False)),
    ("wait not bool", "wait", lambda p: p.run(wait="yes")),
]


@pytest.mark.parametrize(("case", "parameter", "call"), BAD_RUNS, ids=[c[0] for c in BAD_RUNS])
def test_bad_run_arguments_make_no_call(case: str, parameter: str, call: Any) -> None:
    aws = fake_aws()
    processor = Processor(
        "arn:aws:iam::123456789012:role/R",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/p:latest",
        1,
        "ml.m5.xlarge",
        sagemaker_session=Session(boto_session=aws.boto_session()),
    )
    with pytest.raises(ValidationError) as info:
        call(processor)
    assert info.value.parameter == parameter
    assert aws.operations() == []


def test_service_limits_are_checked_before_any_upload(tmp_path: Path) -> None:
    """More container arguments than the service model allows: refused before the code is uploaded."""
    script = tmp_path / "p.py"
    script.write_text("print(1)\n")
    aws = fake_aws()
    processor = ScriptProcessor(
        role="arn:aws:iam::123456789012:role/R",
        image_uri="123456789012.dkr.ecr.us-west-2.amazonaws.com/p:latest",
        command=["python3"],
        instance_count=1,
        instance_type="ml.m5.xlarge",
        sagemaker_session=Session(boto_session=aws.boto_session()),
    )
    with pytest.raises(ValidationError, match="ContainerArguments"):
        processor.run(code=str(script), arguments=["x"] * 257, wait=False)
    assert aws.operations() == []


@pytest.mark.parametrize(
    ("build_it", "parameter"),
    [
        (lambda: ProcessingInput(source="s3://b/k", destination="/tmp/data"), "destination"),
        (lambda: ProcessingInput(source="s3://b/k", destination="/opt/ml/processing/../../etc"), "destination"),
        (
            lambda: ProcessingInput(source="s3://b/k", destination="/opt/ml/processing/i", s3_input_mode="Stream"),
            "s3_input_mode",
        ),
        (lambda: ProcessingOutput(source="/opt/ml/processing/o", destination="gs://b/k"), "destination"),
        (lambda: ProcessingOutput(source="/opt/ml/processing/o", s3_upload_mode="Sometimes"), "s3_upload_mode"),
        (lambda: NetworkConfig(security_group_ids=["sg-1"]), "subnets"),
        (
            lambda: ScriptProcessor(
                role="arn:aws:iam::123456789012:role/R", image_uri="i", instance_count=1, instance_type="ml.m5.xlarge"
            ),
            "command",
        ),
        (
            lambda: SKLearnProcessor(
                role="arn:aws:iam::123456789012:role/R", instance_type="ml.m5.xlarge", instance_count=1
            ),
            "framework_version",
        ),
        (lambda: Processor("arn:aws:iam::123456789012:role/R", "i", 0, "ml.m5.xlarge"), "instance_count"),
        (
            lambda: Processor("arn:aws:iam::123456789012:role/R", "i", 1, "ml.m5.xlarge", entrypoint="python3 x.py"),
            "entrypoint",
        ),
    ],
)
def test_bad_settings_are_refused_at_construction(build_it: Any, parameter: str) -> None:
    with pytest.raises(ValidationError) as info:
        build_it()
    assert info.value.parameter == parameter
