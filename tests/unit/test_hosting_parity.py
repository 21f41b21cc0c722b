"""Hosting requests equal the official SDK v2's (tests/data/official/), up to documented differences.

Differences applied here, each listed in docs/compatibility.md ("Hosting"):
  * CreateEndpoint carries no ``Tags`` when there are none (official: ``Tags: []``);
  * no STS/ListBuckets/HeadBucket calls around deploy, and no 30 s sleep before the first
    DescribeEndpoint;
  * Predictor deletes the endpoint before its config, and remembers the model names, so
    ``delete_model()`` after ``delete_endpoint()`` works (the official one raises);
  * the repacked model.tar.gz stores files only (no directory members).
"""

from __future__ import annotations

import io
import logging
import tarfile
from typing import Any

import pytest
from support.hosting import FakeHosting, tiny_model_tar
from support.official import CASES, OFFICIAL, expected_from_official, fixture, official_calls, sagemaker_params

from sagemaker_lite.tensorflow import TensorFlowModel, TensorFlowPredictor


def ours(fake: FakeHosting) -> list[tuple[str, dict[str, Any]]]:
    return [(c.operation, c.params) for c in fake.aws.calls if c.service == "sagemaker"]


def deploy_case(name: str, fake: FakeHosting, **extra: Any) -> Any:
    case = CASES[name]
    model = TensorFlowModel(sagemaker_session=fake.session(), **{**case["kwargs"], **extra})
    return model.deploy(**case["deploy"])


def test_tensorflow_model_deploy_matches_official() -> None:
    fake = FakeHosting()
    predictor = deploy_case("tfmodel-deploy", fake)
    official = official_calls("tfmodel-deploy", "deploy")
    assert ours(fake) == expected_from_official(official)
    assert isinstance(predictor, TensorFlowPredictor)
    # official: 3 STS + ListBuckets + 2 HeadBucket + 3 creates + DescribeEndpoint, after sleeping 30 s
    assert (len(fake.aws.calls), len(official)) == (4, 10)
    assert fixture("tfmodel-deploy")["sleeps"] == [{"seconds": 30, "caller": "sagemaker.session._wait_until"}]
    assert fake.sleeps == [] and fake.timeline[-1] == "DescribeEndpoint"


def test_deploy_half_of_tf_deploy_matches_official() -> None:
    """The estimator half belongs to TensorFlow; replay the deploy from the job's model data.

    The official TensorFlow estimator hands its container_log_level (INFO) to the model,
    which is why SAGEMAKER_TFS_NGINX_LOGLEVEL=info appears in its CreateModel.
    """
    official = official_calls("tf-deploy", "deploy")
    create_model = next(params for op, params in sagemaker_params(official) if op == "CreateModel")
    case = CASES["tf-deploy"]
    fake = FakeHosting()
    model = TensorFlowModel(
        model_data=create_model["PrimaryContainer"]["ModelDataUrl"],
        role=case["kwargs"]["role"],
        framework_version=case["kwargs"]["framework_version"],
        container_log_level=logging.INFO,
        name=case["deploy"]["model_name"],
        sagemaker_session=fake.session(),
    )
    deploy = {k: v for k, v in case["deploy"].items() if k != "model_name"}
    model.deploy(**deploy)
    expected = [item for item in expected_from_official(official) if item[0] != "DescribeTrainingJob"]
    assert ours(fake) == expected
    assert create_model["PrimaryContainer"]["Environment"] == {"SAGEMAKER_TFS_NGINX_LOGLEVEL": "info"}


