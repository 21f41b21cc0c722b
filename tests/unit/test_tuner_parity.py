"""Tuning requests equal the official SDK v2's for the same inputs (tests/data/official/tuning_cases.json).

Each tuner case is replayed through sagemaker_lite against an in-process recording fake
(botocore validates every parameter); the CreateHyperParameterTuningJob request must equal
the captured one, apart from the deliberate differences documented in docs/tuning.md.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.aws_double import RecordingAWS
from support.official import OFFICIAL, fake_aws, make_estimator, resolve, with_uploads
from support.official import TUNING_CASES as CASES

from sagemaker_lite import Session
from sagemaker_lite.tuner import (
    HyperparameterTuner,
)

pytestmark = pytest.mark.usefixtures("official_dir")
TUNER_CASES = sorted(name for name, case in CASES.items() if case["class"].startswith("HyperparameterTuner"))


def tuning_aws() -> RecordingAWS:
    aws = fake_aws()
    with_uploads(aws)
    arn = "arn:aws:sagemaker:us-west-2:123456789012:hyper-parameter-tuning-job/"
    aws.handlers["sagemaker.CreateHyperParameterTuningJob"] = lambda p: {
        "HyperParameterTuningJobArn": arn + p["HyperParameterTuningJobName"]
    }
    return aws


def make_tuner(case: dict[str, Any], session: Session) -> HyperparameterTuner:
    kwargs = resolve(case["kwargs"])
    if case["class"] == "HyperparameterTuner.create":
        estimators = {name: make_estimator(spec, session) for name, spec in case["estimators"].items()}
        return HyperparameterTuner.create(estimator_dict=estimators, **kwargs)
    return HyperparameterTuner(make_estimator(case["estimator"], session), **kwargs)


def official_request(name: str) -> dict[str, Any] | None:
    fixture = json.loads((OFFICIAL / f"{name}.json").read_text())
    calls = [c for c in fixture["calls"] if c["operation"] == "CreateHyperParameterTuningJob"]
    assert len(calls) == 1
    return None if "not_sent" in calls[0] else calls[0]["params"]


@pytest.mark.parametrize("name", TUNER_CASES)
def test_create_tuning_job_matches_official(name: str) -> None:
    case = CASES[name]
    aws = tuning_aws()
    tuner = make_tuner(case, Session(boto_session=aws.boto_session()))
    fit = case["fit"]
    tuner.fit(
        resolve(fit["inputs"]),
        job_name=fit["job_name"],
        wait=False,
        include_cls_metadata=fit.get("include_cls_metadata", False),
    )
    ours = aws.params_of("CreateHyperParameterTuningJob")
    official = official_request(name)
    if official is None:  # tuner-grid: the official request was refused by botocore (None MaxNumberOfTrainingJobs)
        fixture = json.loads((OFFICIAL / f"{name}.json").read_text())
        expected = json.loads(json.dumps(fixture["calls"][-1]["params"]))
        del expected["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"]
        official = expected
    assert ours == [official]
