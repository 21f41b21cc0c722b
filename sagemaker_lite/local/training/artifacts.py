"""Moving files in and out of a local job: source code, model/output archives, checkpoints.

Every destination is either ``file://<path>`` (written in place) or ``s3://bucket/key``
(through the Session's S3 client, so ``endpoint_url`` and credentials apply), which is
why the helpers take a client *factory*: a fully local job never creates an S3 client.
Archives are extracted with ``sagemaker_lite.archives.safe_extract`` when that module is
present, else with tarfile's ``data`` filter (or an equivalent check on older Pythons):
a tarball from S3 is data, and must not write outside its directory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tarfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

S3ClientFactory = Callable[[], Any]


class JobSetupError(Exception):
    """The job cannot run as requested; the message becomes its FailureReason."""


class ChannelError(JobSetupError):
    """An input channel cannot be provided."""


def split_s3(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` -> ``("bucket", "a/b")``."""
    if not uri.startswith("s3://") or len(uri) <= 5:
        raise JobSetupError(f"{uri!r} is not an s3:// URI")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def local_path(uri: str) -> Path:
    """``file:///abs/dir`` -> ``Path("/abs/dir")`` (``file://rel`` is relative to the working directory)."""
    raw = uri[len("file://") :] if uri.startswith("file://") else uri
    path = Path(os.path.expanduser(raw))
    if "%" in raw and not path.exists():  # Path.as_uri() percent-encodes (spaces -> %20)
        from urllib.parse import unquote

        path = Path(os.path.expanduser(unquote(raw)))
    return path.resolve()


def join_uri(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p)])


# --- extraction -------------------------------------------------------------------------


def safe_extract(archive: Path, target: Path) -> None:
    """Extract ``archive`` into ``target``, refusing members that would land outside it."""
    from ...archives import safe_extract as shared

    target.mkdir(parents=True, exist_ok=True)
    try:
        shared(archive, target)
    except JobSetupError:
        raise
    except (tarfile.TarError, ValueError, OSError) as exc:
        raise JobSetupError(f"{archive.name}: {exc}") from exc


def stage_code(submit_directory: str | None, target: Path, scratch: Path, s3_factory: S3ClientFactory) -> None:
    """Put the job's source (``sagemaker_submit_directory``) into ``target`` (a host's ``code/``)."""
    target.mkdir(parents=True, exist_ok=True)
    if not submit_directory:
        return
    if submit_directory.startswith("s3://"):
        bucket, key = split_s3(submit_directory)
        scratch.mkdir(parents=True, exist_ok=True)
        archive = scratch / "sourcedir.tar.gz"
        s3_factory().download_file(bucket, key, str(archive))
        safe_extract(archive, target)
        return
    source = local_path(submit_directory)
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    elif source.is_file() and tarfile.is_tarfile(source):
        safe_extract(source, target)
    else:
        raise JobSetupError(
            f"sagemaker_submit_directory {submit_directory!r} is neither a directory nor a .tar.gz on this machine"
        )


def stage_job_code(program: str, submit_directory: str | None, cache: Path, s3_factory: S3ClientFactory) -> Path:
    """The directory holding the job's source, checked to contain the entry point.

    A local source directory is used in place (each host copies it); a tarball, local or
    ``s3://``, is extracted once into ``cache/code``.
    """
    from . import contract

    problem = contract.entry_point_problem(program)
    if problem:
        raise JobSetupError(problem)
    code = cache / "code"
    if submit_directory and not submit_directory.startswith("s3://") and local_path(submit_directory).is_dir():
        code = local_path(submit_directory)
    else:
        stage_code(submit_directory, code, cache / "source", s3_factory)
    if not (code / program).is_file():
        where = f"the source directory {submit_directory}" if submit_directory else "the job"
        hint = "" if submit_directory else " (no sagemaker_submit_directory given)"
        raise JobSetupError(f"the entry point {program!r} is not in {where}{hint}")
    return code


# --- outputs ----------------------------------------------------------------------------


def merged_files(directories: Iterable[Path]) -> dict[str, Path]:
    """relative path -> file, over several hosts' directories (the first host wins a clash)."""
    files: dict[str, Path] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                files.setdefault(path.relative_to(directory).as_posix(), path)
    return files


def make_tarball(files: Mapping[str, Path], archive: Path) -> Path:
    """Pack ``files`` into ``archive``; a failure (disk full) leaves no partial archive behind."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            for relative in sorted(files):
                tar.add(files[relative], arcname=relative, recursive=False)
    except BaseException:
        with contextlib.suppress(OSError):
            archive.unlink()
        raise
    return archive


def deliver_file(source: Path, destination: str, s3_factory: S3ClientFactory) -> str:
    """Copy ``source`` to a ``file://`` or ``s3://`` URI; returns the URI.

    A ``file://`` destination is written under a temporary name in its directory and
    renamed into place, so the final name holds the whole file or nothing (a full disk
    must not leave a truncated ``model.tar.gz`` that a later ``deploy()`` would load).
    """
    if destination.startswith("s3://"):
        bucket, key = split_s3(destination)
        s3_factory().upload_file(str(source), bucket, key)
        return destination
    path = local_path(destination)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.partial"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for copyfile
    try:
        with os.fdopen(fd, "wb") as target, open(source, "rb") as origin:
            shutil.copyfileobj(origin, target, 1 << 20)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return destination


def deliver_tree(files: Mapping[str, Path], destination: str, s3_factory: S3ClientFactory) -> None:
    for relative, source in sorted(files.items()):
        deliver_file(source, join_uri(destination, relative), s3_factory)


def deliver_outputs(
    output_config: Mapping[str, Any], job_name: str, host_dirs: list[Path], scratch: Path, s3_factory: S3ClientFactory
) -> str:
    """Upload the hosts' model/ and output/ to ``<S3OutputPath>/<job>/output/``; returns the model URI.

    ``model.tar.gz`` and ``output.tar.gz`` (``output/data``), or the files themselves under
    ``model/`` and ``data/`` with ``CompressionType: NONE``; ``output/intermediate`` files as-is.
    """
    base = join_uri(str(output_config["S3OutputPath"]), job_name, "output")
    model = merged_files(h / "model" for h in host_dirs)
    data = merged_files(h / "output" / "data" for h in host_dirs)
    intermediate = merged_files(h / "output" / "intermediate" for h in host_dirs)
    if intermediate:
        deliver_tree(intermediate, join_uri(base, "intermediate"), s3_factory)
    if output_config.get("CompressionType") == "NONE":
        deliver_tree(model, join_uri(base, "model"), s3_factory)
        deliver_tree(data, join_uri(base, "data"), s3_factory)
        return join_uri(base, "model") + "/"
    deliver_file(make_tarball(data, scratch / "output.tar.gz"), join_uri(base, "output.tar.gz"), s3_factory)
    uri = join_uri(base, "model.tar.gz")
    deliver_file(make_tarball(model, scratch / "model.tar.gz"), uri, s3_factory)
    return uri
