"""Tar archives the SDK writes and reads: deterministic writing and safe extraction.

    from sagemaker_lite.archives import safe_extract
    safe_extract("sourcedir.tar.gz", "/tmp/code")

(Repacking a model with inference code streams through these in ``repack.py``.)

Why this module exists rather than plain ``tarfile`` calls:

- **Deterministic output.** ``TarGzWriter`` writes its own gzip framing (mtime 0, no file name,
  a fixed compression level) and callers give every member fixed metadata, so the same input
  gives byte-identical archives (with the same zlib). That makes the archive's sha256 a content
  address, which is what lets an unchanged ``sourcedir.tar.gz`` be reused instead of uploaded.
- **Safe extraction on Python 3.10+.** ``tarfile.extractall`` trusts member names and links
  (CVE-2007-4559); the ``filter=`` argument only exists from 3.12 (and late 3.10/3.11 patch
  releases). ``safe_extract`` never calls it: it writes each member itself, refusing absolute
  names, ``..`` components, links that escape the target, devices and FIFOs, and undoes what it
  wrote when it refuses.
- **Streaming.** Archives are read with ``mode="r|*"`` and written chunk by chunk, so a
  multi-gigabyte ``model.tar.gz`` flows from an S3 body to an upload in constant memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import posixpath
import shutil
import struct
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TypeAlias

from .errors import ValidationError

logger = logging.getLogger("sagemaker_lite")

PathOrFile: TypeAlias = "str | os.PathLike[str] | IO[bytes]"

FIXED_MTIME = 315532800  # 1980-01-01T00:00:00Z: a constant, and old enough for zip-based tools too
COMPRESSION_LEVEL = 6  # gzip's default: the usual size/speed balance, and what `tar czf` uses
COPY_BUFSIZE = 1024 * 1024
_BLOCK = tarfile.BLOCKSIZE
_RECORD = tarfile.RECORDSIZE
_ENCODING = "utf-8"


def file_info(arcname: str, size: int, *, executable: bool = False) -> tarfile.TarInfo:
    """A regular-file header with nothing machine-specific in it (owner, times, umask)."""
    info = tarfile.TarInfo(arcname)
    info.size = size
    info.mtime = FIXED_MTIME
    info.mode = 0o755 if executable else 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def directory_info(arcname: str) -> tarfile.TarInfo:
    """A directory header with nothing machine-specific in it (mode 0o755, fixed mtime, owner 0)."""
    info = tarfile.TarInfo(arcname)
    info.type = tarfile.DIRTYPE
    info.mtime = FIXED_MTIME
    info.mode = 0o755
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def check_compresslevel(level: int) -> None:
    if isinstance(level, bool) or level not in range(10):
        raise ValidationError("compresslevel", level, "an integer from 0 (store) to 9 (smallest)")


class TarGzWriter:
    """Writes a ``.tar.gz`` stream to ``raw`` and computes its sha256 and size on the way.

    The gzip framing is written here (not by ``gzip.GzipFile``) so that its bytes do not
    depend on the Python version: header mtime 0, no file name, OS byte 255.
    """

    def __init__(self, raw: IO[bytes], *, compresslevel: int = COMPRESSION_LEVEL) -> None:
        check_compresslevel(compresslevel)
        self._raw = raw
        self._digest = hashlib.sha256()
        self.size = 0
        self._offset = 0  # bytes of tar stream written (uncompressed)
        self._crc = 0
        self._deflate = zlib.compressobj(compresslevel, zlib.DEFLATED, -zlib.MAX_WBITS, zlib.DEF_MEM_LEVEL, 0)
        self._buffer = bytearray(COPY_BUFSIZE)
        xfl = 2 if compresslevel == 9 else 4 if compresslevel == 1 else 0
        self._emit(b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + bytes((xfl, 255)))

    def _emit(self, data: bytes) -> None:
        if data:
            self._digest.update(data)
            self._raw.write(data)
            self.size += len(data)

    def _write(self, data: bytes | memoryview) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._offset += len(data)
        self._emit(self._deflate.compress(data))

    def add(self, info: tarfile.TarInfo, src: IO[bytes] | None = None) -> None:
        """Append ``info``; for a regular file, copy exactly ``info.size`` bytes from ``src``."""
        self._write(info.tobuf(tarfile.PAX_FORMAT, _ENCODING, "surrogateescape"))
        if not info.isreg():
            return
        assert src is not None
        view = memoryview(self._buffer)
        remaining = info.size
        while remaining:
            got = src.readinto(view[: min(remaining, len(view))])  # type: ignore[attr-defined]
            if not got:
                raise OSError(f"{info.name}: ended {remaining} bytes early (did it change while being packed?)")
            self._write(view[:got])
            remaining -= got
        if info.size % _BLOCK:
            self._write(bytes(_BLOCK - info.size % _BLOCK))

    def add_file(self, arcname: str, path: str | os.PathLike[str], size: int, *, executable: bool = False) -> None:
        with open(path, "rb", buffering=0) as handle:
            self.add(file_info(arcname, size, executable=executable), handle)

    def close(self) -> tuple[str, int]:
        """Finish the tar (two zero blocks, padded to a record) and the gzip; return (sha256, size)."""
        end = self._offset + 2 * _BLOCK
        self._write(bytes(2 * _BLOCK + (-end) % _RECORD))
        self._emit(self._deflate.flush())
        self._emit(struct.pack("<II", self._crc, self._offset & 0xFFFFFFFF))
        return self._digest.hexdigest(), self.size


# --- member checks shared by extraction and repacking ----------------------------------------


def _normalise(name: str, parameter: str, member: str) -> str:
    """A member or link name as a clean relative POSIX path; "" for the archive root."""
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise ValidationError(parameter, member, "relative member paths", hint="absolute paths are refused")
    parts = [part for part in cleaned.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValidationError(parameter, member, "member paths without '..'", hint="'..' could write outside")
    return "/".join(parts)


def _check_member(member: tarfile.TarInfo, parameter: str) -> tuple[str, str | None]:
    """(clean name, clean link target or None); refuses every member kind we do not write."""
    name = _normalise(member.name, parameter, member.name)
    if member.isreg() or member.isdir():
        return name, None
    if member.issym() or member.islnk():
        # a symlink is relative to its own directory, a hard link to the archive root
        base = posixpath.dirname(name) if member.issym() else ""
        if member.linkname.replace("\\", "/").startswith("/"):
            raise ValidationError(parameter, member.name, "links that stay inside the archive", hint="absolute target")
        target = posixpath.normpath(posixpath.join(base, member.linkname.replace("\\", "/")))
        if target == ".." or target.startswith("../"):
            raise ValidationError(
                parameter, member.name, "links that stay inside the archive", hint=f"it points to {member.linkname!r}"
            )
        return name, "" if target == "." else target
    kind = "device" if member.ischr() or member.isblk() else "FIFO" if member.isfifo() else "special"
    raise ValidationError(parameter, member.name, "regular files, directories and links", hint=f"{kind} member")


@contextlib.contextmanager
def _read_stream(source: PathOrFile) -> Iterator[tarfile.TarFile]:
    """Open a tar (any compression) for one forward pass: nothing but a small buffer in memory."""
    with contextlib.ExitStack() as stack:
        fileobj: IO[bytes] = (
            stack.enter_context(open(source, "rb")) if isinstance(source, (str, os.PathLike)) else source
        )
        tar = stack.enter_context(tarfile.open(fileobj=fileobj, mode="r|*"))
        yield tar


def _remove_if_present(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


# --- safe extraction --------------------------------------------------------------------------


def safe_extract(archive: PathOrFile, target_dir: str | os.PathLike[str]) -> list[Path]:
    """Extract regular files and directories of ``archive`` into ``target_dir``; returns their paths.

        safe_extract("sourcedir.tar.gz", "code/")

    Refused with ``ValidationError`` naming the member (and everything already written by this
    call removed again): absolute names, ``..`` components, symlinks and hard links whose
    target lies outside the archive, device files and FIFOs, and any member whose path would
    pass through an existing symlink out of ``target_dir``. Links are never created: a link to
    a file extracted earlier becomes a copy of it; other links are skipped with a warning.
    File modes keep only the executable bits (0o644 or 0o755); owners are not restored.
    """
    root = os.path.realpath(target_dir)
    os.makedirs(root, exist_ok=True)
    created: list[str] = []  # for rollback: paths this call created, in order
    results: list[Path] = []
    files: dict[str, str] = {}  # clean member name -> extracted path, for link copies

    def makedirs(path: str) -> None:
        missing = []
        while not os.path.isdir(path):
            missing.append(path)
            path = os.path.dirname(path)
        for directory in reversed(missing):
            os.mkdir(directory, 0o755)
            created.append(directory)

    try:
        with _read_stream(archive) as tar:
            for member in tar:
                name, link = _check_member(member, "archive")
                if not name:
                    continue
                dest = os.path.join(root, *name.split("/"))
                if not _within(os.path.realpath(dest), root):
                    raise ValidationError("archive", member.name, "paths inside target_dir", hint="via a symlink")
                if member.isdir():
                    makedirs(dest)
                    results.append(Path(dest))
                    continue
                if link is not None:
                    if link not in files:
                        logger.warning(
                            "safe_extract: skipped link %s -> %s (not a file extracted before it)", name, link
                        )
                        continue
                    source_path: str | None = files[link]
                    mode = os.stat(files[link]).st_mode & 0o111
                else:
                    source_path, mode = None, member.mode & 0o111
                makedirs(os.path.dirname(dest))
                existed = os.path.lexists(dest)
                if os.path.islink(dest) or (existed and not os.path.isdir(dest)):
                    os.unlink(dest)  # a new inode: never write through a symlink or a hard link
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                with os.fdopen(os.open(dest, flags, 0o600), "wb") as out:
                    if not existed:
                        created.append(dest)
                    if source_path is None:
                        extracted = tar.extractfile(member)
                        assert extracted is not None
                        shutil.copyfileobj(extracted, out, COPY_BUFSIZE)
                    else:
                        with open(source_path, "rb") as src:
                            shutil.copyfileobj(src, out, COPY_BUFSIZE)
                os.chmod(dest, 0o644 | mode)
                with contextlib.suppress(OSError, OverflowError, ValueError):
                    os.utime(dest, (member.mtime, member.mtime))
                files[name] = dest
                results.append(Path(dest))
    except BaseException:
        for path in reversed(created):
            with contextlib.suppress(OSError):
                if os.path.isdir(path) and not os.path.islink(path):
                    os.rmdir(path)
                else:
                    os.unlink(path)
        raise
    return results
