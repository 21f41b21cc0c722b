"""The fault scenarios, shared by the fast (default CI) and slow variants.

``run_fits``: script-mode TensorFlow fits through the proxy, each with numbered log lines put into
moto's CloudWatch Logs beforehand; checks every printed log line once, in order, per fit.
``check_training_outcome``: exactly one training job per fit (moto's ListTrainingJobs and the
proxy's forwarded-create counts) and exactly one content-addressed code archive per distinct source.
``run_deploy_cycles``: TensorFlowModel (with inference code, so the artifact is repacked through
S3) deploy -> predict -> delete; ``hosting_state`` must be empty afterwards.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.fault_proxy import FaultProxy
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.code import pack_source
from sagemaker_lite.retries import RetryPolicy
from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
LOG_GROUP = "/aws/sagemaker/TrainingJobs"
DEFAULT_BUCKET = "sagemaker-us-west-2-123456789012"
MODEL_BUCKET = "models-bucket"
MODEL_KEY = "trained/model.tar.gz"
#: polls at once and then every few ms: moto's jobs and endpoints are done immediately
FAST_POLLING = PollingPolicy(initial=0.0, maximum=0.02, multiplier=2.0, jitter=0.0)
#: the clients' read timeout: a "slow" fault holds the response longer than this
READ_TIMEOUT = 1.0
INVOKE_READ_TIMEOUT = 10.0


def proxied_session(moto: MotoHandle, proxy: FaultProxy, *, read_timeout: float = READ_TIMEOUT) -> Session:
    """A Session whose every client goes through the proxy, with short timeouts and fast polling.

    InvokeEndpoint keeps a roomier read timeout (``INVOKE_READ_TIMEOUT``): it is never re-sent after
    a read timeout, so a moto slowed by a loaded machine must not fail a deploy cycle.
    """
    policy = RetryPolicy(connect_timeout=2.0, read_timeout=read_timeout, invoke_read_timeout=INVOKE_READ_TIMEOUT)
    return Session(boto_session=moto.boto_session(), endpoint_url=proxy.url, polling=FAST_POLLING, retry_policy=policy)


def make_sources(root: Path, count: int) -> list[Path]:
    """``count`` distinct tiny source dirs (entry point, a helper package, requirements.txt)."""
    sources = []
    for index in range(count):
        src = root / f"src{index}"
        (src / "helper").mkdir(parents=True)
        (src / "train.py").write_text(f"import helper\nprint('training variant {index}', helper.VALUE)\n")
        (src / "helper" / "__init__.py").write_text(f"VALUE = {index}\n")
        (src / "requirements.txt").write_text("numpy\n")
        sources.append(src)
    return sources


def source_digest(source: Path, scratch: Path) -> str:
    """The sha256 the SDK's deterministic packer gives this source (what names its cached copy)."""
    return pack_source("train.py", source, output_dir=scratch / f"digest-{source.name}").sha256


def log_lines(job: str, count: int) -> list[str]:
    return [f"{job} line {number:04d}" for number in range(1, count + 1)]


def seed_logs(logs: Any, job: str, count: int) -> None:
    """Put ``count`` numbered lines into the job's algo-1 stream, straight into moto."""
    stream = f"{job}/algo-1-{int(time.time())}"
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
    base = int(time.time() * 1000)
    events = [{"timestamp": base + i, "message": line} for i, line in enumerate(log_lines(job, count))]
    logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=events)


def run_fits(
    session: Session,
    moto: MotoHandle,
    proxy: FaultProxy,
    sources: list[Path],
    fits: int,
    read_output: Callable[[], str],
    *,
    prefix: str = "tf-fault",
    lines: int = 12,
) -> list[str]:
    """``fits`` sequential fits (sources round-robin); returns the job names. Fails loudly, with context."""
    logs = moto.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    jobs = []
    for index in range(fits):
        job = f"{prefix}-{index:03d}"
        seed_logs(logs, job, lines)
        estimator = TensorFlow(
            entry_point="train.py",
            source_dir=str(sources[index % len(sources)]),
            framework_version="2.13",
            py_version="py310",
            role=ROLE,
            instance_count=1,
            instance_type="ml.m5.large",
            hyperparameters={"epochs": index, "variant": index % len(sources)},
            sagemaker_session=session,
        )
        read_output()
        try:
            estimator.fit("s3://in-bucket/train", job_name=job, logs="All")
        except Exception as exc:
            raise AssertionError(
                f"fit #{index} ({job}) failed under faults; proxy faults so far: {dict(proxy.faults)}, "
                f"duplicates refused: {dict(proxy.duplicates)}"
            ) from exc
        printed = [line for line in read_output().splitlines() if line.startswith(f"{job} line ")]
        assert printed == log_lines(job, lines), f"{job}: printed log lines differ (gap, duplicate or order)"
        jobs.append(job)
    return jobs


