"""PyTorch, SKLearn, XGBoost and HuggingFace requests equal the official SDK v2's for the same inputs.

Every case of tests/data/official/framework_cases.json (captured from sagemaker==2.257.7 by
tools/capture_official_requests.py) is replayed through sagemaker_lite against an in-process
fake: fit's CreateTrainingJob and uploaded archive, attach's recovered settings, deploy's
CreateModel / CreateEndpointConfig / CreateEndpoint. Only the deliberate differences of
docs/compatibility.md ("Framework family") are applied to the official requests.
"""

from __future__ import annotations

import importlib
import io
import json
import tarfile
from typing import Any

import pytest
from support.hosting import FakeHosting
from support.official import (
    ACCOUNT,
    EXCLUDED_BY_DEFAULT,
    OFFICIAL,
    build_input,
    expected_from_official,
    members,
    with_uploads,
)

CASES = {case["name"]: case for case in json.loads((OFFICIAL / "framework_cases.json").read_text())}
CLASSES = {
    "Estimator": "sagemaker_lite.estimator:Estimator",
    "PyTorch": "sagemaker_lite.pytorch:PyTorch",
    "PyTorchModel": "sagemaker_lite.pytorch:PyTorchModel",
    "SKLearn": "sagemaker_lite.sklearn:SKLearn",
    "SKLearnModel": "sagemaker_lite.sklearn:SKLearnModel",
    "XGBoost": "sagemaker_lite.xgboost:XGBoost",
    "XGBoostModel": "sagemaker_lite.xgboost:XGBoostModel",
    "HuggingFace": "sagemaker_lite.huggingface:HuggingFace",
    "HuggingFaceModel": "sagemaker_lite.huggingface:HuggingFaceModel",
}
pytestmark = pytest.mark.usefixtures("official_dir")


def our_class(name: str) -> Any:
    module, _, attribute = CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((OFFICIAL / f"{name}.json").read_text())


def step_calls(data: dict[str, Any], step: str) -> list[dict[str, Any]]:
    for item in data["steps"]:
        if item["step"] == step:
            assert "error" not in item, item["error"]
            return list(data["calls"][item["first_call"] : item["end_call"]])
    raise AssertionError(f"{data['case']['name']} has no step {step}")


