"""A real moto server (``python -m moto.server``) in a subprocess, for integration tests.

Why a subprocess: the SDK is exercised over real HTTP with real botocore clients, exactly
as against AWS (``endpoint_url`` is the only difference); nothing is patched in-process.
``tests/conftest.py`` starts one server per test session (lazily) and resets it per test.

Start-up takes 0.45-0.7 s on the project machine (interpreter + ``import moto``), stop ~0.2 s;
``MotoServer.startup_seconds`` records the measured value.

moto 5.2.1 behaviour over the server, as pinned by ``tests/integration/test_moto_server_contract.py``
(region us-west-2, account 123456789012). Where moto differs from real AWS, it is said:

SageMaker
  * CreateTrainingJob returns ``TrainingJobArn`` = ``arn:aws:sagemaker:<region>:123456789012:training-job/<name>``.
    A DUPLICATE NAME IS ACCEPTED SILENTLY and overwrites the job (real SageMaker: ``ResourceInUse``
    "Training job names must be unique ..."); use ``support.scripted`` to test that trap.
  * DescribeTrainingJob: ``TrainingJobStatus`` and ``SecondaryStatus`` are ``Completed`` at once; one
    SecondaryStatusTransitions entry (``Starting`` / "Preparing the instances for training");
    ``ModelArtifacts.S3ModelArtifacts`` = ``<S3OutputPath>/<name>/output/model.tar.gz``; request fields
    (HyperParameters, InputDataConfig, OutputDataConfig, ResourceConfig, StoppingCondition, VpcConfig,
    EnableNetworkIsolation, RoleArn) are echoed; moto adds a fake ``MetricDefinitions`` entry to
    AlgorithmSpecification and a ``FinalMetricDataList``; Creation/TrainingStart/TrainingEnd/LastModified
    times are all set. Missing job: ``ValidationException`` "Could not find training job '<arn>'."
  * ListTrainingJobs: summaries in creation order; NameContains/StatusEquals filter (after paging: a moto bug).
  * StopTrainingJob and UpdateEndpoint are NOT implemented: HTTP 500 with an HTML body, botocore error
    code ``"500"`` (retried by botocore as a transient error before surfacing).
  * CreateModel / CreateEndpointConfig / CreateEndpoint: duplicates are accepted silently (overwrite).
    CreateEndpointConfig with an unknown model and CreateEndpoint with an unknown config fail with
    ``ValidationException`` ("Could not find model '<arn>'." / "Could not find endpoint configuration '<arn>'.").
  * DescribeEndpoint: ``EndpointStatus`` is ``InService`` immediately. Delete{Endpoint,EndpointConfig,Model}
    return ``{}``; deleting/describing a missing one is ``ValidationException`` (HTTP 400).
SageMaker runtime
  * InvokeEndpoint does not check that the endpoint exists. Results come from a queue filled with
    ``POST /moto-api/static/sagemaker/endpoint-results`` (``queue_invoke_endpoint_results``); with an
    empty queue the body is ``b"body"`` with ContentType ``"content_type"``. A result is memoised per
    (endpoint, body, Accept, X-Amzn-SageMaker-* headers): repeating an identical request returns the same
    result and does not consume the queue. The queue is per account+region (pass the region!).
CloudWatch Logs
  * CreateLogGroup / CreateLogStream duplicates: ``ResourceAlreadyExistsException`` (the stream's message
    wrongly says "log group"). DescribeLogStreams on a missing group / GetLogEvents on a missing stream:
    ``ResourceNotFoundException``.
  * DescribeLogStreams: ordered by name; ``logStreamNamePrefix`` is a plain string prefix (``job-1`` also
    matches ``job-10/...``); ``limit`` pages with a ``nextToken`` (``<group>@<stream>``);
    ``orderBy="LastEventTime"`` together with a prefix is ``InvalidParameterException``. Streams without
    events lack first/lastEventTimestamp.
  * GetLogEvents(startFromHead=True): tokens look like ``f/<56 digits>`` / ``b/<56 digits>``. At the end
    of the stream ``nextForwardToken`` is STABLE (the same token comes back, with no events), and events
    put later are returned when polling with that token; ``limit`` pages forward. An empty stream returns
    ``f/-000...001`` and that is stable too.
STS / IAM / S3
  * GetCallerIdentity: Account ``123456789012``, Arn ``arn:aws:sts::123456789012:user/moto``,
    UserId ``AKIAIOSFODNN7EXAMPLE`` (whatever the credentials).
  * IAM GetRole on a missing role: ``NoSuchEntity`` (HTTP 404); after CreateRole the Arn is
    ``arn:aws:iam::123456789012:role/<name>``.
  * S3 in us-west-2: CreateBucket WITHOUT ``LocationConstraint`` is ``IllegalLocationConstraintException``
    (as real AWS); with ``LocationConstraint=us-west-2`` it returns ``Location="/<bucket>"``; again:
    ``BucketAlreadyOwnedByYou`` (409). HeadBucket / HeadObject on a missing one: ``ClientError`` with code
    ``"404"`` and message "Not Found" (no body for HEAD). HeadBucket returns ``BucketRegion``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import boto3

from .aws_double import PassThrough

DEFAULT_ACCOUNT_ID = "123456789012"
FAKE_CREDENTIALS: Mapping[str, str] = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class MotoServerError(RuntimeError):
    """The moto server could not be started, or an admin call to it failed."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: have the kernel SIGTERM the server if the test process dies without cleaning up."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _server_env() -> dict[str, str]:
    """The server's environment: ours minus anything that could point at a real account."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true")
    return env


class MotoServer:
    """One ``python -m moto.server`` subprocess bound to ``host`` on a free port.

    Use as a context manager or call ``start()`` / ``stop()``. Server output goes to a temporary
    file (never a pipe: werkzeug logs every request and would block on a full pipe); its tail is
    included in start-up errors.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        *,
        startup_timeout: float = 30.0,
        python: str = sys.executable,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self.startup_timeout = startup_timeout
        self.python = python
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._last_output = ""
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.port is None:
            raise MotoServerError("the moto server is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> MotoServer:
        if self.is_running():
            return self
        attempts = 1 if self._requested_port is not None else 3  # a picked free port can be raced for
        began = time.monotonic()
        for attempt in range(attempts):
            try:
                self._spawn(self._requested_port or free_port(self.host))
                self._wait_until_ready()
            except MotoServerError:
                self.stop()
                if attempt == attempts - 1 or "Address already in use" not in self._last_output:
                    raise
                continue
            self.startup_seconds = time.monotonic() - began
            return self
        raise AssertionError("unreachable")  # pragma: no cover

    def _spawn(self, port: int) -> None:
        self.port = port
        self._log = tempfile.TemporaryFile(prefix="moto-server-")  # noqa: SIM115 - closed in stop()
        self._last_output = ""
        cmd = [self.python, "-m", "moto.server", "-H", self.host, "-p", str(port)]
        in_main = threading.current_thread() is threading.main_thread()
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=_server_env(),
            preexec_fn=_die_with_parent if sys.platform == "linux" and in_main else None,
        )

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        delay = 0.02
        while True:
            assert self._proc is not None
            code = self._proc.poll()
            if code is not None:
                self._last_output = self.output()
                raise MotoServerError(
                    f"moto server exited with code {code} before answering on {self.url}; output:\n"
                    f"{self._last_output[-4000:]}"
                )
            try:
                with self._opener.open(f"{self.url}/moto-api/", timeout=1.0) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                self._last_output = self.output()
                raise MotoServerError(
                    f"moto server did not answer on {self.url} within {self.startup_timeout:.0f}s; output:\n"
                    f"{self._last_output[-4000:]}"
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        data = self._log.read()
        self._log.seek(0, os.SEEK_END)
        return data.decode("utf-8", "replace")

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, wait ``timeout``, then SIGKILL: never leaves the process behind."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- moto admin API --------------------------------------------------------------------------
    def _admin(self, path: str, body: Mapping[str, Any] | None = None, *, method: str = "POST") -> bytes:
        data = json.dumps(body).encode() if body is not None else b""
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=data if method == "POST" else None,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with self._opener.open(req, timeout=10.0) as resp:
                return bytes(resp.read())
        except urllib.error.HTTPError as exc:
            raise MotoServerError(f"{method} {path} -> HTTP {exc.code}: {exc.read()[:500]!r}") from exc

    def reset(self) -> None:
        """Forget every resource in every service (``POST /moto-api/reset``)."""
        self._admin("/moto-api/reset")

    def seed(self, value: int) -> None:
        """Make moto's generated ids (request ids, role ids, ...) deterministic."""
        self._admin(f"/moto-api/seed?a={int(value)}")

    def queue_invoke_endpoint_results(
        self,
        results: Sequence[Mapping[str, str] | str | bytes],
        *,
        region: str = "us-west-2",
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        """Queue sagemaker-runtime InvokeEndpoint results, consumed one per distinct request.

        Each result is a body (``str``/``bytes``, returned as ``application/json``) or a mapping
        with ``Body`` and optional ``ContentType``, ``InvokedProductionVariant``, ``CustomAttributes``.
        """
        items: list[dict[str, str]] = []
        for result in results:
            if isinstance(result, bytes):
                result = result.decode()
            items.append(
                {"Body": result, "ContentType": "application/json"} if isinstance(result, str) else dict(result)
            )
        self._admin(
            "/moto-api/static/sagemaker/endpoint-results",
            {"account_id": account_id, "region": region, "results": items},
        )

    def queue_invoke_endpoint_async_results(
        self,
        results: Sequence[tuple[bool, str]],
        *,
        region: str = "us-west-2",
        account_id: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        """Queue InvokeEndpointAsync outcomes: ``(is_failure, data)`` pairs."""
        body = {
            "account_id": account_id,
            "region": region,
            "results": [{"is_failure": failed, "data": data} for failed, data in results],
        }
        self._admin("/moto-api/static/sagemaker/async-endpoint-results", body)

    def model_data(self) -> dict[str, Any]:
        """moto's view of every tracked resource (``GET /moto-api/data.json``)."""
        return dict(json.loads(self._admin("/moto-api/data.json", method="GET")))

    def set_transition(self, model_name: str, transition: Mapping[str, Any]) -> None:
        """moto's state manager, e.g. ``("batch::job", {"progression": "manual", "times": 3})``.

        (moto 5.2.1's SageMaker models do not use it: training jobs are Completed at once.)
        """
        self._admin("/moto-api/state-manager/set-transition", {"model_name": model_name, "transition": transition})

    def unset_transition(self, model_name: str) -> None:
        self._admin("/moto-api/state-manager/unset-transition", {"model_name": model_name})


@dataclass(frozen=True)
class MotoHandle:
    """What the ``moto`` fixture yields: a freshly reset server and factories pointed at it."""

    server: MotoServer
    region: str = "us-west-2"

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def account_id(self) -> str:
        return DEFAULT_ACCOUNT_ID

    def boto_session(self) -> boto3.Session:
        """A session with fake keys and our region (the fixture also points AWS_ENDPOINT_URL at moto)."""
        return boto3.Session(region_name=self.region, **FAKE_CREDENTIALS)

    def recorded_boto_session(self) -> tuple[boto3.Session, PassThrough]:
        """A session as ``boto_session()`` whose calls are recorded (``recorder.calls``, support.aws_double)."""
        recorder = PassThrough(region=self.region)
        return recorder.install(self.boto_session()), recorder

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` with ``endpoint_url`` set to the server."""
        kwargs.setdefault("endpoint_url", self.url)
        return self.boto_session().client(service, **kwargs)

    def queue_invoke_endpoint_results(self, results: Sequence[Mapping[str, str] | str | bytes]) -> None:
        self.server.queue_invoke_endpoint_results(results, region=self.region)


@contextlib.contextmanager
def running_moto_server(**kwargs: Any) -> Iterator[MotoServer]:
    """``with running_moto_server() as server:`` for scripts outside pytest."""
    server = MotoServer(**kwargs)
    try:
        yield server.start()
    finally:
        server.stop()
