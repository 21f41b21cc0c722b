"""Hyperparameter tuning in local mode: real training scripts, run by the local backend's tuning jobs.

A synthetic objective (score = -(x - 2)^2 - (y + 1)^2, best at x=2, y=-1) is printed by a real
script; each job's objective comes from its log through the metric definitions, as on SageMaker.
The built-in XGBoost case tunes on its own ``validation:rmse`` metric and serves the best model.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from local_helpers import write_code
from xgb_helpers import IMAGE_1_7, write_csv

from sagemaker_lite import TrainingInput
from sagemaker_lite.errors import LocalModeError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.local import LocalSession
from sagemaker_lite.serializers import CSVSerializer
from sagemaker_lite.tuner import CategoricalParameter, ContinuousParameter, HyperparameterTuner, IntegerParameter

pytestmark = pytest.mark.local

SCRIPT = """
hps = json.loads(os.environ["SM_HPS"])
x, y = float(hps["x"]), float(hps.get("y", "-1"))
score = -(x - 2.0) ** 2 - (y + 1.0) ** 2
print(f"epoch 1 score: {score - 1.0:.6f}")
print(f"epoch 2 score: {score:.6f}")
open(os.path.join(os.environ["SM_MODEL_DIR"], "score.txt"), "w").write(str(score))
"""
METRICS = [{"Name": "score", "Regex": "score: (-?[0-9.]+)"}]


def script_estimator(session: LocalSession, code: Path, out: Path) -> Estimator:
    return Estimator(
        "local-script",
        None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        output_path=f"file://{out}",
        metric_definitions=METRICS,
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
    )


def score(x: float, y: float) -> float:
    return -((x - 2.0) ** 2) - (y + 1.0) ** 2


def overlap(summaries: list[dict[str, Any]]) -> int:
    """The most training jobs that ran at the same moment."""
    events = sorted([(s["TrainingStartTime"], 1) for s in summaries] + [(s["TrainingEndTime"], -1) for s in summaries])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def test_random_tuner_runs_two_at_a_time_and_reads_the_objective_from_logs(
    session: LocalSession, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = write_code(tmp_path / "code", SCRIPT)
    tuner = HyperparameterTuner(
        script_estimator(session, code, tmp_path / "out"),
        "score",
        {"x": ContinuousParameter(-5, 5), "y": ContinuousParameter(-5, 5)},
        strategy="Random",
        max_jobs=6,
        max_parallel_jobs=2,
        random_seed=11,
    )
    tuner.fit(job_name="rand-tune")
    out = capsys.readouterr().out
    summaries = tuner.latest_tuning_job.training_job_summaries()  # type: ignore[union-attr]
    assert len(summaries) == 6 and all(s["TrainingJobStatus"] == "Completed" for s in summaries)
    for s in summaries:  # each objective is the job's last "score:" line, the exact function value
        hps = s["TunedHyperParameters"]
        value = s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        assert value == pytest.approx(score(float(hps["x"]), float(hps["y"])), abs=1e-5)
    assert overlap(summaries) <= 2
    best = max(summaries, key=lambda s: s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"])
    assert tuner.best_training_job() == best["TrainingJobName"]
    assert out.count("best so far") == 6 and f"Best training job: {best['TrainingJobName']}" in out

    # the same seed gives the same jobs; listed, described and attached like a hosted tuning job
    attached = HyperparameterTuner.attach("rand-tune", sagemaker_session=session)
    assert attached.describe()["HyperParameterTuningJobStatus"] == "Completed"
    assert attached.analytics().dataframe().shape[0] == 6
    best_estimator = attached.best_estimator()
    assert best_estimator.model_data.endswith(f"{best['TrainingJobName']}/output/model.tar.gz")


def test_grid_tuner_tries_every_combination_in_order(session: LocalSession, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", SCRIPT)
    tuner = HyperparameterTuner(
        script_estimator(session, code, tmp_path / "out"),
        "score",
        {"x": CategoricalParameter([1, 2, 3]), "y": CategoricalParameter([-1, 0])},
        strategy="Grid",
        max_parallel_jobs=3,
    )
    tuner.fit(job_name="grid-tune", wait=False)
    description = tuner.wait()
    summaries = sorted(tuner.latest_tuning_job.training_job_summaries(), key=lambda s: s["TrainingJobName"])  # type: ignore[union-attr]
    tried = [(s["TunedHyperParameters"]["x"], s["TunedHyperParameters"]["y"]) for s in summaries]
    assert tried == list(itertools.product(["1", "2", "3"], ["-1", "0"]))
    assert description["BestTrainingJob"]["TunedHyperParameters"] == {"x": "2", "y": "-1"}


def test_hyperband_is_refused_locally_before_anything_runs(session: LocalSession, tmp_path: Path) -> None:
    from sagemaker_lite.tuner import HyperbandStrategyConfig, StrategyConfig

    tuner = HyperparameterTuner(
        script_estimator(session, tmp_path, tmp_path / "out"),
        "score",
        {"x": IntegerParameter(1, 3)},
        strategy="Hyperband",
        strategy_config=StrategyConfig(HyperbandStrategyConfig(3, 1)),
        max_jobs=3,
    )
    with pytest.raises(LocalModeError, match="Hyperband"):
        tuner.fit(job_name="hb-tune")


def test_builtin_xgboost_tuner_uses_the_algorithm_metric_and_serves_the_best_model(
    session: LocalSession, tmp_path: Path
) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    y = x @ np.array([1.5, -2.0, 0.5, 0.0]) + rng.normal(scale=0.1, size=300)
    write_csv(tmp_path / "data/train/train.csv", x[:240], y[:240])
    write_csv(tmp_path / "data/validation/validation.csv", x[240:], y[240:])
    xgb = Estimator(
        IMAGE_1_7,
        None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        output_path=f"file://{tmp_path / 'out'}",
    )
    xgb.set_hyperparameters(objective="reg:squarederror", num_round=20)
    tuner = HyperparameterTuner(
        xgb,
        "validation:rmse",
        {"max_depth": IntegerParameter(1, 4), "eta": ContinuousParameter(0.05, 0.5)},
        objective_type="Minimize",
        strategy="Random",
        max_jobs=3,
        max_parallel_jobs=2,
        random_seed=1,
    )
    tuner.fit(
        {
            "train": TrainingInput(f"file://{tmp_path / 'data/train'}", content_type="csv"),
            "validation": TrainingInput(f"file://{tmp_path / 'data/validation'}", content_type="csv"),
        },
        job_name="xgb-local-tune",
    )
    description = tuner.describe()
    values = [
        s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        for s in tuner.latest_tuning_job.training_job_summaries()
    ]  # type: ignore[union-attr]
    assert description["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == min(values)
    predictor = tuner.deploy(1, "local", serializer=CSVSerializer())
    try:
        answer = predictor.predict(x[240:245])
        served = [float(v) for v in (answer.decode() if isinstance(answer, bytes) else answer).split()]
        assert len(served) == 5
        assert np.corrcoef(served, y[240:245])[0, 1] > 0.9
    finally:
        predictor.delete_endpoint()


EARLY_STOP_SCRIPT = """
hps = json.loads(os.environ["SM_HPS"])
if hps["mode"].startswith("good"):
    print("epoch 1 score: 1.0", flush=True)
