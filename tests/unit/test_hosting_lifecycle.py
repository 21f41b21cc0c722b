"""Endpoint lifecycles moto cannot play (Creating -> InService / Failed), midway failures, repacking,
and Estimator.deploy, on the in-process hosting fake (botocore validates every request)."""

from __future__ import annotations

import io
import logging
import tarfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.hosting import ROLE, FakeHosting, tiny_model_tar

from sagemaker_lite.endpoints import delete_hosting_resources, wait_for_endpoint
from sagemaker_lite.errors import EndpointFailedError, PartialFailureError, UnexpectedStatusError, ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.hosting import DataCaptureConfig
from sagemaker_lite.model import Model
from sagemaker_lite.tensorflow import TensorFlowModel

IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-cpu"
TRAIN_IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
CREATES = ["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]


def model(fake: FakeHosting, **kwargs: Any) -> Model:
    kwargs.setdefault("model_data", "s3://in-bucket/model.tar.gz")
    return Model(IMAGE, role=ROLE, sagemaker_session=fake.session(), **kwargs)


def test_first_describe_goes_out_at_once_then_backs_off_until_in_service() -> None:
    fake = FakeHosting()
    fake.script("ep", ["Creating", "Creating", "Creating", "InService"])
    model(fake).deploy(1, "ml.m5.large", endpoint_name="ep")
    assert fake.timeline == [
        *CREATES,
        "DescribeEndpoint",  # no sleep before the first poll (the official SDK sleeps 30 s)
        "sleep",
        "DescribeEndpoint",
        "sleep",
        "DescribeEndpoint",
        "sleep",
        "DescribeEndpoint",
    ]
    assert fake.sleeps == [1.0, 2.0, 4.0]  # tenacity backoff from Session.polling


def test_failed_endpoint_raises_with_the_failure_reason(caplog: Any) -> None:
    fake = FakeHosting()
    fake.script("ep", ["Creating", "Failed"], failure_reason="The primary container for production variant failed ping")
    with pytest.raises(EndpointFailedError) as info:
        model(fake, name="m").deploy(1, "ml.m5.large", endpoint_name="ep")
    assert info.value.failure_reason.endswith("failed ping") and info.value.endpoint_name == "ep"
    assert "sagemaker/home?region=us-west-2#/endpoints/ep" in str(info.value)
    assert "delete_hosting_resources(session, endpoint_name='ep'" in caplog.text
    assert set(fake.endpoints) == {"ep"}  # left for inspection; the log says how to remove it


def test_other_settled_statuses_are_unexpected() -> None:
    fake = FakeHosting([{"EndpointName": "ep", "EndpointConfigName": "c", "ModelName": "m"}])
    fake.script("ep", ["Updating", "OutOfService"])
    with pytest.raises(UnexpectedStatusError, match="OutOfService"):
        wait_for_endpoint(fake.session(), "ep")


def test_wait_false_returns_after_create_endpoint() -> None:
    fake = FakeHosting()
    predictor = model(fake).deploy(1, "ml.m5.large", wait=False)
    assert fake.timeline == CREATES
    assert predictor.endpoint_name == fake.aws.params_of("CreateEndpoint")[0]["EndpointName"]


def test_generated_names_are_one_name_for_model_config_and_endpoint() -> None:
    fake = FakeHosting()
    predictor = model(fake).deploy(1, "ml.m5.large")
    (name,) = fake.endpoints
    assert name.startswith("tensorflow-inference-") and len(name) <= 63
    assert set(fake.models) == set(fake.configs) == {name} and predictor.endpoint_name == name


def test_named_model_gets_a_stamped_endpoint_name_without_stacking_stamps() -> None:
    fake = FakeHosting()
    m = model(fake, name="churn-2026-01-02-03-04-05-678")
    m.deploy(1, "ml.m5.large")
    (endpoint,) = fake.endpoints
    assert endpoint.startswith("churn-2026-") and endpoint.count("-") == 8 and endpoint != m.name


def test_create_endpoint_rejected_midway_reports_what_exists_and_cleans_up() -> None:
    fake = FakeHosting()
    fake.reject["CreateEndpoint"] = ClientError(
        {"Error": {"Code": "ResourceLimitExceeded", "Message": "account-level service limit"}}, "CreateEndpoint"
    )
    with pytest.raises(PartialFailureError) as info:
        model(fake, name="m").deploy(1, "ml.m5.large", endpoint_name="ep")
    error = info.value
    assert error.created == [("model", "m"), ("endpoint config", "ep")]
    assert error.cleanup == (
        "sagemaker_lite.endpoints.delete_hosting_resources(session, endpoint_config_name='ep', model_names=['m'])"
    )
    assert isinstance(error.__cause__, ClientError) and "service limit" in str(error)
    delete_hosting_resources(fake.session(), endpoint_config_name="ep", model_names=["m"])
    assert not (fake.models or fake.configs or fake.endpoints)


def test_create_model_rejected_raises_the_aws_error_and_nothing_exists() -> None:
    fake = FakeHosting()
    fake.reject["CreateModel"] = ClientError(
        {"Error": {"Code": "ValidationException", "Message": "role"}}, "CreateModel"
    )
    with pytest.raises(ClientError):
        model(fake).deploy(1, "ml.m5.large")
    assert fake.timeline == ["CreateModel"]


def test_an_identical_existing_model_is_reused_and_a_different_one_refused() -> None:
    fake = FakeHosting()
    model(fake, name="m").deploy(1, "ml.m5.large", endpoint_name="ep-1")
    model(fake, name="m").deploy(1, "ml.m5.large", endpoint_name="ep-2")  # same container: reused
    assert set(fake.endpoints) == {"ep-1", "ep-2"}
    with pytest.raises(ValidationError) as info:
        model(fake, name="m", model_data="s3://in-bucket/other.tar.gz").deploy(1, "ml.m5.large", endpoint_name="ep-3")
    assert info.value.parameter == "name" and "ep-3" not in fake.configs


def test_data_capture_defaults_to_the_default_bucket() -> None:
    fake = FakeHosting()
    model(fake).deploy(1, "ml.m5.large", data_capture_config=DataCaptureConfig(True))
    capture = fake.aws.params_of("CreateEndpointConfig")[0]["DataCaptureConfig"]
    assert capture["DestinationS3Uri"] == "s3://sagemaker-us-west-2-123456789012/model-monitor/data-capture"
    assert capture["InitialSamplingPercentage"] == 20


# --- inference code --------------------------------------------------------------------------


def code_dir(tmp_path: Path) -> Path:
    serve = tmp_path / "serve"
    (serve / "__pycache__").mkdir(parents=True)
    (serve / "inference.py").write_text("def input_handler(data, context):\n    return data\n")
    (serve / "requirements.txt").write_text("pillow\n")
    (serve / "__pycache__" / "inference.cpython-311.pyc").write_bytes(b"junk")
    return serve


def members_of(data: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return sorted(m.name for m in tar)


def test_generic_model_with_entry_point_repacks_and_sets_script_variables(tmp_path: Path) -> None:
    fake = FakeHosting()
    fake.objects[("in-bucket", "model.tar.gz")] = tiny_model_tar(["model.joblib", "code/old.py"])
    lib = tmp_path / "mylib"
    lib.mkdir()
    (lib / "__init__.py").write_text("")
    model(
        fake, name="m", entry_point="inference.py", source_dir=str(code_dir(tmp_path)), dependencies=[str(lib)]
    ).deploy(1, "ml.m5.large")
    uploaded = fake.objects[("sagemaker-us-west-2-123456789012", "m/model.tar.gz")]
    assert members_of(uploaded) == [
        "code/inference.py",
        "code/lib/mylib/__init__.py",
        "code/requirements.txt",
        "model.joblib",
    ]
    container = fake.aws.params_of("CreateModel")[0]["PrimaryContainer"]
    assert container["ModelDataUrl"] == "s3://sagemaker-us-west-2-123456789012/m/model.tar.gz"
    assert container["Environment"] == {
        "SAGEMAKER_PROGRAM": "inference.py",
        "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
        "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
        "SAGEMAKER_REGION": "us-west-2",
    }


def write_tar(path: Path, names: list[str]) -> str:
    path.write_bytes(tiny_model_tar(names))
    return f"file://{path}"


def test_local_tensorflow_artifact_is_repacked_from_disk_to_code_location(tmp_path: Path) -> None:
    fake = FakeHosting()
    data = write_tar(tmp_path / "model.tar.gz", ["export/Servo/1/saved_model.pb"])
    tfm = TensorFlowModel(
        model_data=data,
        role=ROLE,
        framework_version="2.18",
        entry_point="inference.py",
        source_dir=str(code_dir(tmp_path)),
        code_location="s3://out-bucket/models",
        name="tfm",
        sagemaker_session=fake.session(),
    )
    tfm.deploy(1, "ml.m5.large")
    assert "GetObject" not in fake.operations() and "CreateBucket" not in fake.operations()
    assert members_of(fake.objects[("out-bucket", "models/tfm/model.tar.gz")]) == [
        "code/inference.py",
        "code/requirements.txt",
        "export/Servo/1/saved_model.pb",
    ]
    assert fake.aws.params_of("CreateModel")[0]["PrimaryContainer"]["Environment"] == {}


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        (["saved_model.pb", "variables/variables.index"], "no saved_model.pb under a version directory"),
        (["0000000/saved_model.pb"], "version 0"),
        (["model/saved_model.pb"], "not a numeric version directory"),
    ],
)
def test_local_artifact_without_the_tfs_layout_warns(tmp_path: Path, names: list[str], problem: str) -> None:
    fake = FakeHosting()
    tfm = TensorFlowModel(
        model_data=write_tar(tmp_path / "model.tar.gz", names),
        role=ROLE,
        framework_version="2.18",
        entry_point=str(code_dir(tmp_path) / "inference.py"),
        sagemaker_session=fake.session(),
    )
    with pytest.warns(UserWarning, match=problem):
        tfm.deploy(1, "ml.m5.large")


