"""TrainingJob: a handle on one training job — create (retry-safe), describe, wait, logs, stop.

    job = estimator.latest_training_job
    job.wait(logs="All")          # status transitions and every host's logs, live
    job.describe()["ModelArtifacts"]

Waiting polls with tenacity: the first DescribeTrainingJob goes out at once, later ones
back off with jitter up to a cap, and throttling is absorbed. Ctrl-C leaves the job
running and prints the call that resumes it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any

from ._retry import DEFAULT_POLLING, PollingPolicy, error_code, error_message, got_no_answer
from .errors import JobFailedError, ValidationError
from .logs import TRAINING_LOG_GROUP, LogTailer, describe_log_streams_limiter
from .redact import LineRedactor, redact
from .retries import ambiguous_attempts

LOGGER = logging.getLogger("sagemaker_lite")
TERMINAL_STATUSES = ("Completed", "Failed", "Stopped")
DESCRIBE_RATE = 10.0  # DescribeTrainingJob calls per second per Session, across all its jobs
LOG_MODES = {"All": True, "Training": True, "Rules": False, "None": False, True: True, False: False, None: False}
#: log modes that print Debugger/profiler rule status changes and the rule summary
RULE_LOG_MODES = frozenset({"All", "Rules", True})
# request fields DescribeTrainingJob does not return (the rest must match for a job to be ours)
_NOT_ECHOED = frozenset({"Tags"})

Printer = Callable[[str], None]


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _is_duplicate_name(exc: BaseException) -> bool:
    if error_code(exc) not in ("ResourceInUse", "ValidationException", "ResourceInUseException"):
        return False
    message = error_message(exc).lower()
    return "already exists" in message or "must be unique" in message


def create_or_adopt(
    create: Callable[..., Any],
    request: Mapping[str, Any],
    describe: Callable[[], Mapping[str, Any]],
    *,
    required: tuple[str, ...],
) -> bool:
    """Send a job create; True when it created the job, False when it adopted its own lost create.

    Shared by training, processing, transform and tuning jobs. The client retries a create
    that got no answer; when that earlier attempt did reach SageMaker, the retry is refused
    as a duplicate name. The job is adopted only then (``ambiguous_attempts`` > 0) and only
    when the existing job carries our whole request: every field of it that the description
    echoes, the ``required`` ones among them. Any other duplicate name is SageMaker's error.
    """
    try:
        create(**request)
        return True
    except Exception as exc:
        if _is_duplicate_name(exc) and ambiguous_attempts(exc) > 0 and _carries(request, describe, required):
            LOGGER.info("the job created by our lost request already exists; adopting it")
            return False
        raise


def _carries(request: Mapping[str, Any], describe: Callable[[], Mapping[str, Any]], required: tuple[str, ...]) -> bool:
    try:
        existing = describe()
    except Exception:  # the original error is the better report
        return False
    compared = [field for field in request if field not in _NOT_ECHOED and field in existing]
    if not set(required) <= set(compared):
        return False
    return all(_subset(request[field], existing[field]) for field in compared)


class TrainingJob:
    """A training job by name, bound to the Session (or local backend) that owns it."""

    def __init__(self, sagemaker_session: Any, job_name: str, *, polling: PollingPolicy | None = None) -> None:
        self.sagemaker_session = sagemaker_session
        self.job_name = job_name
        self.polling = polling or getattr(sagemaker_session, "polling", None) or DEFAULT_POLLING
        self._description: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.job_name

    def __repr__(self) -> str:
        return f"TrainingJob({self.job_name!r})"

    @property
    def _client(self) -> Any:
        return self.sagemaker_session.sagemaker_client

    # --- create ------------------------------------------------------------------

    @classmethod
    def start_new(
        cls, sagemaker_session: Any, request: Mapping[str, Any], *, polling: PollingPolicy | None = None
    ) -> TrainingJob:
        """CreateTrainingJob, safe to retry, never adopting someone else's job.

        The client retries a create that got no answer (connection lost, read timeout, 5xx);
        if that attempt did reach SageMaker, the retry is refused as a duplicate name. Only
        then -- an earlier attempt of THIS call may have acted (``retries.ambiguous_attempts``)
        and the job under our name matches our whole request -- is the job ours and adopted.
        Any other duplicate name is raised as SageMaker's ``ResourceInUse``.
        """
        job = cls(sagemaker_session, request["TrainingJobName"], polling=polling)
        create_or_adopt(
            job._client.create_training_job,
            request,
            lambda: job.describe(refresh=True),
            required=("AlgorithmSpecification", "RoleArn"),
        )
        return job

    @classmethod
    def check_name_unused(cls, sagemaker_session: Any, job_name: str) -> None:
        """Refuse a ``job_name`` that is taken, before anything is uploaded under its S3 prefix.

        A re-used name would otherwise get its code staged over the old job's
        ``<job>/source/sourcedir.tar.gz`` before CreateTrainingJob refuses the name. Without
        permission to describe jobs the check is skipped (the create still refuses a duplicate).
        """
        try:
            existing = sagemaker_session.sagemaker_client.describe_training_job(TrainingJobName=job_name)
        except Exception as exc:
            if not (
                error_code(exc) in ("ValidationException", "ResourceNotFound")
                and "not found" in error_message(exc).lower()
            ):
                LOGGER.info("could not check whether training job %s exists: %s", job_name, exc)
            return
        raise ValidationError(
            "job_name",
            job_name,
            "a training job name not yet used in this account and region",
            hint=f"training job {job_name} already exists ({existing.get('TrainingJobStatus', 'status unknown')}); "
            f"choose another name, or use it with Estimator.attach({job_name!r})",
        )

    # --- describe / stop -----------------------------------------------------------

    def describe(self, refresh: bool = True) -> dict[str, Any]:
        """DescribeTrainingJob (transient errors retried with backoff).

        Calls from every job of one Session share a rate limit (DESCRIBE_RATE per second), so
        many jobs finishing together poll in a steady stream instead of a burst that invites
        throttling (``Session.throttle``; a LocalSession does not limit).
        """
        if refresh or self._description is None:
            self.sagemaker_session.throttle("DescribeTrainingJob", DESCRIBE_RATE, self.polling.sleep)
            self._description = dict(
                self.polling.call(lambda: self._client.describe_training_job(TrainingJobName=self.job_name))
            )
        return self._description

    def stop(self) -> None:
        """StopTrainingJob; the job moves to Stopping, then Stopped."""
        self.polling.call(lambda: self._client.stop_training_job(TrainingJobName=self.job_name))

    @property
    def status(self) -> str:
        return str(self.describe().get("TrainingJobStatus", ""))

    @property
    def model_data(self) -> str | None:
        artifacts = self.describe(refresh=self._description is None).get("ModelArtifacts") or {}
        value = artifacts.get("S3ModelArtifacts")
        return str(value) if value else None

    def console_url(self) -> str:
        return str(self.sagemaker_session.console_url(f"/jobs/{self.job_name}"))

    def logs_url(self) -> str:
        return str(self.sagemaker_session.cloudwatch_url(TRAINING_LOG_GROUP, self.job_name))

    # --- wait ----------------------------------------------------------------------

    def rule_job_summary(self) -> list[dict[str, Any]]:
        """The job's Debugger then profiler rule evaluation statuses (one DescribeTrainingJob)."""
        from .debugger.status import rule_statuses

        return rule_statuses(self.describe())

    def wait(
        self, logs: str | bool | None = "All", *, printer: Printer | None = None, wait_for_rules: bool = False
    ) -> dict[str, Any]:
        """Block until the job ends; with ``logs`` print status transitions and every host's log lines.

        Completed returns the description; Failed raises ``JobFailedError``; Stopped warns
        and returns (a stopped spot job may still have produced a model). With ``"All"`` or
        ``"Rules"``, Debugger/profiler rule status changes are printed as they happen and a
        rule summary at the end (``"Rules"`` prints only those). Rules still evaluating when
        the job ends are not waited for, as in the official SDK, unless ``wait_for_rules=True``.
        """
        if logs not in LOG_MODES:
            raise ValidationError("logs", logs, "'All', 'None', 'Training', 'Rules', True or False")
        if not isinstance(wait_for_rules, bool):
            raise ValidationError("wait_for_rules", wait_for_rules, "True or False")
        from tenacity import Retrying, retry_if_result

        from .debugger.status import RuleStatusTracker, rules_finished, summary_lines

        raw_out = printer or _print
        redact_line = LineRedactor()  # a private key printed over many log lines is masked whole

        def out(line: str) -> None:
            raw_out(redact_line(line))

        show_rules = logs in RULE_LOG_MODES
        rules = RuleStatusTracker()
        tailer: LogTailer | None = None
        if LOG_MODES[logs]:
            tailer = LogTailer(
                self.sagemaker_session.logs_client,
                self.job_name,
                limiter=describe_log_streams_limiter(self.sagemaker_session),
                policy=self.polling,
            )
        state = {"transitions": 0}

        def poll_once() -> dict[str, Any]:
            description = self.describe()
            transitions = description.get("SecondaryStatusTransitions") or []
            # status lines and log lines of this round, printed in time order (a fast job's
            # "Completed" must not come before the output that led to it)
            lines: list[tuple[float, int, str]] = []
            if LOG_MODES[logs]:
                for transition in transitions[state["transitions"] :]:
                    lines.append((_millis(transition.get("StartTime")), len(lines), _format_transition(transition)))
            state["transitions"] = len(transitions)
            if tailer is not None:
                if tailer._expected is None:
                    tailer._expected = (description.get("ResourceConfig") or {}).get("InstanceCount")
                for event in tailer.poll(final=description.get("TrainingJobStatus") in TERMINAL_STATUSES):
                    lines.append((float(event.timestamp), len(lines), tailer.format(event)))
            for _, _, line in sorted(lines):
                out(line)
            if show_rules:
                for line in rules.changes(description):
                    out(line)
            return description

        try:
            description: dict[str, Any] = Retrying(
                retry=retry_if_result(lambda d: d.get("TrainingJobStatus") not in TERMINAL_STATUSES),
                wait=self.polling.intervals(),
                sleep=self.polling.sleep,
            )(poll_once)
            if wait_for_rules and description.get("TrainingJobStatus") != "Failed" and not rules_finished(description):
                description = Retrying(
                    retry=retry_if_result(lambda d: not rules_finished(d)),
                    wait=self.polling.intervals(),
                    sleep=self.polling.sleep,
                )(poll_once)
        except KeyboardInterrupt:
            out(self.sagemaker_session.training_job_interrupted(self.job_name))
            raise
        except Exception as exc:
            if got_no_answer(exc) or error_code(exc):  # an AWS call failed past its retries: the job is fine
                out(
                    f"\nStopped waiting for training job {self.job_name}: {type(exc).__name__}: {exc}\n"
                    "The job itself is not affected and may still be running. "
                    f"Resume with: Estimator.attach({self.job_name!r})"
                )
            raise
        if show_rules:
            for line in summary_lines(description, waited_for_rules=wait_for_rules):
                out(line)
        return self._finish(description, tailer, out if LOG_MODES[logs] else _quiet)

    def _finish(self, description: dict[str, Any], tailer: LogTailer | None, out: Printer) -> dict[str, Any]:
        status = description.get("TrainingJobStatus")
        if tailer is not None and description.get("TrainingJobStatus") == "Failed" and not tailer.last_lines:
            tailer.poll(final=True)
        billable = description.get("BillableTimeInSeconds")
        if status == "Completed":
            suffix = f" Billable seconds: {billable}" if billable else ""  # none locally or on moto
            out(f"Training job {self.job_name} completed.{suffix}")
            return description
        if status == "Stopped":
            message = (
                f"Training job {self.job_name} ended with status Stopped rather than Completed "
                "(stopped by request, or max_run/max_wait reached)."
            )
            out(message)
            LOGGER.warning(redact(message))
            return description
        raise JobFailedError(
            self.job_name,
            str(description.get("FailureReason", "")),
            last_log_lines=list(tailer.last_lines) if tailer else [],
            console_url=self.console_url(),
            logs_url=self.logs_url(),
        )


def _millis(moment: Any) -> float:
    """Epoch milliseconds of a datetime (what CloudWatch timestamps are), 0 when unknown."""
    return float(moment.timestamp() * 1000) if hasattr(moment, "timestamp") else 0.0


def _quiet(_: str) -> None:
    """The printer for ``logs=False``: the outcome still reaches ``logging`` and exceptions."""


def _subset(wanted: Any, actual: Any) -> bool:
    """True when every key/value we sent appears in what AWS returns (AWS adds defaults)."""
    if isinstance(wanted, Mapping):
        return isinstance(actual, Mapping) and all(_subset(value, actual.get(key)) for key, value in wanted.items())
    if isinstance(wanted, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(wanted) == len(actual)
            and all(_subset(w, a) for w, a in zip(wanted, actual, strict=True))
        )
    return bool(wanted == actual)


def _format_transition(transition: Mapping[str, Any]) -> str:
    start: Any = transition.get("StartTime")
    stamp = start.strftime("%Y-%m-%d %H:%M:%S") if hasattr(start, "strftime") else str(start or "")
    message = transition.get("StatusMessage", "")
    return f"{stamp} {transition.get('Status', '')} - {message}".strip()
