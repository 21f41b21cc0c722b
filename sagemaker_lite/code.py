"""Script-mode code staging: pack ``entry_point`` + ``source_dir`` + ``dependencies`` and upload it.

    from sagemaker_lite.code import pack_source, upload_source
    archive = pack_source("train.py", source_dir="src", dependencies=["lib/mylib"])
    result = upload_source(session, archive, bucket="my-bucket", key="code/job-1/source/sourcedir.tar.gz")

What goes into ``sourcedir.tar.gz`` (SageMaker's containers extract it and run the entry point):
without ``source_dir``, only the entry point file, at the root; with it, the whole directory at the
root (``entry_point`` is then a path inside it); each of ``dependencies`` (directory or file) at the
root under its base name (``lib/mylib`` -> ``mylib/...``), refused if ``source_dir`` uses that name.

Left out by default, at any depth: ``.git``, ``__pycache__``, ``*.pyc``, ``.ipynb_checkpoints``,
``.DS_Store``, ``.venv``, ``venv``, ``.mypy_cache``, ``.pytest_cache``, ``.tox``, and any directory
holding a ``pyvenv.cfg`` (a virtualenv, whatever its name, e.g. ``env``).

``.sagemakerignore`` at the root of ``source_dir`` (or of a dependency directory), never packed
itself, uses gitignore syntax on paths relative to that root: blank lines and ``#`` comments are
skipped; ``*`` and ``?`` match within one path segment, ``[abc]``/``[!abc]`` one character; ``**/``
matches any number of directories and a trailing ``/**`` everything inside; a pattern containing
``/`` (a leading one is dropped) is anchored to the root, otherwise it matches at any depth; a
trailing ``/`` matches directories only; ``!`` re-includes what an earlier pattern or a default
excluded; the last match wins; ``\\`` escapes. As in git, nothing inside an excluded directory can
be re-included (it is not even read).

Symlinks are followed and their content packed; one leading out of the tree (``ln -s ../common
common``) is packed too, with a logged warning. Dangling links, loops, devices, FIFOs and sockets
are errors (exclude them to pack the rest).

The archive is deterministic (see ``archives``): sorted members, fixed mtime, owner 0, files mode
0o644 or 0o755. Every packed directory has its own entry (mode 0o755), empty ones included, as in
the official SDK's archive: a ``checkpoints/`` or ``output/`` placeholder a script expects survives.
Same source, same bytes, same sha256, which ``upload_source`` uses as a content address so that an
unchanged re-fit uploads 0 bytes:

    s3://{bucket}/{key}                                                  what the job reads
    s3://{bucket}/{cache prefix}/.sagemaker-lite/sourcedir-{sha256}.tar.gz   content-addressed copy

The cache prefix defaults to the part of ``key`` before ``<job-name>/source/sourcedir.tar.gz`` (the
code location), else the key's directory. Each reuse re-checks the cached object's ``sha256``
metadata and size, so a lifecycle rule may expire ``.sagemaker-lite/`` keys at any time.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ._validation import S3_URI_RE
from .archives import COMPRESSION_LEVEL, TarGzWriter, check_compresslevel, directory_info
from .errors import ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

logger = logging.getLogger("sagemaker_lite")

ARCHIVE_NAME = "sourcedir.tar.gz"
IGNORE_FILE = ".sagemakerignore"
CACHE_DIR = ".sagemaker-lite"
_NAMES = (".git", "__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store", ".venv", "venv", ".mypy_cache")
DEFAULT_EXCLUDES = (*_NAMES, ".pytest_cache", ".tox")
_MAX_COPY_BYTES = 5 * 1024**3  # CopyObject's limit; larger archives are simply not cached


# --- ignore rules -------------------------------------------------------------------------------


def _translate(pattern: str) -> str:
    """A gitignore glob (without anchoring or a trailing slash) as a regular expression body."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/"):
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if i + 2 == n:
                out.append(".*")
                break
        if char == "*":
            while i < n and pattern[i] == "*":
                i += 1
            out.append("[^/]*")
            continue
        if char == "?":
            out.append("[^/]")
        elif char == "[" and (end := pattern.find("]", i + (3 if pattern[i + 1 : i + 2] in ("!", "^") else 2))) > 0:
            body = pattern[i + 1 : end].replace("\\", "\\\\").replace("[", "\\[")
            out.append("(?!/)[" + ("^" + body[1:] if body[:1] in ("!", "^") else body) + "]")
            i = end
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


@attrs.frozen
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def _compile(line: str) -> _Rule | None:
    line = line.rstrip("\r\n")
    while line.endswith(" ") and not line.endswith("\\ "):
        line = line[:-1]
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    line = line[1:] if negate else line
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    body = _translate(line.lstrip("/"))
    return _Rule(re.compile(("" if anchored else "(?:.*/)?") + body + r"\Z", re.DOTALL), negate, dir_only)


