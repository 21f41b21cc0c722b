"""Local mode refuses a re-used job name as the service does (issue 11, item 1).

Before: the second ``fit(job_name="cv-fold")`` with other data returned normally and its
``model_data`` was the first job's model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from local_helpers import write_code

from sagemaker_lite.estimator import Estimator
from sagemaker_lite.jobs import TrainingJob
from sagemaker_lite.local import LocalSession


def estimator(session: LocalSession, code: Path) -> Estimator:
    return Estimator(
        "local-script",
        None,
        1,
        "local",
        sagemaker_session=session,
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
    )


def test_a_second_fit_under_the_same_name_is_refused(session: LocalSession, tmp_path: Path) -> None:
    code = write_code(
        tmp_path / "code",
        """
        data = os.environ["SM_CHANNEL_TRAINING"]
        open(os.environ["SM_MODEL_DIR"] + "/fold", "w").write(sorted(os.listdir(data))[0])
        """,
    )
    for fold in ("fold-1", "fold-2"):
        (tmp_path / fold).mkdir()
        (tmp_path / fold / f"{fold}.csv").write_text("1\n")
    first = estimator(session, code)
    first.fit(f"file://{tmp_path / 'fold-1'}", job_name="cv-fold", logs=False)
    second = estimator(session, code)
    with pytest.raises(ClientError) as info:  # as SageMaker answers
        second.fit(f"file://{tmp_path / 'fold-2'}", job_name="cv-fold", logs=False)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"
    assert second.training_job_name is None  # so its model_data is not the first job's model
    assert first.model_data and Path(first.model_data[len("file://") :]).is_file()


def test_the_local_backend_refuses_a_duplicate_create_and_it_is_not_adopted(
    session: LocalSession, tmp_path: Path
) -> None:
    code = write_code(tmp_path / "code", "print('x')\n")
    est = estimator(session, code)
    est.fit(job_name="dup-local", logs=False)
    request = dict(est.latest_training_job.describe())
    keep = ("TrainingJobName", "AlgorithmSpecification", "RoleArn", "HyperParameters", "OutputDataConfig")
    create = {k: request[k] for k in keep if request.get(k) is not None}
    create.update(ResourceConfig=request["ResourceConfig"], StoppingCondition=request["StoppingCondition"])
    with pytest.raises(ClientError) as info:  # even with the same settings: no attempt of ours created it
        TrainingJob.start_new(session, create)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"
