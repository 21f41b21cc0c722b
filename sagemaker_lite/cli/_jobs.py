"""``sagemaker-lite jobs ...``: list, describe, logs (optionally followed) and stop training jobs.

The SDK modules (``jobs``, ``logs``, tenacity) are imported inside the commands, so that
building the parser for ``--help`` or ``image-uri`` costs none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._context import Context, paginate
from ._output import format_epoch_ms, format_time, without_metadata

if TYPE_CHECKING:  # pragma: no cover
    from ..jobs import TrainingJob
    from ..logs import LogEvent, LogTailer

JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
TERMINAL_STATUSES = ("Completed", "Failed", "Stopped")


def list_filters(args: Any) -> dict[str, Any]:
    """ListTrainingJobs parameters from ``--status`` / ``--name-contains``; newest first, as the console shows."""
    params: dict[str, Any] = {"SortBy": "CreationTime", "SortOrder": "Descending"}
    if args.status:
        params["StatusEquals"] = args.status
    if args.name_contains:
        params["NameContains"] = args.name_contains
    return params


def job_rows(summaries: list[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            str(s.get("TrainingJobName", "")),
            str(s.get("TrainingJobStatus", "")),
            format_time(s.get("CreationTime")),
            format_time(s.get("TrainingEndTime")),
        ]
        for s in summaries
    ]


def list_jobs(ctx: Context) -> int:
    session = ctx.session
    client = session.sagemaker_client
    summaries = paginate(
        session, client.list_training_jobs, "TrainingJobSummaries", ctx.args.max, **list_filters(ctx.args)
    )
    if ctx.out.json_mode:
        ctx.out.emit_json(summaries)
    else:
        ctx.out.table(["NAME", "STATUS", "CREATED", "ENDED"], job_rows(summaries), empty="No training jobs found.")
    return 0


def _job(ctx: Context) -> TrainingJob:
    from ..jobs import TrainingJob

    return TrainingJob(ctx.session, ctx.args.name)


def describe_job(ctx: Context) -> int:
    ctx.out.document(without_metadata(_job(ctx).describe()))
    return 0


def stop_job(ctx: Context) -> int:
    """StopTrainingJob; with ``--wait``, poll until the job has actually ended (Stopped, or finished first)."""
    job = _job(ctx)
    job.stop()
    if not ctx.args.wait:
        if ctx.out.json_mode:
            ctx.out.emit_json({"TrainingJobName": job.job_name, "TrainingJobStatus": "Stopping"})
        else:
            ctx.out.line(f"Stopping training job {job.job_name}")
        return 0
    ctx.out.note(f"Stopping training job {job.job_name}; waiting for it to end...")
    description = _poll_until_ended(job, lambda _: None)
    status = str(description.get("TrainingJobStatus", ""))
    if ctx.out.json_mode:
        ctx.out.emit_json({"TrainingJobName": job.job_name, "TrainingJobStatus": status})
    else:
        ctx.out.line(f"Training job {job.job_name} is {status}")
    return 0


def _poll_until_ended(job: TrainingJob, on_poll: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """DescribeTrainingJob at once, then with the Session's backoff, until a terminal status.

    ``on_poll(description)`` runs after every describe (the log follower prints there).
    """
    from tenacity import Retrying, retry_if_result

    def poll_once() -> dict[str, Any]:
        description = job.describe()
        on_poll(description)
        return description

    result: dict[str, Any] = Retrying(
        retry=retry_if_result(lambda d: d.get("TrainingJobStatus") not in TERMINAL_STATUSES),
        wait=job.polling.intervals(),
        sleep=job.polling.sleep,
    )(poll_once)
    return result


# --- logs ---------------------------------------------------------------------------


class _LogPrinter:
    """Renders log events as text lines (``[algo-2] ...`` when several hosts log) or JSON lines."""

    def __init__(self, ctx: Context, tailer: LogTailer) -> None:
        from ..redact import LineRedactor

        self.ctx = ctx
        self.tailer = tailer
        self.printed = 0
        self.redact: dict[str, LineRedactor] = {}  # per stream: a PEM block spans one host's lines

    def __call__(self, events: list[LogEvent]) -> None:
        from ..redact import LineRedactor

        for event in events:
            self.printed += 1
            redact = self.redact.setdefault(event.stream, LineRedactor())
            message = redact(event.message)  # secrets are masked here as in fit()'s output
            if self.ctx.out.json_mode:
                host = event.stream.split("/", 1)[-1].rsplit("-", 1)[0]
                record = {
                    "timestamp": format_epoch_ms(event.timestamp),
                    "host": host,
                    "stream": event.stream,
                    "message": message,
                }
                self.ctx.out.emit_json(record, compact=True)
            else:
                line = self.tailer.format(event._replace(message=message))
                if self.ctx.args.timestamps:
                    line = f"{format_epoch_ms(event.timestamp)} {line}"
                self.ctx.out.line(line)


def _tailer(ctx: Context, expected_streams: int | None) -> LogTailer:
    from ..logs import LogTailer, describe_log_streams_limiter

    session = ctx.session
    return LogTailer(
        session.logs_client,
        ctx.args.name,
        limiter=describe_log_streams_limiter(session),
        expected_streams=expected_streams,
        policy=session.polling,
    )


def job_logs(ctx: Context) -> int:
    """Print every host's log events, oldest first; ``--follow`` streams them until the job ends.

    The job is described first, so a wrong name fails with SageMaker's "not found" (exit 1)
    rather than printing nothing. Log lines go to stdout; status transitions and the outcome
    go to stderr, so the output can be piped or saved as the job's log.
    """
    job = _job(ctx)
    if ctx.args.follow:
        return _follow(ctx, job)
    job.describe()
    tailer = _tailer(ctx, None)
    printer = _LogPrinter(ctx, tailer)
    printer(tailer.poll(final=True))
    if not printer.printed:
        ctx.out.note(f"No log events for training job {job.job_name} (yet).")
    return 0


class _Follower:
    """Per-poll work while following: new status transitions to stderr, new log events to stdout."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.transitions_seen = 0
        self.tailer: LogTailer | None = None
        self.printer: _LogPrinter | None = None

    def on_poll(self, description: Mapping[str, Any]) -> None:
        transitions = description.get("SecondaryStatusTransitions") or []
        for transition in transitions[self.transitions_seen :]:
            self.ctx.out.note(_format_transition(transition))
        self.transitions_seen = len(transitions)
        if self.tailer is None or self.printer is None:
            # one stream per host: once all are found, stream discovery (rate-limited) stops
            count = (description.get("ResourceConfig") or {}).get("InstanceCount")
            self.tailer = _tailer(self.ctx, int(count) if count else None)
            self.printer = _LogPrinter(self.ctx, self.tailer)
        final = description.get("TrainingJobStatus") in TERMINAL_STATUSES
        self.printer(self.tailer.poll(final=final))


