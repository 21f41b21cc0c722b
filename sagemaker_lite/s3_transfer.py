"""S3 transfers for a Session: upload, download, list, read and put objects.

    from sagemaker_lite import s3_transfer
    uri = s3_transfer.upload_data(session, "data/train.csv", key_prefix="boston/train")
    s3_transfer.put_file(session, handle, "s3://bucket/model/model.tar.gz")   # or file:///...

Users call these as ``Session`` methods (``session.upload_data(...)``, the official
names and signatures): ``Session`` binds these functions as its methods, so
``session.py`` stays about clients, buckets and roles. Each function takes the Session first and uses only its
``s3_client``, ``default_bucket()``, ``default_bucket_prefix`` and ``progress``, so a
``LocalSession`` transfers the same way. Arguments are checked before any call.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from ._validation import S3_URI_RE, fail, split_s3_uri
from .errors import ValidationError
from .progress import Progress, check_progress, wanted


def is_bucket_name(name: str) -> bool:
    return bool(S3_URI_RE.match(f"s3://{name}")) and "/" not in name


def _check_bucket(value: Any, allowed: str = "an S3 bucket name") -> None:
    if not isinstance(value, str) or not is_bucket_name(value):
        fail("bucket", value, allowed)


def _check_key(parameter: str, value: Any) -> None:
    if not isinstance(value, str):
        fail(parameter, value, "an S3 key prefix string ('' for none)")


def _check_object(bucket: Any, key: Any, key_parameter: str) -> None:
    _check_bucket(bucket)
    if not isinstance(key, str) or not key:
        fail(key_parameter, key, "an S3 object key")


def _check_extra_args(value: Any) -> None:
    if value is not None and (not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value)):
        fail("extra_args", value, "a dict of S3 upload/download arguments, such as {'ServerSideEncryption': 'aws:kms'}")


def _show(session: Any, progress: bool | None) -> bool:
    return wanted(check_progress(progress) if progress is not None else session.progress)


def upload_data(
    session: Any,
    path: str | os.PathLike[str],
    bucket: str | None = None,
    key_prefix: str = "data",
    extra_args: Mapping[str, Any] | None = None,
    callback: Any = None,
    *,
    progress: bool | None = None,
) -> str:
    """Upload a file or a directory; returns its S3 URI.

    ``session.upload_data("train.csv", key_prefix="boston")`` -> ``s3://<bucket>/boston/train.csv``;
    for a directory the URI is the prefix holding its files. Large files go multipart
    through s3transfer. ``callback`` is s3transfer's (called with bytes moved);
    ``progress`` overrides the Session's setting for this call.
    """
    if path is None or not isinstance(path, (str, os.PathLike)):
        fail("path", path, "a local file or directory path")
    if callback is not None and not callable(callback):
        fail("callback", callback, "a callable taking the number of bytes just transferred")
    if bucket is not None:
        _check_bucket(bucket, "an S3 bucket name, or None for the default bucket")
    _check_key("key_prefix", key_prefix)
    _check_extra_args(extra_args)
    local = Path(path)
    if not local.exists():
        fail("path", str(path), "an existing local file or directory")
    bucket_name = bucket or session.default_bucket()
    prefix = key_prefix.strip("/")
    if session.default_bucket_prefix and bucket is None:
        prefix = f"{session.default_bucket_prefix}/{prefix}" if prefix else session.default_bucket_prefix
    files: list[tuple[Path, str]]
    if local.is_dir():
        files = [
            (file, "/".join(filter(None, [prefix, file.relative_to(local).as_posix()])))
            for file in sorted(local.rglob("*"))
            if file.is_file()
        ]
        uri = f"s3://{bucket_name}/{prefix}" if prefix else f"s3://{bucket_name}"
    else:
        key = "/".join(filter(None, [prefix, local.name]))
        files = [(local, key)]
        uri = f"s3://{bucket_name}/{key}"
    s3 = session.s3_client
    total = sum(file.stat().st_size for file, _ in files)
    with Progress(f"upload {local.name or str(local)}", total, enabled=_show(session, progress)) as meter:

        def moved(count: int) -> None:
            meter(count)
            if callback is not None:
                callback(count)

        for file, key in files:
            s3.upload_file(
                str(file), bucket_name, key, ExtraArgs=dict(extra_args) if extra_args else None, Callback=moved
            )
    return uri


def download_data(
    session: Any,
    path: str | os.PathLike[str],
    bucket: str,
    key_prefix: str = "",
    extra_args: Mapping[str, Any] | None = None,
    *,
    progress: bool | None = None,
) -> list[str]:
    """Download every object under ``s3://bucket/key_prefix`` into ``path``; returns local paths."""
    if path is None or not isinstance(path, (str, os.PathLike)):
        fail("path", path, "a local directory path")
    _check_bucket(bucket)
    _check_key("key_prefix", key_prefix)
    _check_extra_args(extra_args)
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    s3 = session.s3_client
    sizes = list_objects(session, bucket, key_prefix)
    keys = list(sizes)
    meter = Progress(f"download s3://{bucket}/{key_prefix}", sum(sizes.values()), enabled=_show(session, progress))
    written: list[str] = []
    base = key_prefix if key_prefix.endswith("/") or not keys or keys == [key_prefix] else key_prefix + "/"
    for key in keys:
        relative = Path(key).name if key == key_prefix else key[len(base) :] if key.startswith(base) else key
        destination = (target / relative).resolve()
        if not destination.is_relative_to(target.resolve()):
            raise ValidationError("key_prefix", key, "object keys that stay inside the download directory")
        destination.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(
            bucket, key, str(destination), ExtraArgs=dict(extra_args) if extra_args else None, Callback=meter
        )
        written.append(str(destination))
    meter.close()
    return written


