"""The official SDK's captured requests (tests/data/official/) and the doubles the parity tests replay them on.

Shared by the parity tests (training, TensorFlow, Debugger, tuner, transformer, frameworks,
hosting): case tables, ``build_input``/``resolve`` (our objects from a case's JSON spec), the
recording double a case runs against (``fake_aws``, ``with_uploads``), and the official calls
with the differences docs/compatibility.md documents applied (``expected_from_official``).
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

from sagemaker_lite import Session
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput

from .aws_double import RecordingAWS, ServiceError

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official"
#: the training/hosting cases (cases.json), by name
CASES: dict[str, Any] = {case["name"]: case for case in json.loads((OFFICIAL / "cases.json").read_text())}
#: the tuner and transformer cases (tuning_cases.json), by name
TUNING_CASES: dict[str, Any] = {case["name"]: case for case in json.loads((OFFICIAL / "tuning_cases.json").read_text())}
ACCOUNT = "123456789012"
#: git-ignored junk a real source dir has (written into src/ before a case runs)
JUNK = {"__pycache__/x.pyc": b"junk", ".ipynb_checkpoints/train-checkpoint.py": b"# junk\n"}
EXCLUDED_BY_DEFAULT = ("__pycache__", ".ipynb_checkpoints")


def prepare_fixture_dir() -> Path:
    """Write the junk files into OFFICIAL/src and return OFFICIAL (cases' relative paths start there)."""
    for name, body in JUNK.items():
        path = OFFICIAL / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return OFFICIAL


def build_input(spec: Any) -> Any:
    if isinstance(spec, dict) and "__type__" in spec:
        kwargs = {k: build_input(v) for k, v in spec.items() if k != "__type__"}
        return {"TrainingInput": TrainingInput, "FileSystemInput": FileSystemInput, "ShuffleConfig": ShuffleConfig}[
            spec["__type__"]
        ](**kwargs)
    if isinstance(spec, dict):
        return {k: build_input(v) for k, v in spec.items()}
    return spec


def fake_aws(bucket_exists: bool = True) -> RecordingAWS:
    """STS, the default bucket and CreateTrainingJob, answered in-process (botocore validates each call)."""
    buckets = {"in-bucket", "out-bucket"} | ({f"sagemaker-us-west-2-{ACCOUNT}"} if bucket_exists else set())

    def head_bucket(params: dict[str, Any]) -> dict[str, Any]:
        if params["Bucket"] not in buckets:
            raise ServiceError("404", "Not Found", 404)
        return {}

    def create_bucket(params: dict[str, Any]) -> dict[str, Any]:
        if params["Bucket"] in buckets:
            raise ServiceError("BucketAlreadyOwnedByYou", "owned", 409)
        buckets.add(params["Bucket"])
        return {"Location": "/" + params["Bucket"]}

    return RecordingAWS(
        {
            "sts.GetCallerIdentity": lambda p: {
                "Account": ACCOUNT,
                "UserId": "AROAEXAMPLE:me",
                "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerRole/me",
            },
            "s3.HeadBucket": head_bucket,
            "s3.CreateBucket": create_bucket,
            "sagemaker.CreateTrainingJob": lambda p: {
                "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/{p['TrainingJobName']}"
            },
        }
    )


def with_uploads(aws: RecordingAWS) -> dict[str, bytes]:
    """S3 PutObject/HeadObject/CopyObject handlers on ``aws``; returns the objects, by "bucket/key"."""
    objects: dict[str, bytes] = {}

    def put(params: dict[str, Any]) -> dict[str, Any]:
        body = params["Body"]
        objects[f"{params['Bucket']}/{params['Key']}"] = body.read() if hasattr(body, "read") else body
        return {"ETag": '"etag"'}

    def head(params: dict[str, Any]) -> dict[str, Any]:
        key = f"{params['Bucket']}/{params['Key']}"
        if key not in objects:
            raise ServiceError("404", "Not Found", 404)
        return {"ContentLength": len(objects[key]), "Metadata": {}}

    def copy(params: dict[str, Any]) -> dict[str, Any]:
        source = params["CopySource"]
        key = source if isinstance(source, str) else f"{source['Bucket']}/{source['Key']}"
        objects[f"{params['Bucket']}/{params['Key']}"] = objects[key.lstrip("/")]
        return {"CopyObjectResult": {"ETag": '"etag"'}}

    aws.handlers.update({"s3.PutObject": put, "s3.HeadObject": head, "s3.CopyObject": copy})
    return objects


def members(archive: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return sorted(m.name for m in tar.getmembers() if m.isfile())


# --- hosting captures ----------------------------------------------------------------------------


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((OFFICIAL / f"{name}.json").read_text()))


def official_calls(name: str, step: str) -> list[dict[str, Any]]:
    data = fixture(name)
    for item in data["steps"]:
        if item["step"] == step:
            return list(data["calls"][item["first_call"] : item["end_call"]])
    raise AssertionError(f"{name} has no step {step}")


def sagemaker_params(calls: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(c["operation"], c["params"]) for c in calls if c["service"] == "sagemaker"]


def expected_from_official(calls: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The official SageMaker calls with the documented differences applied."""
    expected = []
    for operation, params in sagemaker_params(calls):
        params = json.loads(json.dumps(params))
        if operation == "CreateEndpoint" and params.get("Tags") == []:
            params.pop("Tags")
        expected.append((operation, params))
    return expected


# --- tuner and transformer cases ------------------------------------------------------------------


def resolve(spec: Any) -> Any:
    """Our tuner objects (parameter ranges, warm start, strategy configs) from a case's JSON spec."""
    from sagemaker_lite.tuner import (
        CategoricalParameter,
        ContinuousParameter,
        HyperbandStrategyConfig,
        IntegerParameter,
        StrategyConfig,
        TuningJobCompletionCriteriaConfig,
        WarmStartConfig,
        WarmStartTypes,
    )

    types: dict[str, Any] = {
        "ContinuousParameter": ContinuousParameter,
        "IntegerParameter": IntegerParameter,
        "CategoricalParameter": CategoricalParameter,
        "WarmStartConfig": WarmStartConfig,
        "StrategyConfig": StrategyConfig,
        "HyperbandStrategyConfig": HyperbandStrategyConfig,
        "TuningJobCompletionCriteriaConfig": TuningJobCompletionCriteriaConfig,
    }
    if isinstance(spec, dict) and "__enum__" in spec:
        return getattr(WarmStartTypes, spec["__enum__"].split(".")[1])
    if isinstance(spec, dict) and spec.get("__type__") in types:
        kwargs = {k: resolve(v) for k, v in spec.items() if k not in ("__type__", "__args__")}
        return types[spec["__type__"]](*[resolve(a) for a in spec.get("__args__", [])], **kwargs)
    if isinstance(spec, dict) and "__type__" in spec:
        return build_input(spec)
    if isinstance(spec, dict):
        return {k: resolve(v) for k, v in spec.items()}
    return spec


def make_estimator(spec: dict[str, Any], session: Session) -> Any:
    """The Estimator or TensorFlow estimator of a tuner/transformer case."""
    from sagemaker_lite.tensorflow import TensorFlow

    cls = {"Estimator": Estimator, "TensorFlow": TensorFlow}[spec["class"]]
    estimator = cls(sagemaker_session=session, **spec["kwargs"])
    if spec.get("hyperparameters"):
        estimator.set_hyperparameters(**spec["hyperparameters"])
    return estimator
