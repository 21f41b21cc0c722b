"""Transformer against the real moto server: estimator.transformer -> transform -> wait, attach round trip.

moto 5.2.1 implements CreateModel, CreateTransformJob and DescribeTransformJob (the job is
Completed at once) but not StopTransformJob.
"""

from __future__ import annotations

from typing import Any

from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.transformer import Transformer

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


def test_estimator_transformer_transform_attach_round_trip(moto: MotoHandle, capsys: Any) -> None:
    boto, calls = moto.recorded_boto_session()
    session = Session(boto_session=boto, endpoint_url=moto.url)
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session, output_path="s3://out-bucket/xgb")
    est.fit({"train": "s3://in-bucket/train"}, job_name="xgb-for-batch", logs=False)
    transformer = est.transformer(
        2,
        "ml.m5.xlarge",
        strategy="MultiRecord",
        assemble_with="Line",
        accept="text/csv",
        output_path="s3://out-bucket/scores",
        max_payload=6,
        env={"A": "b"},
    )
    transformer.transform(
        "s3://in-bucket/batch",
        content_type="text/csv",
        split_type="Line",
        input_filter="$[1:]",
        join_source="Input",
        job_name="batch-1",
    )
    assert "Transform job batch-1: Completed" in capsys.readouterr().out
    first = calls.params_of("CreateTransformJob")[0]
    model = calls.params_of("CreateModel")[0]
    assert model["PrimaryContainer"]["ModelDataUrl"] == "s3://out-bucket/xgb/xgb-for-batch/output/model.tar.gz"
    assert first["ModelName"] == model["ModelName"]

    attached = Transformer.attach("batch-1", sagemaker_session=session)
    again = attached.prepare_transform_job(
        "s3://in-bucket/batch",
        content_type="text/csv",
        split_type="Line",
        input_filter="$[1:]",
        join_source="Input",
        job_name="batch-1",
    )
    assert again == first
    assert attached.describe()["TransformJobStatus"] == "Completed"