def list_objects(session: Any, bucket: str, key_prefix: str) -> dict[str, int]:
    """Object key -> size under a prefix, directory markers (keys ending in '/') left out."""
    sizes: dict[str, int] = {}
    paginator = session.s3_client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=key_prefix):
        for obj in page.get("Contents", []):
            if not obj["Key"].endswith("/"):
                sizes[obj["Key"]] = int(obj.get("Size", 0))
    return sizes


def list_s3_files(session: Any, bucket: str, key_prefix: str) -> list[str]:
    """Keys of the objects under ``s3://bucket/key_prefix`` (as the official Session returns them)."""
    _check_bucket(bucket)
    if not isinstance(key_prefix, str):
        fail("key_prefix", key_prefix, "a key prefix string ('' for the whole bucket)")
    return list(list_objects(session, bucket, key_prefix))


def read_s3_bytes(session: Any, bucket: str, key: str) -> bytes:
    """The body of ``s3://bucket/key``."""
    return _read(session, bucket, key, "key")


def read_s3_file(session: Any, bucket: str, key_prefix: str) -> str:
    """The body of ``s3://bucket/key_prefix`` decoded as UTF-8 (the official name and signature)."""
    return _read(session, bucket, key_prefix, "key_prefix").decode("utf-8")


def _read(session: Any, bucket: str, key: str, key_parameter: str) -> bytes:
    _check_object(bucket, key, key_parameter)
    return bytes(session.s3_client.get_object(Bucket=bucket, Key=key)["Body"].read())


def upload_string_as_file_body(
    session: Any, body: str | bytes, bucket: str, key: str, kms_key: str | None = None
) -> str:
    """Write ``body`` to ``s3://bucket/key``; returns the URI."""
    if not isinstance(body, (str, bytes, bytearray)):
        fail("body", body, "str or bytes")
    _check_object(bucket, key, "key")
    if kms_key is not None and (not isinstance(kms_key, str) or not kms_key):
        fail("kms_key", kms_key, "a KMS key id or ARN, or None")
    kwargs: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": body}
    if kms_key:
        kwargs["SSEKMSKeyId"] = kms_key
        kwargs["ServerSideEncryption"] = "aws:kms"
    session.s3_client.put_object(**kwargs)
    return f"s3://{bucket}/{key}"


def put_file(
    session: Any,
    source: IO[bytes] | str | bytes,
    destination: str,
    kms_key: str | None = None,
    *,
    parameter: str = "destination",
) -> str:
    """Store ``source`` at ``destination`` (``s3://`` or ``file://``); returns ``destination``.

    The one place a generated artifact (a repacked model, a packed code archive, a
    generated script) is put at a URI. ``source`` is an open binary file, uploaded with
    s3transfer (multipart when large) and SSE-KMS, as the official SDK uploads artifacts;
    or a ``str``/``bytes`` body, written with one PutObject, encrypted only when ``kms_key``
    names a key (``upload_string_as_file_body``'s request). A ``file://`` target is written
    whole under a temporary name and then renamed, so a reader never sees half a file.
    """
    if destination.startswith("file://"):
        path = destination[len("file://") :]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".partial", "wb") as target:
            if isinstance(source, (str, bytes)):
                target.write(source.encode("utf-8") if isinstance(source, str) else source)
            else:
                shutil.copyfileobj(source, target)
        os.replace(path + ".partial", path)
        return destination
    bucket, key = split_s3_uri(destination, parameter)
    if isinstance(source, (str, bytes)):
        return upload_string_as_file_body(session, source, bucket, key, kms_key)
    extra = {"ServerSideEncryption": "aws:kms"}
    if kms_key:
        extra["SSEKMSKeyId"] = kms_key
    session.s3_client.upload_fileobj(source, bucket, key, ExtraArgs=extra)
    return destination
