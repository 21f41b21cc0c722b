"""HyperparameterTuner against the real moto server, over HTTP: create, attach, re-fit, best_estimator.

moto 5.2.1 implements CreateHyperParameterTuningJob / DescribeHyperParameterTuningJob / ListTags
(the job is ``Completed`` at once and its BestTrainingJob is a fixed ``FakeTrainingJobName``),
but not ListTrainingJobsForHyperParameterTuningJob or StopHyperParameterTuningJob; waiting,
progress lines and stopping are tested with an in-process double in tests/unit/test_tuner.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.aws_double import PassThrough
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.tensorflow import TensorFlow
from sagemaker_lite.tuner import (
    CategoricalParameter,
    ContinuousParameter,
    HyperparameterTuner,
    IntegerParameter,
    WarmStartConfig,
    WarmStartTypes,
)

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


def recording_session(moto: MotoHandle) -> tuple[Session, PassThrough]:
    boto, recorder = moto.recorded_boto_session()
    return Session(boto_session=boto, endpoint_url=moto.url), recorder


def created(calls: PassThrough) -> list[dict[str, Any]]:
    return calls.params_of("CreateHyperParameterTuningJob")


def xgboost(session: Session) -> Estimator:
    est = Estimator(
        IMAGE,
        ROLE,
        1,
        "ml.m5.large",
        sagemaker_session=session,
        output_path="s3://out-bucket/xgb",
        tags=[{"Key": "team", "Value": "ml"}],
        max_run=3600,
    )
    est.set_hyperparameters(objective="binary:logistic", num_round=50)
    return est


def test_builtin_xgboost_tuner_attach_round_trip(moto: MotoHandle) -> None:
    session, calls = recording_session(moto)
    tuner = HyperparameterTuner(
        xgboost(session),
        "validation:auc",
        {
            "eta": ContinuousParameter(0.01, 0.3),
            "max_depth": IntegerParameter(3, 9),
            "tree_method": CategoricalParameter(["auto", "hist"]),
        },
        strategy="Random",
        max_jobs=6,
        max_parallel_jobs=2,
        random_seed=3,
        tags=[{"Key": "project", "Value": "x"}],
        warm_start_config=WarmStartConfig(WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, ["parent-1"]),
    )
    inputs = {"train": "s3://in-bucket/train", "validation": "s3://in-bucket/validation"}
    tuner.fit(inputs, job_name="xgb-tune-rt", wait=False)
    first = created(calls)[0]
    assert first["Tags"] == [{"Key": "project", "Value": "x"}, {"Key": "team", "Value": "ml"}]
    assert "MetricDefinitions" not in first["TrainingJobDefinition"]["AlgorithmSpecification"]  # built-in metric

    attached = HyperparameterTuner.attach("xgb-tune-rt", sagemaker_session=session)
    assert type(attached.estimator) is Estimator
    assert attached.describe()["HyperParameterTuningJobStatus"] == "Completed"
    # like the official SDK, attach does not restore the tuning job's own tags (no ListTags call)
    assert attached.prepare_tuning_job(inputs, job_name="xgb-tune-rt") == {
        k: value for k, value in first.items() if k != "Tags"
    }


def test_tensorflow_tuner_attach_round_trip(moto: MotoHandle, tmp_path: Path) -> None:
    session, calls = recording_session(moto)
    moto.client("s3").create_bucket(Bucket="out-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    src = tmp_path / "src"
    src.mkdir()
    (src / "train.py").write_text("print('training')\n")
    est = TensorFlow(
        entry_point="train.py",
        source_dir=str(src),
        framework_version="2.18",
        py_version="py310",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
        output_path="s3://out-bucket/tf",
        code_location="s3://out-bucket/code",
        hyperparameters={"epochs": 3},
    )
    tuner = HyperparameterTuner(
        est,
        "val_loss",
        {"lr": ContinuousParameter(1e-4, 0.1, "Logarithmic"), "opt": CategoricalParameter(["adam", "sgd"])},
        metric_definitions=[{"Name": "val_loss", "Regex": "val_loss: ([0-9.]+)"}],
        objective_type="Minimize",
        max_jobs=4,
        max_parallel_jobs=2,
    )
    tuner.fit({"training": "s3://in-bucket/train"}, job_name="tf-tune-rt", wait=False)
    first = created(calls)[0]
    static = first["TrainingJobDefinition"]["StaticHyperParameters"]
    assert static["sagemaker_estimator_module"] == '"sagemaker.tensorflow.estimator"'
    assert first["HyperParameterTuningJobConfig"]["ParameterRanges"]["CategoricalParameterRanges"] == [
        {"Name": "opt", "Values": ['"adam"', '"sgd"']}
    ]
    attached = HyperparameterTuner.attach("tf-tune-rt", sagemaker_session=session)
    assert isinstance(attached.estimator, TensorFlow)
    assert attached._hyperparameter_ranges == tuner._hyperparameter_ranges
    assert attached.prepare_tuning_job({"training": "s3://in-bucket/train"}, job_name="tf-tune-rt") == first


def test_best_estimator_is_the_best_jobs_estimator(moto: MotoHandle) -> None:
    session, _ = recording_session(moto)
    best = xgboost(session)
    best.fit({"train": "s3://in-bucket/train"}, job_name="FakeTrainingJobName", wait=False)  # moto's fixed best job
    tuner = HyperparameterTuner(xgboost(session), "validation:auc", {"eta": ContinuousParameter(0.1, 0.2)})
    tuner.fit({"train": "s3://in-bucket/train"}, job_name="best-of", wait=False)
    assert tuner.best_training_job() == "FakeTrainingJobName"
    estimator = tuner.best_estimator()
    assert type(estimator) is Estimator
    assert estimator.latest_training_job.name == "FakeTrainingJobName"
    assert estimator.model_data == "s3://out-bucket/xgb/FakeTrainingJobName/output/model.tar.gz"
    assert estimator.hyperparameters() == {"objective": "binary:logistic", "num_round": "50"}
