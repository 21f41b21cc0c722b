"""S3 helpers notebooks import: ``S3Uploader``, ``S3Downloader``, ``parse_s3_url``, ``s3_path_join``.

    from sagemaker_lite.s3 import S3Downloader, S3Uploader

    uri = S3Uploader.upload("data/train.csv", "s3://my-bucket/boston")   # s3://my-bucket/boston/train.csv
    S3Uploader.upload_string_as_file_body("a,b\\n1,2", "s3://my-bucket/tiny.csv")
    S3Downloader.list("s3://my-bucket/boston")                          # ['s3://my-bucket/boston/train.csv']
    text = S3Downloader.read_file("s3://my-bucket/tiny.csv")

Every transfer goes through the Session (``upload_data``, ``download_data``,
``list_s3_files``, ``read_s3_file``, ...), so these classes share the code path, the
progress display and the retries that estimators use; they only translate S3 URIs into
bucket and key. Bad URIs raise ``ValidationError`` before any call.
"""

from __future__ import annotations

import io
import os
from typing import Any
from urllib.parse import urlparse

from .errors import ValidationError

__all__ = ["S3Downloader", "S3Uploader", "is_s3_url", "parse_s3_url", "s3_path_join"]


def parse_s3_url(url: str) -> tuple[str, str]:
    """``parse_s3_url("s3://bucket/a/b.csv")`` -> ``("bucket", "a/b.csv")``.

    The official SDK raises ``ValueError`` for another scheme; ``ValidationError`` is a
    ``ValueError`` too, and names the parameter and what is accepted.
    """
    if not isinstance(url, str):
        raise ValidationError("url", url, "an S3 URI such as 's3://bucket/key'")
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValidationError("url", url, "an S3 URI such as 's3://bucket/key' (scheme 's3', a bucket name)")
    return parsed.netloc, parsed.path.lstrip("/")


def is_s3_url(url: str) -> bool:
    """True for ``s3://...`` strings."""
    return isinstance(url, str) and urlparse(url).scheme == "s3"


def s3_path_join(*args: str | None, with_end_slash: bool = False) -> str:
    """Join with single slashes, keeping a leading ``s3://``; empty and ``None`` parts are skipped.

    s3_path_join("s3://", "bucket/", "/prefix//", "file.csv")  # 's3://bucket/prefix/file.csv'
    s3_path_join("a", "b", with_end_slash=True)                # 'a/b/'
    """
    parts = [part for part in args if part]
    if not parts:
        return ""
    scheme = ""
    if parts[0].startswith("s3://"):
        scheme = "s3://"
        parts[0] = parts[0][len(scheme) :]
    segments = [segment for part in parts for segment in part.split("/") if segment]
    joined = scheme + "/".join(segments)
    if with_end_slash and segments:
        joined += "/"
    return joined


def _session(sagemaker_session: Any) -> Any:
    if sagemaker_session is not None:
        return sagemaker_session
    from .session import Session

    return Session()


def _kms_upload_args(kms_key: str | None) -> dict[str, str] | None:
    if kms_key is None:
        return None
    if not isinstance(kms_key, str) or not kms_key:
        raise ValidationError("kms_key", kms_key, "a KMS key id or ARN")
    return {"SSEKMSKeyId": kms_key, "ServerSideEncryption": "aws:kms"}


class S3Uploader:
    """Upload files, directories, strings and bytes to S3 URIs."""

    @staticmethod
    def upload(
        local_path: str | os.PathLike[str],
        desired_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Any = None,
        callback: Any = None,
    ) -> str:
        """Upload a file or a directory under the prefix ``desired_s3_uri``; returns the S3 URI.

        S3Uploader.upload("train.csv", "s3://bucket/data")   # 's3://bucket/data/train.csv'
        S3Uploader.upload("images/", "s3://bucket/data")     # 's3://bucket/data'
        """
        bucket, prefix = parse_s3_url(desired_s3_uri)
        extra = _kms_upload_args(kms_key)
        session = _session(sagemaker_session)
        return str(
            session.upload_data(local_path, bucket=bucket, key_prefix=prefix, extra_args=extra, callback=callback)
        )

    @staticmethod
    def upload_string_as_file_body(
        body: str, desired_s3_uri: str, kms_key: str | None = None, sagemaker_session: Any = None
    ) -> str:
        """Write ``body`` as the object ``desired_s3_uri``; returns that URI."""
        if not isinstance(body, str):
            raise ValidationError("body", body, "a string (use upload_bytes for bytes)")
        bucket, key = parse_s3_url(desired_s3_uri)
        _require_key("desired_s3_uri", desired_s3_uri, key)
        _session(sagemaker_session).upload_string_as_file_body(body, bucket=bucket, key=key, kms_key=kms_key)
        return desired_s3_uri

    @staticmethod
    def upload_bytes(
        b: bytes | io.BytesIO, s3_uri: str, kms_key: str | None = None, sagemaker_session: Any = None
    ) -> str:
        """Write bytes (or a ``BytesIO``) as the object ``s3_uri``; returns that URI."""
        if isinstance(b, io.BytesIO):
            data = b.getvalue()
        elif isinstance(b, (bytes, bytearray, memoryview)):
            data = bytes(b)
        else:
            raise ValidationError("b", b, "bytes or io.BytesIO")
        bucket, key = parse_s3_url(s3_uri)
        _require_key("s3_uri", s3_uri, key)
        _session(sagemaker_session).upload_string_as_file_body(data, bucket=bucket, key=key, kms_key=kms_key)
        return s3_uri


class S3Downloader:
    """Download, read and list S3 objects by URI."""

    @staticmethod
    def download(
        s3_uri: str,
        local_path: str | os.PathLike[str],
        kms_key: str | None = None,
        sagemaker_session: Any = None,
    ) -> list[str]:
        """Download the object or every object under the prefix ``s3_uri``; returns local paths.

        ``kms_key`` is sent as ``SSECustomerKey``, as the official SDK does.
        """
        bucket, prefix = parse_s3_url(s3_uri)
        extra = {"SSECustomerKey": kms_key} if kms_key else None
        return list(
            _session(sagemaker_session).download_data(local_path, bucket=bucket, key_prefix=prefix, extra_args=extra)
        )

    @staticmethod
    def read_file(s3_uri: str, sagemaker_session: Any = None) -> str:
        """The object's body decoded as UTF-8."""
        bucket, key = parse_s3_url(s3_uri)
        _require_key("s3_uri", s3_uri, key)
        return str(_session(sagemaker_session).read_s3_file(bucket, key))

    @staticmethod
    def read_bytes(s3_uri: str, sagemaker_session: Any = None) -> bytes:
        """The object's body as bytes."""
        bucket, key = parse_s3_url(s3_uri)
        _require_key("s3_uri", s3_uri, key)
        return bytes(_session(sagemaker_session).read_s3_bytes(bucket, key))

    @staticmethod
    def list(s3_uri: str, sagemaker_session: Any = None) -> list[str]:
        """The URIs of every object under the prefix ``s3_uri`` (directory markers left out)."""
        bucket, prefix = parse_s3_url(s3_uri)
        keys = _session(sagemaker_session).list_s3_files(bucket, prefix)
        return [s3_path_join("s3://", bucket, key) for key in keys]


def _require_key(parameter: str, uri: str, key: str) -> None:
    if not key or key.endswith("/"):
        raise ValidationError(parameter, uri, "the URI of an object, e.g. 's3://bucket/path/file.csv'")
