"""File mode, one host: the /opt/ml contract as the script sees it, outputs, logs and the API shapes."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from local_helpers import file_channel, job_logs, training_request, wait_for, write_code

from sagemaker_lite.estimator import Estimator
from sagemaker_lite.jobs import TrainingJob
from sagemaker_lite.local import LocalLogsClient, LocalSageMakerClient, LocalSession

pytestmark = pytest.mark.local

CONTRACT_SCRIPT = """
import stat
base = os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml")
namespaces = os.environ["EXPECTED_MODE"] == "namespaces"
check((base == "/opt/ml") == namespaces and ("SAGEMAKER_BASE_DIR" in os.environ) != namespaces, base)
print("first line from the script", flush=True)
check(os.getcwd() == base + "/code", ("cwd", os.getcwd()))
check(sys.argv[1:] == ["--batch-size", "32", "--epochs", "2", "--layers", "[64, 32]", "--lr", "0.1",
                       "--optimizer", "adam", "--opts", "a=1,b=x", "--verbose", "True"], sys.argv)
hps = json.load(open(base + "/input/config/hyperparameters.json"))
check(hps["epochs"] == "2" and hps["sagemaker_program"] == '"train.py"', hps)
resource = json.load(open(base + "/input/config/resourceconfig.json"))
check(resource == {
    "current_host": "algo-1", "current_instance_type": "local", "current_group_name": "homogeneousCluster",
    "hosts": ["algo-1"], "network_interface_name": "eth0",
    "instance_groups": [{"instance_group_name": "homogeneousCluster", "instance_type": "local", "hosts": ["algo-1"]}],
}, resource)
data_config = json.load(open(base + "/input/config/inputdataconfig.json"))
check(data_config == {
    "train": {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None",
              "ContentType": "text/csv"},
    "single": {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"},
}, data_config)
expected = {
    "SM_MODEL_DIR": base + "/model", "SM_OUTPUT_DATA_DIR": base + "/output/data",
    "SM_OUTPUT_DIR": base + "/output", "SM_OUTPUT_INTERMEDIATE_DIR": base + "/output/intermediate",
    "SM_INPUT_DIR": base + "/input", "SM_INPUT_CONFIG_DIR": base + "/input/config",
    "SM_CHANNEL_TRAIN": base + "/input/data/train", "SM_CHANNEL_SINGLE": base + "/input/data/single",
    "SM_CHANNELS": '["single","train"]', "SM_HOSTS": '["algo-1"]', "SM_CURRENT_HOST": "algo-1",
    "SM_CURRENT_INSTANCE_TYPE": "local", "SM_CURRENT_INSTANCE_GROUP": "homogeneousCluster",
    "SM_NETWORK_INTERFACE_NAME": "eth0", "SM_NUM_GPUS": "0", "SM_NUM_NEURONS": "0",
    "SM_NUM_CPUS": str(os.cpu_count()), "SM_LOG_LEVEL": "20", "SM_MODULE_NAME": "train",
    "SM_USER_ENTRY_POINT": "train.py", "SM_FRAMEWORK_PARAMS": "{}", "SM_FRAMEWORK_MODULE": "",
    "SM_IS_HETERO": "false", "SM_HP_EPOCHS": "2", "SM_HP_LR": "0.1", "SM_HP_OPTIMIZER": "adam",
    "SM_HP_BATCH-SIZE": "32", "SM_HP_VERBOSE": "true", "SM_HP_LAYERS": "[64,32]", "SM_HP_OPTS": '{"a":1,"b":"x"}',
    "SM_USER_ARGS": json.dumps(sys.argv[1:], separators=(",", ":")),
    "SM_HPS": '{"batch-size":32,"epochs":2,"layers":[64,32],"lr":0.1,"optimizer":"adam","opts":{"a":1,"b":"x"},'
              '"verbose":true}',
    "SM_MODULE_DIR": os.environ["EXPECTED_MODULE_DIR"], "TRAINING_JOB_NAME": os.environ["EXPECTED_JOB"],
    "CURRENT_HOST": "algo-1", "SAGEMAKER_JOB_NAME": "", "SAGEMAKER_REGION": "us-west-2",
    "MY_SETTING": "from-Environment",
}
for key, value in expected.items():
    check(os.environ.get(key) == value, (key, os.environ.get(key), value))
check(json.loads(os.environ["SM_RESOURCE_CONFIG"]) == resource, "SM_RESOURCE_CONFIG")
check(json.loads(os.environ["SM_INPUT_DATA_CONFIG"]) == data_config, "SM_INPUT_DATA_CONFIG")
training_env = json.loads(os.environ["SM_TRAINING_ENV"])
check(training_env["hyperparameters"]["epochs"] == 2 and training_env["is_master"] is True, training_env)
check(training_env["job_name"] == os.environ["EXPECTED_JOB"], training_env["job_name"])
check(os.environ["PYTHONPATH"].split(os.pathsep)[0] == base + "/code", os.environ["PYTHONPATH"])
for sub in ("model", "output/data", "output/intermediate", "code", "checkpoints", "input/config"):
    check(os.path.isdir(base + "/" + sub), sub)
train = base + "/input/data/train"
check(os.path.islink(train) and sorted(os.listdir(train)) == ["a.csv", "sub"], "train is a link to the data dir")
check(open(train + "/sub/b.csv").read() == "b\\n", "nested file")
check(os.path.islink(base + "/input/data/single/a.csv"), "a file channel holds a symlink")
check(stat.S_IMODE(os.stat(os.environ["EXPECTED_JOBS"]).st_mode) == 0o700, "private root")
open(os.environ["SM_MODEL_DIR"] + "/model.txt", "w").write("weights")
os.makedirs(os.environ["SM_MODEL_DIR"] + "/nested", exist_ok=True)
open(os.environ["SM_MODEL_DIR"] + "/nested/extra.bin", "wb").write(b"\\0" * 10)
open(os.environ["SM_OUTPUT_DATA_DIR"] + "/metrics.json", "w").write('{"loss": 0.5}')
print("done", file=sys.stderr)
"""

USER_HPS = {
    "epochs": "2",
    "lr": "0.1",
    "optimizer": "adam",
    "batch-size": "32",
    "verbose": "true",
    "layers": "[64, 32]",
    "opts": '{"a": 1, "b": "x"}',
}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.csv").write_text("a\n")
    (data / "sub" / "b.csv").write_text("b\n")
    return data


def describe_output_members() -> set[str]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    return set(model.operation_model("DescribeTrainingJob").output_shape.members)


def test_file_mode_contract_outputs_and_describe_shape(
    client: LocalSageMakerClient,
    local_root: Path,
    tmp_path: Path,
    dataset: Path,
    monkeypatch: pytest.MonkeyPatch,
    container_mode: str,
) -> None:
    code = write_code(tmp_path / "code", CONTRACT_SCRIPT)
    monkeypatch.setenv("EXPECTED_MODE", container_mode)
    monkeypatch.setenv("EXPECTED_JOBS", str(local_root / "jobs"))
    monkeypatch.setenv("EXPECTED_MODULE_DIR", f"file://{code}")
    monkeypatch.setenv("EXPECTED_JOB", "file-mode-1")
    request = training_request(
        "file-mode-1",
        code,
        output=f"file://{tmp_path / 'out'}",
        hyperparameters=USER_HPS,
        channels=[
            file_channel("train", dataset, ContentType="text/csv"),
            file_channel("single", dataset / "a.csv"),
        ],
        Environment={"MY_SETTING": "from-Environment"},
        Tags=[{"Key": "team", "Value": "ml"}],
    )
    arn = client.create_training_job(**request)["TrainingJobArn"]
    assert arn.endswith(":training-job/file-mode-1")
    description = wait_for(client, "file-mode-1")
    assert description["TrainingJobStatus"] == "Completed", job_logs(local_root, "file-mode-1")

    assert set(description) - {"ResponseMetadata"} <= describe_output_members()
    assert [t["Status"] for t in description["SecondaryStatusTransitions"]] == [
        "Starting",
        "Downloading",
        "Training",
        "Uploading",
        "Completed",
    ]
    assert all("EndTime" in t and t["StartTime"].tzinfo for t in description["SecondaryStatusTransitions"])
    for field in ("HyperParameters", "InputDataConfig", "OutputDataConfig", "ResourceConfig", "Environment"):
        assert description[field] == request[field]
    assert description["CreationTime"] <= description["TrainingStartTime"] <= description["TrainingEndTime"]
    model_uri = description["ModelArtifacts"]["S3ModelArtifacts"]
    assert model_uri == f"file://{tmp_path / 'out'}/file-mode-1/output/model.tar.gz"
    with tarfile.open(tmp_path / "out/file-mode-1/output/model.tar.gz") as tar:
        assert sorted(tar.getnames()) == ["model.txt", "nested/extra.bin"]
        assert tar.extractfile("model.txt").read() == b"weights"  # type: ignore[union-attr]
    with tarfile.open(tmp_path / "out/file-mode-1/output/output.tar.gz") as tar:
        assert tar.getnames() == ["metrics.json"]
    assert (local_root / "jobs/file-mode-1/algo-1/output/success").exists()
    assert client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "ml"}]
    listed = client.list_training_jobs(NameContains="file-mode")["TrainingJobSummaries"]
    assert [(s["TrainingJobName"], s["TrainingJobStatus"]) for s in listed] == [("file-mode-1", "Completed")]

    # a second client (or another process) over the same root reads the record from disk
    again = LocalSageMakerClient(root=local_root).describe_training_job(TrainingJobName="file-mode-1")
    assert again["TrainingJobStatus"] == "Completed" and again["CreationTime"] == description["CreationTime"]


def test_logs_stream_through_the_cloudwatch_shaped_client(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", "for i in range(3):\n    print('line', i)\nprint('no newline', end='')\n")
    client.create_training_job(**training_request("logs-1", code, output=f"file://{tmp_path / 'out'}"))
    wait_for(client, "logs-1")
    logs = LocalLogsClient(client.root)
    streams = logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix="logs-1/")[
        "logStreams"
    ]
    assert len(streams) == 1 and streams[0]["logStreamName"].startswith("logs-1/algo-1-")
    page = logs.get_log_events(
        logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=streams[0]["logStreamName"], startFromHead=True
    )
    messages = [e["message"] for e in page["events"]]
    assert messages[-4:] == ["line 0", "line 1", "line 2", "no newline"]
    again = logs.get_log_events(
        logGroupName="/aws/sagemaker/TrainingJobs",
        logStreamName=streams[0]["logStreamName"],
        nextToken=page["nextForwardToken"],
    )
    assert again["events"] == [] and again["nextForwardToken"] == page["nextForwardToken"]
    with pytest.raises(ClientError) as missing:
        logs.get_log_events(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName="nope/algo-1-1")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_partial_lines_wait_for_their_newline(local_root: Path) -> None:
    log_dir = local_root / "jobs" / "partial" / "logs"
    log_dir.mkdir(parents=True)
    log = log_dir / "algo-1-100.log"
    log.write_bytes(b"complete\npart")
    logs = LocalLogsClient(local_root)
    kwargs: dict[str, Any] = {"logGroupName": "/aws/sagemaker/TrainingJobs", "logStreamName": "partial/algo-1-100"}
    first = logs.get_log_events(**kwargs)
    assert [e["message"] for e in first["events"]] == ["complete"]
    with open(log, "ab") as handle:
        handle.write(b"ial\r\n")
    second = logs.get_log_events(**kwargs, nextToken=first["nextForwardToken"])
    assert [e["message"] for e in second["events"]] == ["partial"]


@pytest.mark.parametrize("encoded", [True, False], ids=["json-encoded", "raw"])
def test_estimator_fit_runs_the_script_and_prints_its_logs(
    session: LocalSession, tmp_path: Path, dataset: Path, encoded: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    code = write_code(
        tmp_path / "code",
        """
        check(sys.argv[1:] == ["--epochs", "3"], sys.argv)
        check(os.environ["SM_USER_ENTRY_POINT"] == "train.py", os.environ["SM_USER_ENTRY_POINT"])
        check(sorted(os.listdir(os.environ["SM_CHANNEL_TRAINING"])) == ["a.csv", "sub"], "channel")
        print("hello from the estimator's script")
        open(os.environ["SM_MODEL_DIR"] + "/m", "w").write("1")
        """,
    )
    encode = json.dumps if encoded else str
    est = Estimator(
        image_uri="local-script",
        role=None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        hyperparameters={
            "sagemaker_program": encode("train.py"),
            "sagemaker_submit_directory": encode(f"file://{code}"),
            "epochs": 3,
        },
    )
    est.fit(f"file://{dataset}")
    out = capsys.readouterr().out
    assert "hello from the estimator's script" in out
    assert "Completed - Training job completed" in out
    # no output_path: the LocalSession puts the model under its root, no default bucket needed
    assert est.model_data == f"file://{session.root}/output/{est.training_job_name}/output/model.tar.gz"
    assert Path(est.model_data[len("file://") :]).is_file()
    attached = Estimator.attach(est.training_job_name, sagemaker_session=session)
    assert attached.model_data == est.model_data


def test_fit_without_wait_returns_at_once(session: LocalSession, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", "import time\ntime.sleep(1.5)\n")
    est = Estimator(
        "local-script",
        None,
        1,
        "local",
        sagemaker_session=session,
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
    )
    est.fit(wait=False)
    job: TrainingJob = est.latest_training_job
    assert job.describe()["TrainingJobStatus"] == "InProgress"
    assert job.wait(logs=False)["TrainingJobStatus"] == "Completed"


def test_api_errors_are_the_services(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", "print('x')\n")
    request = training_request("dup-1", code, output=f"file://{tmp_path / 'out'}")
    client.create_training_job(**request)
    with pytest.raises(ClientError) as duplicate:
        client.create_training_job(**request)
    assert duplicate.value.response["Error"]["Code"] == "ResourceInUse"
    assert "already exists" in duplicate.value.response["Error"]["Message"]
    wait_for(client, "dup-1")
    with pytest.raises(ClientError) as stopped:
        client.stop_training_job(TrainingJobName="dup-1")
    assert "in status Completed" in stopped.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as unknown:
        client.describe_training_job(TrainingJobName="no-such-job")
    assert unknown.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Requested resource not found.",
    }
    with pytest.raises(ParamValidationError):
        client.create_training_job(**{k: v for k, v in request.items() if k != "OutputDataConfig"})
    with pytest.raises(ParamValidationError):
        client.describe_training_job(TrainingJobName=7)
    bad_name = dict(request, TrainingJobName="bad_name")
    with pytest.raises(ClientError) as invalid:
        client.create_training_job(**bad_name)
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    too_long = dict(request, TrainingJobName="long-value", HyperParameters={"x": "v" * 2501})
    with pytest.raises(ClientError):
        client.create_training_job(**too_long)
    assert not (client.root / "jobs" / "bad_name").exists()
    assert not (client.root / "jobs" / "long-value").exists()


def test_missing_entry_point_fails_the_job_with_a_client_error(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", "print('x')\n")
    request = training_request("no-entry", code, output=f"file://{tmp_path / 'out'}", program='"missing.py"')
    client.create_training_job(**request)
    description = wait_for(client, "no-entry")
    assert description["TrainingJobStatus"] == "Failed"
    assert description["FailureReason"].startswith("ClientError: the entry point 'missing.py' is not in")


def test_source_tarballs_and_percent_encoded_paths(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "my code", "print('ran from', os.getcwd())\n")
    encoded = (tmp_path / "my code").as_uri()  # what Path.as_uri() gives: file:///.../my%20code
    assert "%20" in encoded
    client.create_training_job(**training_request("spaces", encoded, output=f"file://{tmp_path / 'out'}"))
    assert wait_for(client, "spaces")["TrainingJobStatus"] == "Completed"

    archive = tmp_path / "sourcedir.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(code / "train.py", arcname="train.py")
    client.create_training_job(**training_request("tarball", archive.as_uri(), output=f"file://{tmp_path / 'out'}"))
    assert wait_for(client, "tarball")["TrainingJobStatus"] == "Completed"

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(code / "train.py", arcname="train.py")
        tar.add(code / "train.py", arcname="../escaped.py")
    client.create_training_job(**training_request("evil", evil.as_uri(), output=f"file://{tmp_path / 'out'}"))
    description = wait_for(client, "evil")
    assert description["TrainingJobStatus"] == "Failed"
    assert description["FailureReason"].startswith("ClientError: ")
    assert not (client.root / "jobs" / "evil" / "cache" / "escaped.py").exists()
