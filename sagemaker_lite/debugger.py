"""Debugger and profiler settings in CreateTrainingJob requests.

What the official SDK v2 sends when the user asks for nothing is kept on purpose: in
regions where SageMaker Debugger exists, a ``DebugHookConfig`` writing to the job's
output path with no collections, and a ``ProfilerConfig`` that leaves system profiling on.
``debugger_hook_config=False`` and ``disable_profiler=True`` opt out, as in the official
SDK. Both services are missing from a few regions (facts from the official SDK's tables),
where nothing is sent for the hook and the profiler is reported disabled.
"""

from __future__ import annotations

from typing import Any

DEBUGGER_UNSUPPORTED_REGIONS = frozenset(
    {
        "us-iso-east-1",
        "us-isob-east-1",
        "ap-southeast-3",
        "ap-southeast-4",
        "eu-south-2",
        "me-central-1",
        "ap-south-2",
        "eu-central-2",
        "us-gov-east-1",
    }
)
PROFILER_UNSUPPORTED_REGIONS = DEBUGGER_UNSUPPORTED_REGIONS


def region_supports_debugger(region: str) -> bool:
    return region.lower() not in DEBUGGER_UNSUPPORTED_REGIONS


def region_supports_profiler(region: str) -> bool:
    return region.lower() not in PROFILER_UNSUPPORTED_REGIONS


def debugger_request_fields(
    *,
    region: str,
    output_path: str,
    debugger_hook_config: bool | None,
    disable_profiler: bool,
) -> dict[str, Any]:
    """The DebugHookConfig / ProfilerConfig fields for a job (empty in local mode callers)."""
    fields: dict[str, Any] = {}
    if debugger_hook_config is not False and region_supports_debugger(region):
        fields["DebugHookConfig"] = {"S3OutputPath": output_path, "CollectionConfigurations": []}
    if disable_profiler or not region_supports_profiler(region):
        fields["ProfilerConfig"] = {"DisableProfiler": True}
    else:
        fields["ProfilerConfig"] = {"S3OutputPath": output_path, "DisableProfiler": False}
    return fields
