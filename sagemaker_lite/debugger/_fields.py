"""The CreateTrainingJob fields Debugger owns, apart from the renderer so the estimator can name them cheaply."""

from __future__ import annotations

DEBUGGER_FIELDS = (
    "DebugHookConfig",
    "DebugRuleConfigurations",
    "TensorBoardOutputConfig",
    "ProfilerConfig",
    "ProfilerRuleConfigurations",
)
