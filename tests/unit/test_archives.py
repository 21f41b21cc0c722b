"""safe_extract refuses hostile archives; repack_model streams; TarGzWriter is deterministic."""

from __future__ import annotations

import io
import os
import tarfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from sagemaker_lite.archives import TarGzWriter, safe_extract
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.repack import repack_model

Adder = Callable[[tarfile.TarFile], None]


def regular(name: str, data: bytes = b"data", mode: int = 0o644) -> Adder:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), mode
        tar.addfile(info, io.BytesIO(data))

    return add


def special(name: str, kind: bytes, linkname: str = "") -> Adder:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type, info.linkname = kind, linkname
        if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
            info.devmajor, info.devminor = 1, 3
        tar.addfile(info)

    return add


def build(path: Path, *adders: Adder, mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        for add in adders:
            add(tar)
    return path


def listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


# --- hostile archives ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adders", "bad_member"),
    [
        ([regular("ok.txt"), regular("../evil.txt")], "../evil.txt"),
        ([regular("ok.txt"), regular("a/../../evil.txt")], "a/../../evil.txt"),
        ([regular("/etc/passwd")], "/etc/passwd"),
        ([special("etc", tarfile.SYMTYPE, "/etc"), regular("etc/passwd")], "etc"),
        ([regular("ok.txt"), special("sub/up", tarfile.SYMTYPE, "../../outside"), regular("sub/up/x")], "sub/up"),
        ([special("hard", tarfile.LNKTYPE, "/etc/passwd")], "hard"),
        ([special("hard", tarfile.LNKTYPE, "../outside.txt")], "hard"),
        ([regular("ok.txt"), special("null", tarfile.CHRTYPE)], "null"),
        ([special("disk", tarfile.BLKTYPE)], "disk"),
        ([special("fifo", tarfile.FIFOTYPE)], "fifo"),
    ],
)
def test_hostile_members_are_refused_and_nothing_is_left(tmp_path: Path, adders: list[Adder], bad_member: str) -> None:
    archive = build(tmp_path / "hostile.tar.gz", *adders)
    target = tmp_path / "deep" / "target"
    target.mkdir(parents=True)
    (target / "existing.txt").write_text("mine")
    with pytest.raises(ValidationError) as info:
        safe_extract(archive, target)
    assert info.value.value == bad_member
    assert listing(target) == ["existing.txt"]  # what this call wrote is removed; the rest untouched
    assert (target / "existing.txt").read_text() == "mine"
    assert listing(tmp_path / "deep") == ["target", "target/existing.txt"]
    assert not (tmp_path / "evil.txt").exists()


def test_existing_symlink_out_of_the_target_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "target"
    target.mkdir()
    os.symlink(outside, target / "link")
    archive = build(tmp_path / "a.tar.gz", regular("link/planted.txt"))
    with pytest.raises(ValidationError, match=r"link/planted\.txt"):
        safe_extract(archive, target)
    assert list(outside.iterdir()) == []


def test_an_existing_symlink_at_a_file_path_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    target = tmp_path / "target"
    target.mkdir()
    os.symlink("inner.txt", target / "file.txt")  # points inside, so the path check passes
    archive = build(tmp_path / "a.tar.gz", regular("file.txt", b"new"))
    safe_extract(archive, target)
    assert not (target / "file.txt").is_symlink()
    assert (target / "file.txt").read_bytes() == b"new"
    assert victim.read_text() == "untouched"


# --- what is extracted ----------------------------------------------------------------------------------


