"""Tar archives the SDK writes and reads: deterministic writing, safe extraction, streaming repack.

    from sagemaker_lite.archives import safe_extract, repack_model
    safe_extract("sourcedir.tar.gz", "/tmp/code")
    repack_model("model.tar.gz", "repacked.tar.gz", code_files={"inference.py": "src/inference.py"})

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
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TypeAlias

import attrs

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


# --- streaming repack ------------------------------------------------------------------------


@attrs.frozen
class RepackResult:
    """What ``repack_model`` wrote: the new archive's sha256 and size, and which members moved."""

    sha256: str
    size: int
    copied: int  # members carried over from the original archive
    dropped: tuple[str, ...]  # original code/ members left out
    added: tuple[str, ...]  # code/... members added


def _code_members(code_files: Mapping[str, str | os.PathLike[str]]) -> list[tuple[str, str, int, bool]]:
    """(arcname under code/, local path, size, executable), validated before anything is read."""
    from .code import collect_tree  # the same walk (and default excludes) as sourcedir.tar.gz

    members: dict[str, tuple[str, str, int, bool]] = {}
    for key, local in code_files.items():
        name = _normalise(str(key), "code_files", str(key))
        name = name[len("code/") :] if name.startswith("code/") else name
        if not name or name == "code":
            raise ValidationError("code_files", key, "names relative to code/, such as 'inference.py' or 'lib'")
        path = os.fspath(local)
        if os.path.isdir(path):
            for item in collect_tree(path, f"code/{name}", parameter="code_files"):
                members[item.arcname] = (item.arcname, item.path, item.size, item.executable)
        elif os.path.isfile(path):
            st = os.stat(path)
            members[f"code/{name}"] = (f"code/{name}", path, st.st_size, bool(st.st_mode & 0o100))
        else:
            raise ValidationError("code_files", {key: path}, "existing local files or directories")
    return [members[arcname] for arcname in sorted(members)]


def _clean_copy(member: tarfile.TarInfo, name: str) -> tarfile.TarInfo:
    """The member's header rebuilt from its plain fields (drops sparse maps and other pax extras)."""
    info = tarfile.TarInfo(name)
    info.type = tarfile.REGTYPE if member.isreg() else member.type
    info.size = member.size if member.isreg() else 0
    info.mode, info.mtime = member.mode & 0o7777, int(member.mtime)
    info.uid, info.gid, info.uname, info.gname = member.uid, member.gid, member.uname, member.gname
    info.linkname = member.linkname
    return info


def repack_model(
    model_tar: PathOrFile,
    output: PathOrFile,
    *,
    code_files: Mapping[str, str | os.PathLike[str]],
    compresslevel: int = COMPRESSION_LEVEL,
) -> RepackResult:
    """Copy ``model_tar`` to ``output`` with a new ``code/`` directory, streaming both sides.

        repack_model("model.tar.gz", "repacked.tar.gz",
                     code_files={"inference.py": "src/inference.py", "requirements.txt": "requirements.txt",
                                 "lib": "src/lib"})

    Keys are names under ``code/`` (a leading ``code/`` is accepted and ignored); a directory
    value is added recursively with the default excludes. Existing ``code/`` members of the
    model are dropped; every other member is copied (hostile ones refused as in
    ``safe_extract``). Either side may be an open binary file object (e.g. an S3 ``GetObject``
    body in, a pipe to an upload out); memory stays at about one copy buffer. A path output is
    written to a temporary name and renamed into place, so ``output`` may equal ``model_tar``.
    """
    code = _code_members(code_files)
    with contextlib.ExitStack() as stack:
        if isinstance(output, (str, os.PathLike)):
            final = os.fspath(output)
            temporary = f"{final}.tmp-{os.getpid()}"
            stack.callback(_remove_if_present, temporary)
            raw: IO[bytes] = stack.enter_context(open(temporary, "wb"))
        else:
            final, temporary, raw = "", "", output
        writer = TarGzWriter(raw, compresslevel=compresslevel)
        copied, dropped = 0, []
        with _read_stream(model_tar) as tar:
            for member in tar:
                name, link = _check_member(member, "model_tar")
                if name == "code" or name.startswith("code/"):
                    dropped.append(name)
                    continue
                if member.islnk() and link is not None and (link == "code" or link.startswith("code/")):
                    raise ValidationError("model_tar", member.name, "hard links to members that are kept")
                writer.add(_clean_copy(member, name or "."), tar.extractfile(member) if member.isreg() else None)
                copied += 1
        for arcname, path, size, executable in code:
            writer.add_file(arcname, path, size, executable=executable)
        sha256, size = writer.close()
        if temporary:
            raw.close()
            os.replace(temporary, final)
    return RepackResult(sha256, size, copied, tuple(dropped), tuple(c[0] for c in code))