class Fake:
    """FakeHosting plus training: CreateTrainingJob remembered, DescribeTrainingJob answers from it."""

    def __init__(self) -> None:
        self.hosting = FakeHosting()
        self.objects = with_uploads(self.hosting.aws)
        self.jobs: dict[str, dict[str, Any]] = {}
        self.hosting.aws.handlers["sagemaker.CreateTrainingJob"] = self._create
        self.hosting.aws.handlers["sagemaker.DescribeTrainingJob"] = self._describe
        self.hosting.aws.handlers["sagemaker.ListTags"] = lambda p: {"Tags": []}
        self.hosting.aws.handlers["s3.GetObject"] = self._get

    def _create(self, params: dict[str, Any]) -> dict[str, Any]:
        self.jobs[params["TrainingJobName"]] = json.loads(json.dumps(params))
        return {"TrainingJobArn": f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/{params['TrainingJobName']}"}

    def _describe(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["TrainingJobName"]
        request = self.jobs[name]
        output = request["OutputDataConfig"]["S3OutputPath"].rstrip("/")
        description = {k: v for k, v in request.items() if k not in ("Tags",)}
        description.update(
            TrainingJobArn=f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/{name}",
            TrainingJobStatus="Completed",
            SecondaryStatus="Completed",
            ModelArtifacts={"S3ModelArtifacts": f"{output}/{name}/output/model.tar.gz"},
            CreationTime=0,
        )
        return description

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        from botocore.response import StreamingBody

        key = f"{params['Bucket']}/{params['Key']}"
        body = self.objects.get(key)
        if body is None:  # a model artifact: the capture fake's tiny model.tar.gz
            raw = io.BytesIO()
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                info = tarfile.TarInfo("1/saved_model.pb")
                info.size = 17
                tar.addfile(info, io.BytesIO(b"fake saved model\n"))
            body = raw.getvalue()
        return {"Body": StreamingBody(io.BytesIO(body), len(body)), "ContentLength": len(body)}

    def session(self) -> Any:
        return self.hosting.session()


def expected_training_request(official: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(official))


def construct(case: dict[str, Any], fake: Fake) -> Any:
    return our_class(case["class"])(sagemaker_session=fake.session(), **case["kwargs"])


FIT_CASES = sorted(name for name, case in CASES.items() if "fit" in case)
ATTACH_CASES = sorted(name for name, case in CASES.items() if case.get("attach"))
DEPLOY_CASES = sorted(name for name, case in CASES.items() if "deploy" in case)


@pytest.mark.parametrize("name", FIT_CASES)
def test_fit_matches_official(name: str) -> None:
    case, data = CASES[name], fixture(name)
    official = step_calls(data, "fit")
    fake = Fake()
    estimator = construct(case, fake)
    estimator.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    create = next(c["params"] for c in official if c["operation"] == "CreateTrainingJob")
    assert fake.hosting.aws.params_of("CreateTrainingJob") == [expected_training_request(create)]
    upload = next(c["params"] for c in official if c["operation"] == "PutObject")
    archive = fake.objects[f"{upload['Bucket']}/{upload['Key']}"]
    official_files = [
        m
        for m in upload["Body"]["tar_members"]
        if not m.startswith(EXCLUDED_BY_DEFAULT) and "." in m.rsplit("/", 1)[-1]
    ]
    assert members(archive) == sorted(official_files)


@pytest.mark.parametrize("name", ATTACH_CASES)
def test_attach_recovers_what_official_recovers(name: str) -> None:
    case, data = CASES[name], fixture(name)
    official = next(s for s in data["steps"] if s["step"] == "attach")
    assert "error" not in official, official
    recovered = official["result"]
    fake = Fake()
    estimator = construct(case, fake)
    estimator.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    attached = type(estimator).attach(case["fit"]["job_name"], sagemaker_session=fake.session())
    for setting in ("framework_version", "py_version", "transformers_version", "pytorch_version", "entry_point"):
        if setting in recovered:
            assert getattr(attached, setting) == recovered[setting], setting
    assert attached.source_dir == recovered["source_dir"]
    # official attach leaves distribution empty (the reserved hyperparameters carry it);
    # ours rebuilds it (docs/compatibility.md), and the next request is the same either way
    assert (attached.distribution or {}) == (estimator.distribution or {})
    assert recovered.get("distribution", {}) == {}
    assert attached.training_image_uri() == recovered["training_image_uri"]
    # and fitting the attached estimator again sends the same request (new job name aside)
    attached.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"] + "-again")
    first, again = fake.hosting.aws.params_of("CreateTrainingJob")
    again = json.loads(json.dumps(again).replace(case["fit"]["job_name"] + "-again", case["fit"]["job_name"]))
    assert again["HyperParameters"] == first["HyperParameters"]
    assert again["AlgorithmSpecification"] == first["AlgorithmSpecification"]


@pytest.mark.parametrize("name", DEPLOY_CASES)
def test_deploy_matches_official(name: str) -> None:
    case, data = CASES[name], fixture(name)
    fake = Fake()
    obj = construct(case, fake)
    if "fit" in case:
        obj.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    before = len(fake.hosting.aws.calls)
    predictor = obj.deploy(**case["deploy"])
    ours = [(c.operation, c.params) for c in fake.hosting.aws.calls[before:] if c.service == "sagemaker"]
    ours = [(op, params) for op, params in ours if op.startswith("Create")]
    official = [(op, p) for op, p in expected_from_official(step_calls(data, "deploy")) if op.startswith("Create")]
    assert ours == official
    official_puts = [c["params"] for c in step_calls(data, "deploy") if c["operation"] == "PutObject"]
    for put in official_puts:  # the code archive / repacked model: same place, same files
        body = fake.objects[f"{put['Bucket']}/{put['Key']}"]
        wanted = [m for m in put["Body"]["tar_members"] if "." in m.rsplit("/", 1)[-1]]
        wanted = [m for m in wanted if not any(part in m for part in EXCLUDED_BY_DEFAULT)]
        assert members(body) == sorted(wanted)
    assert type(predictor).__name__ == case["class"].removesuffix("Model") + "Predictor"
