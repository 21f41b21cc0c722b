"""TensorFlow requests equal the official SDK v2's for the same inputs, tarball members included.

The official requests were captured offline (tests/data/official/, see its README). The
only differences applied are the deliberate ones in docs/compatibility.md.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.official import ACCOUNT, CASES, EXCLUDED_BY_DEFAULT, OFFICIAL, build_input, fake_aws, members, with_uploads

from sagemaker_lite import Session
from sagemaker_lite.tensorflow import TensorFlow

TF_CASES = sorted(name for name, case in CASES.items() if case["class"] == "TensorFlow" and "deploy" not in case)
pytestmark = pytest.mark.usefixtures("official_dir")


def expected_request(official: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """Official request + documented differences (single JSON encoding of set_hyperparameters)."""
    expected = json.loads(json.dumps(official))
    for key in case.get("hyperparameters") or {}:
        expected["HyperParameters"][key] = json.loads(expected["HyperParameters"][key])
    return expected


@pytest.mark.parametrize("name", TF_CASES)
def test_tensorflow_request_matches_official(name: str) -> None:
    case = CASES[name]
    fixture = json.loads((OFFICIAL / f"{name}.json").read_text())
    official_create = next(c["params"] for c in fixture["calls"] if c["operation"] == "CreateTrainingJob")
    official_upload = next(c["params"] for c in fixture["calls"] if c["operation"] == "PutObject")
    aws = fake_aws()
    objects = with_uploads(aws)
    est = TensorFlow(sagemaker_session=Session(boto_session=aws.boto_session()), **case["kwargs"])
    if case.get("hyperparameters"):
        est.set_hyperparameters(**case["hyperparameters"])
    est.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    ours = aws.params_of("CreateTrainingJob")[0]
    assert ours == expected_request(official_create, case)
    # the archive: same files, minus the junk the official SDK uploads too (documented)
    archive = objects[f"{official_upload['Bucket']}/{official_upload['Key']}"]
    official_files = [
        m
        for m in official_upload["Body"]["tar_members"]
        if not m.startswith(EXCLUDED_BY_DEFAULT) and "." in m.rsplit("/", 1)[-1]
    ]
    assert members(archive) == sorted(official_files)
    put = next(p for p in aws.params_of("PutObject") if p["Key"] == official_upload["Key"])
    assert put["ServerSideEncryption"] == "aws:kms"
    if "SSEKMSKeyId" in official_upload:
        assert put["SSEKMSKeyId"] == official_upload["SSEKMSKeyId"]
    assert ACCOUNT


def test_fit_then_deploy_matches_official() -> None:
    """Seed 000's hosted flow: TensorFlow.fit() then deploy(), against the official tf-deploy capture."""
    from support.hosting import FakeHosting
    from support.official import expected_from_official, official_calls

    case = CASES["tf-deploy"]
    fake = FakeHosting()
    with_uploads(fake.aws)
    job = case["fit"]["job_name"]
    output = case["kwargs"]["output_path"]
    created: list[str] = []

    def create(p: dict[str, Any]) -> dict[str, Any]:
        created.append(p["TrainingJobName"])
        return {"TrainingJobArn": f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/{p['TrainingJobName']}"}

    def describe(p: dict[str, Any]) -> dict[str, Any]:
        if p["TrainingJobName"] not in created:  # fit() checks that a given job_name is free
            raise ClientError(
                {"Error": {"Code": "ValidationException", "Message": "Requested resource not found."}},
                "DescribeTrainingJob",
            )
        return completed

    fake.aws.handlers["sagemaker.CreateTrainingJob"] = create
    fake.aws.handlers["sagemaker.DescribeTrainingJob"] = describe
    completed = {
        "TrainingJobName": job,
        "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/{job}",
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "ModelArtifacts": {"S3ModelArtifacts": f"{output}/{job}/output/model.tar.gz"},
        "AlgorithmSpecification": {"TrainingInputMode": "File"},
        "CreationTime": 0,
        "StoppingCondition": {},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
    }
    est = TensorFlow(sagemaker_session=fake.session(), **case["kwargs"])
    est.set_hyperparameters(**case["hyperparameters"])
    est.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=job)
    before = len(fake.aws.calls)
    predictor = est.deploy(**case["deploy"])
    deploy_calls = [(c.operation, c.params) for c in fake.aws.calls[before:] if c.service == "sagemaker"]
    assert deploy_calls == expected_from_official(official_calls("tf-deploy", "deploy"))
    assert predictor.endpoint_name == "tf-endpoint"


def test_v1_spelling_of_a_seed_snippet_builds_the_same_request() -> None:
    """The v1 notebook dialect (train_instance_*, script_mode=True) sends what tf-file's v2 spelling sends."""
    import warnings

    case = CASES["tf-file"]
    fixture = json.loads((OFFICIAL / "tf-file.json").read_text())
    official_create = next(c["params"] for c in fixture["calls"] if c["operation"] == "CreateTrainingJob")
    kwargs = dict(case["kwargs"])
    kwargs["train_instance_count"] = kwargs.pop("instance_count")
    kwargs["train_instance_type"] = kwargs.pop("instance_type")
    aws = fake_aws()
    with_uploads(aws)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = TensorFlow(sagemaker_session=Session(boto_session=aws.boto_session()), script_mode=True, **kwargs)
    assert sum(issubclass(w.category, DeprecationWarning) for w in caught) == 3
    est.set_hyperparameters(**case["hyperparameters"])
    est.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    assert aws.params_of("CreateTrainingJob")[0] == expected_request(official_create, case)
