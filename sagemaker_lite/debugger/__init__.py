"""SageMaker Debugger: rules, the Debugger hook, TensorBoard output and profiling, in the v2 dialect.

    from sagemaker_lite.debugger import (CollectionConfig, DebuggerHookConfig, ProfilerConfig,
                                         ProfilerRule, Rule, TensorBoardOutputConfig, rule_configs)

    est = TensorFlow(
        entry_point="train.py", framework_version="2.13", py_version="py310",
        role=role, instance_count=1, instance_type="ml.p3.2xlarge",
        rules=[Rule.sagemaker(rule_configs.exploding_tensor()),
               ProfilerRule.sagemaker(rule_configs.ProfilerReport())],
        debugger_hook_config=DebuggerHookConfig(collection_configs=[CollectionConfig("losses")]),
        tensorboard_output_config=TensorBoardOutputConfig("s3://bucket/tensorboard"),
        profiler_config=ProfilerConfig(system_monitor_interval_millis=500),
    )
    est.fit(...)                     # rule statuses are printed while waiting
    est.rule_job_summary()           # [{"RuleConfigurationName": ..., "RuleEvaluationStatus": ...}]

The same module paths and names as the official ``sagemaker.debugger``. The built-in rule
table ships as data (``data/rules.json``, from the published ``smdebug-rulesconfig`` facts)
rather than as a dependency. Request rendering is pure (``request``); see docs/debugger.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from . import rule_configs as rule_configs
    from ._fields import DEBUGGER_FIELDS as DEBUGGER_FIELDS
    from .configs import CollectionConfig as CollectionConfig
    from .configs import DebuggerHookConfig as DebuggerHookConfig
    from .configs import ProfilerConfig as ProfilerConfig
    from .configs import TensorBoardOutputConfig as TensorBoardOutputConfig
    from .request import debugger_request_fields as debugger_request_fields
    from .request import instance_type_supports_profiler as instance_type_supports_profiler
    from .request import region_supports_debugger as region_supports_debugger
    from .request import region_supports_profiler as region_supports_profiler
    from .rules import DEFAULT_RULE_EVALUATOR_IMAGE as DEFAULT_RULE_EVALUATOR_IMAGE
    from .rules import ProfilerRule as ProfilerRule
    from .rules import Rule as Rule
    from .rules import RuleBase as RuleBase

# The estimators' modules import this package for its request helpers; loading the rule
# table, the configs and the request renderer only on first use keeps a framework import cheap.
_LAZY = {
    "rule_configs": "",
    "CollectionConfig": "configs",
    "DebuggerHookConfig": "configs",
    "ProfilerConfig": "configs",
    "TensorBoardOutputConfig": "configs",
    "DEBUGGER_FIELDS": "_fields",
    "debugger_request_fields": "request",
    "instance_type_supports_profiler": "request",
    "region_supports_debugger": "request",
    "region_supports_profiler": "request",
    "DEFAULT_RULE_EVALUATOR_IMAGE": "rules",
    "ProfilerRule": "rules",
    "Rule": "rules",
    "RuleBase": "rules",
}

__getattr__, __dir__ = lazy_exports(
    __name__, _LAZY, globals(), eager=("framework_name", "get_rule_container_image_uri")
)

#: the image URI registry's name for the rule evaluator images (``image_uris.retrieve("debugger", region)``)
framework_name = "debugger"


def get_rule_container_image_uri(name: str | None, region: str) -> str:
    """The Debugger rule evaluator image for ``region``: ``get_rule_container_image_uri(None, "us-west-2")``."""
    from .request import rule_evaluator_image

    return rule_evaluator_image(region)


__all__ = [
    "DEBUGGER_FIELDS",
    "DEFAULT_RULE_EVALUATOR_IMAGE",
    "CollectionConfig",
    "DebuggerHookConfig",
    "ProfilerConfig",
    "ProfilerRule",
    "Rule",
    "RuleBase",
    "TensorBoardOutputConfig",
    "debugger_request_fields",
    "framework_name",
    "get_rule_container_image_uri",
    "instance_type_supports_profiler",
    "region_supports_debugger",
    "region_supports_profiler",
    "rule_configs",
]
