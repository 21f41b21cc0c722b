"""Deadlines and retry budgets against a server that accepts and never answers (issue 11, items 5 and 6).

The proxy's ``hang`` fault reads each request and never answers it: the "black hole" that made
``fit(wait=False)`` retry for ~50 minutes (botocore's 10 attempts x 60 s inside tenacity's 12).
Here every operation gives up within its deadline with the real error, and says what it retried.
The CI variant shrinks the deadline and timeouts through ``Session(retry_policy=...)``; the
default values are checked without waiting for them (``test_the_default_deadline_...``), and
benchmarks/bench_deadlines.py measures them against the official SDK.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import attrs
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from support.fault_proxy import FaultPlan, FaultProxy
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite.errors import PartialFailureError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor

from .scenarios import FAST_POLLING, ROLE

IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
SERVE_IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-cpu"


def short_policy() -> Any:
    from sagemaker_lite.retries import RetryPolicy

    # one attempt is bounded by 0.5 + 1.0 s; a retry starts only if it can end by 3 s
    return RetryPolicy(
        deadline=3.0, connect_timeout=0.5, read_timeout=1.0, invoke_read_timeout=1.0, initial_backoff=0.1
    )


def black_hole_session(moto: MotoHandle, proxy: FaultProxy) -> Session:
    proxy.set_plan(FaultPlan(hang=1.0))
    return Session(
        boto_session=moto.boto_session(), endpoint_url=proxy.url, polling=FAST_POLLING, retry_policy=short_policy()
    )


def timed(action: Any) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(Exception) as info:
        action()
    return info.value, time.monotonic() - started


def check_bounded(proxy: FaultProxy, elapsed: float, operation: str, caplog: pytest.LogCaptureFixture) -> None:
    """The deadline, not the attempt budget, ended the call; as many attempts as fit in it.

    No wall-clock assert (a loaded machine wakes late): the retry handler's own log says why it
    stopped, and the attempts the proxy saw are bounded by deadline / read timeout. The seconds
    are printed; benchmarks/bench_deadlines.py measures them.
    """
    policy = short_policy()
    hung = [r for r in proxy.records if r.action == "hang"]
    assert hung and {r.operation for r in hung} == {operation}
    assert len(hung) <= int(policy.deadline // policy.read_timeout)
    if operation != "InvokeEndpoint":  # InvokeEndpoint is never re-sent after a read timeout
        assert f"could not end within the {policy.deadline:g} s deadline" in caplog.text
    print(f"\n{operation}: gave up after {elapsed:.2f} s, {len(hung)} attempt(s)")


def test_fit_wait_false_against_a_black_hole_gives_up_within_the_deadline(
    moto: MotoHandle, proxy: FaultProxy, caplog: pytest.LogCaptureFixture
) -> None:
    session = black_hole_session(moto, proxy)
    estimator = Estimator(IMAGE, role=ROLE, instance_count=1, instance_type="ml.m5.large", sagemaker_session=session)
    caplog.set_level(logging.WARNING, logger="sagemaker_lite")
    error, elapsed = timed(lambda: estimator.fit("s3://in-bucket/train", wait=False))
    assert isinstance(error, ReadTimeoutError) and "Read timeout" in str(error)
    first = proxy.records[0].operation  # the default bucket's account lookup comes first
    check_bounded(proxy, elapsed, first, caplog)
    assert f"{first}: ReadTimeoutError" in caplog.text and "retrying in" in caplog.text
    assert "deadline" in caplog.text


def test_deploy_against_a_black_hole_gives_up_within_the_deadline_and_names_what_may_exist(
    moto: MotoHandle, proxy: FaultProxy, caplog: pytest.LogCaptureFixture
) -> None:
    session = black_hole_session(moto, proxy)
    model = Model(SERVE_IMAGE, model_data="s3://models/model.tar.gz", role=ROLE, sagemaker_session=session)
    caplog.set_level(logging.WARNING, logger="sagemaker_lite")
    error, elapsed = timed(lambda: model.deploy(1, "ml.m5.large", endpoint_name="ep-black-hole"))
    assert isinstance(error, PartialFailureError) and isinstance(error.__cause__, ReadTimeoutError)
    assert "may exist" in str(error) and "delete_hosting_resources" in str(error)
    check_bounded(proxy, elapsed, "CreateModel", caplog)


def test_predict_against_a_black_hole_sends_the_payload_once(
    moto: MotoHandle, proxy: FaultProxy, caplog: pytest.LogCaptureFixture
) -> None:
    session = black_hole_session(moto, proxy)
    error, elapsed = timed(lambda: Predictor("ep-black-hole", sagemaker_session=session).predict(b"payload"))
    assert isinstance(error, ReadTimeoutError)
    check_bounded(proxy, elapsed, "InvokeEndpoint", caplog)
    assert proxy.count("InvokeEndpoint") == 1  # a read timeout is never re-sent: the model may be working


# --- predict()'s retry policy (item 6): these run on a plain Session, so they run on old code too ---


def runtime_session(moto: MotoHandle, proxy: FaultProxy) -> Session:
    config = Config(connect_timeout=1.0, read_timeout=1.0)
    return Session(boto_session=moto.boto_session(), endpoint_url=proxy.url, botocore_config=config)


@pytest.mark.usefixtures("fast_retries")
def test_predict_surfaces_a_service_error_without_resending(moto: MotoHandle, proxy: FaultProxy) -> None:
    proxy.set_plan(FaultPlan(server_error=1.0, operations=frozenset({"InvokeEndpoint"})))
    with pytest.raises(ClientError) as info:
        Predictor("ep-5xx", sagemaker_session=runtime_session(moto, proxy)).predict(b"payload")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (500, 503)
    assert proxy.count("InvokeEndpoint") == 1


@pytest.mark.usefixtures("fast_retries")
def test_predict_never_resends_after_a_read_timeout(moto: MotoHandle, proxy: FaultProxy) -> None:
    proxy.set_plan(FaultPlan(hang=1.0, operations=frozenset({"InvokeEndpoint"})))
    with pytest.raises(ReadTimeoutError):
        Predictor("ep-slow", sagemaker_session=runtime_session(moto, proxy)).predict(b"payload")
    assert proxy.count("InvokeEndpoint") == 1


@pytest.mark.usefixtures("fast_retries")
def test_predict_resends_at_most_once_after_a_lost_connection(moto: MotoHandle, proxy: FaultProxy) -> None:
    proxy.set_plan(FaultPlan(reset=1.0, operations=frozenset({"InvokeEndpoint"})))
    with pytest.raises(Exception) as info:
        Predictor("ep-reset", sagemaker_session=runtime_session(moto, proxy)).predict(b"payload")
    assert "Connection" in type(info.value).__name__
    assert proxy.count("InvokeEndpoint") == 2


def simulate(policy: Any, attempt_seconds: float, exc: BaseException) -> tuple[int, float]:
    """Drive the retry handler on a fake clock: each attempt fails with ``exc`` after ``attempt_seconds``."""
    from types import SimpleNamespace

    from sagemaker_lite.retries import RetryHandler

    now = [0.0]
    clocked = attrs.evolve(policy, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    handler = RetryHandler(clocked, connect_timeout=policy.connect_timeout, read_timeout=policy.read_timeout)
    context: dict[str, Any] = {}
    handler.started(context=context)
    operation = SimpleNamespace(name="CreateTrainingJob")
    attempts = 0
    while True:
        attempts += 1
        now[0] += attempt_seconds
        delay = handler.needs_retry(
            attempts=attempts, caught_exception=exc, request_dict={"context": context}, operation=operation
        )
        if delay is None:
            return attempts, now[0]


def test_the_default_deadline_and_timeouts_without_waiting_for_them(aws_region: str) -> None:
    from botocore.exceptions import EndpointConnectionError

    from sagemaker_lite.retries import DEFAULT_RETRY_POLICY, RetryPolicy

    session = Session()
    assert session.retry_policy == DEFAULT_RETRY_POLICY == RetryPolicy()
    policy = session.retry_policy
    assert (policy.deadline, policy.max_attempts, policy.connect_timeout, policy.read_timeout) == (
        150.0,
        10,
        10.0,
        60.0,
    )
    assert (policy.invoke_read_timeout, policy.invoke_retries) == (80.0, 1)
    sm, runtime = session.client("sagemaker"), session.client("sagemaker-runtime")
    assert (sm.meta.config.connect_timeout, sm.meta.config.read_timeout) == (10.0, 60.0)
    assert runtime.meta.config.read_timeout == 80.0 > 60.0  # above SageMaker's 60 s invocation limit
    for client in (sm, runtime):  # botocore itself never retries: one layer
        assert client.meta.config.retries["total_max_attempts"] == 1
    # a black hole: each attempt ends at its 60 s read timeout; a third could not end by 150 s
    attempts, seconds = simulate(policy, 60.0, ReadTimeoutError(endpoint_url="https://x"))
    assert attempts == 2 and 120.0 <= seconds <= 150.0
    # a server that is gone (connection refused at once): backoff until the next try could overrun
    attempts, seconds = simulate(policy, 0.0, EndpointConnectionError(endpoint_url="https://x"))
    assert 2 <= attempts <= policy.max_attempts and seconds <= policy.deadline


@pytest.mark.usefixtures("fast_retries")
def test_a_botocore_config_with_its_own_retries_keeps_one_layer(moto: MotoHandle, proxy: FaultProxy) -> None:
    proxy.set_plan(FaultPlan(throttle=1.0, operations=frozenset({"ListTrainingJobs"})))
    config = Config(retries={"mode": "standard", "total_max_attempts": 2})
    session = Session(boto_session=moto.boto_session(), endpoint_url=proxy.url, botocore_config=config)
    with pytest.raises(ClientError):
        session.sagemaker_client.list_training_jobs()
    assert proxy.count("ListTrainingJobs") == 2  # botocore's 2, not 2 x the policy's 10
