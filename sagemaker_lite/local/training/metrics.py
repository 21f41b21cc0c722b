"""PURE: a local job's ``FinalMetricDataList``, from its metric definitions applied to its logs.

    definitions = [{"Name": "validation:auc", "Regex": ".*\\\\[[0-9]+\\\\].*#011validation-auc:(\\\\S+)"}]
    final_metrics(definitions, {"algo-1": lines}, when)
    # [{"MetricName": "validation:auc", "Value": 0.89, "Timestamp": when}]

SageMaker scans every line a training container writes to CloudWatch with each
``MetricDefinitions`` regex of the request (plus, for a built-in algorithm, the
algorithm's own definitions) and reports the last value each metric took in
``DescribeTrainingJob``'s ``FinalMetricDataList``; a tuner reads its objective metric
there. Local mode does the same over the job's log files when the job ends, so code that
reads ``FinalMetricDataList`` (the tuner, ``TrainingJobAnalytics``-style helpers, tests)
works unchanged.

The rules, as the service applies them:

* the first capture group is the value; a match whose group does not parse as a finite
  float is ignored;
* CloudWatch shows control characters the way syslog escapes them, so a tab in a
  container's output reads ``#011`` there, and the built-in algorithms' regexes are
  written against that (``#011validation-auc:``). Each line is matched as CloudWatch
  shows it (tab -> ``#011``) and, failing that, as written;
* with several hosts, the lowest-numbered host that reported a metric gives its value
  (``algo-1`` first; distributed XGBoost prints the same all-reduced values on every host).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

SYSLOG_TAB = "#011"


def compile_definitions(definitions: Iterable[Mapping[str, Any]]) -> list[tuple[str, re.Pattern[str]]]:
    """(name, compiled regex) pairs; a definition whose regex does not compile is skipped (the service
    rejects those at CreateTrainingJob, so a local job never sees one from a validated request)."""
    compiled: list[tuple[str, re.Pattern[str]]] = []
    seen: set[str] = set()
    for definition in definitions:
        name = str(definition.get("Name", ""))
        if not name or name in seen:
            continue
        try:
            pattern = re.compile(str(definition.get("Regex", "")))
        except re.error:
            continue
        seen.add(name)
        compiled.append((name, pattern))
    return compiled


def _value(pattern: re.Pattern[str], line: str) -> float | None:
    for candidate in (line.replace("\t", SYSLOG_TAB), line):
        match = pattern.search(candidate)
        if match is None:
            continue
        try:
            text = match.group(1) if pattern.groups else match.group(0)
            value = float(text)
        except (IndexError, TypeError, ValueError):
            continue
        if math.isfinite(value):
            return value
    return None


def last_values(definitions: Sequence[tuple[str, re.Pattern[str]]], lines: Iterable[str]) -> dict[str, float]:
    """The last value each metric took in ``lines``."""
    values: dict[str, float] = {}
    for line in lines:
        for name, pattern in definitions:
            value = _value(pattern, line)
            if value is not None:
                values[name] = value
    return values


def final_metrics(
    definitions: Iterable[Mapping[str, Any]], host_lines: Mapping[str, Iterable[str]], when: datetime
) -> list[dict[str, Any]]:
    """``FinalMetricDataList`` for a job whose hosts wrote ``host_lines`` (host name -> its log lines)."""
    compiled = compile_definitions(definitions)
    if not compiled:
        return []
    found: dict[str, float] = {}
    for host in sorted(host_lines, key=_host_order):
        for name, value in last_values(compiled, host_lines[host]).items():
            found.setdefault(name, value)
    return [{"MetricName": name, "Value": found[name], "Timestamp": when} for name, _ in compiled if name in found]


def _host_order(name: str) -> tuple[int, str]:
    suffix = name.rsplit("-", 1)[-1]
    return (int(suffix), name) if suffix.isdigit() else (0, name)