_DEFAULT_RULE = re.compile("|".join(f"(?:{r.regex.pattern})" for r in map(_compile, DEFAULT_EXCLUDES) if r))


class IgnoreRules:
    """The default excludes plus a tree's ``.sagemakerignore``; ``excluded(rel, is_dir, path)``."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        path = os.path.join(root, IGNORE_FILE) if root is not None else None
        lines = Path(path).read_text(encoding="utf-8").splitlines() if path and os.path.isfile(path) else []
        self.rules = [rule for rule in map(_compile, lines) if rule is not None]

    def excluded(self, rel: str, is_dir: bool, path: str) -> bool:
        if rel == IGNORE_FILE:
            return True
        result = bool(_DEFAULT_RULE.match(rel)) or (is_dir and os.path.isfile(os.path.join(path, "pyvenv.cfg")))
        for rule in self.rules:
            if (is_dir or not rule.dir_only) and rule.regex.match(rel):
                result = not rule.negate
        return result


# --- walking a tree -------------------------------------------------------------------------------


@attrs.frozen
class PackedFile:
    """One regular file to pack: its archive name, the local path its bytes come from, its size."""

    arcname: str
    path: str
    size: int
    executable: bool


def _refuse(parameter: str, path: str, hint: str) -> ValidationError:  # errors name the offending path
    return ValidationError(parameter, path, "regular files, directories and symlinks to them", hint=hint)


def collect_tree(
    root: str | os.PathLike[str],
    arc_prefix: str = "",
    *,
    parameter: str = "source_dir",
    directories: list[str] | None = None,
) -> list[PackedFile]:
    """Every file under ``root`` that the ignore rules keep, named ``arc_prefix/relative/path``.

    ``directories``, when given, receives the archive name of every kept directory (empty ones
    included), so that an archive can carry them as the official SDK's does.
    """
    top = os.path.abspath(root)
    top_real = os.path.realpath(top)
    rules = IgnoreRules(top)
    found: list[PackedFile] = []

    def walk(directory: str, rel: str, seen: tuple[tuple[int, int], ...]) -> None:
        with os.scandir(directory) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
        for entry in ordered:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                st = entry.stat()  # follows symlinks: dereferenced, as promised
            except OSError as exc:
                if rules.excluded(child, False, entry.path):
                    continue
                kind = "a symlink loop" if entry.is_symlink() and exc.errno == errno.ELOOP else "a dangling symlink"
                raise _refuse(parameter, entry.path, f"it is {kind}; fix or exclude it") from exc
            is_dir = stat.S_ISDIR(st.st_mode)
            if rules.excluded(child, is_dir, entry.path):
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not (target == top_real or target.startswith(top_real.rstrip(os.sep) + os.sep)):
                    logger.warning("packing %s: symlink to %s, outside %s (packed as a copy)", entry.path, target, top)
            if is_dir:
                identity = (st.st_dev, st.st_ino)
                if identity in seen:
                    raise _refuse(parameter, entry.path, "it is a symlink loop (links back to a parent directory)")
                if directories is not None:
                    directories.append(f"{arc_prefix}/{child}" if arc_prefix else child)
                walk(entry.path, child, (*seen, identity))
            elif stat.S_ISREG(st.st_mode):
                name = f"{arc_prefix}/{child}" if arc_prefix else child
                found.append(PackedFile(name, entry.path, st.st_size, bool(st.st_mode & stat.S_IXUSR)))
            else:
                raise _refuse(parameter, entry.path, "device files, FIFOs and sockets cannot be packed; exclude it")

    top_stat = os.stat(top)
    walk(top, "", ((top_stat.st_dev, top_stat.st_ino),))
    return found


def _single_file(path: str, arcname: str, parameter: str) -> PackedFile:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ValidationError(parameter, path, "an existing file or directory") from exc
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(parameter, path, "it is not a regular file")
    return PackedFile(arcname, path, st.st_size, bool(st.st_mode & stat.S_IXUSR))


# --- packing --------------------------------------------------------------------------------------


@attrs.frozen
class SourceArchive:
    """A packed ``sourcedir.tar.gz`` on local disk and what is in it."""

    path: Path
    sha256: str
    size: int
    #: the files packed, by archive name (sorted)
    members: tuple[str, ...]
    largest: tuple[tuple[str, int], ...]
    #: the directory entries (sorted), empty directories included
    directories: tuple[str, ...] = ()


def _entry_member(entry_point: str, source_dir: str | None) -> str:
    """The entry point's archive name (validated: it exists, and lies inside ``source_dir``)."""
    if source_dir is None:
        if not os.path.isfile(entry_point):
            raise ValidationError("entry_point", entry_point, "an existing file (e.g. 'train.py')")
        return os.path.basename(entry_point)
    full = os.path.abspath(os.path.join(source_dir, entry_point))
    rel = os.path.relpath(full, os.path.abspath(source_dir))
    if rel == os.curdir or rel.startswith(os.pardir) or not os.path.isfile(full):
        raise ValidationError(
            "entry_point", entry_point, f"a file inside source_dir {source_dir!r}, given relative to it"
        )
    return Path(rel).as_posix()


