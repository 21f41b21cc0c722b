"""Staging for processing jobs: put local inputs and code where the request will point.

    stager = Stager(session, kms_key, planned=False)
    uri = stager.path("data/raw", join_uri(stager.default_base(), job_name, "input", "raw"))

A processing run checks its request twice: first ``planned`` (only where things would
go, no call), then for real. Hosted, locations are ``s3://`` and uploads go through the
Session (``upload_data``, ``s3_transfer.put_file``, ``code.upload_source``); in local
mode they are ``file://`` and staging is a copy on this machine.

Why apart from the estimators' ``sagemaker_lite/staging.py``: that one stages a training
job's code archive and derives its locations from a frozen ``TrainingPlan``; processing
stages every local input and output path as well, under processing's own layout
(``<base>/<job>/input/<name>``). What both share is below the staging step, not in it: the
transfers (``s3_transfer``) and the deterministic ``sourcedir.tar.gz`` (``code.upload_source``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .._validation import fail, split_s3_uri
from ..s3 import s3_path_join
from ..s3_transfer import put_file


def stage_path(session: Any, path: str, prefix_uri: str, kms_key: str | None = None) -> str:
    """Put a local file or directory under ``prefix_uri``; returns its URI (a file's own, or the prefix).

    ``s3://`` goes through ``Session.upload_data`` (progress, retries); ``file://`` (local
    mode's default locations) is a copy on this machine.
    """
    local = Path(path)
    if not local.exists():
        fail("source", path, "an existing local file or directory, or an s3:// URI")
    if prefix_uri.startswith("s3://"):
        from ..s3 import parse_s3_url

        bucket, prefix = parse_s3_url(prefix_uri)
        extra = {"SSEKMSKeyId": kms_key, "ServerSideEncryption": "aws:kms"} if kms_key else None
        return str(session.upload_data(str(local), bucket=bucket, key_prefix=prefix, extra_args=extra))
    target = Path(prefix_uri.removeprefix("file://"))
    target.mkdir(parents=True, exist_ok=True)
    if local.is_dir():
        shutil.copytree(local, target, dirs_exist_ok=True)
        return target.as_uri()
    shutil.copy2(local, target / local.name)
    return (target / local.name).as_uri()


def join_uri(*parts: str) -> str:
    """``join_uri("s3://b/p/", "job", "input")`` -> ``s3://b/p/job/input``; ``file://`` URIs alike."""
    head, *rest = parts
    if head.startswith("file://"):
        return "file://" + "/".join([head.removeprefix("file://").rstrip("/"), *(p.strip("/") for p in rest if p)])
    return s3_path_join(head, *rest)


class Stager:
    """Puts local files where the request will point, or (``planned``) only says where.

    The default location is looked up once and only when something needs it (hosted, that is
    the default bucket: an STS call and maybe CreateBucket); planning uses a stand-in of the
    same length, so the limits check runs before any call.
    """

    def __init__(self, session: Any, kms_key: str | None, *, planned: bool) -> None:
        self.session = session
        self.kms_key = kms_key
        self.planned = planned
        self._base: str | None = None

    def default_base(self) -> str:
        if self._base is None:
            if self.planned:
                self._base = str(self.session.planned_output_prefix())
            else:
                self._base = str(self.session.default_output_prefix())
        return self._base

    def path(self, local_path: str, prefix_uri: str) -> str:
        if self.planned:
            return prefix_uri if Path(local_path).is_dir() else join_uri(prefix_uri, Path(local_path).name)
        return stage_path(self.session, local_path, prefix_uri, self.kms_key)

    def archive(self, archive: Any, uri: str) -> str:
        """A packed ``sourcedir.tar.gz``: to S3 through ``code.upload_source`` (reuses an identical copy)."""
        if self.planned:
            return uri
        if uri.startswith("s3://"):
            from ..code import upload_source

            bucket, key = split_s3_uri(uri, "code_location")
            return str(upload_source(self.session, archive, bucket=bucket, key=key, kms_key=self.kms_key).uri)
        with open(archive.path, "rb") as handle:
            return put_file(self.session, handle, uri, self.kms_key, parameter="code_location")

    def text(self, body: str, uri: str) -> str:
        if self.planned:
            return uri
        return put_file(self.session, body, uri, self.kms_key, parameter="code_location")
