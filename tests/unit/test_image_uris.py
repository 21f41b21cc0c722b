"""image_uris.retrieve and the v1 get_image_uri: known URIs, errors, laziness, speed, parity.

The expected URIs below are facts published by SageMaker (as the official SDK v2.257.7
returns them), asserted exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from sagemaker_lite import image_uris
from sagemaker_lite.amazon.amazon_estimator import get_image_uri
from sagemaker_lite.errors import ConfigurationError, ValidationError
from sagemaker_lite.image_uris import _data

REPO_ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_VERSION = _data.index()["generated_from"]["version"]
OFFICIAL_PYTHON = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "sagemaker_lite"
    / f"official-sdk-{OFFICIAL_VERSION}"
    / "bin"
    / "python"
)

KNOWN: list[tuple[dict[str, Any], str]] = [
    # first-party algorithms, every partition
    ({"framework": "pca", "region": "us-west-2"}, "174872318107.dkr.ecr.us-west-2.amazonaws.com/pca:1"),
    ({"framework": "pca", "region": "cn-north-1"}, "390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/pca:1"),
    ({"framework": "pca", "region": "cn-northwest-1"}, "387376663083.dkr.ecr.cn-northwest-1.amazonaws.com.cn/pca:1"),
    ({"framework": "pca", "region": "us-gov-west-1"}, "226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/pca:1"),
    ({"framework": "pca", "region": "us-iso-east-1"}, "490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/pca:1"),
    ({"framework": "pca", "region": "us-isob-east-1"}, "765400339828.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/pca:1"),
    (
        {"framework": "kmeans", "region": "us-isof-south-1"},
        "124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/kmeans:1",
    ),
    (
        {"framework": "linear-learner", "region": "eu-west-1"},
        "438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1",
    ),
    # xgboost: legacy algorithm image and framework images
    (
        {"framework": "xgboost", "region": "us-west-2", "version": "1"},
        "433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:1",
    ),
    (
        {"framework": "xgboost", "region": "us-gov-west-1", "version": "1"},
        "226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/xgboost:1",
    ),
    (
        {"framework": "xgboost", "region": "us-west-2", "version": "1.7-1"},
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
    ),
    (
        {"framework": "xgboost", "region": "us-west-2", "version": "1.0-1"},
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3",
    ),
    (
        {"framework": "xgboost", "region": "cn-north-1", "version": "1.7-1"},
        "450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1",
    ),
    (
        {
            "framework": "xgboost",
            "region": "us-west-2",
            "version": "1.5-1",
            "instance_type": "ml.m6g.large",
            "image_scope": "inference",
        },
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.5-1-arm64",
    ),
    # debugger rule evaluator
    (
        {"framework": "debugger", "region": "us-west-2"},
        "895741380848.dkr.ecr.us-west-2.amazonaws.com/sagemaker-debugger-rules:latest",
    ),
    (
        {"framework": "debugger", "region": "cn-north-1"},
        "618459771430.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-debugger-rules:latest",
    ),
    # tensorflow
    (
        {
            "framework": "tensorflow",
            "region": "us-east-1",
            "version": "2.11",
            "py_version": "py39",
            "instance_type": "ml.p3.2xlarge",
            "image_scope": "training",
        },
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.11-gpu-py39",
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-gov-west-1",
            "version": "2.14",
            "py_version": "py310",
            "instance_type": "ml.g4dn.xlarge",
            "image_scope": "training",
        },
        "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/tensorflow-training:2.14-gpu-py310",
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.13",
            "instance_type": "ml.c5.xlarge",
            "image_scope": "inference",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.13-cpu",
    ),
    (
        {
            "framework": "tensorflow",
            "region": "cn-north-1",
            "version": "2.13",
            "instance_type": "ml.g5.xlarge",
            "image_scope": "inference",
        },
        "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/tensorflow-inference:2.13-gpu",
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.3",
            "py_version": "py37",
            "instance_type": "ml.p4d.24xlarge",
            "image_scope": "training",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-training:2.3-gpu-py37-cu110-ubuntu18.04-v3",
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.16",
            "instance_type": "ml.c7g.xlarge",
            "image_scope": "inference",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference-graviton:2.16-cpu-py310-ubuntu20.04-sagemaker",
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.3",
            "instance_type": "ml.c5.xlarge",
            "accelerator_type": "ml.eia2.medium",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference-eia:2.3-cpu",
    ),
    # other frameworks
    (
        {
            "framework": "pytorch",
            "region": "us-west-2",
            "version": "2.1",
            "py_version": "py310",
            "instance_type": "ml.g5.xlarge",
            "image_scope": "training",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.1-gpu-py310",
    ),
    (
        {
            "framework": "pytorch",
            "region": "us-west-2",
            "version": "1.6",
            "py_version": "py3",
            "instance_type": "ml.p4d.24xlarge",
            "image_scope": "training",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:1.6-gpu-py3-cu110-ubuntu18.04-v3",
    ),
    (
        {"framework": "sklearn", "region": "us-west-2", "version": "1.2-1"},
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
    ),
    (
        {
            "framework": "sklearn",
            "region": "us-west-2",
            "version": "1.0-1",
            "instance_type": "ml.c7g.xlarge",
            "image_scope": "inference",
        },
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.0-1-arm64-cpu-py3",
    ),
    (
        {
            "framework": "huggingface",
            "region": "us-east-1",
            "version": "4.28",
            "base_framework_version": "pytorch2.0",
            "py_version": "py310",
            "instance_type": "ml.p3.2xlarge",
            "image_scope": "training",
        },
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:"
        "2.0-transformers4.28-gpu-py310-cu118-ubuntu20.04",
    ),
    (
        {
            "framework": "huggingface",
            "region": "us-east-1",
            "version": "4.12",
            "base_framework_version": "pytorch1.9",
            "py_version": "py37",
            "instance_type": "ml.inf1.xlarge",
            "image_scope": "inference",
        },
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference-neuron:"
        "1.9.1-transformers4.12.3-neuron-py37-sdk1.17.1-ubuntu18.04",
    ),
    (
        {
            "framework": "mxnet",
            "region": "us-west-2",
            "version": "1.8",
            "py_version": "py37",
            "instance_type": "ml.p3.2xlarge",
            "image_scope": "training",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/mxnet-training:1.8-gpu-py37",
    ),
    (
        {
            "framework": "sagemaker-tritonserver",
            "region": "us-west-2",
            "version": "24.09",
            "instance_type": "ml.g5.xlarge",
        },
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/sagemaker-tritonserver:24.09-py3",
    ),
    (
        {"framework": "spark", "region": "us-west-2", "version": "3.3", "image_scope": "processing"},
        "153931337802.dkr.ecr.us-west-2.amazonaws.com/sagemaker-spark-processing:3.3-cpu",
    ),
    (
        {"framework": "model-monitor", "region": "eu-central-1"},
        "048819808253.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-model-monitor-analyzer",
    ),
    (
        {"framework": "huggingface-llm", "region": "us-west-2", "version": "2.0"},
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-tgi-inference:"
        "2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04-v2.2",
    ),
    (
        {"framework": "djl-lmi", "region": "us-west-2", "version": "0.29.0"},
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124",
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), KNOWN, ids=[f"{k['framework']}-{k['region']}" for k, _ in KNOWN])
def test_known_uris(kwargs: dict[str, Any], expected: str) -> None:
    assert image_uris.retrieve(**kwargs) == expected


def test_local_instance_types_pick_cpu_and_gpu() -> None:
    common = {
        "framework": "pytorch",
        "region": "us-west-2",
        "version": "2.1",
        "py_version": "py310",
        "image_scope": "inference",
    }
    assert image_uris.retrieve(**common, instance_type="local").endswith(":2.1-cpu-py310")
    assert image_uris.retrieve(**common, instance_type="local_gpu").endswith(":2.1-gpu-py310")


def test_version_aliases_and_defaults() -> None:
    # "latest" is an alias of the legacy xgboost image; the tag keeps the name asked for.
    assert image_uris.retrieve("xgboost", "us-west-2", "latest").endswith("/xgboost:latest")
    # single-version algorithms accept any version, like the official SDK
    assert image_uris.retrieve("pca", "us-west-2", "latest").endswith("/pca:1")
    # no version: the newest one listed for the scope
    tf = image_uris.retrieve("tensorflow", "us-west-2", image_scope="inference", instance_type="ml.c5.xlarge")
    assert tf.endswith("tensorflow-inference:2.19.0-cpu")


def test_region_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert image_uris.retrieve("pca") == "438346466558.dkr.ecr.eu-west-1.amazonaws.com/pca:1"
    monkeypatch.setenv("AWS_REGION", "cn-north-1")
    assert image_uris.retrieve("pca").endswith(".amazonaws.com.cn/pca:1")


def test_no_region_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(ConfigurationError) as info:
        image_uris.retrieve("pca")
    assert info.value.parameter == "region"
    assert isinstance(info.value, ValidationError)


# ----------------------------------------------------------------------------- bad input

BAD: list[tuple[dict[str, Any], str, list[str]]] = [
    ({"framework": "no-such-algo", "region": "us-west-2"}, "framework", ["'pca'", "'xgboost'", "'tensorflow'"]),
    ({"framework": "pca", "region": "mars-east-1"}, "region", ["mars-east-1", "'us-west-2'", "'cn-north-1'"]),
    ({"framework": "xgboost", "region": "us-west-2", "version": "9.9-9"}, "version", ["'1.7-1'", "'1'", "'latest'"]),
    (
        {"framework": "tensorflow", "region": "us-west-2", "version": "2.11", "image_scope": "deploy"},
        "image_scope",
        ["'training'", "'inference'", "'eia'"],
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.11",
            "image_scope": "training",
            "instance_type": "ml.c5.xlarge",
            "py_version": "py27",
        },
        "py_version",
        ["'py39'"],
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.11",
            "image_scope": "training",
            "py_version": "py39",
            "instance_type": "p3.2xlarge",
        },
        "instance_type",
        ["ml.<family>.<size>"],
    ),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.11",
            "image_scope": "training",
            "py_version": "py39",
        },
        "instance_type",
        ["cpu, gpu"],
    ),
    (
        {"framework": "sklearn", "region": "us-west-2", "version": "1.2-1", "instance_type": "ml.inf1.xlarge"},
        "instance_type",
        ["cpu"],
    ),
    ({"framework": "kmeans", "region": "us-west-2", "instance_type": "ml.c7g.xlarge"}, "instance_type", ["Graviton"]),
    (
        {
            "framework": "tensorflow",
            "region": "us-west-2",
            "version": "2.11",
            "py_version": "py39",
            "instance_type": "ml.trn1.2xlarge",
            "image_scope": "training",
        },
        "instance_type",
        ["Trainium"],
    ),
    (
        {
            "framework": "pytorch",
            "region": "us-west-2",
            "version": "2.0",
            "py_version": "py310",
            "instance_type": "ml.p2.xlarge",
            "image_scope": "training",
        },
        "instance_type",
        ["p2"],
    ),
    (
        {"framework": "tensorflow", "region": "us-west-2", "version": "2.3", "accelerator_type": "eia2"},
        "accelerator_type",
        ["ml.eia2.medium"],
    ),
    ({"framework": "pca", "region": "us-west-2", "container_version": "cu118"}, "container_version", []),
    (
        {
            "framework": "huggingface",
            "region": "us-west-2",
            "version": "4.28",
            "image_scope": "training",
            "instance_type": "ml.p3.2xlarge",
        },
        "base_framework_version",
        ["'pytorch2.0'"],
    ),
    ({"framework": "huggingface-neuron", "region": "us-west-2"}, "framework", ["huggingface"]),
    ({"framework": "pca", "region": "us-west-2", "model_id": "some-jumpstart-model"}, "model_id", ["JumpStart"]),
]


@pytest.mark.parametrize(("kwargs", "parameter", "listed"), BAD, ids=[f"{p}-{k['framework']}" for k, p, _ in BAD])
def test_bad_input_names_what_exists(kwargs: dict[str, Any], parameter: str, listed: list[str]) -> None:
    with pytest.raises(ValidationError) as info:
        image_uris.retrieve(**kwargs)
    assert info.value.parameter == parameter
    message = str(info.value)
    for text in listed:
        assert text in message, message


def test_region_error_lists_only_regions_with_the_image() -> None:
    with pytest.raises(ValidationError) as info:
        image_uris.retrieve("djl-lmi", "us-iso-east-1", "0.29.0")
    assert "'us-east-1'" in info.value.allowed and "'us-iso-east-1'" not in info.value.allowed


def test_listing_helpers() -> None:
    assert {"pca", "xgboost", "tensorflow", "debugger"} <= set(image_uris.frameworks())
    assert "huggingface-neuron" not in image_uris.frameworks()
    assert {"1", "1.7-1", "latest"} <= set(image_uris.versions("xgboost"))
    with pytest.raises(ValidationError):
        image_uris.versions("nope")


# ----------------------------------------------------------------------------- v1


def test_get_image_uri_warns_and_matches_v2() -> None:
    with pytest.warns(DeprecationWarning, match=r"sagemaker_lite\.image_uris\.retrieve\(") as record:
        uri = get_image_uri("us-west-2", "pca")
    assert uri == "174872318107.dkr.ecr.us-west-2.amazonaws.com/pca:1"
    assert record[0].filename == __file__  # the warning points at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert get_image_uri("us-west-2", "pca", "latest").endswith("/pca:1")
        assert get_image_uri("us-west-2", "xgboost") == "433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:1"
        assert get_image_uri("us-west-2", "xgboost", "latest").endswith("/xgboost:latest")
        assert get_image_uri("us-west-2", "xgboost", "0.90-1") == (
            "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:0.90-1-cpu-py3"
        )
        fm = get_image_uri("cn-north-1", "factorization-machines")
        assert fm.endswith(".amazonaws.com.cn/factorization-machines:1")


# ----------------------------------------------------------------------------- cost


def test_import_reads_nothing_and_skips_boto() -> None:
    code = (
        "import sys; import sagemaker_lite.image_uris as m; from sagemaker_lite.image_uris import _data; "
        "assert 'botocore' not in sys.modules and 'boto3' not in sys.modules, 'boto imported'; "
        "assert _data.index.cache_info().currsize == 0, 'data read at import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


def test_lookup_time_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    calls = [
        lambda: image_uris.retrieve("pca", "us-west-2"),
        lambda: image_uris.retrieve(
            "tensorflow", "us-west-2", "2.11", py_version="py39", instance_type="ml.p3.2xlarge", image_scope="training"
        ),
    ]
    for call in calls:
        call()  # first call loads the data files
        n = 2000
        start = time.perf_counter()
        for _ in range(n):
            call()
        per_call_ms = (time.perf_counter() - start) / n * 1000
        with capsys.disabled():
            print(f"\nimage_uris.retrieve after warm-up: {per_call_ms:.4f} ms/call")


# ----------------------------------------------------------------------------- official parity


@pytest.mark.official
def test_shipped_data_matches_official_package() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "sync_image_uris.py"), "--check", "--version", OFFICIAL_VERSION],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.official
def test_agrees_with_official_sdk(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    result = subprocess.run(
        [str(OFFICIAL_PYTHON), str(REPO_ROOT / "tools" / "compare_image_uris.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    summary = json.loads(out.read_text())
    print(f"\ncompared {summary['retrieve_calls']} retrieve calls: {summary['retrieve']}")
    print(f"compared get_image_uri: {summary['get_image_uri']}")
    assert summary["retrieve"].get("mismatch", 0) == 0
    assert summary["retrieve"]["match"] > 10_000