def pack_source(
    entry_point: str | os.PathLike[str],
    source_dir: str | os.PathLike[str] | None = None,
    dependencies: Sequence[str | os.PathLike[str]] = (),
    *,
    output_dir: str | os.PathLike[str] | None = None,
    size_warning_bytes: int = 50 * 1024 * 1024,
    compresslevel: int = COMPRESSION_LEVEL,
    progress: bool = False,
) -> SourceArchive:
    """Pack the training code into a deterministic ``sourcedir.tar.gz``.

        archive = pack_source("train.py", source_dir="src", dependencies=["lib/mylib"])
        archive.path, archive.sha256, archive.largest

    The archive is written to ``output_dir`` (default: a new temporary directory the caller
    may delete). Bad input raises ``ValidationError`` before anything is written. An archive
    larger than ``size_warning_bytes`` raises a ``UserWarning`` naming the largest files.
    ``progress=True`` draws a bytes/rate/ETA line while packing (callers pass the Session's setting).
    """
    entry = os.fspath(entry_point)
    src = os.fspath(source_dir) if source_dir is not None else None
    if src is not None and not os.path.isdir(src):
        raise ValidationError("source_dir", src, "an existing local directory (an s3:// source_dir is not packed)")
    check_compresslevel(compresslevel)
    if isinstance(dependencies, (str, os.PathLike)):
        raise ValidationError("dependencies", dependencies, "a list of paths, e.g. ['lib/mylib']")
    entry_name = _entry_member(entry, src)
    directories: list[str] = []
    files = (
        [_single_file(entry, entry_name, "entry_point")] if src is None else collect_tree(src, directories=directories)
    )
    if entry_name not in {f.arcname for f in files}:
        raise ValidationError(
            "entry_point", entry, "a file that is packed", hint=f"It is excluded (defaults or {IGNORE_FILE})"
        )
    for dependency in (os.fspath(d) for d in dependencies):
        name = os.path.basename(os.path.abspath(dependency))
        if not os.path.exists(dependency):
            raise ValidationError("dependencies", dependency, "existing local directories or files")
        if any(f.arcname == name or f.arcname.startswith(name + "/") for f in files):
            raise ValidationError(
                "dependencies", dependency, "names not already used at the archive root", hint=f"{name!r} is taken"
            )
        if os.path.isdir(dependency):
            directories.append(name)
            files.extend(collect_tree(dependency, name, parameter="dependencies", directories=directories))
        else:
            files.append(_single_file(dependency, name, "dependencies"))
    files.sort(key=lambda f: f.arcname)

    out_dir = os.fspath(output_dir) if output_dir is not None else tempfile.mkdtemp(prefix="sagemaker-lite-code-")
    os.makedirs(out_dir, exist_ok=True)
    path = Path(out_dir, ARCHIVE_NAME)
    if path.exists():  # an earlier archive written inside source_dir must not pack itself
        same = os.stat(path)
        files = [f for f in files if not os.path.samestat(os.stat(f.path), same)]
    directories.sort()
    entries = sorted([(d, None) for d in directories] + [(f.arcname, f) for f in files], key=lambda e: e[0])
    from .progress import Progress

    meter = Progress(f"pack {ARCHIVE_NAME}", sum(f.size for f in files), enabled=progress)
    try:
        with open(path, "wb") as raw, meter:
            writer = TarGzWriter(raw, compresslevel=compresslevel)
            for arcname, packed in entries:
                if packed is None:
                    writer.add(directory_info(arcname))
                else:
                    writer.add_file(arcname, packed.path, packed.size, executable=packed.executable)
                    meter(packed.size)
            sha256, size = writer.close()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    largest = tuple((f.arcname, f.size) for f in sorted(files, key=lambda f: (-f.size, f.arcname))[:10])
    archive = SourceArchive(path, sha256, size, tuple(f.arcname for f in files), largest, tuple(directories))
    logger.info(
        "packed %d files and %d directories into %s (%d bytes, sha256 %s)",
        len(files),
        len(directories),
        path,
        size,
        sha256[:12],
    )
    if size > size_warning_bytes:
        warnings.warn(_size_message(archive, src), UserWarning, stacklevel=2)
    return archive


