"""Pure pieces of local mode: the toolkit's encoding rules, host planning, sharding, S3 paths, the session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sagemaker_lite.local import LocalSession
from sagemaker_lite.local.api.logs import LocalLogsClient
from sagemaker_lite.local.api.training import LocalSageMakerClient
from sagemaker_lite.local.training import contract
from sagemaker_lite.local.training.channels import ChannelSpec, Materialized, host_files, relative_key

pytestmark = pytest.mark.local


def test_cmd_args_follow_the_toolkit() -> None:
    decoded = contract.decode_hyperparameters(
        {"epochs": "2", "name": "abc", "flag": "true", "lst": '[1, "x"]', "d": '{"b": 2, "a": 1}', "q": "x"}
    )
    assert decoded == {"epochs": 2, "name": "abc", "flag": True, "lst": [1, "x"], "d": {"b": 2, "a": 1}, "q": "x"}
    assert contract.to_cmd_args(decoded) == [
        "-d", "a=1,b=2", "--epochs", "2", "--flag", "True", "--lst", "[1, 'x']", "--name", "abc", "-q", "x",
    ]  # fmt: skip


def test_env_values_and_split() -> None:
    assert [contract.env_value(v) for v in ("s", None, 3, True, [1, "a"], {"b": 1, "a": None})] == [
        "s",
        "",
        "3",
        "true",
        '[1,"a"]',
        '{"a":null,"b":1}',
    ]
    toolkit, user = contract.split_hyperparameters(
        {"sagemaker_program": "t.py", "sagemaker_mpi_enabled": True, "_tuning_objective_metric": "m", "lr": 1}
    )
    assert user == {"lr": 1}
    assert set(toolkit) == {"sagemaker_program", "sagemaker_mpi_enabled", "_tuning_objective_metric"}


@pytest.mark.parametrize(
    ("name", "ok"),
    [("train.py", True), ("bin/run.sh", True), ("-x.py", False), ("/abs.py", False), ("../up.py", False), ("", False)],
)
def test_entry_point_rules(name: str, ok: bool) -> None:
    assert (contract.entry_point_problem(name) is None) is ok


def test_entry_point_accepts_raw_and_json_encoded_values() -> None:
    assert contract.entry_point({"sagemaker_program": '"train.py"'}, {}) == "train.py"
    assert contract.entry_point({"sagemaker_program": "train.py"}, {}) == "train.py"
    assert contract.entry_point({}, {"SAGEMAKER_PROGRAM": "env.py"}) == "env.py"
    assert contract.entry_point({"epochs": "1"}, {}) is None


def test_hosts_for_instance_groups() -> None:
    hosts = contract.plan_hosts(
        {
            "InstanceGroups": [
                {"InstanceGroupName": "a", "InstanceType": "local", "InstanceCount": 1},
                {"InstanceGroupName": "b", "InstanceType": "local_gpu", "InstanceCount": 2},
            ]
        }
    )
    assert [(h.name, h.group, h.instance_type) for h in hosts] == [
        ("algo-1", "a", "local"),
        ("algo-2", "b", "local_gpu"),
        ("algo-3", "b", "local_gpu"),
    ]
    config = contract.resource_config(hosts[2], hosts)
    assert config["current_group_name"] == "b" and config["current_instance_type"] == "local_gpu"
    group_b = {"instance_group_name": "b", "instance_type": "local_gpu", "hosts": ["algo-2", "algo-3"]}
    assert config["instance_groups"][1] == group_b
    hosts12 = contract.plan_hosts({"InstanceType": "local", "InstanceCount": 12})
    assert contract.resource_config(hosts12[0], hosts12)["hosts"][:3] == ["algo-1", "algo-2", "algo-3"]


def test_sharding_is_deterministic_and_complete() -> None:
    material = Materialized(Path("/d"), [f"f{i}" for i in range(7)], whole_dir=True)
    source = {"S3Uri": "s3://b/p", "S3DataDistributionType": "ShardedByS3Key"}
    spec = ChannelSpec.from_request({"ChannelName": "c", "DataSource": {"S3DataSource": source}}, "File")
    shards = [host_files(material, spec, i, 3) for i in range(3)]
    assert shards == [["f0", "f3", "f6"], ["f1", "f4"], ["f2", "f5"]]


@pytest.mark.parametrize(
    ("key", "prefix", "relative"),
    [
        ("data/train/a.csv", "data/train", "a.csv"),
        ("data/train/x/a.csv", "data/train/", "x/a.csv"),
        ("data/train.csv", "data/train.csv", "train.csv"),
        ("data/training/a.csv", "data/train", "training/a.csv"),
        ("a.csv", "", "a.csv"),
    ],
)
def test_s3_keys_land_where_sagemaker_puts_them(key: str, prefix: str, relative: str) -> None:
    assert relative_key(key, prefix) == relative


def test_local_session_needs_no_aws_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    session = LocalSession(root=tmp_path / "root")
    assert session.region_name == "us-west-2" and session.local_mode is True
    assert isinstance(session.sagemaker_client, LocalSageMakerClient)
    assert isinstance(session.logs_client, LocalLogsClient)
    assert session.client("sagemaker") is session.sagemaker_client
    assert session.default_output_prefix() == f"file://{tmp_path / 'root' / 'output'}"
    assert LocalSession(region_name="eu-west-1", root=tmp_path).region_name == "eu-west-1"
    assert not (tmp_path / "root").exists()  # nothing is created until a job runs


def test_importing_local_mode_does_nothing(tmp_path: Path) -> None:
    code = (
        "import sys, threading, os\n"
        "import sagemaker_lite.local, sagemaker_lite.local.api.training, sagemaker_lite.local.session\n"
        "print(json.dumps({'boto3': 'boto3' in sys.modules, 'threads': threading.active_count(),"
        " 'root': os.path.exists(os.environ['SAGEMAKER_LITE_LOCAL_ROOT'])}))\n"
    )
    env = dict(os.environ, SAGEMAKER_LITE_LOCAL_ROOT=str(tmp_path / "root"))
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == {"boto3": False, "threads": 1, "root": False}
