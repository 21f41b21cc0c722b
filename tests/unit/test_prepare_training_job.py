"""``prepare_training_job``: the exact CreateTrainingJob request, staged but never sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.aws_double import RecordingAWS
from support.script_mode import ACCOUNT, code_upload_aws, tensorflow


def recording() -> RecordingAWS:
    return code_upload_aws(
        **{
            "sagemaker.CreateTrainingJob": lambda p: {
                "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/{p['TrainingJobName']}"
            }
        }
    )


def test_prepare_stages_code_and_returns_the_request_fit_sends(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("print('hi')\n")
    aws = recording()
    prepared = tensorflow(aws, tmp_path).prepare_training_job({"train": "s3://in-bucket/train"}, job_name="job-1")

    assert "sagemaker.CreateTrainingJob" not in aws.operations()
    assert "s3.PutObject" in aws.operations()  # the code is staged: the request points at it
    assert prepared["TrainingJobName"] == "job-1"
    assert prepared["HyperParameters"]["sagemaker_submit_directory"] == (
        '"s3://out-bucket/job-1/source/sourcedir.tar.gz"'
    )

    sent = recording()
    est = tensorflow(sent, tmp_path)
    est.fit({"train": "s3://in-bucket/train"}, job_name="job-1", wait=False)
    created: list[dict[str, Any]] = sent.params_of("CreateTrainingJob")
    assert created == [prepared]


def test_script_mode_warnings_point_at_the_callers_line(tmp_path: Path) -> None:
    """``warn_user`` attributes a warning to the first frame outside the package, for fit and prepare alike."""
    import warnings

    (tmp_path / "train.py").write_text("print('hi')\n")
    (tmp_path / "requirements.txt").write_text("numpy\n")
    est = tensorflow(recording(), tmp_path)
    est.source_dir = None
    est.entry_point = str(tmp_path / "train.py")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.prepare_training_job("s3://in-bucket/train", job_name="job-2")
    assert caught and all(w.filename == __file__ for w in caught), [(w.filename, str(w.message)) for w in caught]