def _follow(ctx: Context, job: TrainingJob) -> int:
    """Poll the job and its streams together until it ends; the exit code follows its outcome.

    ``TrainingJob.wait(logs="All")`` prints transitions and log lines into one text stream;
    the CLI keeps them apart (stdout/stderr) and can write JSON lines, so it drives the same
    ``LogTailer`` and backoff itself. Completed and Stopped exit 0; Failed raises
    ``JobFailedError`` (exit 1). Ctrl-C leaves the job running and says how to resume.
    """
    from ..errors import JobFailedError

    follower = _Follower(ctx)
    try:
        description = _poll_until_ended(job, follower.on_poll)
    except KeyboardInterrupt:
        ctx.out.note(
            f"\nStopped following; training job {job.job_name} is still running. "
            f"Resume with: sagemaker-lite jobs logs {job.job_name} --follow; "
            f"stop it with: sagemaker-lite jobs stop {job.job_name}"
        )
        raise
    status = description.get("TrainingJobStatus")
    if status == "Failed":
        tailer = follower.tailer
        raise JobFailedError(
            job.job_name,
            str(description.get("FailureReason", "")),
            last_log_lines=list(tailer.last_lines) if tailer is not None else [],
            console_url=job.console_url(),
            logs_url=job.logs_url(),
        )
    billable = description.get("BillableTimeInSeconds")
    suffix = f" Billable seconds: {billable}" if billable is not None else ""
    ctx.out.note(f"Training job {job.job_name} ended with status {status}.{suffix}")
    return 0


def _format_transition(transition: Mapping[str, Any]) -> str:
    stamp = format_time(transition.get("StartTime"))
    message = transition.get("StatusMessage", "")
    return f"{stamp} {transition.get('Status', '')} - {message}".strip()
