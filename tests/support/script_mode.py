"""A TensorFlow script-mode estimator over a recording double that answers code staging's S3 calls.

For tests of prepare/plan/stage: ``est = tensorflow(code_upload_aws(), tmp_path)`` writes
``train.py`` into ``tmp_path`` and builds the estimator; ``aws.calls`` shows what was sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from sagemaker_lite import Session
from sagemaker_lite.tensorflow import TensorFlow

from .aws_double import RecordingAWS

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"


def _not_found(params: dict[str, Any]) -> dict[str, Any]:
    raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadObject")


def code_upload_aws(**handlers: Any) -> RecordingAWS:
    """S3 answers for uploading ``sourcedir.tar.gz`` (nothing there yet), plus ``handlers`` ("service.Operation")."""
    return RecordingAWS(
        {
            "s3.PutObject": lambda p: {"ETag": '"etag"'},
            "s3.CopyObject": lambda p: {"CopyObjectResult": {"ETag": '"etag"'}},
            "s3.HeadObject": _not_found,
            **handlers,
        }
    )


def tensorflow(aws: RecordingAWS, source: Path, **settings: Any) -> TensorFlow:
    (source / "train.py").write_text("print('hi')\n")
    return TensorFlow(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="2.13",
        py_version="py310",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.large",
        output_path="s3://out-bucket/prefix",
        hyperparameters={"epochs": 3},
        sagemaker_session=Session(boto_session=aws.boto_session()),
        **settings,
    )
