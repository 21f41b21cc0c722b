"""The built-in XGBoost algorithm in local mode, without Docker: the notebook workflow, v2 and v1 spellings.

The image is the program: a generic ``Estimator`` with the registry's XGBoost image,
hyperparameters as strings, ``file://`` channels generated here. Local mode plays the
algorithm container (sagemaker_lite.local.algorithms.xgboost) inside the ordinary local
training runtime; the model it saves is checked with xgboost itself (the version the job
ran, which is the image's when the package index has it for this Python).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from local_helpers import job_logs, wait_gone
from serving_helpers import server_pids
from xgb_helpers import (
    HYPERPARAMETERS,
    IMAGE_1_7,
    binary_data,
    booster_predictions,
    extract_model,
    job_python,
    multiclass_data,
    write_csv,
    write_libsvm,
)

from sagemaker_lite import TrainingInput, image_uris
from sagemaker_lite.errors import JobFailedError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.serializers import CSVSerializer

pytestmark = pytest.mark.local

METRIC_LINE = re.compile(r"^\[(\d+)\]#011train-auc:([0-9.]+)#011validation-auc:([0-9.]+)$", re.MULTILINE)


def test_v2_workflow_trains_reports_metrics_and_saves_a_loadable_model(local_root: Path, tmp_path: Path) -> None:
    x, y = binary_data()
    write_csv(tmp_path / "data/train/train.csv", x[:300], y[:300])
    write_csv(tmp_path / "data/validation/validation.csv", x[300:], y[300:])
    container = image_uris.retrieve("xgboost", "us-west-2", "1.7-1")
    assert container == IMAGE_1_7
    xgb = Estimator(
        container,
        "arn:aws:iam::123456789012:role/SageMakerRole",
        instance_count=1,
        instance_type="local",
        output_path=f"file://{tmp_path / 'output'}",
    )
    xgb.set_hyperparameters(**HYPERPARAMETERS, eval_metric="auc")
    xgb.fit(
        {
            "train": TrainingInput(f"file://{tmp_path / 'data/train'}", content_type="csv"),
            "validation": TrainingInput(f"file://{tmp_path / 'data/validation'}", content_type="csv"),
        }
    )
    job = xgb.latest_training_job
    logs = job_logs(local_root, job.name)
    rounds = METRIC_LINE.findall(logs)
    assert [int(r[0]) for r in rounds] == list(range(30)), logs
    description = job.describe()
    final = {m["MetricName"]: m["Value"] for m in description["FinalMetricDataList"]}
    assert final == {"train:auc": float(rounds[-1][1]), "validation:auc": float(rounds[-1][2])}
    names = {d["Name"] for d in description["AlgorithmSpecification"]["MetricDefinitions"]}
    assert {"train:auc", "validation:auc", "validation:rmse", "validation:f1"} <= names  # the built-in definitions
    model = extract_model(xgb.model_data, tmp_path / "model")
    expected = booster_predictions(job_python(container), model, x[300:310])
    assert len(expected) == 10 and all(0.0 <= p <= 1.0 for p in expected)

    predictor = xgb.deploy(1, "local", serializer=CSVSerializer())
    session = xgb.sagemaker_session
    try:
        answer = predictor.predict(x[300:310])
        served = [float(line) for line in (answer.decode() if isinstance(answer, bytes) else answer).split()]
        assert np.allclose(served, expected, rtol=0, atol=1e-6), (served, expected)
        pids = server_pids(session, predictor.endpoint_name)
    finally:
        predictor.delete_endpoint()
    assert session.sagemaker_client.list_endpoints()["Endpoints"] == []
    assert not wait_gone(pids, timeout=10)


def test_v1_spellings_run_the_legacy_image_locally(local_root: Path, tmp_path: Path) -> None:
    from sagemaker_lite.amazon.amazon_estimator import get_image_uri
    from sagemaker_lite.session import s3_input

    x, y = binary_data(seed=11)
    write_csv(tmp_path / "train.csv", x, y)
    with pytest.warns(DeprecationWarning):
        container = get_image_uri("us-west-2", "xgboost")
    assert container.endswith("/xgboost:1")  # v1's default: the legacy 0.72 image
    with pytest.warns(DeprecationWarning):
        xgb = Estimator(
            container,
            "arn:aws:iam::123456789012:role/SageMakerRole",
            train_instance_count=1,
            train_instance_type="local",
            output_path=f"file://{tmp_path / 'output'}",
        )
    xgb.set_hyperparameters(objective="binary:logistic", num_round=5, max_depth=3)
    with pytest.warns(DeprecationWarning):
        train = s3_input(f"file://{tmp_path / 'train.csv'}", content_type="text/csv")
    xgb.fit({"train": train})
    logs = job_logs(local_root, xgb.latest_training_job.name)
    assert "[4]#011train-logloss:" in logs
    # the 0.72 package has no wheel for this Python: the nearest installed xgboost runs it, and the log says so
    assert "xgboost 0.72.1" in logs and "the installed xgboost" in logs
    final = {m["MetricName"] for m in xgb.latest_training_job.describe()["FinalMetricDataList"]}
    assert final == {"train:logloss"}
    model = extract_model(xgb.model_data, tmp_path / "model")
    expected = booster_predictions(job_python(container), model, x[:10])

    with pytest.warns(DeprecationWarning):
        from sagemaker_lite.predictor import csv_serializer
    xgb_predictor = xgb.deploy(initial_instance_count=1, instance_type="local")
    try:
        with pytest.warns(DeprecationWarning):
            xgb_predictor.content_type = "text/csv"
        xgb_predictor.serializer = csv_serializer
        answer = xgb_predictor.predict(x[:10])
        served = [float(v) for v in answer.decode("utf-8").split()]
        assert np.allclose(served, expected, rtol=0, atol=1e-6)
    finally:
        xgb_predictor.delete_endpoint()
    assert xgb.sagemaker_session.sagemaker_client.list_endpoints()["Endpoints"] == []


def test_libsvm_and_multiclass(local_root: Path, tmp_path: Path) -> None:
    x, y = multiclass_data()
    write_libsvm(tmp_path / "train/part-0.libsvm", x[:350], y[:350])
    write_libsvm(tmp_path / "validation/part-0.libsvm", x[350:], y[350:])
    xgb = Estimator(IMAGE_1_7, None, instance_count=1, instance_type="local", output_path=f"file://{tmp_path}/out")
    xgb.set_hyperparameters(objective="multi:softmax", num_class=3, num_round=12, eval_metric="merror,mlogloss")
    xgb.fit(
        {
            "train": TrainingInput(f"file://{tmp_path / 'train'}", content_type="libsvm"),
            "validation": TrainingInput(f"file://{tmp_path / 'validation'}", content_type="text/libsvm"),
        }
    )
    logs = job_logs(local_root, xgb.latest_training_job.name)
    assert re.search(r"^\[11\]#011train-merror:[0-9.]+#011train-mlogloss:[0-9.]+#011validation-merror:", logs, re.M)
    final = {m["MetricName"]: m["Value"] for m in xgb.latest_training_job.describe()["FinalMetricDataList"]}
    assert set(final) == {"train:merror", "train:mlogloss", "validation:merror", "validation:mlogloss"}
    assert final["validation:merror"] < 0.3
    model = extract_model(xgb.model_data, tmp_path / "model")
    dense = np.where(x[350:360] > 0.2, x[350:360], np.nan)  # the LIBSVM rows left those entries out
    classes = booster_predictions(job_python(IMAGE_1_7), model, dense)
    assert set(classes) <= {0.0, 1.0, 2.0}


@pytest.mark.parametrize(
    ("hyperparameters", "reason"),
    [
        ({"num_round": 10, "eta": 2}, "Hyperparameter eta: 2.0 is not in [0, 1]"),
        ({"eta": 0.1}, "Missing required hyperparameter: num_round"),
        ({"num_round": 10, "silent": 1}, "Extraneous hyperparameter found: silent"),
        ({"num_round": 10, "objective": "multi:softmax"}, "Require input for parameter 'num_class'"),
        ({"num_round": "ten"}, "Hyperparameter num_round: could not parse value (caused by ValueError)"),
    ],
    ids=["range", "required", "extraneous", "dependency", "parse"],
)
def test_bad_hyperparameter_fails_the_job_with_the_containers_message(
    local_root: Path, tmp_path: Path, hyperparameters: dict[str, object], reason: str
) -> None:
    x, y = binary_data(rows=40)
    write_csv(tmp_path / "train.csv", x, y)
    xgb = Estimator(IMAGE_1_7, None, instance_count=1, instance_type="local", output_path=f"file://{tmp_path}/out")
    xgb.set_hyperparameters(**hyperparameters)
    with pytest.raises(JobFailedError) as failed:
        xgb.fit({"train": TrainingInput(f"file://{tmp_path / 'train.csv'}", content_type="text/csv")})
    failure = failed.value.failure_reason
    assert failure.startswith("AlgorithmError: framework error: \nUserError: ") and reason in failure, failure
    assert failure.endswith("exit code: 1")
    assert not (tmp_path / "out" / xgb.latest_training_job.name / "output" / "model.tar.gz").exists()


def test_extraneous_channel_and_content_type_fail_like_the_container(local_root: Path, tmp_path: Path) -> None:
    x, y = binary_data(rows=40)
    write_csv(tmp_path / "train.csv", x, y)
    xgb = Estimator(IMAGE_1_7, None, instance_count=1, instance_type="local", output_path=f"file://{tmp_path}/out")
    xgb.set_hyperparameters(num_round=3)
    data = f"file://{tmp_path / 'train.csv'}"
    with pytest.raises(JobFailedError, match="Extraneous channel found: test"):
        xgb.fit({"train": TrainingInput(data, content_type="csv"), "test": TrainingInput(data, content_type="csv")})
    with pytest.raises(JobFailedError, match="Channel configuration for 'train' channel is not supported"):
        xgb.fit({"train": TrainingInput(data, content_type="application/json")})


def test_two_hosts_sharded_by_s3_key_each_train_on_their_share(local_root: Path, tmp_path: Path) -> None:
    x, y = binary_data(rows=400)
    for part in range(4):  # host i of 2 gets files i, i+2: parts 0 and 2 (100 + 100 rows), 1 and 3
        rows = slice(part * 100, (part + 1) * 100)
        write_csv(tmp_path / f"train/part-{part}.csv", x[rows][: 60 + 10 * part], y[rows][: 60 + 10 * part])
    xgb = Estimator(IMAGE_1_7, None, instance_count=2, instance_type="local", output_path=f"file://{tmp_path}/out")
    xgb.set_hyperparameters(objective="binary:logistic", num_round=8, max_depth=3)
    xgb.fit({"train": TrainingInput(f"file://{tmp_path / 'train'}", content_type="csv", distribution="ShardedByS3Key")})
    job_dir = local_root / "jobs" / xgb.latest_training_job.name
    shares = {
        host: sorted(p.name for p in (job_dir / host / "input/data/train").iterdir()) for host in ("algo-1", "algo-2")
    }
    assert shares == {"algo-1": ["part-0.csv", "part-2.csv"], "algo-2": ["part-1.csv", "part-3.csv"]}
    logs = {host: (job_dir / "logs").glob(f"{host}-*.log") for host in shares}
    text = {host: "".join(p.read_text() for p in paths) for host, paths in logs.items()}
    assert "Train matrix has 140 rows and 6 columns" in text["algo-1"]  # 60 + 80
    assert "Train matrix has 160 rows and 6 columns" in text["algo-2"]  # 70 + 90
    assert "Distributed node training with 2 hosts" in text["algo-1"]
    assert "[7]#011train-logloss:" in text["algo-1"]  # the master prints the all-reduced evaluation
    extract_model(xgb.model_data, tmp_path / "model")


def test_pipe_mode_csv_and_what_pipe_mode_refuses(local_root: Path, tmp_path: Path) -> None:
    x, y = binary_data(rows=120)
    write_csv(tmp_path / "train/part-0.csv", x[:60], y[:60])
    write_csv(tmp_path / "train/part-1.csv", x[60:], y[60:])
    xgb = Estimator(
        IMAGE_1_7, None, instance_count=1, instance_type="local", input_mode="Pipe", output_path=f"file://{tmp_path}/o"
    )
    xgb.set_hyperparameters(objective="binary:logistic", num_round=3)
    xgb.fit({"train": TrainingInput(f"file://{tmp_path / 'train'}", content_type="text/csv")})
    logs = job_logs(local_root, xgb.latest_training_job.name)
    assert "Train matrix has 120 rows and 6 columns" in logs and "[2]#011train-logloss:" in logs
    write_libsvm(tmp_path / "svm/part-0.libsvm", x, y)
    with pytest.raises(JobFailedError, match="Channel configuration for 'train' channel is not supported"):
        xgb.fit({"train": TrainingInput(f"file://{tmp_path / 'svm'}", content_type="libsvm")})


def test_early_stopping_on_the_tuning_objective(local_root: Path, tmp_path: Path) -> None:
    x, y = binary_data(rows=300, seed=5)
    write_csv(tmp_path / "train/train.csv", x[:200], y[:200])
    write_csv(tmp_path / "validation/validation.csv", x[200:], y[200:])
    xgb = Estimator(IMAGE_1_7, None, instance_count=1, instance_type="local", output_path=f"file://{tmp_path}/out")
    # what a HyperparameterTuner sends: the objective metric as a hyperparameter (also computed by the container)
    xgb.set_hyperparameters(
        objective="binary:logistic",
        num_round=200,
        eta=0.5,
        early_stopping_rounds=3,
        _tuning_objective_metric="validation:f1",
    )
    xgb.fit(
        {
            "train": TrainingInput(f"file://{tmp_path / 'train'}", content_type="csv"),
            "validation": TrainingInput(f"file://{tmp_path / 'validation'}", content_type="csv"),
        }
    )
    logs = job_logs(local_root, xgb.latest_training_job.name)
    # xgboost's default metric for the objective, then the container's own f1, which the stopping watches
    rounds = re.findall(r"^\[\d+\]#011train-logloss:\S+#011train-f1:\S+#011validation-logloss:\S+$", logs, re.M)
    f1 = re.findall(r"#011validation-f1:([0-9.]+)$", logs, re.M)
    assert 2 <= len(rounds) == len(f1) < 200, logs  # stopped early
    final = {m["MetricName"]: m["Value"] for m in xgb.latest_training_job.describe()["FinalMetricDataList"]}
    assert final["validation:f1"] == float(f1[-1])
