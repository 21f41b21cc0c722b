"""The exception hierarchy: everything sagemaker_lite raises on purpose.

Catch ``SageMakerLiteError`` to handle all of them; catch a leaf to handle one::

    SageMakerLiteError
    ├── ValidationError            bad argument, raised before any API call or upload
    │   └── ConfigurationError     the environment lacks something (region, role, ...)
    ├── UnexpectedStatusError      a job or endpoint ended in a state we did not want
    │   ├── JobFailedError         a training job ended Failed (reason, last log lines, links)
    │   └── EndpointFailedError    an endpoint ended Failed
    ├── PartialFailureError        a multi-step operation stopped midway; says what exists
    └── LocalModeError             local mode cannot do what was asked on this machine

``ValidationError`` also derives from ``ValueError`` so code written against the
official SDK (which raises ``ValueError`` for bad arguments) keeps catching it.
AWS service errors are not wrapped: botocore's ``ClientError`` reaches the caller
unchanged once retries are exhausted, because its ``response`` is what people debug with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .redact import redact, redact_lines

_SHOWN = 200  # characters of a value's repr in a message; a 3,000-character hyperparameter is not printed whole


def _shown(value: Any) -> str:
    full = repr(value)
    if len(full) <= _SHOWN:
        return redact(full)
    # redact a window past what is shown (a secret cut at the edge is not shown anyway), never the
    # whole repr: the redactor's patterns over a 6 MB payload would take minutes
    text = redact(full[: _SHOWN * 5])
    if isinstance(value, (str, bytes, bytearray)):
        size = f"{len(value):,} {'characters' if isinstance(value, str) else 'bytes'}"
    elif isinstance(value, (list, tuple, dict, set)):
        size = f"{len(value):,} items"
    else:
        size = f"{len(full):,} characters"
    return f"{text[: _SHOWN - 20]}... ({size})"


class SageMakerLiteError(Exception):
    """Base class of every exception sagemaker_lite raises on purpose."""


class ValidationError(SageMakerLiteError, ValueError):
    """An argument is invalid; nothing has been sent to AWS or written to S3.

    ``parameter`` names the argument, ``value`` is what was given and ``allowed``
    says what would be accepted.
    """

    def __init__(self, parameter: str, value: Any, allowed: str, *, hint: str | None = None) -> None:
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        self.hint = hint
        message = f"{parameter}={_shown(value)} is not valid: expected {allowed}"
        if hint:
            message += f". {hint}"
        super().__init__(message)


class ConfigurationError(ValidationError):
    """Something the SDK needs is missing from the environment (region, role, bucket)."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.value = None
        self.allowed = message
        self.hint = None
        Exception.__init__(self, f"{parameter}: {message}")


class UnexpectedStatusError(SageMakerLiteError):
    """A resource reached a terminal status other than the one waited for."""

    def __init__(self, message: str, *, resource_name: str, status: str, allowed_statuses: Sequence[str] = ()) -> None:
        self.resource_name = resource_name
        self.status = status
        self.allowed_statuses = tuple(allowed_statuses)
        super().__init__(message)


class JobFailedError(UnexpectedStatusError):
    """A training (or processing, tuning, transform: ``kind``) job ended ``Failed``.

    Carries ``failure_reason`` (as SageMaker reported it), ``last_log_lines`` (the
    tail of what the job printed) and ``console_url`` / ``logs_url`` to look further.
    """

    def __init__(
        self,
        job_name: str,
        failure_reason: str,
        *,
        last_log_lines: Iterable[str] = (),
        console_url: str = "",
        logs_url: str = "",
        kind: str = "Training",
    ) -> None:
        self.job_name = job_name
        self.kind = kind
        self.failure_reason = redact(failure_reason)
        self.last_log_lines = redact_lines(last_log_lines)
        self.console_url = console_url
        self.logs_url = logs_url
        parts = [f"{kind} job {job_name} failed: {self.failure_reason or '(no FailureReason given)'}"]
        if self.last_log_lines:
            parts.append("Last log lines:")
            parts.extend(f"  {line}" for line in self.last_log_lines)
        if console_url:
            parts.append(f"Console: {console_url}")
        if logs_url:
            parts.append(f"Logs: {logs_url}")
        super().__init__("\n".join(parts), resource_name=job_name, status="Failed", allowed_statuses=("Completed",))


class EndpointFailedError(UnexpectedStatusError):
    """An endpoint ended ``Failed`` while being created or updated."""

    def __init__(self, endpoint_name: str, failure_reason: str, *, console_url: str = "") -> None:
        self.endpoint_name = endpoint_name
        self.failure_reason = redact(failure_reason)
        self.console_url = console_url
        message = f"Endpoint {endpoint_name} failed: {self.failure_reason or '(no FailureReason given)'}"
        if console_url:
            message += f"\nConsole: {console_url}"
        super().__init__(message, resource_name=endpoint_name, status="Failed", allowed_statuses=("InService",))


class PartialFailureError(SageMakerLiteError):
    """A multi-step operation failed after creating some resources.

    ``created`` lists them (kind, name) and ``cleanup`` is the one call that removes them.
    A deletion that could not remove everything raises it too, listing what may remain
    (``label="Not deleted"``).
    """

    def __init__(
        self,
        message: str,
        *,
        created: Sequence[tuple[str, str]],
        cleanup: str,
        label: str = "Created before the failure",
    ) -> None:
        self.created = list(created)
        self.cleanup = cleanup
        lines = [message]
        if self.created:
            lines.append(f"{label}: " + ", ".join(f"{kind} {name}" for kind, name in self.created))
            lines.append(f"Clean up with: {cleanup}")
        super().__init__(redact("\n".join(lines)))


class LocalModeError(SageMakerLiteError):
    """Local mode cannot run what was asked on this machine (and says what would work)."""