def test_tensorflow_model_with_entry_point_matches_official(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(OFFICIAL)  # the case's source_dir is relative to it, as at capture time
    fake = FakeHosting()
    fake.objects[("in-bucket", "model.tar.gz")] = tiny_model_tar()
    deploy_case("tfmodel-deploy-entry-point", fake)
    official = official_calls("tfmodel-deploy-entry-point", "deploy")
    assert ours(fake) == expected_from_official(official)

    put = next(c["params"] for c in official if c["operation"] == "PutObject")
    ours_put = fake.aws.params_of("PutObject")
    assert len(ours_put) == 1 and (ours_put[0]["Bucket"], ours_put[0]["Key"]) == (put["Bucket"], put["Key"])
    assert ours_put[0]["ServerSideEncryption"] == put["ServerSideEncryption"] == "aws:kms"
    with tarfile.open(fileobj=io.BytesIO(fake.objects[(put["Bucket"], put["Key"])])) as tar:
        members = sorted(m.name for m in tar)
    official_files = [name for name in put["Body"]["tar_members"] if name not in ("", "1", "code")]
    assert members == official_files == ["1/saved_model.pb", "code/inference.py", "code/requirements.txt"]
    # official: 14 calls (4 STS, ListBuckets, 2 HeadBucket, HeadObject, GetObject, PutObject, 3 creates, 1 describe)
    assert [c.operation for c in fake.aws.calls] == [
        "GetCallerIdentity",
        "CreateBucket",
        "GetObject",
        "PutObject",
        "CreateModel",
        "CreateEndpointConfig",
        "CreateEndpoint",
        "DescribeEndpoint",
    ]
    assert len(official) == 14


def replay_predictor(name: str) -> tuple[FakeHosting, list[tuple[str, dict[str, Any]]], Any]:
    case = CASES[name]
    fake = FakeHosting(case["fake"]["endpoints"])
    predictor = TensorFlowPredictor(sagemaker_session=fake.session(), **case["kwargs"])
    result = predictor.predict(case["predict"])
    for method in case["after"]:
        getattr(predictor, method)()
    calls = [(c.operation, c.params) for c in fake.aws.calls]
    return fake, calls, result


def test_predict_then_delete_model_then_endpoint_matches_official() -> None:
    fake, calls, result = replay_predictor("predictor-predict")
    official = fixture("predictor-predict")
    assert result == official["steps"][1]["result"]
    official_calls_ = [(c["operation"], c["params"]) for c in official["calls"]]
    assert calls[0] == official_calls_[0]  # InvokeEndpoint: same body, content type and accept
    # the same calls; the endpoint goes before its config (documented)
    assert calls[:4] == official_calls_[:4]
    assert sorted(map(str, calls)) == sorted(map(str, official_calls_))
    assert [op for op, _ in calls[4:]] == ["DeleteEndpoint", "DeleteEndpointConfig"]
    assert not (fake.models or fake.configs or fake.endpoints)


def test_delete_endpoint_then_delete_model_works_where_official_fails() -> None:
    fake, calls, _ = replay_predictor("predictor-delete-endpoint-first")
    official = fixture("predictor-delete-endpoint-first")
    assert (
        official["steps"][-1]["step"] == "delete_model"
        and "Could not find" in official["steps"][-1]["error"]["message"]
    )
    assert [op for op, _ in calls] == [
        "InvokeEndpoint",
        "DescribeEndpoint",
        "DescribeEndpointConfig",  # read the model names before the config goes
        "DeleteEndpoint",
        "DeleteEndpointConfig",
        "DeleteModel",
    ]
    assert ("DeleteModel", {"ModelName": "tf-model"}) in calls
    assert not (fake.models or fake.configs or fake.endpoints)


def test_deploy_tags_reach_the_model_the_config_and_the_endpoint_as_officially() -> None:
    """Issue 11 item 14: ``deploy(tags=...)`` tagged only the endpoint; cost allocation needs all three."""
    fake = FakeHosting()
    deploy_case("tfmodel-deploy-tags", fake)
    official = official_calls("tfmodel-deploy-tags", "deploy")
    assert ours(fake) == expected_from_official(official)
    tags = CASES["tfmodel-deploy-tags"]["deploy"]["tags"]
    tagged = [op for op, params in ours(fake) if params.get("Tags") == tags]
    assert tagged == ["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]
