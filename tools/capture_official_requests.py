"""Capture the AWS API calls the official SageMaker Python SDK v2 makes, as JSON fixtures.

Why: ``sagemaker_lite`` must send exactly the requests the official SDK sends for the same
user inputs. Rather than trusting documentation, we run the real SDK (``sagemaker==2.257.7``,
installed in a side venv, see ``benchmarks/sidevenv.py``) against an in-process fake AWS and
record every call it makes. The tests replay ``sagemaker_lite`` against the fixtures.

Nothing leaves the machine: every botocore call is short-circuited in the ``before-call``
event with a fake successful response, socket connects are refused, the SDK's telemetry HTTP
GET is stubbed, and ``time.sleep`` in SDK code is recorded instead of slept.

Run with the side venv's interpreter::

    $(python benchmarks/sidevenv.py) tools/capture_official_requests.py [--only NAME ...]

Each case runs twice, each time in a fresh subprocess (so every run is a "first use" of the
SDK, e.g. the default-bucket lookup is not cached). Values that differ between the two runs
(timestamps, tarball digests) are listed as JSON pointers under ``"volatile"``.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import copy
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from capture_tuning_cases import TUNING_CLASSES  # noqa: E402
from capture_tuning_cases import run as run_tuning_case  # noqa: E402

DATA_DIR = REPO_ROOT / "tests" / "data" / "official"
CASES_FILE = DATA_DIR / "cases.json"
#: Further case files captured when ``--cases`` is not given. Debugger cases live apart because
#: the generic replay tests build every case of cases.json with plain JSON kwargs.
EXTRA_CASES_FILES = [
    DATA_DIR / "debugger_cases.json",
    DATA_DIR / "processing_cases.json",
    DATA_DIR / "framework_cases.json",
    DATA_DIR / "tuning_cases.json",
]

REGION = "us-west-2"
ACCOUNT = "123456789012"
CALLER_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerRole/capture-session"
DEFAULT_BUCKET = f"sagemaker-{REGION}-{ACCOUNT}"
FIXED_TIME = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
SDK_PIN = "2.257.7"

# Files that a real user's source dir typically carries but git (.gitignore) will not keep.
# They are (re)created before every capture so the fixture shows what the SDK does with them.
JUNK_FILES: dict[str, bytes] = {
    "src/__pycache__/x.pyc": b"\x00junk bytecode\n",
    "src/.ipynb_checkpoints/train-checkpoint.py": b"# stale notebook checkpoint\n",
}


def ensure_junk_files(base: Path = DATA_DIR) -> None:
    """Create the git-ignored junk files under the case sources (the lead's replay test needs them too)."""
    for rel, content in JUNK_FILES.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(content)


# --------------------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------------------


def _summarize_body(data: bytes) -> dict[str, Any]:
    """Make an upload body text: tarballs as member lists, other payloads as text or digest."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            return {"tar_members": sorted(tar.getnames()), "sha256": digest}
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile):
        pass
    try:
        return {"text": data.decode("utf-8"), "sha256": digest}
    except UnicodeDecodeError:
        return {"size": len(data), "sha256": digest}


def _read_body(body: Any) -> bytes:
    """Read an upload body without consuming it (the SDK or s3transfer may still use it)."""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        pos = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if pos is not None and hasattr(body, "seek"):
            body.seek(pos)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    return repr(body).encode("utf-8")


def jsonable(value: Any) -> Any:
    """Convert SDK request values to JSON, keeping dict order (the order the SDK built them in)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, bytes | bytearray):
        try:
            return {"__bytes_utf8__": bytes(value).decode("utf-8")}
        except UnicodeDecodeError:
            return {"__bytes_b64__": base64.b64encode(bytes(value)).decode("ascii")}
    return {"__repr__": repr(value)}


def json_diff(a: Any, b: Any, pointer: str = "") -> list[str]:
    """Return JSON pointers (RFC 6901) of the places where two JSON values differ."""
    if type(a) is not type(b):
        return [pointer]
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            return [pointer]
        out: list[str] = []
        for key in a:
            esc = key.replace("~", "~0").replace("/", "~1")
            out += json_diff(a[key], b[key], f"{pointer}/{esc}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [pointer]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += json_diff(x, y, f"{pointer}/{i}")
        return out
    return [] if a == b else [pointer]


# --------------------------------------------------------------------------------------
# Fake AWS
# --------------------------------------------------------------------------------------


class FakeAWSError(Exception):
    """Raised inside the fake to return an AWS error response (status + Error dict)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _fake_model_tarball() -> bytes:
    """A tiny deterministic model.tar.gz, served for model artifacts the SDK downloads (repack)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        payload = b"fake saved model\n"
        info = tarfile.TarInfo("1/saved_model.pb")
        info.size = len(payload)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(payload))
    return gzip.compress(raw.getvalue(), mtime=0)