def list_training_jobs(moto: MotoHandle) -> list[str]:
    client = moto.client("sagemaker")
    names: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 100}
    while True:
        page = client.list_training_jobs(**kwargs)
        names.extend(summary["TrainingJobName"] for summary in page["TrainingJobSummaries"])
        if not page.get("NextToken"):
            return names
        kwargs["NextToken"] = page["NextToken"]


def cached_archives(moto: MotoHandle) -> list[str]:
    s3 = moto.client("s3")
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=DEFAULT_BUCKET, Prefix=".sagemaker-lite/"):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return sorted(keys)


def check_training_outcome(
    moto: MotoHandle, proxy: FaultProxy, jobs: list[str], sources: list[Path], scratch: Path
) -> None:
    listed = list_training_jobs(moto)
    assert sorted(listed) == sorted(jobs), "moto holds other training jobs than one per fit"
    assert len(listed) == len(set(listed))
    assert {name: proxy.forwarded_creates[name] for name in jobs} == dict.fromkeys(jobs, 1), (
        "some CreateTrainingJob reached the service more than once"
    )
    used = sources[: min(len(sources), len(jobs))]
    expected = sorted(f".sagemaker-lite/sourcedir-{source_digest(source, scratch)}.tar.gz" for source in used)
    assert cached_archives(moto) == expected
    s3 = moto.client("s3")
    digests = {source_digest(source, scratch) for source in used}
    for job in jobs:  # every job's own copy exists, with one of the sources' digests
        head = s3.head_object(Bucket=DEFAULT_BUCKET, Key=f"{job}/source/sourcedir.tar.gz")
        assert head["Metadata"].get("sha256") in digests, job


def upload_model(moto: MotoHandle) -> str:
    """A SavedModel-shaped model.tar.gz in moto's S3 (straight, not through the proxy)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("1/saved_model.pb", b"graph"), ("1/variables/variables.index", b"index")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=MODEL_BUCKET, CreateBucketConfiguration={"LocationConstraint": moto.region})
    s3.put_object(Bucket=MODEL_BUCKET, Key=MODEL_KEY, Body=buffer.getvalue())
    return f"s3://{MODEL_BUCKET}/{MODEL_KEY}"


def make_serving_code(root: Path) -> Path:
    serve = root / "serve"
    serve.mkdir()
    (serve / "inference.py").write_text("def input_handler(data, context):\n    return data.read()\n")
    (serve / "requirements.txt").write_text("pillow\n")
    return serve


def hosting_state(moto: MotoHandle) -> dict[str, list[str]]:
    sm = moto.client("sagemaker")
    return {
        "models": [m["ModelName"] for m in sm.list_models(MaxResults=100)["Models"]],
        "configs": [c["EndpointConfigName"] for c in sm.list_endpoint_configs(MaxResults=100)["EndpointConfigs"]],
        "endpoints": [e["EndpointName"] for e in sm.list_endpoints(MaxResults=100)["Endpoints"]],
    }


def run_deploy_cycles(session: Session, moto: MotoHandle, proxy: FaultProxy, serve: Path, cycles: int) -> None:
    model_data = upload_model(moto)
    for index in range(cycles):
        model = TensorFlowModel(
            model_data=model_data,
            role=ROLE,
            framework_version="2.18",
            entry_point="inference.py",
            source_dir=str(serve),
            sagemaker_session=session,
        )
        expected = {"predictions": [[float(index)]]}
        try:
            predictor = model.deploy(1, "ml.m5.large")
            moto.queue_invoke_endpoint_results([json.dumps(expected)])
            answer = predictor.predict({"instances": [[index]]})
            predictor.delete_endpoint()
            predictor.delete_model()
        except Exception as exc:
            raise AssertionError(
                f"deploy cycle #{index} failed under faults; proxy faults so far: {dict(proxy.faults)}, "
                f"duplicates refused: {dict(proxy.duplicates)}"
            ) from exc
        assert answer == expected, index
        assert hosting_state(moto) == {"models": [], "configs": [], "endpoints": []}, f"cycle #{index} left resources"
        repacked = moto.client("s3").get_object(Bucket=DEFAULT_BUCKET, Key=f"{model.name}/model.tar.gz")["Body"].read()
        with tarfile.open(fileobj=io.BytesIO(repacked), mode="r:gz") as tar:
            names = tar.getnames()
        assert "code/inference.py" in names and "1/saved_model.pb" in names, names
