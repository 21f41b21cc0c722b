"""pack_source: what goes into sourcedir.tar.gz, byte for byte, and what is refused."""

from __future__ import annotations

import logging
import os
import tarfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from support import tools

from sagemaker_lite.archives import FIXED_MTIME, safe_extract
from sagemaker_lite.code import digest_key, pack_source
from sagemaker_lite.errors import ValidationError


def write(root: Path, *files: str, content: str | None = None) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if content is not None else f"contents of {name}\n")


def members(archive_path: Path) -> list[str]:
    with tarfile.open(archive_path) as tar:
        return [m.name for m in tar.getmembers()]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    write(
        root, "train.py", "requirements.txt", "utils/__init__.py", "utils/data.py", "configs/b.yaml", "configs/a.yaml"
    )
    return root


def pack(entry: str, source_dir: Path | None, tmp_path: Path, name: str = "out", **kwargs: object):
    return pack_source(entry, source_dir, output_dir=tmp_path / name, **kwargs)  # type: ignore[arg-type]


# --- determinism -----------------------------------------------------------------------------------


def test_same_source_gives_byte_identical_archives(src: Path, tmp_path: Path) -> None:
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o755)
    first = pack("train.py", src, tmp_path, "one")
    for index, path in enumerate(sorted(src.rglob("*"))):  # new mtimes, other group/other bits
        os.utime(path, (1_700_000_000 + index, 1_700_000_000 + index))
        if path.is_file():
            path.chmod(0o700 if path.name == "run.sh" else 0o600)
    second = pack("train.py", src, tmp_path, "two")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert (first.sha256, first.size) == (second.sha256, second.size)
    assert first.size == first.path.stat().st_size


def test_archive_metadata_is_normalised(src: Path, tmp_path: Path) -> None:
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o750)
    archive = pack("train.py", src, tmp_path)
    raw = archive.path.read_bytes()
    assert raw[:4] == b"\x1f\x8b\x08\x00"  # gzip, deflate, no flags: no file name stored
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    with tarfile.open(archive.path) as tar:
        infos = tar.getmembers()
    assert [i.name for i in infos] == sorted(i.name for i in infos)
    assert [i.name for i in infos if i.isreg()] == list(archive.members)
    assert [i.name for i in infos if i.isdir()] == list(archive.directories)  # each directory has its entry
    assert all(i.isreg() or i.isdir() for i in infos)
    assert {(i.mtime, i.uid, i.gid, i.uname, i.gname) for i in infos} == {(FIXED_MTIME, 0, 0, "", "")}
    modes = {i.name: i.mode for i in infos}
    assert modes["run.sh"] == 0o755
    assert set(modes.values()) == {0o644, 0o755}
    assert {i.mode for i in infos if i.isdir()} <= {0o755}


def test_members_and_largest(src: Path, tmp_path: Path) -> None:
    (src / "big.bin").write_bytes(b"x" * 5000)
    archive = pack("train.py", src, tmp_path)
    assert archive.members == (
        "big.bin",
        "configs/a.yaml",
        "configs/b.yaml",
        "requirements.txt",
        "train.py",
        "utils/__init__.py",
        "utils/data.py",
    )
    assert archive.largest[0] == ("big.bin", 5000)
    assert len(archive.largest) == len(archive.members)
    assert [size for _, size in archive.largest] == sorted((size for _, size in archive.largest), reverse=True)


