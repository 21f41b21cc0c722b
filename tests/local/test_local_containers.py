"""Per-host containers: each host's own /opt/ml, algo-N names that resolve, the same port on every host.

These run with the real namespaces (Linux user + mount + network + UTS); the relocation fallback is
forced with ``SAGEMAKER_LITE_NAMESPACES=off`` and must still run every script that does not hard-code
container paths (the File-mode contract and toolkit tests run in both modes).
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest
from local_helpers import file_channel, job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient
from sagemaker_lite.local.training.sandbox import MODE_ENV, host_address, hosts_file

pytestmark = pytest.mark.local

HARD_CODED = """
import socket
host = json.load(open("/opt/ml/input/config/resourceconfig.json"))["current_host"]
check(socket.gethostname() == host, socket.gethostname())
check(sorted(os.listdir("/opt/ml/input/data/train")) == ["a.csv"], os.listdir("/opt/ml/input/data/train"))
check(open("/opt/ml/input/data/train/a.csv").read() == "1,2\\n", "data")
hps = json.load(open("/opt/ml/input/config/hyperparameters.json"))
check(hps["model_dir"] == '"/opt/ml/model"', hps)
check(sys.argv[sys.argv.index("--model_dir") + 1] == "/opt/ml/model", sys.argv)
check(os.environ["SM_MODEL_DIR"] == "/opt/ml/model" and "SAGEMAKER_BASE_DIR" not in os.environ, "env")
check(os.getcwd() == "/opt/ml/code", os.getcwd())
os.makedirs("/opt/ml/model/1", exist_ok=True)
open("/opt/ml/model/1/weights.txt", "w").write(host)
open("/opt/ml/model/" + host + ".txt", "w").write(host)
open("/opt/ml/output/data/metrics.txt", "w").write(host)
print("wrote the model of", host, flush=True)
"""


def test_hard_coded_opt_ml_paths_two_hosts(client: LocalSageMakerClient, local_root: Path, tmp_path: Path) -> None:
    machine_opt_ml = os.path.lexists("/opt/ml")
    listing = sorted(os.listdir("/opt/ml")) if machine_opt_ml else None
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("1,2\n")
    request = training_request(
        "hard-coded",
        write_code(tmp_path / "code", HARD_CODED),
        output=f"file://{tmp_path / 'out'}",
        instance_count=2,
        hyperparameters={"model_dir": '"/opt/ml/model"'},
        channels=[file_channel("train", data)],
    )
    client.create_training_job(**request)
    description = wait_for(client, "hard-coded", timeout=60)
    logs = job_logs(local_root, "hard-coded")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "wrote the model of algo-1" in logs and "wrote the model of algo-2" in logs
    with tarfile.open(tmp_path / "out" / "hard-coded" / "output" / "model.tar.gz") as archive:
        names = set(archive.getnames())
        member = archive.extractfile("1/weights.txt")
        assert member is not None and member.read() == b"algo-1"  # algo-1 wins a name clash
    assert {"algo-1.txt", "algo-2.txt"} <= names
    # each host wrote into its own directory, nothing into the machine's /opt/ml
    for host in ("algo-1", "algo-2"):
        assert (local_root / "jobs" / "hard-coded" / host / "model" / "1" / "weights.txt").read_text() == host
    assert os.path.lexists("/opt/ml") == machine_opt_ml
    assert (sorted(os.listdir("/opt/ml")) if machine_opt_ml else None) == listing


TALK = """
import socket, time
host = os.environ["SM_CURRENT_HOST"]
server = socket.create_server(("0.0.0.0", 29500))  # every host binds the same port, as on SageMaker
if host == "algo-1":
    server.settimeout(30)
    conn, peer = server.accept()
    data = conn.recv(100)
    conn.sendall(b"pong from " + host.encode())
    print("algo-1 got", data.decode(), "from", peer[0], flush=True)
else:
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = socket.create_connection(("algo-1", 29500), timeout=5)
            break
        except OSError:
            check(time.monotonic() < deadline, "algo-1 never listened")
            time.sleep(0.05)
    conn.sendall(b"ping from " + host.encode())
    print("algo-2 got", conn.recv(100).decode(), flush=True)
# nothing outside the job is reachable, and no other address is ours
outside = socket.socket()
outside.settimeout(2)
check(outside.connect_ex(("1.1.1.1", 53)) != 0, "reached outside the job network")
print(host, "resolves", socket.gethostbyname("algo-1"), socket.gethostbyname("algo-2"), flush=True)
"""


def test_hosts_talk_by_name_on_the_same_port(client: LocalSageMakerClient, local_root: Path, tmp_path: Path) -> None:
    request = training_request(
        "talk", write_code(tmp_path / "code", TALK), output=f"file://{tmp_path / 'out'}", instance_count=2
    )
    client.create_training_job(**request)
    description = wait_for(client, "talk", timeout=90)
    logs = job_logs(local_root, "talk")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert f"algo-1 got ping from algo-2 from {host_address(1)}" in logs
    assert "algo-2 got pong from algo-1" in logs
    for host in ("algo-1", "algo-2"):
        assert f"{host} resolves {host_address(0)} {host_address(1)}" in logs


def test_fallback_warns_once_and_relocates(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODE_ENV, "off")
    script = """
    base = os.environ["SAGEMAKER_BASE_DIR"]
    check(base.endswith("/relocated/" + os.environ["SM_CURRENT_HOST"]), base)
    check(os.environ["SM_MODEL_DIR"] == base + "/model", os.environ["SM_MODEL_DIR"])
    check(not os.path.exists("/opt/ml/input/config/resourceconfig.json"), "a real /opt/ml was used")
    """
    request = training_request(
        "relocated", write_code(tmp_path / "code", script), output=f"file://{tmp_path / 'out'}", instance_count=2
    )
    client.create_training_job(**request)
    description = wait_for(client, "relocated", timeout=60)
    logs = job_logs(local_root, "relocated")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert logs.count("no per-host containers (SAGEMAKER_LITE_NAMESPACES=off turns namespaces off)") == 2
    assert "algo-N host names do not resolve" in logs


def test_hosts_file_names_every_host() -> None:
    text = hosts_file(["algo-1", "algo-2", "algo-3"])
    assert "127.0.0.1\tlocalhost" in text
    assert [line.split("\t") for line in text.splitlines()[2:]] == [
        ["10.254.0.1", "algo-1"],
        ["10.254.0.2", "algo-2"],
        ["10.254.0.3", "algo-3"],
    ]
    assert host_address(255) == "10.254.1.0" and host_address(299) == "10.254.1.44"
