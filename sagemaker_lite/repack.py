"""Repack a model archive with inference code under ``code/``, streaming (nothing extracted).

    from sagemaker_lite.repack import repack_model
    repack_model("model.tar.gz", "repacked.tar.gz", code_files={"inference.py": "src/inference.py"})

The original members are copied through with their names checked as ``safe_extract`` checks
them; the code is walked with sourcedir.tar.gz's rules (``code.collect_tree``). It lives apart
from ``archives`` (which ``code`` builds on) so neither imports the other.
"""

from __future__ import annotations

import contextlib
import os
import tarfile
from collections.abc import Mapping
from typing import IO

import attrs

from .archives import (
    COMPRESSION_LEVEL,
    PathOrFile,
    TarGzWriter,
    _check_member,
    _normalise,
    _read_stream,
    _remove_if_present,
)
from .code import collect_tree
from .errors import ValidationError


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