def test_largest_lists_at_most_ten(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for index in range(15):
        write(root, f"f{index:02}.txt", content="x" * index)
    write(root, "train.py")
    assert len(pack("train.py", root, tmp_path).largest) == 10


# --- what is packed ----------------------------------------------------------------------------------


def test_entry_point_without_source_dir_packs_only_that_file(src: Path, tmp_path: Path) -> None:
    archive = pack(str(src / "train.py"), None, tmp_path)
    assert archive.members == ("train.py",)


def test_dependencies_go_to_the_archive_root_under_their_base_name(src: Path, tmp_path: Path) -> None:
    write(tmp_path / "lib" / "mylib", "__init__.py", "core.py", "__pycache__/core.cpython-311.pyc")
    write(tmp_path, "extra.py")
    archive = pack(
        "train.py", src, tmp_path, dependencies=[str(tmp_path / "lib" / "mylib") + "/", tmp_path / "extra.py"]
    )
    assert {"mylib/__init__.py", "mylib/core.py", "extra.py"} <= set(archive.members)
    assert not any("__pycache__" in m for m in archive.members)
    alone = pack(str(src / "train.py"), None, tmp_path, "alone", dependencies=[tmp_path / "lib" / "mylib"])
    assert alone.members == ("mylib/__init__.py", "mylib/core.py", "train.py")


def test_dependency_clashing_with_source_dir_is_refused(src: Path, tmp_path: Path) -> None:
    write(tmp_path / "other", "utils/x.py")
    with pytest.raises(ValidationError) as info:
        pack("train.py", src, tmp_path, dependencies=[tmp_path / "other" / "utils"])
    assert info.value.parameter == "dependencies"
    assert "utils" in str(info.value)
    with pytest.raises(ValidationError, match="dependencies"):
        pack("train.py", src, tmp_path, dependencies=[tmp_path / "missing"])


def test_default_excludes(src: Path, tmp_path: Path) -> None:
    write(
        src,
        ".git/HEAD",
        "__pycache__/train.cpython-311.pyc",
        "utils/__pycache__/data.cpython-311.pyc",
        "stale.pyc",
        ".ipynb_checkpoints/nb-checkpoint.ipynb",
        ".DS_Store",
        "utils/.DS_Store",
        ".venv/bin/python",
        "venv/lib/site.py",
        "env/pyvenv.cfg",
        "env/lib/x.py",
        "myenv/pyvenv.cfg",
        "myenv/lib/y.py",
        "environment/keep.py",  # an ordinary folder: kept
        ".mypy_cache/x.json",
        ".pytest_cache/v",
        ".tox/py311/x",
    )
    archive = pack("train.py", src, tmp_path)
    assert "environment/keep.py" in archive.members
    packed = set(archive.members) - {"environment/keep.py"}
    assert packed == {
        "configs/a.yaml",
        "configs/b.yaml",
        "requirements.txt",
        "train.py",
        "utils/__init__.py",
        "utils/data.py",
    }


IGNORE_TREE = (
    "train.py",
    "a.log",
    "b.log",
    "logs/a.log",
    "data/big.csv",
    "data/keep.csv",
    "src/data/x.csv",
    "deep/x/y/z.tmp",
    "deep/top.txt",
    "build",
    "out/build/x.o",
    "#hash.txt",
    "notes.md",
    "docs/notes.md",
)


@pytest.mark.parametrize(
    ("patterns", "removed"),
    [
        ("*.log", {"a.log", "b.log", "logs/a.log"}),
        ("/a.log", {"a.log"}),
        ("?.log", {"a.log", "b.log", "logs/a.log"}),
        ("[a].log", {"a.log", "logs/a.log"}),
        ("[!a].log", {"b.log"}),
        ("data/", {"data/big.csv", "data/keep.csv", "src/data/x.csv"}),
        ("/data/", {"data/big.csv", "data/keep.csv"}),
        ("data/*.csv", {"data/big.csv", "data/keep.csv"}),
        ("**/data", {"data/big.csv", "data/keep.csv", "src/data/x.csv"}),
        ("deep/**", {"deep/x/y/z.tmp", "deep/top.txt"}),
        ("deep/**/z.tmp", {"deep/x/y/z.tmp"}),
        ("*.csv\n!keep.csv", {"data/big.csv", "src/data/x.csv"}),
        ("data/\n!data/keep.csv", {"data/big.csv", "data/keep.csv", "src/data/x.csv"}),  # parent excluded: final
        ("build/", {"out/build/x.o"}),  # directory-only: the file named build stays
        ("build", {"build", "out/build/x.o"}),
        ("# a comment\n\n   \n", set()),
        ("\\#hash.txt", {"#hash.txt"}),
        ("notes.md  ", {"notes.md", "docs/notes.md"}),  # trailing spaces are ignored
        ("/notes.md", {"notes.md"}),
        ("docs/notes.md\n*.md\n!/notes.md", {"docs/notes.md"}),  # the last match wins
    ],
)
def test_sagemakerignore(tmp_path: Path, patterns: str, removed: set[str]) -> None:
    root = tmp_path / "tree"
    write(root, *IGNORE_TREE)
    (root / ".sagemakerignore").write_text(patterns + "\n")
    archive = pack("train.py", root, tmp_path)
    assert set(archive.members) == set(IGNORE_TREE) - removed  # and .sagemakerignore itself is never packed


def test_sagemakerignore_can_re_include_a_default_exclude(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    write(root, "train.py", "venv/settings.py", ".venv/x.py")
    (root / ".sagemakerignore").write_text("!venv/\n")
    assert pack("train.py", root, tmp_path).members == ("train.py", "venv/settings.py")


def test_entry_point_must_exist_inside_source_dir_and_be_packed(src: Path, tmp_path: Path) -> None:
    for bad in ("missing.py", "../train.py", "utils"):
        with pytest.raises(ValidationError) as info:
            pack(bad, src, tmp_path)
        assert info.value.parameter == "entry_point"
        assert info.value.value == bad
    (src / ".sagemakerignore").write_text("train.py\n")
    with pytest.raises(ValidationError, match="excluded"):
        pack("train.py", src, tmp_path)
    with pytest.raises(ValidationError, match="entry_point"):
        pack(str(tmp_path / "nope.py"), None, tmp_path)


def test_entry_point_in_a_subdirectory(src: Path, tmp_path: Path) -> None:
    write(src, "scripts/run.py")
    assert "scripts/run.py" in pack("scripts/run.py", src, tmp_path).members
    assert "scripts/run.py" in pack(str(src / "scripts" / "run.py"), src, tmp_path, "abs").members


def test_bad_source_dir(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="source_dir"):
        pack("train.py", tmp_path / "missing", tmp_path)
    with pytest.raises(ValidationError, match="source_dir"):
        pack_source("train.py", "s3://bucket/code.tar.gz")


def test_archive_written_inside_source_dir_does_not_pack_itself(src: Path) -> None:
    first = pack_source("train.py", src, output_dir=src)
    second = pack_source("train.py", src, output_dir=src)
    assert first.sha256 == second.sha256
    assert "sourcedir.tar.gz" not in second.members


# --- symlinks and special files ------------------------------------------------------------------------


def test_symlinks_are_dereferenced(src: Path, tmp_path: Path) -> None:
    os.symlink("utils/data.py", src / "data_link.py")
    os.symlink("utils", src / "utils_link")
    archive = pack("train.py", src, tmp_path)
    assert {"data_link.py", "utils_link/__init__.py", "utils_link/data.py"} <= set(archive.members)
    with tarfile.open(archive.path) as tar:
        link = tar.getmember("data_link.py")
        assert link.isreg()
        extracted = tar.extractfile(link)
        assert extracted is not None
        assert extracted.read() == (src / "utils" / "data.py").read_bytes()


def test_symlink_outside_the_tree_is_packed_with_a_warning(
    src: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "common", "helpers.py")
    os.symlink("../common", src / "common")
    with caplog.at_level(logging.WARNING, logger="sagemaker_lite"):
        archive = pack("train.py", src, tmp_path)
    assert "common/helpers.py" in archive.members
    assert any("common" in r.getMessage() and "outside" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("kind", ["parent", "pair", "dangling"])
def test_symlink_loops_and_dangling_links_are_refused(src: Path, tmp_path: Path, kind: str) -> None:
    if kind == "parent":
        os.symlink("..", src / "utils" / "up")
        bad = src / "utils" / "up"
    elif kind == "pair":
        os.symlink("b", src / "a")
        os.symlink("a", src / "b")
        bad = src / "a"
    else:
        os.symlink("nowhere.py", src / "gone.py")
        bad = src / "gone.py"
    with pytest.raises(ValidationError) as info:
        pack("train.py", src, tmp_path)
    assert info.value.parameter == "source_dir"
    assert info.value.value == str(bad)
    assert ("loop" if kind != "dangling" else "dangling") in str(info.value)


def test_fifo_is_refused_unless_excluded(src: Path, tmp_path: Path) -> None:
    os.mkfifo(src / "pipe")
    with pytest.raises(ValidationError) as info:
        pack("train.py", src, tmp_path)
    assert info.value.value == str(src / "pipe")
    assert "FIFO" in str(info.value)
    (src / ".sagemakerignore").write_text("pipe\n")
    assert "pipe" not in pack("train.py", src, tmp_path).members


# --- size warning -----------------------------------------------------------------------------------


def test_large_archive_warns_with_the_largest_files(src: Path, tmp_path: Path) -> None:
    (src / "checkpoint.bin").write_bytes(os.urandom(200_000))
    with pytest.warns(UserWarning, match=r"\.sagemakerignore") as record:
        pack("train.py", src, tmp_path, size_warning_bytes=100_000)
    message = str(record[0].message)
    assert "checkpoint.bin (0.2 MB)" in message
    assert "Largest files" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pack("train.py", src, tmp_path, "quiet")  # default threshold: 50 MB


# --- round trip ------------------------------------------------------------------------------------------


def test_pack_then_safe_extract_round_trips_exactly(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write(project, "train.py", content="import helpers.model\nprint(helpers.model.NAME)\n")
    write(project, "requirements.txt", content="numpy==1.26.4\npandas>=2\n")
    write(project, "helpers/__init__.py", content="")
    write(project, "helpers/model.py", content="NAME = 'résumé ✓'\n")
    write(project, "helpers/assets/vocab.txt", content="a\nb\n")
    (project / "helpers" / "weights.bin").write_bytes(os.urandom(70_000))
    (project / "setup.sh").write_text("#!/bin/sh\necho ok\n")
    (project / "setup.sh").chmod(0o755)
    archive = pack("train.py", project, tmp_path)
    extracted = safe_extract(archive.path, tmp_path / "extracted")
    original = {p.relative_to(project).as_posix(): p for p in project.rglob("*") if p.is_file()}
    restored = {p.relative_to(tmp_path / "extracted").as_posix(): p for p in extracted if p.is_file()}
    assert sorted(original) == sorted(restored) == list(archive.members)
    for name, path in original.items():
        assert restored[name].read_bytes() == path.read_bytes(), name
    assert os.access(restored["setup.sh"], os.X_OK)
    assert not os.access(restored["train.py"], os.X_OK)


# --- the digest cache layout ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "cache_prefix", "expected"),
    [
        ("code/job-1/source/sourcedir.tar.gz", None, "code/.sagemaker-lite/sourcedir-abc.tar.gz"),
        ("team/code/job-1/source/sourcedir.tar.gz", None, "team/code/.sagemaker-lite/sourcedir-abc.tar.gz"),
        ("job-1/source/sourcedir.tar.gz", None, ".sagemaker-lite/sourcedir-abc.tar.gz"),
        ("some/where/code.tar.gz", None, "some/where/.sagemaker-lite/sourcedir-abc.tar.gz"),
        ("code/job-1/source/sourcedir.tar.gz", "/shared/cache/", "shared/cache/.sagemaker-lite/sourcedir-abc.tar.gz"),
    ],
)
def test_digest_key_layout(key: str, cache_prefix: str | None, expected: str) -> None:
    assert digest_key(key, "abc", cache_prefix) == expected


def test_bad_dependencies_type_and_compresslevel(src: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="dependencies"):
        pack("train.py", src, tmp_path, dependencies="lib")
    with pytest.raises(ValidationError, match="compresslevel"):
        pack("train.py", src, tmp_path, compresslevel=10)
    assert not (tmp_path / "out").exists()
    fast = pack("train.py", src, tmp_path, compresslevel=1)
    assert fast.members == pack("train.py", src, tmp_path, "default").members


def test_importing_code_staging_loads_no_aws_library() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, sagemaker_lite.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'boto3', 'botocore', 's3transfer'}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- directory entries, as in the official SDK's archive (issue 11 item 13) ------------------------


def _capture_tool() -> object:
    return tools.tool("capture_official_archive")


def test_the_archive_has_the_official_members_directories_and_modes(tmp_path: Path) -> None:
    """Empty directories (a ``checkpoints/`` placeholder) vanished; the official archive keeps them.

    tests/data/official/sourcedir-archive.json holds the official SDK's archive of the same tree
    (tools/capture_official_archive.py, run with the side venv): every member's name, type and mode.
    """
    import json

    data = json.loads(
        (Path(__file__).resolve().parents[1] / "data" / "official" / "sourcedir-archive.json").read_text()
    )
    tool: Any = _capture_tool()
    tool.build_tree(tmp_path, data["tree"])
    tree = data["tree"]
    archive = pack_source(
        tree["entry_point"],
        tmp_path / tree["source_dir"],
        [tmp_path / d for d in tree["dependencies"]],
        output_dir=tmp_path / "out",
    )
    assert tool.members(str(archive.path)) == data["official"]["members"]
    assert {"checkpoints", "output/tmp", "mylib/empty"} <= set(archive.directories)
    extracted = tmp_path / "extracted"
    safe_extract(archive.path, extracted)
    assert (extracted / "checkpoints").is_dir() and (extracted / "output" / "tmp").is_dir()
    again = pack_source(
        tree["entry_point"],
        tmp_path / tree["source_dir"],
        [tmp_path / d for d in tree["dependencies"]],
        output_dir=tmp_path / "again",
    )
    assert again.path.read_bytes() == archive.path.read_bytes()  # still deterministic


def test_an_excluded_directory_gets_no_entry(src: Path, tmp_path: Path) -> None:
    (src / "__pycache__").mkdir()
    (src / "logs").mkdir()
    (src / ".sagemakerignore").write_text("logs/\n")
    archive = pack("train.py", src, tmp_path)
    assert "__pycache__" not in archive.directories and "logs" not in archive.directories
