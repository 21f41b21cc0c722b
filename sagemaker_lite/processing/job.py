"""ProcessingJob: one processing job's handle -- describe, wait with every host's logs, stop, attach.

    from sagemaker_lite.processing import ProcessingJob

    job = ProcessingJob.attach("prep-2026-12-07-17-30-00-123")   # or processor.latest_job
    job.wait()                  # status lines and logs; Failed raises JobFailedError
    job.describe()["ProcessingJobStatus"]
    job.stop()

Polling follows the Session's ``PollingPolicy`` (backoff, and transient errors retried
in that one layer), logs come from ``/aws/sagemaker/ProcessingJobs`` through the same
``LogTailer`` training jobs use, and Ctrl-C while waiting leaves the job running and
prints the call that resumes waiting. Works the same on a ``LocalSession``: the local
backend answers the same operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._validation import check_job_name
from ..errors import JobFailedError, ValidationError
from ..redact import redact
from .io import ProcessingInput, ProcessingOutput

PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"
TERMINAL_STATUSES = ("Completed", "Failed", "Stopped")


def _print(line: str) -> None:
    print(line, flush=True)


class ProcessingJob:
    """A processing job by name, with the inputs and outputs it was created with (when known)."""

    def __init__(
        self,
        sagemaker_session: Any,
        job_name: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
    ) -> None:
        check_job_name("job_name", job_name)
        self.sagemaker_session = sagemaker_session
        self.job_name = job_name
        self.inputs = list(inputs or [])
        self.outputs = list(outputs or [])
        self._description: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"ProcessingJob({self.job_name!r})"

    @classmethod
    def attach(cls, processing_job_name: str, sagemaker_session: Any = None) -> ProcessingJob:
        """The handle of an existing job, its inputs and outputs rebuilt from DescribeProcessingJob."""
        if sagemaker_session is None:
            from ..session import Session

            sagemaker_session = Session()
        job = cls(sagemaker_session, processing_job_name)
        description = job.describe()
        job.inputs = [ProcessingInput.from_request(e) for e in description.get("ProcessingInputs") or []]
        outputs = (description.get("ProcessingOutputConfig") or {}).get("Outputs") or []
        job.outputs = [ProcessingOutput.from_request(e) for e in outputs]
        return job

    #: the official name of ``attach``
    from_processing_name = attach

    def describe(self) -> dict[str, Any]:
        """DescribeProcessingJob (retried on transient errors by the Session's policy)."""
        client = self.sagemaker_session.sagemaker_client
        name = self.job_name
        description = self.sagemaker_session.polling.call(
            lambda: client.describe_processing_job(ProcessingJobName=name)
        )
        self._description = dict(description)
        return self._description

    def stop(self) -> None:
        """StopProcessingJob; the job ends ``Stopped`` (outputs uploaded so far are kept)."""
        self.sagemaker_session.sagemaker_client.stop_processing_job(ProcessingJobName=self.job_name)

    def wait(self, logs: bool = True, *, printer: Callable[[str], None] | None = None) -> dict[str, Any]:
        """Block until the job ends; with ``logs`` print status changes and every host's log lines.

        Completed returns the description; Failed raises ``JobFailedError`` (kind "Processing")
        with the FailureReason and the last log lines; Stopped returns the description.
        """
        if not isinstance(logs, bool):
            raise ValidationError("logs", logs, "True or False")
        from tenacity import Retrying, retry_if_result

        from ..logs import LogTailer, describe_log_streams_limiter

        session = self.sagemaker_session
        raw_out = printer or _print

        def out(line: str) -> None:
            raw_out(redact(line))

        tailer = LogTailer(
            session.logs_client,
            self.job_name,
            limiter=describe_log_streams_limiter(session),
            log_group=PROCESSING_LOG_GROUP,
            policy=session.polling,
        )
        seen = {"status": ""}

        def poll_once() -> dict[str, Any]:
            description = self.describe()
            status = str(description.get("ProcessingJobStatus", ""))
            if logs:
                if tailer._expected is None:
                    cluster = (description.get("ProcessingResources") or {}).get("ClusterConfig") or {}
                    tailer._expected = cluster.get("InstanceCount")
                for event in tailer.poll(final=status in TERMINAL_STATUSES):
                    out(tailer.format(event))
                if status != seen["status"] and status not in TERMINAL_STATUSES:
                    out(f"Processing job {self.job_name}: {status}")
            else:
                tailer.last_lines.clear()
            seen["status"] = status
            return description

        try:
            description: dict[str, Any] = Retrying(
                retry=retry_if_result(lambda d: d.get("ProcessingJobStatus") not in TERMINAL_STATUSES),
                wait=session.polling.intervals(),
                sleep=session.polling.sleep,
            )(poll_once)
        except KeyboardInterrupt:
            out(
                f"\nStopped waiting; processing job {self.job_name} is still running.\n"
                f"Resume with: ProcessingJob.attach({self.job_name!r}, sagemaker_session=...).wait()"
            )
            raise
        status = description.get("ProcessingJobStatus")
        if status == "Failed":
            if not tailer.last_lines:
                tailer.poll(final=True)
            raise JobFailedError(
                self.job_name,
                str(description.get("FailureReason", "")),
                last_log_lines=list(tailer.last_lines),
                kind="Processing",
            )
        if logs:
            out(f"Processing job {self.job_name} {str(status).lower()}.")
        return description
