"""Every request the generic Estimator can build is valid for botocore's service model.

Each case calls ``fit(wait=False)`` against a botocore Stubber, which validates the
parameters against the SageMaker model and asserts they equal the expected request.
"""

from __future__ import annotations

import re
import warnings

import pytest
from botocore.stub import Stubber
from support.offline import IMAGE, ROLE
from support.training_request import ARN, base_request, estimator, expect_create

from sagemaker_lite import Session
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput, s3_input
from sagemaker_lite.training import InstanceGroup


def test_minimal(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    expect_create(stubber, base_request())
    est = estimator(session)
    est.fit("s3://in-bucket/train", wait=False, job_name="job-1")
    stubber.assert_no_pending_responses()
    assert est.latest_training_job.name == "job-1"


def test_all_options(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    request = base_request(
        AlgorithmSpecification={
            "TrainingImage": IMAGE,
            "TrainingInputMode": "Pipe",
            "MetricDefinitions": [{"Name": "rmse", "Regex": "rmse=([0-9.]+)"}],
            "EnableSageMakerMetricsTimeSeries": True,
            "ContainerEntrypoint": ["python", "train.py"],
            "ContainerArguments": ["--epochs", "3"],
            "TrainingImageConfig": {
                "TrainingRepositoryAccessMode": "Vpc",
                "TrainingRepositoryAuthConfig": {
                    "TrainingRepositoryCredentialsProviderArn": "arn:aws:lambda:us-west-2:123456789012:function:creds"
                },
            },
        },
        OutputDataConfig={"S3OutputPath": "s3://out-bucket/prefix", "KmsKeyId": "out-key", "CompressionType": "NONE"},
        ResourceConfig={
            "InstanceCount": 2,
            "InstanceType": "ml.c5.xlarge",
            "VolumeSizeInGB": 50,
            "VolumeKmsKeyId": "vol-key",
            "KeepAlivePeriodInSeconds": 600,
        },
        StoppingCondition={"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200},
        HyperParameters={
            "num_round": "100",
            "eta": "0.2",
            "objective": "reg:squarederror",
            "flag": "True",
            "layers": "[64, 32]",
            "names": '["a", "b"]',
        },
        VpcConfig={"Subnets": ["subnet-0abc"], "SecurityGroupIds": ["sg-0abc"]},
        Tags=[{"Key": "team", "Value": "ml"}],
        EnableNetworkIsolation=True,
        EnableInterContainerTrafficEncryption=True,
        EnableManagedSpotTraining=True,
        CheckpointConfig={"S3Uri": "s3://out-bucket/checkpoints", "LocalPath": "/opt/ml/checkpoints"},
        Environment={"A": "1"},
        RetryStrategy={"MaximumRetryAttempts": 3},
        ExperimentConfig={"ExperimentName": "exp", "TrialName": "trial"},
    )
    request["InputDataConfig"] = request["InputDataConfig"] + [
        {
            "ChannelName": "model",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": "s3://in-bucket/model.tar.gz",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
            "ContentType": "application/x-sagemaker-model",
            "InputMode": "File",
        }
    ]
    expect_create(stubber, request)
    est = estimator(
        session,
        instance_count=2,
        instance_type="ml.c5.xlarge",
        volume_size=50,
        volume_kms_key="vol-key",
        max_run=3600,
        max_wait=7200,
        use_spot_instances=True,
        input_mode="Pipe",
        output_kms_key="out-key",
        disable_output_compression=True,
        tags=[{"Key": "team", "Value": "ml"}],
        subnets=["subnet-0abc"],
        security_group_ids=["sg-0abc"],
        model_uri="s3://in-bucket/model.tar.gz",
        metric_definitions=[{"Name": "rmse", "Regex": "rmse=([0-9.]+)"}],
        enable_network_isolation=True,
        encrypt_inter_container_traffic=True,
        checkpoint_s3_uri="s3://out-bucket/checkpoints",
        checkpoint_local_path="/opt/ml/checkpoints",
        environment={"A": "1"},
        max_retry_attempts=3,
        keep_alive_period_in_seconds=600,
        enable_sagemaker_metrics=True,
        container_entry_point=["python", "train.py"],
        container_arguments=["--epochs", "3"],
        training_repository_access_mode="Vpc",
        training_repository_credentials_provider_arn="arn:aws:lambda:us-west-2:123456789012:function:creds",
        hyperparameters={"num_round": 100, "eta": 0.2},
    )
    est.set_hyperparameters(objective="reg:squarederror", flag=True, layers=[64, 32], names=["a", "b"])
    est.fit(
        "s3://in-bucket/train",
        wait=False,
        job_name="job-1",
        experiment_config={"ExperimentName": "exp", "TrialName": "trial", "RunName": "dropped"},
    )
    stubber.assert_no_pending_responses()


def test_channels_of_every_kind(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    channels = [
        {
            "ChannelName": "train",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": "s3://in-bucket/train",
                    "S3DataDistributionType": "ShardedByS3Key",
                }
            },
            "CompressionType": "Gzip",
            "ContentType": "text/csv",
            "RecordWrapperType": "RecordIO",
            "InputMode": "Pipe",
            "ShuffleConfig": {"Seed": 42},
        },
        {
            "ChannelName": "validation",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": "s3://in-bucket/validation",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
        },
        {
            "ChannelName": "manifest",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "ManifestFile",
                    "S3Uri": "s3://in-bucket/train.manifest",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
        },
        {
            "ChannelName": "augmented",
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "AugmentedManifestFile",
                    "S3Uri": "s3://in-bucket/aug.manifest",
                    "S3DataDistributionType": "FullyReplicated",
                    "AttributeNames": ["source-ref", "label"],
                }
            },
            "RecordWrapperType": "RecordIO",
        },
        {
            "ChannelName": "efs",
            "DataSource": {
                "FileSystemDataSource": {
                    "FileSystemId": "fs-0123456789abcdef0",
                    "FileSystemType": "EFS",
                    "DirectoryPath": "/data",
                    "FileSystemAccessMode": "ro",
                }
            },
        },
        {
            "ChannelName": "fsx",
            "DataSource": {
                "FileSystemDataSource": {
                    "FileSystemId": "fs-0fedcba9876543210",
                    "FileSystemType": "FSxLustre",
                    "DirectoryPath": "/fsx/data",
                    "FileSystemAccessMode": "rw",
                }
            },
            "ContentType": "application/x-recordio",
        },
    ]
    expect_create(
        stubber,
        base_request(InputDataConfig=channels, VpcConfig={"Subnets": ["subnet-0abc"], "SecurityGroupIds": ["sg-0abc"]}),
    )
    est = estimator(session, subnets=["subnet-0abc"], security_group_ids=["sg-0abc"])
    est.fit(
        {
            "train": TrainingInput(
                "s3://in-bucket/train",
                distribution="ShardedByS3Key",
                compression="Gzip",
                content_type="text/csv",
                record_wrapping="RecordIO",
                input_mode="Pipe",
                shuffle_config=ShuffleConfig(42),
            ),
            "validation": "s3://in-bucket/validation",
            "manifest": TrainingInput("s3://in-bucket/train.manifest", s3_data_type="ManifestFile"),
            "augmented": TrainingInput(
                "s3://in-bucket/aug.manifest",
                s3_data_type="AugmentedManifestFile",
                attribute_names=["source-ref", "label"],
                record_wrapping="RecordIO",
            ),
            "efs": FileSystemInput("fs-0123456789abcdef0", "EFS", "/data"),
            "fsx": FileSystemInput(
                "fs-0fedcba9876543210", "FSxLustre", "/fsx/data", "rw", content_type="application/x-recordio"
            ),
        },
        wait=False,
        job_name="job-1",
    )
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("mode", ["File", "Pipe", "FastFile"])
def test_input_modes(stubbed: tuple[Session, Stubber], mode: str) -> None:
    session, stubber = stubbed
    expect_create(stubber, base_request(AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": mode}))
    estimator(session, input_mode=mode).fit("s3://in-bucket/train", wait=False, job_name="job-1")


def test_instance_groups(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    request = base_request(
        ResourceConfig={
            "InstanceGroups": [
                {"InstanceGroupName": "cpu", "InstanceType": "ml.c5.xlarge", "InstanceCount": 2},
                {"InstanceGroupName": "gpu", "InstanceType": "ml.p3.2xlarge", "InstanceCount": 1},
            ],
            "VolumeSizeInGB": 30,
        }
    )
    request["InputDataConfig"][0]["DataSource"]["S3DataSource"]["InstanceGroupNames"] = ["cpu"]
    expect_create(stubber, request)
    est = Estimator(
        IMAGE,
        ROLE,
        sagemaker_session=session,
        output_path="s3://out-bucket/prefix",
        instance_groups=[InstanceGroup("cpu", "ml.c5.xlarge", 2), InstanceGroup("gpu", "ml.p3.2xlarge", 1)],
    )
    est.fit(TrainingInput("s3://in-bucket/train", instance_groups=["cpu"]), wait=False, job_name="job-1")


def test_generated_job_name_uses_image_repository(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    stubber.add_response("create_training_job", {"TrainingJobArn": ARN.format("x")})
    est = estimator(session)
    est.fit("s3://in-bucket/train", wait=False)
    name = est.latest_training_job.name
    # the official <base>-YYYY-MM-DD-HH-MM-SS-mmm, plus "-xxxx" of entropy (unique across processes)
    assert re.fullmatch(r"sagemaker-xgboost-\d{4}(-\d{2}){5}-\d{3}-[0-9a-z]{4}", name), name


def test_v1_names_warn_and_build_the_same_request(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    expect_create(
        stubber, base_request(ResourceConfig={"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 40})
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = Estimator(
            image_name=IMAGE,
            role=ROLE,
            train_instance_count=1,
            train_instance_type="ml.m5.large",
            train_volume_size=40,
            output_path="s3://out-bucket/prefix",
            sagemaker_session=session,
        )
        channel = s3_input("s3://in-bucket/train")
    messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert any("train_instance_count" in m and "instance_count" in m for m in messages)
    assert any("image_name" in m and "image_uri" in m for m in messages)
    assert any("s3_input" in m and "TrainingInput" in m for m in messages)
    assert all(w.filename == __file__ for w in caught), [w.filename for w in caught]
    est.fit(channel, wait=False, job_name="job-1")


def test_attribute_assignment_revalidates() -> None:
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large")
    est.output_path = "s3://other-bucket/x"
    assert est.output_path == "s3://other-bucket/x"
    with pytest.raises(ValueError, match="output_path"):
        est.output_path = "not-a-uri"
    assert "instance_type='ml.m5.large'" in repr(est)


def test_debugger_and_profiler_opt_outs(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    request = base_request(ProfilerConfig={"DisableProfiler": True})
    del request["DebugHookConfig"]
    expect_create(stubber, request)
    estimator(session, debugger_hook_config=False, disable_profiler=True).fit(
        "s3://in-bucket/train", wait=False, job_name="job-1"
    )


def test_debugger_defaults_follow_the_region() -> None:
    from sagemaker_lite.debugger import debugger_request_fields

    fields = debugger_request_fields(
        region="us-gov-east-1", output_path="s3://b/", debugger_hook_config=None, disable_profiler=False
    )
    assert fields == {"ProfilerConfig": {"DisableProfiler": True}}
