"""Session against the real moto server: default bucket, uploads, downloads, roles."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.aws_double import PassThrough
from support.moto_server import MotoHandle

from sagemaker_lite import Session, get_execution_role
from sagemaker_lite.errors import ConfigurationError


def make_session(moto: MotoHandle, region: str = "us-west-2", **kwargs: object) -> Session:
    boto = moto.boto_session()
    return Session(boto_session=boto, region_name=region, endpoint_url=moto.url, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("region", ["us-west-2", "us-east-1", "eu-west-1"])
def test_default_bucket_is_created_once_with_the_right_location(moto: MotoHandle, region: str) -> None:
    session = make_session(moto, region)
    recorder = PassThrough()
    recorder.install(session.boto_session)
    name = session.default_bucket()
    assert name == f"sagemaker-{region}-123456789012"
    assert session.default_bucket() == name  # cached: no further calls
    assert recorder.operations() == ["sts.GetCallerIdentity", "s3.CreateBucket"]
    location = moto.client("s3", region_name=region).get_bucket_location(Bucket=name)["LocationConstraint"]
    assert location == (None if region == "us-east-1" else region)


def test_existing_default_bucket_is_reused(moto: MotoHandle) -> None:
    moto.client("s3").create_bucket(
        Bucket="sagemaker-us-west-2-123456789012", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    assert make_session(moto).default_bucket() == "sagemaker-us-west-2-123456789012"


def test_two_sessions_share_no_state(moto: MotoHandle) -> None:
    first, second = make_session(moto), make_session(moto, default_bucket="other-bucket")
    assert first.default_bucket() == "sagemaker-us-west-2-123456789012"
    assert second.default_bucket() == "other-bucket"
    assert first.sagemaker_client is not second.sagemaker_client


def test_upload_and_download_a_file_and_a_directory(moto: MotoHandle, tmp_path: Path) -> None:
    session = make_session(moto, default_bucket_prefix="team")
    data = tmp_path / "data"
    (data / "nested").mkdir(parents=True)
    (data / "a.csv").write_text("1,2\n")
    (data / "nested" / "b.csv").write_text("3,4\n")
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (9 * 1024 * 1024))  # above s3transfer's 8 MiB multipart threshold
    assert (
        session.upload_data(str(data / "a.csv"), key_prefix="one")
        == "s3://sagemaker-us-west-2-123456789012/team/one/a.csv"
    )
    uri = session.upload_data(str(data), key_prefix="tree")
    assert uri == "s3://sagemaker-us-west-2-123456789012/team/tree"
    assert session.upload_data(big, bucket="sagemaker-us-west-2-123456789012", key_prefix="big").endswith("big.bin")
    out = tmp_path / "out"
    paths = session.download_data(out, "sagemaker-us-west-2-123456789012", "team/tree")
    assert sorted(Path(p).relative_to(out).as_posix() for p in paths) == ["a.csv", "nested/b.csv"]
    assert (out / "nested" / "b.csv").read_text() == "3,4\n"


def test_execution_role_of_an_iam_user_is_a_clear_error(moto: MotoHandle) -> None:
    with pytest.raises(ConfigurationError, match=r"not an IAM role.*role='arn:aws:iam"):
        get_execution_role(make_session(moto))


def test_execution_role_from_an_assumed_role(moto: MotoHandle) -> None:
    iam = moto.client("iam")
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    )
    role_arn = iam.create_role(RoleName="SageMakerRole", Path="/service/", AssumeRolePolicyDocument=trust)["Role"][
        "Arn"
    ]
    creds = moto.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="me")["Credentials"]
    import boto3

    boto = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-west-2",
    )
    session = Session(boto_session=boto, endpoint_url=moto.url)
    assert get_execution_role(session) == role_arn
    assert role_arn == "arn:aws:iam::123456789012:role/service/SageMakerRole"


def test_no_region_anywhere_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="no AWS region is configured"):
        Session()
