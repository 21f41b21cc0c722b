"""PURE: DescribeTrainingJob -> the Debugger/profiler keyword arguments of an estimator (for attach).

The inverse of ``request.debugger_request_fields``: built-in rules are recognised by the rule
they invoke, custom rules keep their image and source, actions and placement are restored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from ._table import debugger_rule_by_invoked_name, profiler_rules
from .configs import CollectionConfig, DebuggerHookConfig, ProfilerConfig, TensorBoardOutputConfig
from .request import _RULE_IMAGE_REPOSITORY, merged_collections
from .rule_configs import Action, ActionList, action_from_parameters
from .rules import SOURCE_PARAMETER, ProfilerRule, Rule, RuleBase


def _is_builtin_image(image: Any) -> bool:
    return isinstance(image, str) and _RULE_IMAGE_REPOSITORY in image


def _parse_actions(text: str, job_name: str | None) -> Action | ActionList | None:
    try:
        parsed = json.loads(text.replace('\\"', '"'))
    except ValueError:
        return None
    if isinstance(parsed, dict):
        return action_from_parameters(parsed, job_name)
    if isinstance(parsed, list):
        return ActionList(*(action_from_parameters(item, job_name) for item in parsed))
    return None


def _placement(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "instance_type": config.get("InstanceType") or None,
        "volume_size_in_gb": config.get("VolumeSizeInGB") or None,
        "container_local_output_path": config.get("LocalPath") or None,
        "s3_output_path": config.get("S3OutputPath") or None,
    }


def _debugger_rule(config: Mapping[str, Any], job_name: str | None) -> Rule:
    parameters = dict(config.get("RuleParameters") or {})
    trials = [
        parameters.pop(k) for k in sorted((k for k in parameters if k.startswith("other_trial_")), key=_trial_index)
    ]
    actions = _parse_actions(parameters.pop("action_json"), job_name) if "action_json" in parameters else None
    placement = _placement(config)
    invoked = parameters.get("rule_to_invoke", config.get("RuleConfigurationName"))
    if _is_builtin_image(config.get("RuleEvaluatorImage")) and invoked in debugger_rule_by_invoked_name():
        function, entry = debugger_rule_by_invoked_name()[invoked]
        for key, value in entry["rule_parameters"].items():
            if parameters.get(key) == value:
                del parameters[key]
        from . import rule_configs

        base = getattr(rule_configs, function)()
        name = config["RuleConfigurationName"]
        return Rule.sagemaker(
            base,
            name=None if name == entry["name"] else name,
            container_local_output_path=placement["container_local_output_path"],
            s3_output_path=placement["s3_output_path"],
            other_trials_s3_input_paths=trials or None,
            rule_parameters=parameters or None,
            actions=actions,
            instance_type=placement["instance_type"],
            volume_size_in_gb=placement["volume_size_in_gb"],
        )
    return Rule.custom(
        **_custom_kwargs(config, parameters, placement), other_trials_s3_input_paths=trials or None, actions=actions
    )


def _custom_kwargs(config: Mapping[str, Any], parameters: dict[str, Any], placement: Mapping[str, Any]) -> Any:
    """``Rule.custom`` / ``ProfilerRule.custom`` keyword arguments from a rule configuration (pops the source)."""
    source = parameters.pop(SOURCE_PARAMETER, None)
    rule_to_invoke = parameters.pop("rule_to_invoke", None) if source else None
    return {
        "name": config["RuleConfigurationName"],
        "image_uri": config["RuleEvaluatorImage"],
        "instance_type": placement["instance_type"],
        "volume_size_in_gb": placement["volume_size_in_gb"],
        "source": source,
        "rule_to_invoke": rule_to_invoke,
        "container_local_output_path": placement["container_local_output_path"],
        "s3_output_path": placement["s3_output_path"],
        "rule_parameters": parameters or None,
    }


def _trial_index(key: str) -> int:
    suffix = key.rsplit("_", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def _profiler_value(text: str) -> Any:
    if text == "None":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _profiler_rule(config: Mapping[str, Any]) -> ProfilerRule:
    parameters = dict(config.get("RuleParameters") or {})
    placement = _placement(config)
    if _is_builtin_image(config.get("RuleEvaluatorImage")):
        invoked = parameters.pop("rule_to_invoke", config.get("RuleConfigurationName"))
        if invoked in profiler_rules():
            from . import rule_configs

            base = getattr(rule_configs, invoked)(**{k: _profiler_value(v) for k, v in parameters.items()})
            name = config["RuleConfigurationName"]
            return ProfilerRule.sagemaker(base, name=None if name == invoked else name, **placement)
        parameters["rule_to_invoke"] = invoked
    return ProfilerRule.custom(**_custom_kwargs(config, parameters, placement))


def config_kwargs_from_description(description: Mapping[str, Any]) -> dict[str, Any]:
    """The Debugger keyword arguments that rebuild a job's request (``Estimator.attach``).

    Settings equal to the defaults come back as defaults (``None``), so the attached
    estimator's next request equals the original one.
    """
    output_path = (description.get("OutputDataConfig") or {}).get("S3OutputPath")
    job_name = description.get("TrainingJobName")
    rules: list[RuleBase] = [_debugger_rule(c, job_name) for c in description.get("DebugRuleConfigurations") or []]
    rules += [_profiler_rule(c) for c in description.get("ProfilerRuleConfigurations") or []]
    debugger_rules = [rule for rule in rules if isinstance(rule, Rule)]

    hook_value: DebuggerHookConfig | bool | None = False
    hook = description.get("DebugHookConfig")
    if hook:
        collections = [
            CollectionConfig(c["CollectionName"], c.get("CollectionParameters"))
            for c in hook.get("CollectionConfigurations") or []
        ]
        from_rules = merged_collections(None, debugger_rules)
        own = [c for c in collections if c not in from_rules]  # what the user listed on the hook
        if merged_collections(DebuggerHookConfig(collection_configs=own), debugger_rules) != collections:
            # an order the rules alone cannot rebuild: the hook lists every collection, rules add none
            own = collections
            rules = [attrs.evolve(r, collection_configs=[]) if isinstance(r, Rule) else r for r in rules]
        path = hook.get("S3OutputPath")
        custom = path != output_path or hook.get("LocalPath") or hook.get("HookParameters") or own
        hook_value = (
            DebuggerHookConfig(
                s3_output_path=None if path == output_path else path,
                container_local_output_path=hook.get("LocalPath"),
                hook_parameters=hook.get("HookParameters"),
                collection_configs=own,
            )
            if custom
            else None
        )

    tensorboard = description.get("TensorBoardOutputConfig")
    profiler = description.get("ProfilerConfig") or {}
    disabled = bool(profiler.get("DisableProfiler", False))
    interval = profiler.get("ProfilingIntervalInMilliseconds")
    parameters = profiler.get("ProfilingParameters")
    profiler_path = profiler.get("S3OutputPath")
    profiler_config = None
    custom_path = bool(profiler_path) and profiler_path != output_path and not disabled
    if interval is not None or parameters or custom_path:
        profiler_config = ProfilerConfig(
            s3_output_path=profiler_path if custom_path else None,
            system_monitor_interval_millis=interval,
            framework_profile_params=parameters or None,
            disable_profiler=disabled,
        )
    return {
        "rules": rules or None,
        "debugger_hook_config": hook_value,
        "tensorboard_output_config": TensorBoardOutputConfig(tensorboard["S3OutputPath"], tensorboard.get("LocalPath"))
        if tensorboard
        else None,
        "profiler_config": profiler_config,
        "disable_profiler": disabled,
    }