def _human(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def _size_message(archive: SourceArchive, source_dir: str | None) -> str:
    listing = "; ".join(f"{name} ({_human(size)})" for name, size in archive.largest)
    where = os.path.join(source_dir, IGNORE_FILE) if source_dir else f"a {IGNORE_FILE} in source_dir"
    return (
        f"{ARCHIVE_NAME} is {_human(archive.size)} ({len(archive.members)} files), uploaded on every fit. "
        f"Largest files: {listing}. If data, checkpoints or environments do not belong in the code, "
        f"list them in {where} (gitignore syntax), e.g. 'data/' or '*.ckpt'."
    )


# --- uploading ------------------------------------------------------------------------------------


@attrs.frozen
class UploadResult:
    """Where the archive is (``uri``), how many bytes left this machine, and whether a copy was reused."""

    uri: str
    bytes_uploaded: int
    reused: bool
    cache_uri: str | None = None


def digest_key(key: str, sha256: str, cache_prefix: str | None = None) -> str:
    """The content-addressed key: ``<prefix>/.sagemaker-lite/sourcedir-<sha256>.tar.gz``."""
    parts = key.strip("/").split("/")
    keep = len(parts) - 3 if parts[-2:] == ["source", ARCHIVE_NAME] and len(parts) >= 3 else len(parts) - 1
    prefix = "/".join(parts[:keep]) if cache_prefix is None else cache_prefix.strip("/")
    return "/".join(p for p in (prefix, CACHE_DIR, f"sourcedir-{sha256}.tar.gz") if p)


def upload_source(
    session: Session,
    archive: SourceArchive,
    *,
    bucket: str,
    key: str,
    kms_key: str | None = None,
    cache_prefix: str | None = None,
    cache: bool = True,
) -> UploadResult:
    """Put ``archive`` at ``s3://bucket/key``, copying a cached identical archive when there is one.

        result = upload_source(session, archive, bucket=session.default_bucket(),
                               key=f"{prefix}/{job_name}/source/sourcedir.tar.gz")
        result.uri, result.bytes_uploaded, result.reused

    Objects are written with ``ServerSideEncryption=aws:kms`` (and ``SSEKMSKeyId=kms_key`` when
    given), as the official SDK does. With ``cache`` (the default) a HeadObject on the digest key
    decides: present with our sha256 -> server-side CopyObject, 0 bytes uploaded; otherwise
    the archive is uploaded (multipart when large) and then copied to the digest key.
    """
    from botocore.exceptions import ClientError

    key = key.lstrip("/")
    if not key or not S3_URI_RE.match(f"s3://{bucket}/{key}"):
        raise ValidationError("bucket/key", f"s3://{bucket}/{key}", "an S3 bucket name and a non-empty key")
    s3 = session.s3_client
    sse: dict[str, Any] = {"ServerSideEncryption": "aws:kms"}
    if kms_key:
        sse["SSEKMSKeyId"] = kms_key
    uri = f"s3://{bucket}/{key}"
    cached = digest_key(key, archive.sha256, cache_prefix) if cache and archive.size <= _MAX_COPY_BYTES else None
    cache_uri = f"s3://{bucket}/{cached}" if cached else None
    if cached and _has_copy(s3, bucket, cached, archive):  # our digest, our size: not merely the name
        try:
            source = {"Bucket": bucket, "Key": cached}
            s3.copy_object(Bucket=bucket, Key=key, CopySource=source, MetadataDirective="COPY", **sse)
            logger.info("reused %s for %s (0 bytes uploaded)", cache_uri, uri)
            return UploadResult(uri, 0, True, cache_uri)
        except ClientError as exc:  # e.g. no kms:Decrypt on the cached copy's key: upload instead
            logger.warning("could not copy cached source %s (%s); uploading", cache_uri, exc)
    extra = {**sse, "Metadata": {"sha256": archive.sha256}}
    from .progress import Progress, wanted

    with Progress(f"upload {ARCHIVE_NAME}", archive.size, enabled=wanted(getattr(session, "progress", None))) as meter:
        s3.upload_file(str(archive.path), bucket, key, ExtraArgs=extra, Callback=meter)
    if cached:
        try:
            source = {"Bucket": bucket, "Key": key}
            s3.copy_object(Bucket=bucket, Key=cached, CopySource=source, MetadataDirective="COPY", **sse)
        except ClientError as exc:  # the upload itself succeeded; only the next reuse is lost
            logger.warning("could not store the cached copy %s: %s", cache_uri, exc)
            cache_uri = None
    return UploadResult(uri, archive.size, False, cache_uri)


def _has_copy(s3: Any, bucket: str, key: str, archive: SourceArchive) -> bool:
    from botocore.exceptions import ClientError

    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:  # 404 usually; 403 without s3:GetObject: upload as if absent
        logger.debug("no cached source at s3://%s/%s (%s)", bucket, key, exc)
        return False
    return bool(head.get("Metadata", {}).get("sha256") == archive.sha256 and head.get("ContentLength") == archive.size)
