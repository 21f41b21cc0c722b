"""Local mode under load, and its privacy properties.

* 8 concurrent local TensorFlow script-mode jobs on this (2-core) machine, sharing one LocalSession;
  half read their channel through Pipe mode (FIFOs), half leave a background grandchild running when
  their script ends. All complete; afterwards no process of theirs is alive and no FIFO is left.
* Job directories are private (0700) all the way up to the local root.
* Local serving (endpoints on this machine) listens on 127.0.0.1 only and keeps its directories private
  (skipped, with the reason, where local mode cannot deploy or TensorFlow is missing).
"""

from __future__ import annotations

import os
import re
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sagemaker_lite.inputs import TrainingInput

local = pytest.importorskip("sagemaker_lite.local", reason="local mode (sagemaker_lite.local) is not importable")

# every framework_version these tests can name differs from the installed one: run the installed
# framework (load, not the version; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]

JOBS = 8
SCRIPT = """\
import os, subprocess, sys, time
print("pid=%d" % os.getpid(), flush=True)
channel = os.environ["SM_CHANNEL_TRAIN"]
if os.path.exists(channel + "_0"):
    with open(channel + "_0", "rb") as pipe:
        data = pipe.read()
    print("mode=pipe", flush=True)
else:
    data = b"".join(open(os.path.join(channel, n), "rb").read() for n in sorted(os.listdir(channel)))
    print("mode=file", flush=True)
if os.environ.get("SM_HP_LEAVE_CHILD") == "true":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    print("child=%d" % child.pid, flush=True)
with open(os.path.join(os.environ["SM_MODEL_DIR"], "size.txt"), "w") as out:
    out.write(str(len(data)))
for step in range(3):
    print("step", step, flush=True)
    time.sleep(0.05)
"""


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if not process_gone(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if not process_gone(pid)]
    return alive


def processes_of_jobs(names: set[str]) -> list[int]:
    """Live processes (ours to read) whose environment says they belong to one of these jobs."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for item in environ:
            if item.startswith(b"TRAINING_JOB_NAME=") and item.split(b"=", 1)[1].decode() in names:
                if not process_gone(int(entry.name)):
                    found.append(int(entry.name))
                break
    return found


def fifos_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if stat.S_ISFIFO(p.lstat().st_mode)]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "train.py").write_text(SCRIPT)
    return src


@pytest.fixture
def data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    for index in range(3):
        (directory / f"part-{index}.csv").write_bytes(b"1,2,3\n" * 1000)
    return directory


def make_estimator(session: object, source: Path, index: int) -> object:
    from sagemaker_lite.tensorflow import TensorFlow

    return TensorFlow(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="2.13",
        py_version="py310",
        role=None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        hyperparameters={"index": index, "leave_child": index % 2 == 1},
    )


def test_8_concurrent_local_jobs_complete_and_leave_nothing_running(
    tmp_path: Path, source: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = local.LocalSession(root=tmp_path / "root", stop_timeout=2.0)
    names = [f"local-load-{index}" for index in range(JOBS)]

    def fit(index: int) -> None:
        mode = "Pipe" if index % 2 == 0 else "File"
        estimator = make_estimator(session, source, index)
        estimator.fit({"train": TrainingInput(f"file://{data}", input_mode=mode)}, job_name=names[index], logs=False)  # type: ignore[attr-defined]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        errors = [f.exception() for f in [pool.submit(fit, index) for index in range(JOBS)]]
    seconds = time.monotonic() - started
    assert [e for e in errors if e is not None] == []
    pids: list[int] = []
    for index, name in enumerate(names):
        description = session.sagemaker_client.describe_training_job(TrainingJobName=name)
        assert description["TrainingJobStatus"] == "Completed", description.get("FailureReason")
        log = "".join(p.read_text() for p in (session.root / "jobs" / name / "logs").glob("*.log"))
        assert f"mode={'pipe' if index % 2 == 0 else 'file'}" in log, log
        pids.extend(int(pid) for pid in re.findall(r"(?:pid|child)=(\d+)", log))
        assert ("child=" in log) == (index % 2 == 1)
        assert (session.root / "jobs" / name / "algo-1" / "model" / "size.txt").read_text() == "18000"
    assert len(pids) == JOBS + JOBS // 2
    assert wait_gone(pids) == [], "processes outlived their jobs"
    assert processes_of_jobs(set(names)) == []
    assert fifos_under(session.root) == []
    with capsys.disabled():
        print(f"\nlocal, {JOBS} concurrent jobs on {os.cpu_count()} cores in {seconds:.1f}s")


def test_local_job_directories_are_private(tmp_path: Path, source: Path, data: Path) -> None:
    root = tmp_path / "fresh" / "root"
    session = local.LocalSession(root=root, stop_timeout=2.0)
    make_estimator(session, source, 0).fit({"train": f"file://{data}"}, job_name="private-job", logs=False)  # type: ignore[attr-defined]
    job = root / "jobs" / "private-job"
    # every directory local mode creates on the way to a job is 0700, so nothing inside a job
    # (hyperparameters, environment, data links, logs) is reachable by other users
    for directory in (root, root / "jobs", job):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert stat.S_IMODE((job / "description.json").stat().st_mode) & 0o077 == 0


def test_temporary_code_directories_are_private(source: Path) -> None:
    from sagemaker_lite.code import pack_source

    archive = pack_source("train.py", source)  # local mode packs here when there are dependencies
    try:
        assert stat.S_IMODE(archive.path.parent.stat().st_mode) == 0o700
    finally:
        archive.path.unlink()
        archive.path.parent.rmdir()


def _listening_sockets(pids: set[int]) -> list[str]:
    """Local addresses (hex ip:port from /proc/net/tcp*) of LISTEN sockets owned by ``pids``."""
    inodes: set[str] = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                addresses.append(fields[1])
    return addresses


def _is_loopback(hex_address: str) -> bool:
    host = hex_address.split(":")[0]
    if len(host) == 8:  # IPv4, little-endian: 0100007F = 127.0.0.1
        return host.endswith("7F")
    return host in ("00000000000000000000000001000000", "0000000000000000FFFF00000100007F")


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = {pid}, [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def test_local_serving_listens_on_loopback_only(tmp_path: Path) -> None:
    from sagemaker_lite.local import LocalSageMakerClient

    if not hasattr(LocalSageMakerClient, "create_endpoint"):
        pytest.skip("local serving (LocalSageMakerClient.create_endpoint) is not implemented yet")
    tf = pytest.importorskip("tensorflow", reason="local serving of a SavedModel needs TensorFlow")
    from sagemaker_lite.tensorflow import TensorFlowModel

    module = tf.Module()
    module.f = tf.function(lambda x: x + 1.0, input_signature=[tf.TensorSpec([None], tf.float32)])
    tf.saved_model.save(module, str(tmp_path / "model" / "1"), signatures={"serving_default": module.f})
    session = local.LocalSession(root=tmp_path / "root")
    model = TensorFlowModel(
        model_data=f"file://{tmp_path / 'model'}", framework_version="2.18", sagemaker_session=session
    )
    predictor = model.deploy(1, "local")
    try:
        sockets = _listening_sockets(_descendants(os.getpid()))
        assert sockets, "the local endpoint listens somewhere"
        assert all(_is_loopback(address) for address in sockets), sockets
        endpoints = session.root / "endpoints"
        for directory in [session.root, endpoints, *(p for p in endpoints.rglob("*") if p.is_dir())]:
            assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0, directory  # private, like job directories
    finally:
        predictor.delete_endpoint()
        predictor.delete_model()
