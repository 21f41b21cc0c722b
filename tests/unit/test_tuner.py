"""HyperparameterTuner behaviour: validation, waiting (progress lines, call budget, Ctrl-C), stop, ranges.

The tuning job's lifecycle is played by an in-process double (support.aws_double.RecordingAWS:
botocore still validates every parameter), because moto lacks
ListTrainingJobsForHyperParameterTuningJob and StopHyperParameterTuningJob.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from support.aws_double import RecordingAWS

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.parameter import ranges_from_request, ranges_request
from sagemaker_lite.tuner import (
    CategoricalParameter,
    ContinuousParameter,
    HyperbandStrategyConfig,
    HyperparameterTuner,
    IntegerParameter,
    StrategyConfig,
    TuningJobFailedError,
)

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
NO_SLEEP = PollingPolicy(initial=0, maximum=0, jitter=0, sleep=lambda s: None)


class TuningDouble:
    """A tuning job that finishes one training job per DescribeHyperParameterTuningJob call."""

    def __init__(self, values: list[float], final: str = "Completed", every: int = 1) -> None:
        self.values = values
        self.every = every
        self.describes = 0
        self.final = final
        self.finished = 0
        self.stopped = False
        self.aws = RecordingAWS(
            {
                "sagemaker.CreateHyperParameterTuningJob": lambda p: {"HyperParameterTuningJobArn": "arn:x"},
                "sagemaker.DescribeHyperParameterTuningJob": self.describe,
                "sagemaker.ListTrainingJobsForHyperParameterTuningJob": self.list_jobs,
                "sagemaker.StopHyperParameterTuningJob": self.stop,
            }
        )

    def summary(self, i: int) -> dict[str, Any]:
        return {
            "TrainingJobName": f"job-{i:03d}",
            "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:123456789012:training-job/job-{i:03d}",
            "CreationTime": T0,
            "TrainingStartTime": T0,
            "TrainingEndTime": T0 + dt.timedelta(seconds=60 + i),
            "TrainingJobStatus": "Completed",
            "TunedHyperParameters": {"eta": str(0.1 + i / 100)},
            "FinalHyperParameterTuningJobObjectiveMetric": {"MetricName": "validation:auc", "Value": self.values[i]},
        }

    def describe(self, params: dict[str, Any]) -> dict[str, Any]:
        self.describes += 1
        if not self.stopped and self.finished < len(self.values) and self.describes % self.every == 0:
            self.finished += 1
        done = self.finished == len(self.values) or self.stopped
        best = max(range(self.finished), key=lambda i: self.values[i]) if self.finished else None
        out: dict[str, Any] = {
            "HyperParameterTuningJobName": params["HyperParameterTuningJobName"],
            "HyperParameterTuningJobArn": "arn:x",
            "HyperParameterTuningJobConfig": {
                "Strategy": "Random",
                "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
                "ResourceLimits": {"MaxNumberOfTrainingJobs": len(self.values), "MaxParallelTrainingJobs": 2},
            },
            "HyperParameterTuningJobStatus": ("Stopped" if self.stopped else self.final) if done else "InProgress",
            "CreationTime": T0,
            "TrainingJobStatusCounters": {"Completed": self.finished, "InProgress": 0},
            "ObjectiveStatusCounters": {"Succeeded": self.finished},
        }
        if self.final == "Failed" and done:
            out["FailureReason"] = "All training jobs failed"
        if best is not None:
            out["BestTrainingJob"] = self.summary(best)
        return out

    def list_jobs(self, params: dict[str, Any]) -> dict[str, Any]:
        summaries = [self.summary(i) for i in range(self.finished)]
        start = int(params.get("NextToken") or 0)
        page = summaries[start : start + params.get("MaxResults", 100)]
        out: dict[str, Any] = {"TrainingJobSummaries": page}
        if start + len(page) < len(summaries):
            out["NextToken"] = str(start + len(page))
        return out

    def stop(self, params: dict[str, Any]) -> dict[str, Any]:
        self.stopped = True
        return {}


def make_tuner(double: TuningDouble, **kwargs: Any) -> HyperparameterTuner:
    session = Session(boto_session=double.aws.boto_session(), polling=NO_SLEEP)
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session, output_path="s3://out-bucket/x")
    settings = {"max_jobs": len(double.values), "max_parallel_jobs": 2, "strategy": "Random", **kwargs}
    return HyperparameterTuner(est, "validation:auc", {"eta": ContinuousParameter(0.1, 0.2)}, **settings)


def test_wait_prints_a_line_per_finished_job_with_best_so_far(capsys: pytest.CaptureFixture[str]) -> None:
    double = TuningDouble([0.71, 0.80, 0.75, 0.90])
    tuner = make_tuner(double)
    tuner.fit("s3://in-bucket/train", job_name="tune-1")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "job-000: Completed, validation:auc=0.71; best so far 0.71 (job-000)",
        "job-001: Completed, validation:auc=0.8; best so far 0.8 (job-001)",
        "job-002: Completed, validation:auc=0.75; best so far 0.8 (job-001)",
        "job-003: Completed, validation:auc=0.9; best so far 0.9 (job-003)",
    ]
    assert lines[-1] == "Tuning job tune-1 ended Completed. Best training job: job-003 (validation:auc=0.9)"
    assert tuner.best_training_job() == "job-003"


def test_quiet_wait_costs_one_describe_per_poll_and_no_listing() -> None:
    double = TuningDouble([0.5] * 150)  # 150 jobs: two pages per listing
    tuner = make_tuner(double)
    tuner.fit("s3://in-bucket/train", job_name="tune-big", wait=False)
    tuner.latest_tuning_job.wait(logs=False)  # type: ignore[union-attr]
    ops = double.aws.operations()
    assert ops.count("sagemaker.ListTrainingJobsForHyperParameterTuningJob") == 0
    assert ops.count("sagemaker.DescribeHyperParameterTuningJob") == 150


def test_wait_lists_training_jobs_only_when_more_have_finished(capsys: pytest.CaptureFixture[str]) -> None:
    double = TuningDouble([0.1, 0.2, 0.3, 0.4], every=3)  # a job finishes every third describe
    tuner = make_tuner(double)
    tuner.fit("s3://in-bucket/train", job_name="tune-calls")
    ops = double.aws.operations()
    assert ops.count("sagemaker.DescribeHyperParameterTuningJob") == 12
    assert ops.count("sagemaker.ListTrainingJobsForHyperParameterTuningJob") == 4 + 1  # per finish, and at the end
    assert capsys.readouterr().out.count("best so far") == 4


def test_failed_tuning_job_raises_with_reason() -> None:
    tuner = make_tuner(TuningDouble([0.5], final="Failed"))
    with pytest.raises(TuningJobFailedError, match="All training jobs failed"):
        tuner.fit("s3://in-bucket/train", job_name="tune-fail")


def test_ctrl_c_keeps_the_tuning_job_and_prints_attach(capsys: pytest.CaptureFixture[str]) -> None:
    double = TuningDouble([0.5, 0.6, 0.7])
    calls = {"n": 0}

    def interrupt(seconds: float) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    tuner = make_tuner(double)
    tuner.fit("s3://in-bucket/train", job_name="tune-ctrl-c", wait=False)
    tuner.latest_tuning_job.polling = PollingPolicy(initial=0, maximum=0, jitter=0, sleep=interrupt)  # type: ignore[union-attr]
    with pytest.raises(KeyboardInterrupt):
        tuner.wait()
    out = capsys.readouterr().out
    assert "tuning job tune-ctrl-c is still running" in out
    assert "HyperparameterTuner.attach('tune-ctrl-c').wait()" in out
    assert "sagemaker.StopHyperParameterTuningJob" not in double.aws.operations()


def test_stop_tuning_job() -> None:
    double = TuningDouble([0.5, 0.6, 0.7])
    tuner = make_tuner(double)
    tuner.fit("s3://in-bucket/train", job_name="tune-stop", wait=False)
    tuner.stop_tuning_job()
    assert double.aws.params_of("StopHyperParameterTuningJob") == [{"HyperParameterTuningJobName": "tune-stop"}]
    assert tuner.wait()["HyperParameterTuningJobStatus"] == "Stopped"


def test_analytics_dataframe_has_a_row_per_training_job() -> None:
    double = TuningDouble([0.71, 0.80])
    tuner = make_tuner(double)
    tuner.fit("s3://in-bucket/train", job_name="tune-df")
    frame = tuner.analytics().dataframe()
    assert list(frame["TrainingJobName"]) == ["job-000", "job-001"]
    assert list(frame["FinalObjectiveValue"]) == [0.71, 0.80]
    assert list(frame["eta"]) == [0.1, 0.11]
    assert list(frame["TrainingElapsedTimeSeconds"]) == [60.0, 61.0]


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"strategy": "Genetic"}, "strategy"),
        ({"objective_type": "Max"}, "objective_type"),
        ({"max_jobs": 0}, "max_jobs"),
        ({"max_parallel_jobs": "2"}, "max_parallel_jobs"),
        ({"early_stopping_type": "On"}, "early_stopping_type"),
        ({"max_runtime_in_seconds": 5}, "max_runtime_in_seconds"),
        ({"strategy_config": StrategyConfig(HyperbandStrategyConfig(10, 1))}, "strategy_config"),
        ({"strategy": "Hyperband", "early_stopping_type": "Auto"}, "early_stopping_type"),
        ({"random_seed": -1}, "random_seed"),
    ],
)
def test_bad_settings_are_refused_before_any_call(kwargs: dict[str, Any], parameter: str) -> None:
    double = TuningDouble([0.5])
    with pytest.raises(ValidationError) as info:
        make_tuner(double, **kwargs)
    assert info.value.parameter == parameter
    assert double.aws.calls == []


@pytest.mark.parametrize(
    ("make", "parameter"),
    [
        (lambda: ContinuousParameter(1, 0), "min_value"),
        (lambda: ContinuousParameter(0, 1, "Logarithmic"), "min_value"),
        (lambda: ContinuousParameter(0, 1, "Log"), "scaling_type"),
        (lambda: IntegerParameter(1.5, 3), "min_value"),
        (lambda: CategoricalParameter([]), "values"),
        (lambda: ContinuousParameter("a", 1), "min_value"),
    ],
)
def test_bad_ranges_are_refused(make: Any, parameter: str) -> None:
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.parameter == parameter


def test_ranges_round_trip_through_the_request_form() -> None:
    ranges = {
        "a": ContinuousParameter(0.001, 10, "Logarithmic"),
        "b": IntegerParameter(1, 9),
        "c": CategoricalParameter(["x", 3]),
    }
    for framework in (False, True):
        request = ranges_request(ranges, json_categoricals=framework)
        assert list(request) == ["ContinuousParameterRanges", "CategoricalParameterRanges", "IntegerParameterRanges"]
        assert ranges_from_request(request, json_categoricals=framework) == ranges


def test_job_name_defaults_to_a_short_unique_name_of_at_most_32_characters() -> None:
    double = TuningDouble([0.5])
    tuner = make_tuner(double, base_tuning_job_name="a-rather-long-base-tuning-job-name")
    request = tuner.prepare_tuning_job("s3://in-bucket/train")
    name = request["HyperParameterTuningJobName"]
    # base trimmed to fit <base>-YYMMDD-HHMMSSmmm-xxxx (four random characters: unique across processes)
    assert len(name) <= 32 and name.startswith("a-rather-l")
