"""Plan -> stage -> build: frozen values in, one pure builder, staging the only step with I/O."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from support.script_mode import ROLE, code_upload_aws, tensorflow

from sagemaker_lite.estimator import Estimator
from sagemaker_lite.plan import ScriptMode, Staged, TrainingPlan
from sagemaker_lite.staging import planned_training, stage_training
from sagemaker_lite.training import training_job_request


@pytest.mark.parametrize("settings", [{}, {"enable_network_isolation": True}, {"code_location": "s3://code/at"}])
def test_the_planned_request_is_the_staged_one_when_every_location_is_given(
    tmp_path: Path, settings: dict[str, Any]
) -> None:
    aws = code_upload_aws()
    est = tensorflow(aws, tmp_path, **settings)
    plan = est._plan({"train": "s3://in-bucket/train"}, "job-1", None)
    session = est.sagemaker_session

    planned = training_job_request(plan, planned_training(plan, session), session.debugger_fields)
    assert aws.operations() == []  # planning and building touch nothing
    staged = stage_training(plan, session)
    assert "s3.PutObject" in aws.operations(), aws.operations()  # staging is where the upload happens
    assert training_job_request(plan, staged, session.debugger_fields) == planned
    assert planned["HyperParameters"]["model_dir"] == '"s3://out-bucket/prefix/job-1/model"'


def test_plan_and_staged_locations_are_frozen_values(tmp_path: Path) -> None:
    est = tensorflow(code_upload_aws(), tmp_path)
    plan = est._plan(None, "job-1", None)
    assert isinstance(plan.script, ScriptMode) and plan.script.program == "train.py"
    for value, field in (
        (plan, "job_name"),
        (plan.script, "program"),
        (Staged(output_path="s3://b/o/", role_arn=None), "output_path"),
    ):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(value, field, "other")


def test_preparing_a_job_leaves_no_per_call_state_on_the_estimator(tmp_path: Path) -> None:
    est = tensorflow(code_upload_aws(), tmp_path)
    before = set(vars(est))
    est.prepare_training_job({"train": "s3://in-bucket/train"}, job_name="job-1")
    # only what describes the prepared job afterwards: its name, its code (create_model), Debugger paths
    assert set(vars(est)) - before <= {"_submit_directory", "_debugger_fields"}
    assert est.training_job_name == "job-1"


def test_a_generic_image_has_no_script_mode_and_sends_plain_hyperparameters() -> None:
    est = Estimator("img:1", ROLE, 1, "ml.m5.large", hyperparameters={"num_round": 10, "layers": [1, 2]})
    plan = TrainingPlan(config=est.config, job_name="job-1", channels=(), region="us-west-2")
    request = training_job_request(plan, Staged(output_path="s3://out-bucket/o/", role_arn=ROLE))
    assert est._script_mode(est.config) is None
    assert request["HyperParameters"] == {"num_round": "10", "layers": "[1, 2]"}
    assert request["OutputDataConfig"] == {"S3OutputPath": "s3://out-bucket/o/"}