class FakeAWS:
    """Stateful stand-in for the few AWS operations the SDK uses, so its follow-up calls work.

    State matters: deploy describes the training job that fit created, predictor deletion
    describes the endpoint config deploy created, and so on.
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.bucket_exists: bool = options.get("bucket_exists", True)
        self.objects: dict[tuple[str, str], bytes] = {}
        self.training_jobs: dict[str, dict[str, Any]] = {}
        self.processing_jobs: dict[str, dict[str, Any]] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.endpoint_configs: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.unhandled: list[str] = []
        self.invoke_response: Any = options.get("invoke_response", {"predictions": [[3.0]]})
        for ep in options.get("endpoints", []):
            name, cfg, model = ep["EndpointName"], ep["EndpointConfigName"], ep["ModelName"]
            self.models[model] = {"ModelName": model}
            self.endpoint_configs[cfg] = {
                "EndpointConfigName": cfg,
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "ModelName": model,
                        "InitialInstanceCount": 1,
                        "InstanceType": "ml.m5.xlarge",
                    }
                ],
            }
            self.endpoints[name] = {"EndpointName": name, "EndpointConfigName": cfg}

    # -- helpers ------------------------------------------------------------------------
    @staticmethod
    def _arn(kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{name.lower()}"

    def _buckets(self) -> list[dict[str, Any]]:
        names = ["in-bucket", "out-bucket"] + ([DEFAULT_BUCKET] if self.bucket_exists else [])
        return [{"Name": n, "CreationDate": FIXED_TIME} for n in names]

    def _object(self, bucket: str, key: str) -> bytes:
        if (bucket, key) in self.objects:
            return self.objects[(bucket, key)]
        if key.endswith(".tar.gz"):
            return _fake_model_tarball()
        raise FakeAWSError(404, "NoSuchKey", "The specified key does not exist.")

    # -- dispatcher ---------------------------------------------------------------------
    def respond(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Return the parsed response for one call, or raise FakeAWSError."""
        handler = getattr(self, f"_{service.replace('-', '_')}_{operation}", None)
        if handler is None:
            self.unhandled.append(f"{service}.{operation}")
            return {}
        return handler(params)

    # -- STS ----------------------------------------------------------------------------
    def _sts_GetCallerIdentity(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"UserId": "AROAFAKEFAKEFAKEFAKE:capture-session", "Account": ACCOUNT, "Arn": CALLER_ARN}

    # -- S3 -----------------------------------------------------------------------------
    def _s3_ListBuckets(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Buckets": self._buckets(), "Owner": {"DisplayName": "capture", "ID": "f" * 64}}

    def _s3_HeadBucket(self, params: dict[str, Any]) -> dict[str, Any]:
        if params["Bucket"] == DEFAULT_BUCKET and not self.bucket_exists:
            raise FakeAWSError(404, "404", "Not Found")
        return {"BucketRegion": REGION}

    def _s3_CreateBucket(self, params: dict[str, Any]) -> dict[str, Any]:
        if params["Bucket"] == DEFAULT_BUCKET:
            self.bucket_exists = True
        return {"Location": f"http://{params['Bucket']}.s3.amazonaws.com/"}

    def _s3_ListObjectsV2(self, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("Prefix", "")
        contents = [
            {"Key": k, "Size": len(v), "LastModified": FIXED_TIME, "ETag": '"x"'}
            for (b, k), v in self.objects.items()
            if b == params["Bucket"] and k.startswith(prefix)
        ]
        return {"IsTruncated": False, "Contents": contents, "KeyCount": len(contents), "Name": params["Bucket"]}

    def _s3_PutObject(self, params: dict[str, Any]) -> dict[str, Any]:
        data = _read_body(params.get("Body", b""))
        self.objects[(params["Bucket"], params["Key"])] = data
        return {"ETag": f'"{hashlib.md5(data).hexdigest()}"'}

    def _s3_CreateMultipartUpload(self, params: dict[str, Any]) -> dict[str, Any]:
        self.objects[(params["Bucket"], params["Key"])] = b""
        return {"Bucket": params["Bucket"], "Key": params["Key"], "UploadId": "fake-upload-id"}

    def _s3_UploadPart(self, params: dict[str, Any]) -> dict[str, Any]:
        data = _read_body(params.get("Body", b""))
        self.objects[(params["Bucket"], params["Key"])] += data
        return {"ETag": f'"{hashlib.md5(data).hexdigest()}"'}

    def _s3_CompleteMultipartUpload(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Bucket": params["Bucket"], "Key": params["Key"], "ETag": '"fake-multipart"'}

    def _s3_HeadObject(self, params: dict[str, Any]) -> dict[str, Any]:
        data = self._object(params["Bucket"], params["Key"])
        return {
            "ContentLength": len(data),
            "ETag": '"fake"',
            "LastModified": FIXED_TIME,
            "ContentType": "application/x-tar",
        }

    def _s3_GetObject(self, params: dict[str, Any]) -> dict[str, Any]:
        from botocore.response import StreamingBody

        data = self._object(params["Bucket"], params["Key"])
        rng = params.get("Range")
        if rng and rng.startswith("bytes="):
            start_s, _, end_s = rng[6:].partition("-")
            data = data[int(start_s) : (int(end_s) + 1 if end_s else None)]
        return {
            "Body": StreamingBody(io.BytesIO(data), len(data)),
            "ContentLength": len(data),
            "ETag": '"fake"',
            "LastModified": FIXED_TIME,
            "ContentType": "application/x-tar",
        }

    # -- SageMaker: training ------------------------------------------------------------
    def _sagemaker_CreateTrainingJob(self, params: dict[str, Any]) -> dict[str, Any]:
        self.training_jobs[params["TrainingJobName"]] = copy.deepcopy(params)
        return {"TrainingJobArn": self._arn("training-job", params["TrainingJobName"])}

    def _sagemaker_DescribeTrainingJob(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["TrainingJobName"]
        req = self.training_jobs.get(name)
        if req is None:
            raise FakeAWSError(400, "ValidationException", f"Requested resource not found: {name}")
        output = req["OutputDataConfig"]["S3OutputPath"].rstrip("/")
        start = FIXED_TIME + dt.timedelta(minutes=2)
        end = start + dt.timedelta(minutes=10)
        desc = {
            "TrainingJobName": name,
            "TrainingJobArn": self._arn("training-job", name),
            "ModelArtifacts": {"S3ModelArtifacts": f"{output}/{name}/output/model.tar.gz"},
            "TrainingJobStatus": "Completed",
            "SecondaryStatus": "Completed",
        }
        for key, value in req.items():
            if key not in ("Tags", "ExperimentConfig", "TrainingJobName"):
                desc[key] = copy.deepcopy(value)
        desc["OutputDataConfig"].setdefault("KmsKeyId", "")  # DescribeTrainingJob always has it
        desc.update(
            {
                "CreationTime": FIXED_TIME,
                "TrainingStartTime": start,
                "TrainingEndTime": end,
                "LastModifiedTime": end,
                "SecondaryStatusTransitions": [
                    {"Status": s, "StartTime": start, "EndTime": end, "StatusMessage": s}
                    for s in ("Starting", "Downloading", "Training", "Uploading", "Completed")
                ],
                "TrainingTimeInSeconds": 600,
                "BillableTimeInSeconds": 600,
            }
        )
        desc.setdefault("EnableNetworkIsolation", False)
        desc.setdefault("EnableInterContainerTrafficEncryption", False)
        desc.setdefault("EnableManagedSpotTraining", False)
        return desc

    # -- SageMaker: processing ----------------------------------------------------------
    def _sagemaker_CreateProcessingJob(self, params: dict[str, Any]) -> dict[str, Any]:
        self.processing_jobs[params["ProcessingJobName"]] = copy.deepcopy(params)
        return {"ProcessingJobArn": self._arn("processing-job", params["ProcessingJobName"])}

    def _sagemaker_DescribeProcessingJob(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["ProcessingJobName"]
        req = self.processing_jobs.get(name)
        if req is None:
            raise FakeAWSError(400, "ValidationException", f"Could not find requested job with name {name}")
        desc = {k: copy.deepcopy(v) for k, v in req.items() if k != "Tags"}
        desc.update(
            {
                "ProcessingJobArn": self._arn("processing-job", name),
                "ProcessingJobStatus": "Completed",
                "CreationTime": FIXED_TIME,
                "ProcessingStartTime": FIXED_TIME,
                "ProcessingEndTime": FIXED_TIME + dt.timedelta(minutes=5),
                "LastModifiedTime": FIXED_TIME + dt.timedelta(minutes=5),
            }
        )
        return desc

    # -- SageMaker: tuning and transform -------------------------------------------------
    def _sagemaker_CreateHyperParameterTuningJob(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["HyperParameterTuningJobName"]
        return {"HyperParameterTuningJobArn": self._arn("hyper-parameter-tuning-job", name)}

    def _sagemaker_CreateTransformJob(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"TransformJobArn": self._arn("transform-job", params["TransformJobName"])}

    # -- SageMaker: hosting -------------------------------------------------------------
    def _logs_DescribeLogStreams(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"logStreams": []}  # a finished job whose logs were not asked for

    def _sagemaker_ListTags(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["ResourceArn"].rsplit("/", 1)[-1]
        job = self.training_jobs.get(name) or {}
        return {"Tags": copy.deepcopy(job.get("Tags", []))}

    def _sagemaker_CreateModel(self, params: dict[str, Any]) -> dict[str, Any]:
        self.models[params["ModelName"]] = copy.deepcopy(params)
        return {"ModelArn": self._arn("model", params["ModelName"])}

    def _sagemaker_DescribeModel(self, params: dict[str, Any]) -> dict[str, Any]:
        model = self.models.get(params["ModelName"])
        if model is None:
            raise FakeAWSError(400, "ValidationException", f'Could not find model "{params["ModelName"]}".')
        return {**model, "ModelArn": self._arn("model", params["ModelName"]), "CreationTime": FIXED_TIME}

    def _sagemaker_CreateEndpointConfig(self, params: dict[str, Any]) -> dict[str, Any]:
        self.endpoint_configs[params["EndpointConfigName"]] = copy.deepcopy(params)
        return {"EndpointConfigArn": self._arn("endpoint-config", params["EndpointConfigName"])}

    def _sagemaker_DescribeEndpointConfig(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["EndpointConfigName"]
        cfg = self.endpoint_configs.get(name)
        if cfg is None:
            raise FakeAWSError(400, "ValidationException", f'Could not find endpoint configuration "{name}".')
        return {**cfg, "EndpointConfigArn": self._arn("endpoint-config", name), "CreationTime": FIXED_TIME}

    def _sagemaker_CreateEndpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        self.endpoints[params["EndpointName"]] = copy.deepcopy(params)
        return {"EndpointArn": self._arn("endpoint", params["EndpointName"])}

    def _sagemaker_DescribeEndpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["EndpointName"]
        ep = self.endpoints.get(name)
        if ep is None:
            raise FakeAWSError(400, "ValidationException", f'Could not find endpoint "{name}".')
        cfg = self.endpoint_configs.get(ep["EndpointConfigName"], {})
        variants = [
            {
                "VariantName": v.get("VariantName", "AllTraffic"),
                "DeployedImages": [],
                "CurrentWeight": 1.0,
                "DesiredWeight": 1.0,
                "CurrentInstanceCount": v.get("InitialInstanceCount", 1),
                "DesiredInstanceCount": v.get("InitialInstanceCount", 1),
            }
            for v in cfg.get("ProductionVariants", [])
        ]
        return {
            "EndpointName": name,
            "EndpointArn": self._arn("endpoint", name),
            "EndpointConfigName": ep["EndpointConfigName"],
            "ProductionVariants": variants,
            "EndpointStatus": "InService",
            "CreationTime": FIXED_TIME,
            "LastModifiedTime": FIXED_TIME,
        }

    def _sagemaker_DeleteEndpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.endpoints.pop(params["EndpointName"], None) is None:
            raise FakeAWSError(400, "ValidationException", f'Could not find endpoint "{params["EndpointName"]}".')
        return {}

    def _sagemaker_DeleteEndpointConfig(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["EndpointConfigName"]
        if self.endpoint_configs.pop(name, None) is None:
            raise FakeAWSError(400, "ValidationException", f'Could not find endpoint configuration "{name}".')
        return {}

    def _sagemaker_DeleteModel(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.models.pop(params["ModelName"], None) is None:
            raise FakeAWSError(400, "ValidationException", f'Could not find model "{params["ModelName"]}".')
        return {}

    # -- SageMaker runtime --------------------------------------------------------------
    def _sagemaker_runtime_InvokeEndpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        from botocore.response import StreamingBody

        if params["EndpointName"] not in self.endpoints:
            raise FakeAWSError(400, "ValidationError", f"Endpoint {params['EndpointName']} not found.")
        data = json.dumps(self.invoke_response).encode("utf-8")
        return {
            "Body": StreamingBody(io.BytesIO(data), len(data)),
            "ContentType": "application/json",
            "InvokedProductionVariant": "AllTraffic",
        }


# --------------------------------------------------------------------------------------
# Recorder: botocore event hooks
# --------------------------------------------------------------------------------------


class Recorder:
    """Hooks every botocore client the SDK creates; records its calls and answers them from FakeAWS."""

    def __init__(self, fake: FakeAWS) -> None:
        self.fake = fake
        self.calls: list[dict[str, Any]] = []
        self.sleeps: list[dict[str, Any]] = []
        self.blocked_connections: list[str] = []
        self.telemetry_requests = 0
        self.callers: list[str] = []
        self.sent: set[int] = set()
        self._lock = threading.Lock()

    # Called from provide-client-params: the kwargs exactly as the SDK passed them.
    def on_params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        """Record the call (before botocore's own handlers mutate params) and stash params for the fake."""
        service = model.service_model.service_name
        recorded: dict[str, Any] = {}
        for key, value in params.items():
            if key in ("Body",) and model.name in ("PutObject", "UploadPart"):
                recorded[key] = _summarize_body(_read_body(value))
            else:
                recorded[key] = jsonable(copy.deepcopy(value) if not hasattr(value, "read") else value)
        entry: dict[str, Any] = {"service": service, "operation": model.name, "params": recorded}
        if _called_from("sagemaker.telemetry", "_send_telemetry_request"):
            # The SDK's telemetry decorator looks up the account after fit(); tests may filter it.
            entry["origin"] = "telemetry"
        with self._lock:
            self.calls.append(entry)
            self.callers.append(_sdk_callers())
        context["_capture_params"] = params
        context["_capture_entry"] = entry

    def on_before_call(self, model: Any, context: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        """Short-circuit the HTTP request with the fake's response (botocore skips sending)."""
        from botocore.awsrequest import AWSResponse, HeadersDict

        service = model.service_model.service_name
        params = context.get("_capture_params", {})
        # Reaching before-call means botocore validated and serialized the request: it would be sent.
        self.sent.add(id(context.get("_capture_entry")))
        status = 200
        try:
            parsed = self.fake.respond(service, model.name, params)
        except FakeAWSError as err:
            status = err.status
            parsed = {"Error": {"Code": err.code, "Message": err.message}}
        parsed["ResponseMetadata"] = {
            "RequestId": "00000000-0000-0000-0000-000000000000",
            "HTTPStatusCode": status,
            "HTTPHeaders": {},
            "RetryAttempts": 0,
        }
        url = f"https://{service}.{REGION}.amazonaws.com/"
        return AWSResponse(url, status, HeadersDict(), None), parsed

    def install(self) -> None:
        """Patch botocore so every client gets our handlers, refuse sockets, stub telemetry and sleep."""
        import botocore.session

        recorder = self
        original_create_client = botocore.session.Session.create_client

        def create_client(self_: Any, *args: Any, **kwargs: Any) -> Any:
            client = original_create_client(self_, *args, **kwargs)
            client.meta.events.register_first("provide-client-params", recorder.on_params)
            client.meta.events.register_last("before-call", recorder.on_before_call)
            return client

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

        def refuse(sock: socket.socket, address: Any) -> None:
            recorder.blocked_connections.append(repr(address))
            raise OSError(f"network disabled by capture tool: {address!r}")

        socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]

        real_sleep = time.sleep

        def fake_sleep(seconds: float) -> None:
            caller = sys._getframe(1)
            module = caller.f_globals.get("__name__", "")
            if module.startswith("sagemaker"):
                recorder.sleeps.append({"seconds": seconds, "caller": f"{module}.{caller.f_code.co_name}"})
                return
            real_sleep(seconds)

        time.sleep = fake_sleep

        import sagemaker.telemetry.telemetry_logging as telemetry

        def fake_requests_helper(url: str, timeout: float) -> None:
            recorder.telemetry_requests += 1

        telemetry._requests_helper = fake_requests_helper


def _sdk_callers(depth: int = 6) -> str:
    """Name the SDK functions (innermost first) that issued a call, to explain why it happens."""
    names: list[str] = []
    frame = sys._getframe(2)
    while frame is not None and len(names) < depth:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("sagemaker"):
            names.append(f"{module}:{getattr(frame.f_code, 'co_qualname', frame.f_code.co_name)}")
        frame = frame.f_back  # type: ignore[assignment]
    if not names and threading.current_thread() is not threading.main_thread():
        return "s3transfer worker thread (upload_file/download_file)"
    return " < ".join(names)


def _called_from(module_prefix: str, function: str) -> bool:
    """True when the given function of the given module is on the current stack."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == function and frame.f_globals.get("__name__", "").startswith(module_prefix):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


# --------------------------------------------------------------------------------------
# Case runner (child process)
# --------------------------------------------------------------------------------------


def _isolate_environment(tmp: Path) -> None:
    """Fake credentials/region and hide any real AWS or SageMaker config on this machine."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "SAGEMAKER_", "MLFLOW_")):
            del os.environ[key]
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
            "AWS_SECRET_ACCESS_KEY": "fake/secret/key/for/offline/capture/only00",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "aws-credentials"),
            "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
            "XDG_CONFIG_DIRS": str(tmp / "xdg-config-dirs"),
        }
    )


DEBUGGER_CLASSES = (
    "Rule",
    "ProfilerRule",
    "DebuggerHookConfig",
    "CollectionConfig",
    "TensorBoardOutputConfig",
    "ProfilerConfig",
)


def _debugger_factory(name: str) -> Callable[..., Any] | None:
    """Debugger specs: "Rule.sagemaker", "ProfilerRule.custom", "DebuggerHookConfig", "rule_configs.<name>"."""
    import sagemaker.debugger

    if name.startswith("rule_configs."):
        return getattr(sagemaker.debugger.rule_configs, name.split(".", 1)[1])
    owner, _, method = name.partition(".")
    if owner not in DEBUGGER_CLASSES:
        return None
    cls = getattr(sagemaker.debugger, owner)
    return getattr(cls, method) if method else cls


def _resolve(spec: Any) -> Any:
    """Turn {"__type__": "TrainingInput", ...} specs (recursively) into SDK objects.

    Debugger objects too (``_debugger_factory``); ``"__args__": [...]`` gives positional
    arguments (``rule_configs.ActionList``).
    """
    import sagemaker.inputs
    import sagemaker.network
    import sagemaker.processing

    types: dict[str, Callable[..., Any]] = {
        "TrainingInput": sagemaker.inputs.TrainingInput,
        "FileSystemInput": sagemaker.inputs.FileSystemInput,
        "ShuffleConfig": sagemaker.inputs.ShuffleConfig,
        "ProcessingInput": sagemaker.processing.ProcessingInput,
        "ProcessingOutput": sagemaker.processing.ProcessingOutput,
        "NetworkConfig": sagemaker.network.NetworkConfig,
    }
    if isinstance(spec, dict):
        if "__type__" in spec:
            kwargs = {k: _resolve(v) for k, v in spec.items() if k not in ("__type__", "__args__")}
            args = [_resolve(v) for v in spec.get("__args__", [])]
            factory = types.get(spec["__type__"]) or _debugger_factory(spec["__type__"])
            if factory is None:
                raise KeyError(spec["__type__"])
            return factory(*args, **kwargs)
        return {k: _resolve(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_resolve(v) for v in spec]
    return spec


def _classes() -> dict[str, Any]:
    import sagemaker.estimator
    import sagemaker.huggingface
    import sagemaker.processing
    import sagemaker.pytorch
    import sagemaker.pytorch.processing
    import sagemaker.sklearn
    import sagemaker.sklearn.processing
    import sagemaker.tensorflow
    import sagemaker.xgboost
    import sagemaker.xgboost.processing

    return {
        "Processor": sagemaker.processing.Processor,
        "ScriptProcessor": sagemaker.processing.ScriptProcessor,
        "SKLearnProcessor": sagemaker.sklearn.processing.SKLearnProcessor,
        "PyTorchProcessor": sagemaker.pytorch.processing.PyTorchProcessor,
        "XGBoostProcessor": sagemaker.xgboost.processing.XGBoostProcessor,
        "Estimator": sagemaker.estimator.Estimator,
        "PyTorch": sagemaker.pytorch.PyTorch,
        "PyTorchModel": sagemaker.pytorch.PyTorchModel,
        "SKLearn": sagemaker.sklearn.SKLearn,
        "SKLearnModel": sagemaker.sklearn.SKLearnModel,
        "XGBoost": sagemaker.xgboost.XGBoost,
        "XGBoostModel": sagemaker.xgboost.XGBoostModel,
        "HuggingFace": sagemaker.huggingface.HuggingFace,
        "HuggingFaceModel": sagemaker.huggingface.HuggingFaceModel,
        "TensorFlow": sagemaker.tensorflow.TensorFlow,
        "TensorFlowModel": sagemaker.tensorflow.TensorFlowModel,
        "TensorFlowPredictor": sagemaker.tensorflow.TensorFlowPredictor,
    }


ATTACHED_SETTINGS = (
    "framework_version",
    "py_version",
    "transformers_version",
    "pytorch_version",
    "tensorflow_version",
    "entry_point",
    "source_dir",
    "distribution",
    "image_uri",
    "instance_count",
    "instance_type",
    "container_log_level",
)


def _attached_settings(estimator: Any) -> dict[str, Any]:
    """What ``attach`` recovered: the settings a replay compares, plus the hyperparameters sent next time."""
    settings = {name: getattr(estimator, name, None) for name in ATTACHED_SETTINGS if hasattr(estimator, name)}
    settings["hyperparameters"] = estimator.hyperparameters()
    settings["training_image_uri"] = estimator.training_image_uri()
    return settings


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """Run one case against the fake and return the raw capture (calls, steps, sleeps, notes)."""
    with tempfile.TemporaryDirectory(prefix="capture-") as tmp_s:
        _isolate_environment(Path(tmp_s))
        fake = FakeAWS(case.get("fake", {}))
        recorder = Recorder(fake)
        recorder.install()  # before the SDK creates any client
        os.chdir(DATA_DIR)  # relative source paths in cases resolve as a user would write them
        steps: list[dict[str, Any]] = []

        def step(name: str, fn: Callable[[], Any]) -> Any:
            start = len(recorder.calls)
            entry: dict[str, Any] = {"step": name, "first_call": start}
            result = None
            try:
                result = fn()
            except Exception as exc:
                entry["error"] = {"type": type(exc).__name__, "message": str(exc)}
                traceback.print_exc(file=sys.stderr)
            entry["end_call"] = len(recorder.calls)
            if name in ("predict", "attach") and result is not None:
                entry["result"] = jsonable(result)
            steps.append(entry)
            return result

        obj = None
        if case["class"] in TUNING_CLASSES:  # tuners and transformers: tools/capture_tuning_cases.py
            run_tuning_case(case, _classes(), step)
        else:
            cls = _classes()[case["class"]]
            kwargs = _resolve(case.get("kwargs", {}))
            obj = step("construct", lambda: cls(**kwargs))
        if obj is not None:
            if "hyperparameters" in case:
                step("set_hyperparameters", lambda: obj.set_hyperparameters(**case["hyperparameters"]))
            if "fit" in case:
                fit = case["fit"]
                step("fit", lambda: obj.fit(inputs=_resolve(fit.get("inputs")), wait=False, job_name=fit["job_name"]))
            if "run" in case:  # processors: run without waiting, as fit does
                step("run", lambda: obj.run(**_resolve({**case["run"], "wait": False, "logs": False})))
            if case.get("attach"):
                step("attach", lambda: _attached_settings(cls.attach(case["fit"]["job_name"])))
            predictor = obj
            if "deploy" in case:
                predictor = step("deploy", lambda: obj.deploy(**case["deploy"]))
            if "predict" in case and predictor is not None:
                step("predict", lambda: predictor.predict(case["predict"]))
            for method in case.get("after", []):
                step(method, lambda m=method: getattr(predictor, m)())

        for entry in recorder.calls:
            if id(entry) not in recorder.sent:
                entry["not_sent"] = "rejected by botocore parameter validation before sending"
        return {
            "calls": recorder.calls,
            "callers": recorder.callers,
            "steps": steps,
            "sleeps": recorder.sleeps,
            "telemetry_http_requests_stubbed": recorder.telemetry_requests,
            "blocked_connections": recorder.blocked_connections,
            "unhandled_operations": fake.unhandled,
        }


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def _child(case_name: str, cases_file: Path, result_path: Path) -> int:
    cases = {c["name"]: c for c in json.loads(cases_file.read_text())}
    result = run_case(cases[case_name])
    result_path.write_text(json.dumps(result, indent=1))
    return 0


def _run_child(case_name: str, cases_file: Path) -> dict[str, Any]:
    """Run one case in a fresh interpreter so no SDK cache leaks between cases."""
    with tempfile.TemporaryDirectory(prefix="capture-result-") as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.run(
            [sys.executable, __file__, "--child", case_name, "--cases", str(cases_file), "--result", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"case {case_name} failed:\n{proc.stdout}\n{proc.stderr}")
        result = json.loads(out.read_text())
        result["_stderr"] = proc.stderr
        return result


def _tar_sha_pointers(calls: list[dict[str, Any]]) -> list[str]:
    """Tarball digests embed gzip/tar mtimes, so they are volatile even when two runs agree."""
    return [
        f"/calls/{i}/params/Body/sha256"
        for i, call in enumerate(calls)
        if isinstance(call["params"].get("Body"), dict) and "tar_members" in call["params"]["Body"]
    ]


def capture(case: dict[str, Any], cases_file: Path, out_dir: Path) -> Path:
    """Run a case twice, derive volatile pointers from the differences, write its fixture."""
    first = _run_child(case["name"], cases_file)
    second = _run_child(case["name"], cases_file)
    notes = list(case.get("notes", []))
    for key in ("unhandled_operations", "blocked_connections"):
        if first[key]:
            notes.append(f"{key}: {first[key]}")
    fixture: dict[str, Any] = {
        "sdk": f"sagemaker {SDK_PIN}",
        "case": case,
        "calls": first["calls"],
        "steps": first["steps"],
        "sleeps": first["sleeps"],
        "callers": first["callers"],
        "telemetry_http_requests_stubbed": first["telemetry_http_requests_stubbed"],
    }
    if notes:
        fixture["notes"] = notes
    volatile = json_diff(
        {k: first[k] for k in ("calls", "steps", "sleeps")},
        {k: second[k] for k in ("calls", "steps", "sleeps")},
    )
    volatile = sorted(set(volatile) | set(_tar_sha_pointers(first["calls"])))
    fixture["volatile"] = volatile
    path = out_dir / f"{case['name']}.json"
    path.write_text(json.dumps(fixture, indent=2) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """Capture all (or --only) cases into tests/data/official/<case>.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES_FILE)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--only", nargs="*", default=None, help="case names to capture")
    parser.add_argument("--jobs", type=int, default=2, help="cases captured in parallel")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        return _child(args.child, args.cases, args.result)

    import importlib.metadata

    version = importlib.metadata.version("sagemaker")
    if version != SDK_PIN:
        print(f"expected sagemaker=={SDK_PIN}, found {version}; run under benchmarks/sidevenv.py's python")
        return 2
    ensure_junk_files()
    cases = json.loads(args.cases.read_text())
    case_files = {c["name"]: args.cases for c in cases}
    if args.cases == CASES_FILE:  # the default: every case file of the fixture folder
        for extra in EXTRA_CASES_FILES:
            if extra.exists():
                more = json.loads(extra.read_text())
                cases += more
                case_files.update({c["name"]: extra for c in more})
    if args.only:
        unknown = set(args.only) - {c["name"] for c in cases}
        if unknown:
            print(f"unknown cases: {sorted(unknown)}")
            return 2
        cases = [c for c in cases if c["name"] in args.only]
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(capture, c, case_files[c["name"]], args.out): c["name"] for c in cases}
        for fut in concurrent.futures.as_completed(futures):
            name = futures[fut]
            try:
                path = fut.result()
                fixture = json.loads(path.read_text())
                ops = [c["operation"] for c in fixture["calls"]]
                errors = [s for s in fixture["steps"] if "error" in s]
                print(f"{name}: {len(ops)} calls {ops}" + (f" ERRORS {errors}" if errors else ""))
            except Exception as exc:
                failed += 1
                print(f"{name}: FAILED {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