def test_files_dirs_and_inside_links(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    archive = build(
        tmp_path / "a.tar.gz",
        special("./", tarfile.DIRTYPE),
        special("./empty", tarfile.DIRTYPE),
        regular("./bin/run.sh", b"#!/bin/sh\n", mode=0o4777),  # setuid and world-writable: stripped
        regular("./pkg/data.txt", b"payload"),
        special("pkg/copy.txt", tarfile.SYMTYPE, "data.txt"),
        special("hard.txt", tarfile.LNKTYPE, "pkg/data.txt"),
        special("dirlink", tarfile.SYMTYPE, "pkg"),
    )
    target = tmp_path / "out"
    extracted = safe_extract(archive, target)
    assert listing(target) == ["bin", "bin/run.sh", "empty", "hard.txt", "pkg", "pkg/copy.txt", "pkg/data.txt"]
    assert (target / "pkg" / "copy.txt").read_bytes() == b"payload"
    assert not (target / "pkg" / "copy.txt").is_symlink()
    assert (target / "hard.txt").read_bytes() == b"payload"
    assert (target / "bin" / "run.sh").stat().st_mode & 0o7777 == 0o755
    assert (target / "pkg" / "data.txt").stat().st_mode & 0o7777 == 0o644
    assert target / "empty" in extracted
    assert "dirlink" in caplog.text


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_any_compression_and_file_objects(tmp_path: Path, mode: str) -> None:
    archive = build(tmp_path / "a.tar", regular("x/y.txt", b"hello"), mode=mode)
    with open(archive, "rb") as handle:
        safe_extract(handle, tmp_path / "out")
    assert (tmp_path / "out" / "x" / "y.txt").read_bytes() == b"hello"


# --- TarGzWriter ------------------------------------------------------------------------------------------


def test_writer_output_is_deterministic_and_readable(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"x" * 1000)

    def write() -> tuple[bytes, str, int]:
        buffer = io.BytesIO()
        writer = TarGzWriter(buffer)
        writer.add_file("dir/f.txt", tmp_path / "f.txt", 1000)
        writer.add_file("ünïcode-" + "n" * 120 + ".txt", tmp_path / "f.txt", 1000, executable=True)
        sha256, size = writer.close()
        return buffer.getvalue(), sha256, size

    first, second = write(), write()
    assert first == second
    assert first[2] == len(first[0])
    with tarfile.open(fileobj=io.BytesIO(first[0])) as tar:
        names = tar.getnames()
        assert names[1].startswith("ünïcode-") and len(names[1]) == 132
        assert tar.getmember(names[1]).mode == 0o755
    import gzip

    assert len(gzip.decompress(first[0])) % tarfile.RECORDSIZE == 0


def test_writer_notices_a_file_that_shrank(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"short")
    writer = TarGzWriter(io.BytesIO())
    with pytest.raises(OSError, match="early"):
        writer.add_file("f.txt", tmp_path / "f.txt", 100)


# --- repack_model ----------------------------------------------------------------------------------------


@pytest.fixture
def model_tar(tmp_path: Path) -> Path:
    return build(
        tmp_path / "model.tar.gz",
        regular("1/saved_model.pb", b"graph"),
        regular("1/variables/variables.data-00000-of-00001", b"weights"),
        special("code", tarfile.DIRTYPE),
        regular("code/inference.py", b"old"),
        regular("code/old_helper.py", b"old"),
    )


@pytest.fixture
def code_dir(tmp_path: Path) -> Path:
    root = tmp_path / "code-src"
    (root / "lib" / "__pycache__").mkdir(parents=True)
    (root / "inference.py").write_text("def input_fn(): ...\n")
    (root / "requirements.txt").write_text("pillow\n")
    (root / "lib" / "util.py").write_text("X = 1\n")
    (root / "lib" / "__pycache__" / "util.cpython-311.pyc").write_bytes(b"\0")
    return root


def read_all(source: Path | bytes) -> dict[str, bytes]:
    fileobj = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    with fileobj, tarfile.open(fileobj=fileobj) as tar:
        result = {}
        for member in tar.getmembers():
            extracted = tar.extractfile(member) if member.isreg() else None
            result[member.name] = extracted.read() if extracted else b"<dir>"
        return result


def test_repack_replaces_code_and_keeps_the_model(tmp_path: Path, model_tar: Path, code_dir: Path) -> None:
    output = tmp_path / "repacked.tar.gz"
    result = repack_model(
        model_tar,
        output,
        code_files={
            "inference.py": code_dir / "inference.py",
            "code/requirements.txt": code_dir / "requirements.txt",  # a leading code/ is accepted
            "lib": code_dir / "lib",
        },
    )
    contents = read_all(output)
    assert contents == {
        "1/saved_model.pb": b"graph",
        "1/variables/variables.data-00000-of-00001": b"weights",
        "code/inference.py": b"def input_fn(): ...\n",
        "code/lib/util.py": b"X = 1\n",
        "code/requirements.txt": b"pillow\n",
    }
    assert result.copied == 2
    assert result.dropped == ("code", "code/inference.py", "code/old_helper.py")
    assert result.added == ("code/inference.py", "code/lib/util.py", "code/requirements.txt")
    assert (result.size, len(result.sha256)) == (output.stat().st_size, 64)


def test_repack_between_file_objects_and_in_place(tmp_path: Path, model_tar: Path, code_dir: Path) -> None:
    out = io.BytesIO()
    with open(model_tar, "rb") as source:
        repack_model(source, out, code_files={"inference.py": code_dir / "inference.py"})
    assert "code/inference.py" in read_all(out.getvalue())
    repack_model(model_tar, model_tar, code_files={"inference.py": code_dir / "inference.py"})
    assert read_all(model_tar) == read_all(out.getvalue())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["code-src", "model.tar.gz"]  # no temporary left


def test_repack_validates_code_files_before_reading(tmp_path: Path, model_tar: Path, code_dir: Path) -> None:
    output = tmp_path / "out.tar.gz"
    for bad in ({"../x.py": code_dir / "inference.py"}, {"code": code_dir / "lib"}, {"x.py": tmp_path / "none"}):
        with pytest.raises(ValidationError) as info:
            repack_model(model_tar, output, code_files=bad)
        assert info.value.parameter == "code_files"
    assert not output.exists()


def test_repack_refuses_hostile_members_and_leaves_no_output(tmp_path: Path, code_dir: Path) -> None:
    hostile = build(tmp_path / "bad.tar.gz", regular("model.pb"), special("link", tarfile.SYMTYPE, "/etc/passwd"))
    output = tmp_path / "out.tar.gz"
    with pytest.raises(ValidationError) as info:
        repack_model(hostile, output, code_files={"inference.py": code_dir / "inference.py"})
    assert (info.value.parameter, info.value.value) == ("model_tar", "link")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tar.gz", "code-src"]


def test_repack_streams_in_constant_memory(tmp_path: Path, code_dir: Path) -> None:
    size = 48 * 1024 * 1024
    blob = tmp_path / "weights.bin"
    with open(blob, "wb") as handle:
        for _ in range(size // (1024 * 1024)):
            handle.write(os.urandom(1024 * 1024))
    model = tmp_path / "model.tar.gz"
    with tarfile.open(model, "w:gz", compresslevel=1) as tar:
        tar.add(blob, "weights.bin")
    blob.unlink()
    tracemalloc.start()
    try:
        repack_model(model, tmp_path / "out.tar.gz", code_files={"inference.py": code_dir / "inference.py"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB member"
    with tarfile.open(tmp_path / "out.tar.gz") as tar:
        assert tar.getmember("weights.bin").size == size