else:  # a poor objective early, then a long run the median rule must cut short
    print("epoch 1 score: 0.0", flush=True)
    time.sleep(120)
    print("epoch 2 score: 0.0", flush=True)
"""


def test_auto_early_stopping_stops_a_job_worse_than_the_median(session: LocalSession, tmp_path: Path) -> None:
    """early_stopping_type="Auto" locally: the documented median rule stops the poor, long job."""
    code = write_code(tmp_path / "code", "import time\n" + EARLY_STOP_SCRIPT)
    tuner = HyperparameterTuner(
        script_estimator(session, code, tmp_path / "out"),
        "score",
        {"mode": CategoricalParameter(["good-1", "good-2", "good-3", "poor"])},
        strategy="Grid",
        max_parallel_jobs=1,
        early_stopping_type="Auto",
    )
    tuner.fit(job_name="early-stop-tune", wait=False)
    description = tuner.wait()
    summaries = tuner.latest_tuning_job.training_job_summaries()  # type: ignore[union-attr]
    by_mode = {s["TunedHyperParameters"]["mode"]: s for s in summaries}
    assert by_mode["poor"]["TrainingJobStatus"] == "Stopped"
    assert all(by_mode[f"good-{i}"]["TrainingJobStatus"] == "Completed" for i in (1, 2, 3))
    elapsed = (by_mode["poor"]["TrainingEndTime"] - by_mode["poor"]["TrainingStartTime"]).total_seconds()
    assert elapsed < 120  # cut short, not run to the end
    assert description["BestTrainingJob"]["TunedHyperParameters"]["mode"].startswith("good")
