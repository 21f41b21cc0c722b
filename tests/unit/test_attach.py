"""attach() rebuilds an estimator whose next request equals the original, field for field."""

from __future__ import annotations

from typing import Any

from support.offline import IMAGE, ROLE
from support.scripted import ScriptedAWS

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput

NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)


def test_round_trip_of_every_setting(scripted: ScriptedAWS) -> None:
    session = Session(boto_session=scripted.boto_session(), polling=NO_SLEEP)
    scripted.sagemaker.on(
        "ListTags", lambda params: {"Tags": [{"Key": "team", "Value": "ml"}, {"Key": "aws:internal", "Value": "x"}]}
    )
    est = Estimator(
        IMAGE,
        ROLE,
        2,
        "ml.c5.xlarge",
        sagemaker_session=session,
        volume_size=50,
        volume_kms_key="vol-key",
        max_run=3600,
        max_wait=7200,
        use_spot_instances=True,
        input_mode="FastFile",
        output_path="s3://out-bucket/prefix",
        output_kms_key="out-key",
        disable_output_compression=True,
        tags=[{"Key": "team", "Value": "ml"}],
        subnets=["subnet-0abc"],
        security_group_ids=["sg-0abc"],
        model_uri="s3://in-bucket/model.tar.gz",
        metric_definitions=[{"Name": "rmse", "Regex": "rmse=([0-9.]+)"}],
        enable_network_isolation=True,
        encrypt_inter_container_traffic=True,
        checkpoint_s3_uri="s3://out-bucket/ckpt",
        checkpoint_local_path="/opt/ml/checkpoints",
        environment={"A": "1"},
        max_retry_attempts=3,
        keep_alive_period_in_seconds=600,
        enable_sagemaker_metrics=True,
        container_entry_point=["python"],
        container_arguments=["train.py"],
        hyperparameters={"num_round": 10, "layers": [1, 2]},
        disable_profiler=True,
    )
    inputs: dict[str, Any] = {
        "train": TrainingInput(
            "s3://in-bucket/train",
            distribution="ShardedByS3Key",
            compression="Gzip",
            content_type="text/csv",
            record_wrapping="RecordIO",
            input_mode="Pipe",
            shuffle_config=ShuffleConfig(7),
        ),
        "aug": TrainingInput(
            "s3://in-bucket/a.manifest", s3_data_type="AugmentedManifestFile", attribute_names=["source-ref"]
        ),
        "efs": FileSystemInput("fs-0123456789abcdef0", "EFS", "/data"),
    }
    est.fit(inputs, wait=False, job_name="job-rt")
    attached = Estimator.attach("job-rt", sagemaker_session=session, wait=False)
    attached.fit(attached.attached_inputs, wait=False, job_name="job-rt-2")
    first, second = (c.params for c in scripted.sagemaker.calls_to("CreateTrainingJob"))
    second = {**second, "TrainingJobName": "job-rt"}
    assert second == first
    assert attached.hyperparameters() == {"num_round": "10", "layers": "[1, 2]"}
