"""Rule evaluation statuses from DescribeTrainingJob, as lines a person reads while waiting.

    Debugger rule LossNotDecreasing: InProgress
    Debugger rule LossNotDecreasing: IssuesFound - Rule evaluation status: IssuesFound ...

SageMaker reports each rule's processing job in ``DebugRuleEvaluationStatuses`` and
``ProfilerRuleEvaluationStatuses`` (InProgress, NoIssuesFound, IssuesFound, Error, Stopping,
Stopped). Rules keep running after the training job ends; like the official SDK, waiting for
the training job does not wait for them (``TrainingJob.wait(wait_for_rules=True)`` does).
PURE: formatting only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RULE_STATUS_FIELDS = {"DebugRuleEvaluationStatuses": "Debugger", "ProfilerRuleEvaluationStatuses": "Profiler"}
TERMINAL_RULE_STATUSES = frozenset({"NoIssuesFound", "IssuesFound", "Error", "Stopped"})
_DETAILS_LIMIT = 300


def rule_statuses(description: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Debugger then profiler rule statuses (copies), as ``rule_job_summary()`` returns them."""
    statuses: list[dict[str, Any]] = []
    for field in RULE_STATUS_FIELDS:
        statuses.extend(dict(status) for status in description.get(field) or [])
    return statuses


def rules_finished(description: Mapping[str, Any]) -> bool:
    """True when every rule has reached a final status (or the job has no rules)."""
    return all(s.get("RuleEvaluationStatus") in TERMINAL_RULE_STATUSES for s in rule_statuses(description))


def _details(status: Mapping[str, Any]) -> str:
    text = " ".join(str(status.get("StatusDetails") or "").split())
    return text if len(text) <= _DETAILS_LIMIT else text[: _DETAILS_LIMIT - 3] + "..."


def format_status(kind: str, status: Mapping[str, Any]) -> str:
    line = f"{kind} rule {status.get('RuleConfigurationName', '?')}: {status.get('RuleEvaluationStatus', '?')}"
    details = _details(status)
    return f"{line} - {details}" if details else line


class RuleStatusTracker:
    """Remembers each rule's last status, so only changes are printed while polling."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], str] = {}

    def changes(self, description: Mapping[str, Any]) -> list[str]:
        lines: list[str] = []
        for field, kind in RULE_STATUS_FIELDS.items():
            for status in description.get(field) or []:
                key = (field, str(status.get("RuleConfigurationName")))
                value = str(status.get("RuleEvaluationStatus"))
                if self._last.get(key) != value:
                    self._last[key] = value
                    lines.append(format_status(kind, status))
        return lines


def summary_lines(description: Mapping[str, Any], *, waited_for_rules: bool = False) -> list[str]:
    """A table of every rule's status when waiting ends (empty when the job has no rules)."""
    rows: list[tuple[str, str, str]] = []
    for field, kind in RULE_STATUS_FIELDS.items():
        for status in description.get(field) or []:
            rows.append(
                (
                    f"{kind} rule {status.get('RuleConfigurationName', '?')}",
                    str(status.get("RuleEvaluationStatus", "?")),
                    _details(status),
                )
            )
    if not rows:
        return []
    job = description.get("TrainingJobName", "")
    lines = [f"Rule evaluation summary for training job {job}:"]
    name_width = max(len(r[0]) for r in rows)
    status_width = max(len(r[1]) for r in rows)
    running = False
    for name, status, details in rows:
        running = running or status not in TERMINAL_RULE_STATUSES
        lines.append(f"  {name:<{name_width}}  {status:<{status_width}}  {details}".rstrip())
    if running and not waited_for_rules:
        lines.append(
            "  Rules still running were not waited for: check later with estimator.rule_job_summary(), "
            "or wait with estimator.latest_training_job.wait(wait_for_rules=True)."
        )
    return lines
