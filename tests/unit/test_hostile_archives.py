"""Hostile archives and source trees, beyond tests/unit/test_archives.py and test_code.py.

Extraction (``safe_extract``) and repacking (``repack_model``) refuse Windows-style and pax/GNU-encoded
escapes, links whose target escapes, device files; strip set-id bits; never turn a hard link into a
shared inode; clean up after a truncated archive. Packing (``pack_source``) never emits a link, an
absolute or a ``..`` member, whatever the tree holds, and refuses devices and sockets. The public
paths are checked too: ``TensorFlowModel(entry_point=...).deploy()`` over a hostile model.tar.gz in
moto's S3 (refused before anything is created), ``Session.download_data`` over hostile keys, local
mode over a hostile sourcedir.tar.gz.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite.archives import safe_extract
from sagemaker_lite.code import pack_source
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.repack import repack_model

Adder = Callable[[tarfile.TarFile], None]
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def regular(name: str, data: bytes = b"data", mode: int = 0o644, pax: dict[str, str] | None = None) -> Adder:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), mode
        if pax:
            info.pax_headers = dict(pax)
        tar.addfile(info, io.BytesIO(data))

    return add


def link(name: str, kind: bytes, target: str) -> Adder:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type, info.linkname = kind, target
        tar.addfile(info)

    return add


def device(name: str, kind: bytes) -> Adder:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.devmajor, info.devminor = 1, 3
        tar.addfile(info)

    return add


def pax_linkpath(name: str, target: str) -> Adder:
    """A symlink whose ustar linkname is harmless but whose pax ``linkpath`` record escapes."""

    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type, info.linkname = tarfile.SYMTYPE, "ok"
        info.pax_headers = {"linkpath": target}
        tar.addfile(info)

    return add


def build(path: Path, *adders: Adder, fmt: int = tarfile.PAX_FORMAT) -> Path:
    with tarfile.open(path, "w:gz", format=fmt) as tar:
        for add in adders:
            add(tar)
    return path


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


LONG = "d" * 120
HOSTILE: list[tuple[str, list[Adder], int]] = [
    ("backslash parent", [regular("ok"), regular("..\\evil.txt")], tarfile.PAX_FORMAT),
    ("backslash nested parent", [regular("a\\..\\..\\evil.txt")], tarfile.PAX_FORMAT),
    ("drive letter", [regular("C:\\evil.txt")], tarfile.PAX_FORMAT),
    ("drive relative", [regular("C:evil.txt")], tarfile.PAX_FORMAT),
    ("UNC path", [regular("\\\\server\\share\\evil.txt")], tarfile.PAX_FORMAT),
    ("dot then parent", [regular("./../evil.txt")], tarfile.PAX_FORMAT),
    ("parent after dots", [regular("a/./b/../../../evil.txt")], tarfile.PAX_FORMAT),
    ("pax path override", [regular("benign.txt", pax={"path": "../evil.txt"})], tarfile.PAX_FORMAT),
    ("pax absolute path", [regular("benign.txt", pax={"path": "/tmp/evil.txt"})], tarfile.PAX_FORMAT),
    ("GNU long name", [regular(f"../{LONG}/evil.txt")], tarfile.GNU_FORMAT),
    ("absolute symlink into the target", [link("x", tarfile.SYMTYPE, "/proc/self/root/etc")], tarfile.PAX_FORMAT),
    ("symlink escaping by dots", [link("sub/up", tarfile.SYMTYPE, "../..")], tarfile.PAX_FORMAT),
    ("symlink escaping by backslash", [link("up", tarfile.SYMTYPE, "..\\..\\etc")], tarfile.PAX_FORMAT),
    ("hard link escaping", [regular("a"), link("b", tarfile.LNKTYPE, "sub/../../a")], tarfile.PAX_FORMAT),
    ("pax linkpath override", [pax_linkpath("l", "../../etc/passwd")], tarfile.PAX_FORMAT),
    ("character device late", [regular("a"), regular("b/c"), device("b/null", tarfile.CHRTYPE)], tarfile.GNU_FORMAT),
    ("block device", [device("disk", tarfile.BLKTYPE)], tarfile.USTAR_FORMAT),
    ("FIFO", [regular("a"), device("pipe", tarfile.FIFOTYPE)], tarfile.USTAR_FORMAT),
]


@pytest.mark.parametrize(("adders", "fmt"), [(a, f) for _, a, f in HOSTILE], ids=[i for i, _, _ in HOSTILE])
def test_safe_extract_refuses_and_rolls_back(tmp_path: Path, adders: list[Adder], fmt: int) -> None:
    archive = build(tmp_path / "hostile.tar.gz", *adders, fmt=fmt)
    target = tmp_path / "box" / "target"
    target.mkdir(parents=True)
    with pytest.raises(ValidationError) as info:
        safe_extract(archive, target)
    assert info.value.parameter == "archive"
    assert tree(target) == []
    assert tree(tmp_path / "box") == ["target"]
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


@pytest.mark.parametrize(("adders", "fmt"), [(a, f) for _, a, f in HOSTILE], ids=[i for i, _, _ in HOSTILE])
def test_repack_refuses_and_writes_nothing(tmp_path: Path, adders: list[Adder], fmt: int) -> None:
    archive = build(tmp_path / "model.tar.gz", regular("1/saved_model.pb"), *adders, fmt=fmt)
    code = tmp_path / "inference.py"
    code.write_text("def handler(): ...\n")
    with pytest.raises(ValidationError) as info:
        repack_model(archive, tmp_path / "out.tar.gz", code_files={"inference.py": code})
    assert info.value.parameter == "model_tar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inference.py", "model.tar.gz"]


def test_repack_refuses_a_hard_link_to_the_replaced_code(tmp_path: Path) -> None:
    archive = build(
        tmp_path / "model.tar.gz", regular("code/inference.py"), link("keep", tarfile.LNKTYPE, "code/inference.py")
    )
    code = tmp_path / "inference.py"
    code.write_text("x = 1\n")
    with pytest.raises(ValidationError, match="keep"):
        repack_model(archive, tmp_path / "out.tar.gz", code_files={"inference.py": code})


def test_set_id_and_world_writable_bits_are_dropped(tmp_path: Path) -> None:
    archive = build(
        tmp_path / "a.tar.gz",
        regular("suid", mode=0o6755),
        regular("world", mode=0o666),
        regular("sticky", mode=0o1777),
    )
    target = tmp_path / "t"
    safe_extract(archive, target)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in target.iterdir()}
    assert modes == {"suid": 0o755, "world": 0o644, "sticky": 0o755}


def test_a_hard_link_member_becomes_an_independent_copy(tmp_path: Path) -> None:
    archive = build(
        tmp_path / "a.tar.gz", regular("data.bin", b"payload"), link("alias.bin", tarfile.LNKTYPE, "data.bin")
    )
    target = tmp_path / "t"
    safe_extract(archive, target)
    assert (target / "alias.bin").read_bytes() == b"payload"
    assert (target / "alias.bin").stat().st_nlink == 1 and (target / "data.bin").stat().st_nlink == 1


def test_a_link_to_a_later_member_is_skipped_not_created(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    archive = build(tmp_path / "a.tar.gz", link("early", tarfile.LNKTYPE, "late"), regular("late", b"x"))
    target = tmp_path / "t"
    safe_extract(archive, target)
    assert tree(target) == ["late"]
    assert "skipped link early" in caplog.text


def test_an_existing_hard_link_in_the_target_is_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    target = tmp_path / "target"
    target.mkdir()
    os.link(victim, target / "file.txt")
    safe_extract(build(tmp_path / "a.tar.gz", regular("file.txt", b"new")), target)
    assert (target / "file.txt").read_bytes() == b"new"
    assert victim.read_text() == "untouched"


def test_a_truncated_archive_fails_and_leaves_nothing(tmp_path: Path) -> None:
    whole = build(tmp_path / "whole.tar.gz", regular("a/one", os.urandom(50_000)), regular("b/two", os.urandom(50_000)))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    target = tmp_path / "t"
    target.mkdir()
    with pytest.raises((tarfile.TarError, EOFError, OSError)):
        safe_extract(cut, target)
    assert tree(target) == []


# --- packing ------------------------------------------------------------------------------------------


@pytest.fixture
def src(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    (root / "pkg").mkdir(parents=True)
    (root / "train.py").write_text("print('train')\n")
    (root / "pkg" / "__init__.py").write_text("")
    return root


def packed_members(archive_path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(archive_path) as tar:
        return tar.getmembers()


def test_packed_archives_hold_only_clean_regular_files_and_directories(src: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shared.py").write_text("SHARED = 1\n")
    os.symlink(outside / "shared.py", src / "abs_link.py")  # absolute link out of the tree
    os.symlink("../outside", src / "rel_dir_link")  # relative link out of the tree
    os.link(outside / "shared.py", src / "hard.py")  # hard link shared with a file outside
    (src / "we\\ird name.py").write_text("")
    archive = pack_source("train.py", src, output_dir=tmp_path / "out")
    members = packed_members(archive.path)
    assert {"abs_link.py", "rel_dir_link/shared.py", "hard.py", "we\\ird name.py"} <= {m.name for m in members}
    assert "rel_dir_link" in {m.name for m in members if m.isdir()}  # a linked directory: a real one
    for member in members:
        assert member.isreg() or member.isdir(), member.name  # no links, devices or FIFOs
        assert not member.name.startswith("/") and ".." not in member.name.split("/"), member.name
        assert member.mode in (0o644, 0o755) and member.uid == 0 and member.gid == 0
    extracted = tmp_path / "extracted"
    safe_extract(archive.path, extracted)  # and what was packed extracts safely, nothing outside
    assert (extracted / "hard.py").read_text() == "SHARED = 1\n"
    assert (extracted / "hard.py").stat().st_nlink == 1


def test_a_link_to_a_device_is_refused(src: Path, tmp_path: Path) -> None:
    os.symlink("/dev/null", src / "null")
    with pytest.raises(ValidationError) as info:
        pack_source("train.py", src, output_dir=tmp_path / "out")
    assert (info.value.parameter, info.value.value) == ("source_dir", str(src / "null"))
    assert not (tmp_path / "out" / "sourcedir.tar.gz").exists()


def test_a_socket_is_refused(src: Path, tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(src / "pkg" / "agent.sock"))
        with pytest.raises(ValidationError, match=r"agent\.sock"):
            pack_source("train.py", src, output_dir=tmp_path / "out")
    finally:
        server.close()


def test_a_device_in_a_dependency_is_refused_naming_the_dependency(src: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    os.symlink("/dev/zero", lib / "zero")
    with pytest.raises(ValidationError) as info:
        pack_source("train.py", src, [lib], output_dir=tmp_path / "out")
    assert info.value.parameter == "dependencies"


@pytest.mark.parametrize("entry", ["../train.py", "/etc/passwd", "pkg/../../train.py"])
def test_entry_points_outside_source_dir_are_refused(src: Path, tmp_path: Path, entry: str) -> None:
    (tmp_path / "train.py").write_text("")
    with pytest.raises(ValidationError) as info:
        pack_source(entry, src, output_dir=tmp_path / "out")
    assert info.value.parameter == "entry_point"


def test_framework_fit_refuses_a_device_before_any_call(src: Path) -> None:
    from support.aws_double import RefusingAWS
    from support.offline import fake_boto_session

    from sagemaker_lite.tensorflow import TensorFlow

    os.symlink("/dev/urandom", src / "random")
    boto = fake_boto_session()
    recorder = RefusingAWS()
    recorder.install(boto)
    estimator = TensorFlow(
        entry_point="train.py",
        source_dir=str(src),
        framework_version="2.13",
        py_version="py310",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.large",
        output_path="s3://out-bucket/x",
        sagemaker_session=Session(boto_session=boto, default_bucket="out-bucket"),
    )
    with pytest.raises(ValidationError) as info:
        estimator.fit("s3://in-bucket/train", wait=False)
    assert info.value.parameter == "source_dir"
    assert recorder.calls == []


# --- through the public API, against moto ---------------------------------------------------------------


def _hosting_state(moto: MotoHandle) -> dict[str, int]:
    sm = moto.client("sagemaker")
    return {
        "models": len(sm.list_models()["Models"]),
        "configs": len(sm.list_endpoint_configs()["EndpointConfigs"]),
        "endpoints": len(sm.list_endpoints()["Endpoints"]),
    }


@pytest.mark.parametrize(
    "hostile",
    [
        [regular("1/saved_model.pb"), regular("../../escape.py")],
        [regular("1/saved_model.pb"), link("1/variables", tarfile.SYMTYPE, "/etc")],
        [regular("1/saved_model.pb"), device("1/null", tarfile.CHRTYPE)],
        [regular("/abs/saved_model.pb")],
    ],
    ids=["dotdot", "symlink", "device", "absolute"],
)
def test_tensorflow_model_repack_of_a_hostile_artifact_from_s3(
    moto: MotoHandle, tmp_path: Path, hostile: list[Adder]
) -> None:
    from sagemaker_lite.tensorflow import TensorFlowModel

    archive = build(tmp_path / "model.tar.gz", *hostile)
    s3 = moto.client("s3")
    for bucket in ("models-bucket", "sagemaker-us-west-2-123456789012"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": moto.region})
    s3.put_object(Bucket="models-bucket", Key="m/model.tar.gz", Body=archive.read_bytes())
    serve = tmp_path / "serve"
    serve.mkdir()
    (serve / "inference.py").write_text("def input_handler(data, context): return data\n")
    session = Session(boto_session=moto.boto_session(), endpoint_url=moto.url)
    model = TensorFlowModel(
        model_data="s3://models-bucket/m/model.tar.gz",
        role=ROLE,
        framework_version="2.18",
        entry_point="inference.py",
        source_dir=str(serve),
        sagemaker_session=session,
    )
    with pytest.raises(ValidationError) as info:
        model.deploy(1, "ml.m5.large")
    assert info.value.parameter == "model_tar"
    assert _hosting_state(moto) == {"models": 0, "configs": 0, "endpoints": 0}
    written = s3.list_objects_v2(Bucket="sagemaker-us-west-2-123456789012").get("Contents", [])
    assert written == []  # no repacked artifact was uploaded
    assert not (tmp_path / "escape.py").exists()


def test_download_data_refuses_keys_that_climb_out(moto: MotoHandle, tmp_path: Path) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="data-bucket", CreateBucketConfiguration={"LocationConstraint": moto.region})
    s3.put_object(Bucket="data-bucket", Key="data/ok.csv", Body=b"1")
    s3.put_object(Bucket="data-bucket", Key="data/../../escape.csv", Body=b"2")
    session = Session(boto_session=moto.boto_session(), endpoint_url=moto.url)
    target = tmp_path / "deep" / "download"
    with pytest.raises(ValidationError) as info:
        session.download_data(target, "data-bucket", key_prefix="data/")
    assert info.value.parameter == "key_prefix"
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "deep" / "escape.csv").exists()


def test_local_mode_refuses_a_hostile_sourcedir_archive(tmp_path: Path) -> None:
    local = pytest.importorskip("sagemaker_lite.local", reason="local mode is not importable")
    from sagemaker_lite.errors import JobFailedError, SageMakerLiteError
    from sagemaker_lite.estimator import Estimator

    archive = build(tmp_path / "sourcedir.tar.gz", regular("train.py", b"print('hi')\n"), regular("../escape.py"))
    session = local.LocalSession(root=tmp_path / "root", stop_timeout=2.0)
    estimator = Estimator(
        "local-script",
        None,
        1,
        "local",
        sagemaker_session=session,
        output_path=f"file://{tmp_path / 'out'}",
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{archive}"},
    )
    with pytest.raises(SageMakerLiteError) as info:
        estimator.fit(job_name="hostile-code", logs=False)
    if isinstance(info.value, JobFailedError):
        assert "escape.py" in info.value.failure_reason
    assert list(tmp_path.rglob("escape.py")) == []
