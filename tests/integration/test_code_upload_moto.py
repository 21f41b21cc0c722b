"""upload_source against the real moto server: SSE, multipart, and content-addressed reuse.

Bytes leaving the client are counted independently of the SDK, from the PutObject and
UploadPart requests botocore is about to send.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from support.aws_double import PassThrough
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite.code import SourceArchive, digest_key, pack_source, upload_source

BUCKET = "code-bucket"


class Meter:
    """Sums the body bytes of every PutObject / UploadPart request sent; records the calls (a ``PassThrough``)."""

    def __init__(self, session: Session) -> None:
        self.bytes = 0
        self.recorder = PassThrough()
        self.recorder.install(session.s3_client)
        events = session.s3_client.meta.events
        events.register("before-send.s3.PutObject", self._count)
        events.register("before-send.s3.UploadPart", self._count)

    @property
    def operations(self) -> list[str]:
        return [c.operation for c in self.recorder.calls]

    def _count(self, request: Any, **_: Any) -> None:
        headers = request.headers
        length = headers.get("X-Amz-Decoded-Content-Length") or headers.get("Content-Length") or 0
        self.bytes += int(length)

    def reset(self) -> None:
        self.bytes = 0
        self.recorder.clear_calls()


@pytest.fixture
def session(moto: MotoHandle) -> Session:
    session = Session(boto_session=moto.boto_session(), region_name=moto.region, endpoint_url=moto.url)
    session.s3_client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": moto.region})
    return session


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "helpers").mkdir(parents=True)
    (root / "train.py").write_text("import helpers\nprint('train')\n")
    (root / "helpers" / "__init__.py").write_text("")
    (root / "requirements.txt").write_text("numpy\n")
    return root


def job_key(job: str) -> str:
    return f"team/code/{job}/source/sourcedir.tar.gz"


def body(session: Session, key: str) -> bytes:
    """The object's bytes, read without botocore's response checksum validation.

    moto 5.2.1 bug: CopyObject of a multipart object keeps the source's COMPOSITE CRC32 but drops
    its "-<parts>" suffix, so botocore would compare a composite checksum with a full-object one.
    The bytes themselves are compared here, which is the stronger check.
    """
    from botocore.config import Config

    reader = session.boto_session.client(
        "s3",
        endpoint_url=session.s3_client.meta.endpoint_url,
        config=Config(response_checksum_validation="when_required"),
    )
    return bytes(reader.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def test_unchanged_code_is_reused_and_changed_code_uploaded(session: Session, project: Path, tmp_path: Path) -> None:
    meter = Meter(session)
    first = pack_source("train.py", project, output_dir=tmp_path / "a")
    result = upload_source(session, first, bucket=BUCKET, key=job_key("job-1"))
    assert result.uri == f"s3://{BUCKET}/{job_key('job-1')}"
    assert (result.bytes_uploaded, result.reused, meter.bytes) == (first.size, False, first.size)
    cache_key = f"team/code/.sagemaker-lite/sourcedir-{first.sha256}.tar.gz"
    assert result.cache_uri == f"s3://{BUCKET}/{cache_key}"
    assert body(session, cache_key) == body(session, job_key("job-1")) == first.path.read_bytes()

    os.utime(project / "train.py", (1_800_000_000, 1_800_000_000))  # touched, not changed
    second = pack_source("train.py", project, output_dir=tmp_path / "b")
    assert second.sha256 == first.sha256
    meter.reset()
    result = upload_source(session, second, bucket=BUCKET, key=job_key("job-2"))
    assert (result.bytes_uploaded, result.reused, meter.bytes) == (0, True, 0)
    assert meter.operations == ["HeadObject", "CopyObject"]
    assert body(session, job_key("job-2")) == first.path.read_bytes()

    (project / "train.py").write_text("print('changed')\n")
    third = pack_source("train.py", project, output_dir=tmp_path / "c")
    meter.reset()
    result = upload_source(session, third, bucket=BUCKET, key=job_key("job-3"))
    assert (result.bytes_uploaded, result.reused, meter.bytes) == (third.size, False, third.size)
    assert body(session, job_key("job-3")) == third.path.read_bytes()


def test_objects_are_kms_encrypted_and_carry_their_digest(session: Session, project: Path, moto: MotoHandle) -> None:
    key_id = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    archive = pack_source("train.py", project, output_dir=project.parent / "out")
    upload_source(session, archive, bucket=BUCKET, key=job_key("job-1"), kms_key=key_id)
    reused = upload_source(session, archive, bucket=BUCKET, key=job_key("job-2"), kms_key=key_id)
    assert reused.reused
    for key in (job_key("job-1"), job_key("job-2"), digest_key(job_key("job-1"), archive.sha256)):
        head = session.s3_client.head_object(Bucket=BUCKET, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == key_id
        assert head["Metadata"]["sha256"] == archive.sha256
    head = session.s3_client.head_object(Bucket=BUCKET, Key=job_key("job-1"))
    assert head["ServerSideEncryption"] == "aws:kms"


def test_multipart_upload_then_reuse(session: Session, tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    (root / "train.py").write_text("print(1)\n")
    with open(root / "weights.bin", "wb") as handle:
        handle.write(os.urandom(10 * 1024 * 1024))  # incompressible: above s3transfer's 8 MiB threshold
    meter = Meter(session)
    archive = pack_source("train.py", root, output_dir=tmp_path / "out")
    assert archive.size > 8 * 1024 * 1024
    result = upload_source(session, archive, bucket=BUCKET, key=job_key("job-1"))
    assert "UploadPart" in meter.operations and "PutObject" not in meter.operations
    assert result.bytes_uploaded == meter.bytes == archive.size
    meter.reset()
    again = upload_source(session, archive, bucket=BUCKET, key=job_key("job-2"))
    assert (again.reused, again.bytes_uploaded, meter.bytes) == (True, 0, 0)
    assert body(session, job_key("job-2")) == archive.path.read_bytes()


def test_a_cached_object_that_does_not_match_is_not_reused(session: Session, project: Path) -> None:
    archive = pack_source("train.py", project, output_dir=project.parent / "out")
    cache_key = digest_key(job_key("job-1"), archive.sha256)
    session.s3_client.put_object(Bucket=BUCKET, Key=cache_key, Body=b"not the archive")  # no sha256 metadata
    result = upload_source(session, archive, bucket=BUCKET, key=job_key("job-1"))
    assert not result.reused and result.bytes_uploaded == archive.size
    assert body(session, cache_key) == archive.path.read_bytes()  # replaced by the real archive
    forged = SourceArchive(archive.path, "0" * 64, archive.size, archive.members, archive.largest)
    session.s3_client.copy_object(
        Bucket=BUCKET,
        Key=digest_key(job_key("x"), forged.sha256),
        CopySource={"Bucket": BUCKET, "Key": cache_key},
        Metadata={"sha256": archive.sha256},  # right size, wrong digest for the name
        MetadataDirective="REPLACE",
    )
    assert not upload_source(session, forged, bucket=BUCKET, key=job_key("job-2")).reused


def test_custom_cache_prefix_and_no_cache(session: Session, project: Path) -> None:
    archive = pack_source("train.py", project, output_dir=project.parent / "out")
    result = upload_source(session, archive, bucket=BUCKET, key=job_key("job-1"), cache_prefix="shared/")
    assert result.cache_uri == f"s3://{BUCKET}/shared/.sagemaker-lite/sourcedir-{archive.sha256}.tar.gz"
    plain = upload_source(session, archive, bucket=BUCKET, key="other/job-9/source/sourcedir.tar.gz", cache=False)
    assert (plain.reused, plain.cache_uri) == (False, None)
    listed = session.s3_client.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(
        [job_key("job-1"), f"shared/.sagemaker-lite/sourcedir-{archive.sha256}.tar.gz", plain.uri.split("/", 3)[3]]
    )


def test_bad_bucket_is_refused_before_any_call(session: Session, project: Path) -> None:
    from sagemaker_lite.errors import ValidationError

    meter = Meter(session)
    archive = pack_source("train.py", project, output_dir=project.parent / "out")
    with pytest.raises(ValidationError):
        upload_source(session, archive, bucket="Bad_Bucket", key="k")
    with pytest.raises(ValidationError):
        upload_source(session, archive, bucket=BUCKET, key="")
    assert meter.operations == []