@pytest.mark.parametrize("names", [["1/saved_model.pb"], ["./2/saved_model.pb"], ["export/Servo/1/saved_model.pb"]])
def test_local_artifact_with_the_tfs_layout_does_not_warn(tmp_path: Path, names: list[str], recwarn: Any) -> None:
    fake = FakeHosting()
    TensorFlowModel(
        model_data=write_tar(tmp_path / "model.tar.gz", names),
        role=ROLE,
        framework_version="2.18",
        entry_point=str(code_dir(tmp_path) / "inference.py"),
        sagemaker_session=fake.session(),
    ).deploy(1, "ml.m5.large")
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_tensorflow_log_level_becomes_the_tfs_nginx_variable() -> None:
    fake = FakeHosting()
    TensorFlowModel(
        model_data="s3://in-bucket/model.tar.gz",
        role=ROLE,
        framework_version="2.18",
        container_log_level=logging.WARNING,
        env={"TF_CPP_MIN_LOG_LEVEL": "2"},
        sagemaker_session=fake.session(),
    ).deploy(1, "ml.p3.2xlarge")
    container = fake.aws.params_of("CreateModel")[0]["PrimaryContainer"]
    assert container["Environment"] == {"TF_CPP_MIN_LOG_LEVEL": "2", "SAGEMAKER_TFS_NGINX_LOGLEVEL": "warn"}
    assert container["Image"].endswith("/tensorflow-inference:2.18-gpu")


# --- Estimator.deploy --------------------------------------------------------------------------


def fitted(fake: FakeHosting, statuses: list[str], **kwargs: Any) -> Estimator:
    script = list(statuses)

    def describe(params: dict[str, Any]) -> dict[str, Any]:
        fake.timeline.append("DescribeTrainingJob")
        status = script.pop(0) if len(script) > 1 else script[0]
        return {
            "TrainingJobName": params["TrainingJobName"],
            "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:123456789012:training-job/{params['TrainingJobName']}",
            "TrainingJobStatus": status,
            "SecondaryStatus": status,
            "ModelArtifacts": {
                "S3ModelArtifacts": f"s3://out-bucket/out/{params['TrainingJobName']}/output/model.tar.gz"
            },
            "AlgorithmSpecification": {"TrainingImage": TRAIN_IMAGE, "TrainingInputMode": "File"},
            "CreationTime": 0,
        }

    fake.aws.handlers["sagemaker.CreateTrainingJob"] = lambda p: {"TrainingJobArn": "arn:x"}
    fake.aws.handlers["sagemaker.DescribeTrainingJob"] = describe
    est = Estimator(
        TRAIN_IMAGE,
        ROLE,
        1,
        "ml.m5.large",
        sagemaker_session=fake.session(),
        output_path="s3://out-bucket/out",
        **kwargs,
    )
    est.fit("s3://in-bucket/train", wait=False, job_name="xgb-job")
    return est


def test_estimator_deploy_waits_for_the_job_then_hosts_its_artifact() -> None:
    fake = FakeHosting()
    est = fitted(
        fake,
        ["InProgress", "Completed"],
        base_job_name="xgb",
        tags=[{"Key": "team", "Value": "ml"}],
        subnets=["subnet-1"],
        security_group_ids=["sg-1"],
    )
    predictor = est.deploy(1, "ml.m5.xlarge")
    name = predictor.endpoint_name
    assert name.startswith("xgb-") and set(fake.models) == {name}
    request = fake.aws.params_of("CreateModel")[0]
    assert request["PrimaryContainer"] == {
        "Image": TRAIN_IMAGE,
        "Environment": {},
        "ModelDataUrl": "s3://out-bucket/out/xgb-job/output/model.tar.gz",
    }
    assert request["VpcConfig"] == {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    assert fake.aws.params_of("CreateEndpoint")[0]["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert fake.timeline.index("CreateModel") > fake.timeline.index("DescribeTrainingJob")


def test_estimator_deploy_with_explicit_names_and_image() -> None:
    fake = FakeHosting()
    est = fitted(fake, ["Completed"])
    est.deploy(1, "ml.m5.xlarge", endpoint_name="ep", model_name="mdl", image_uri=IMAGE, env={"A": "b"})
    assert set(fake.models) == {"mdl"} and set(fake.endpoints) == {"ep"}
    assert fake.aws.params_of("CreateModel")[0]["PrimaryContainer"]["Image"] == IMAGE
