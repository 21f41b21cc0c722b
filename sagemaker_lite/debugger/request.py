"""PURE: Debugger/profiler settings -> CreateTrainingJob fields, and back (for attach).

What the official SDK v2 sends is kept, including when nobody asks for Debugger: in regions
where SageMaker Debugger exists, a ``DebugHookConfig`` writing to the job's output path (with
the collections the job's rules need, else none) and a ``ProfilerConfig`` that leaves system
profiling on. ``debugger_hook_config=False`` and ``disable_profiler=True`` opt out, as in the
official SDK. Where Debugger or the profiler does not exist (a few regions; Trainium instances
for the profiler; facts in ``data/rules.json``) the hook is left out and the profiler reported
disabled, and asking for them explicitly there is a ``ValidationError``.

No I/O: local rule sources are uploaded by the caller, which passes their S3 URIs in
``rule_sources``; the rule evaluator image comes from the shipped image URI registry.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..errors import ValidationError
from ._table import debugger_rule_by_invoked_name, fact, profiler_rules
from .configs import CollectionConfig, DebuggerHookConfig, ProfilerConfig, TensorBoardOutputConfig
from .rule_configs import Action, ActionList, action_from_parameters
from .rules import SOURCE_PARAMETER, ProfilerRule, Rule, RuleBase

MAX_RULES = 20  # per kind (DebugRuleConfigurations / ProfilerRuleConfigurations), a SageMaker limit
MAX_COLLECTIONS = 20
DEBUGGER_FIELDS = (
    "DebugHookConfig",
    "DebugRuleConfigurations",
    "TensorBoardOutputConfig",
    "ProfilerConfig",
    "ProfilerRuleConfigurations",
)
_RULE_IMAGE_REPOSITORY = "/sagemaker-debugger-rules:"


def region_supports_debugger(region: str) -> bool:
    return region.lower() not in fact("debugger_unsupported_regions")


def region_supports_profiler(region: str) -> bool:
    return region.lower() not in fact("profiler_unsupported_regions")


def instance_type_supports_profiler(instance_type: str | None) -> bool:
    """False for the instance families without the profiler (Trainium)."""
    if not instance_type:
        return True
    match = re.match(r"^ml[._]([a-z\d-]+)\.?\w*$", instance_type)
    families = fact("profiler_unsupported_instance_families")
    return not (match and any(match.group(1).startswith(family) for family in families))


def rule_evaluator_image(region: str) -> str:
    """The built-in rules' evaluator image for ``region``, from the image URI registry."""
    from .. import image_uris

    try:
        return image_uris.retrieve("debugger", region)
    except ValidationError as exc:
        raise ValidationError(
            "rules",
            region,
            "a region where SageMaker publishes the Debugger rule evaluator image",
            hint=str(exc),
        ) from exc


def split_rules(rules: Iterable[RuleBase] | None) -> tuple[list[Rule], list[ProfilerRule]]:
    debugger = [rule for rule in rules or () if isinstance(rule, Rule)]
    profiler = [rule for rule in rules or () if isinstance(rule, ProfilerRule)]
    return debugger, profiler


# --- validation -----------------------------------------------------------------------------


def check_rules(value: Any) -> list[RuleBase] | None:
    """``rules=`` as a list of ``Rule``/``ProfilerRule`` with distinct names, at most 20 of each."""
    if value is None:
        return None
    if isinstance(value, RuleBase):
        value = [value]
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise ValidationError("rules", value, "a list of Rule and ProfilerRule objects")
    for item in value:
        if not isinstance(item, (Rule, ProfilerRule)):
            raise ValidationError(
                "rules",
                item,
                "Rule and ProfilerRule objects, such as Rule.sagemaker(rule_configs.vanishing_gradient())",
            )
    for kind in split_rules(value):
        names = [rule.name for rule in kind]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValidationError(
                "rules",
                duplicates[0],
                "rules with distinct names",
                hint="pass name=... to Rule.sagemaker() to run the same rule twice",
            )
        if len(kind) > MAX_RULES:
            raise ValidationError("rules", len(kind), f"at most {MAX_RULES} rules of each kind (a SageMaker limit)")
    return list(value)


def check_settings(
    *,
    rules: Sequence[RuleBase] | None,
    debugger_hook_config: Any,
    tensorboard_output_config: Any,
    profiler_config: Any,
    disable_profiler: bool,
    instance_type: str | None,
) -> None:
    """Region-independent consistency of the Debugger settings (at estimator construction)."""
    if debugger_hook_config is not None and not isinstance(debugger_hook_config, (bool, DebuggerHookConfig)):
        raise ValidationError("debugger_hook_config", debugger_hook_config, "a DebuggerHookConfig, True/False, or None")
    if tensorboard_output_config is not None and not isinstance(tensorboard_output_config, TensorBoardOutputConfig):
        raise ValidationError(
            "tensorboard_output_config", tensorboard_output_config, "a TensorBoardOutputConfig(s3_output_path=...)"
        )
    if profiler_config is not None and not isinstance(profiler_config, ProfilerConfig):
        raise ValidationError("profiler_config", profiler_config, "a ProfilerConfig(...)")
    _, profiler_rules_given = split_rules(rules)
    profiler_on_instance = instance_type_supports_profiler(instance_type)
    profiler_off = disable_profiler or not profiler_on_instance
    why = "disable_profiler=True" if disable_profiler else f"instance_type={instance_type!r} has no profiler"
    if profiler_off and profiler_config is not None and not profiler_config.disable_profiler:
        raise ValidationError(
            "profiler_config",
            profiler_config,
            f"no ProfilerConfig, or one with disable_profiler=True ({why})",
        )
    config_off = profiler_config is not None and profiler_config.disable_profiler
    if profiler_rules_given and (profiler_off or config_off):
        cause = why if profiler_off else "ProfilerConfig(disable_profiler=True)"
        raise ValidationError(
            "rules",
            profiler_rules_given[0].name,
            "no ProfilerRule while the profiler is disabled",
            hint=f"profiler rules read what the profiler records ({cause})",
        )
    hook = debugger_hook_config
    if isinstance(hook, DebuggerHookConfig):
        collections = merged_collections(hook, split_rules(rules)[0])
        if len(collections) > MAX_COLLECTIONS:
            raise ValidationError(
                "debugger_hook_config",
                len(collections),
                f"at most {MAX_COLLECTIONS} collections, counting those the rules add (a SageMaker limit)",
            )


def check_region(
    *,
    region: str,
    rules: Sequence[RuleBase] | None,
    debugger_hook_config: Any,
    profiler_config: Any,
    disable_profiler: bool,
) -> None:
    """What depends on the job's region: Debugger/profiler availability and the rule image."""
    debugger_rules, profiler_rules_given = split_rules(rules)
    if not region_supports_debugger(region):
        if isinstance(debugger_hook_config, DebuggerHookConfig):
            raise ValidationError(
                "debugger_hook_config",
                debugger_hook_config,
                f"no DebuggerHookConfig: SageMaker Debugger is not available in {region}",
            )
        if debugger_rules:
            raise ValidationError(
                "rules",
                debugger_rules[0].name,
                f"no Debugger rules: SageMaker Debugger is not available in {region}",
            )
    if not region_supports_profiler(region) and not disable_profiler:
        if profiler_config is not None and not profiler_config.disable_profiler:
            raise ValidationError(
                "profiler_config",
                profiler_config,
                f"no ProfilerConfig: the SageMaker profiler is not available in {region}",
            )
        if profiler_rules_given:
            raise ValidationError(
                "rules",
                profiler_rules_given[0].name,
                f"no ProfilerRule: the SageMaker profiler is not available in {region}",
            )
    if any(rule.is_builtin for rule in (*debugger_rules, *profiler_rules_given)):
        rule_evaluator_image(region)


# --- rendering ------------------------------------------------------------------------------


def merged_collections(hook: DebuggerHookConfig | None, rules: Sequence[Rule]) -> list[CollectionConfig]:
    """The hook's collections, then each rule's, each distinct collection once.

    The official SDK merges them through a ``set``, so its order changes from run to run;
    this order is stable (the hook's first, in the order given).
    """
    merged: list[CollectionConfig] = []
    for collection in [
        *((hook.collection_configs or []) if hook else []),
        *(c for r in rules for c in r.collection_configs),
    ]:
        if collection not in merged:
            merged.append(collection)
    return merged


def _rule_parameters(
    rule: Rule | ProfilerRule, job_name: str | None, rule_sources: Mapping[str, str]
) -> dict[str, str]:
    parameters = rule.parameters_for_job(job_name)
    local = rule.local_source
    if local is not None:
        if local not in rule_sources:
            raise ValidationError(
                "source", local, "an uploaded rule source (fit() uploads local sources before building the request)"
            )
        parameters[SOURCE_PARAMETER] = rule_sources[local]
    return parameters


def debugger_request_fields(
    *,
    region: str,
    output_path: str,
    debugger_hook_config: DebuggerHookConfig | bool | None,
    disable_profiler: bool,
    rules: Sequence[RuleBase] | None = None,
    tensorboard_output_config: TensorBoardOutputConfig | None = None,
    profiler_config: ProfilerConfig | None = None,
    instance_type: str | None = None,
    job_name: str | None = None,
    rule_sources: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The DebugHookConfig / DebugRuleConfigurations / TensorBoardOutputConfig / ProfilerConfig /
    ProfilerRuleConfigurations fields of a job (callers leave them out in local mode).

    ``job_name`` fills in ``StopTraining()`` actions; ``rule_sources`` maps each local rule
    source to the S3 URI it was uploaded to.
    """
    check_region(
        region=region,
        rules=rules,
        debugger_hook_config=debugger_hook_config,
        profiler_config=profiler_config,
        disable_profiler=disable_profiler,
    )
    sources = rule_sources or {}
    debugger_rules, profiler_rules_given = split_rules(rules)
    image = rule_evaluator_image(region) if any(r.is_builtin for r in (*debugger_rules, *profiler_rules_given)) else ""
    fields: dict[str, Any] = {}

    if debugger_hook_config is not False and region_supports_debugger(region):
        hook = debugger_hook_config if isinstance(debugger_hook_config, DebuggerHookConfig) else None
        request: dict[str, Any] = {"S3OutputPath": (hook.s3_output_path if hook else None) or output_path}
        if hook is not None and hook.container_local_output_path is not None:
            request["LocalPath"] = hook.container_local_output_path
        if hook is not None and hook.hook_parameters is not None:
            request["HookParameters"] = dict(hook.hook_parameters)
        request["CollectionConfigurations"] = [c.to_request() for c in merged_collections(hook, debugger_rules)]
        fields["DebugHookConfig"] = request
    if debugger_rules:
        fields["DebugRuleConfigurations"] = [
            rule.to_request(
                image=image if rule.is_builtin else rule.image_uri,
                rule_parameters=_rule_parameters(rule, job_name, sources),
            )
            for rule in debugger_rules
        ]
    if tensorboard_output_config is not None:
        fields["TensorBoardOutputConfig"] = tensorboard_output_config.to_request()

    profiler_off = (
        disable_profiler or not region_supports_profiler(region) or not instance_type_supports_profiler(instance_type)
    )
    if profiler_off:
        fields["ProfilerConfig"] = (
            profiler_config.to_request(output_path) if profiler_config is not None else {"DisableProfiler": True}
        )
    else:
        fields["ProfilerConfig"] = (profiler_config or ProfilerConfig()).to_request(output_path)
        if profiler_rules_given:
            fields["ProfilerRuleConfigurations"] = [
                rule.to_request(
                    image=image if rule.is_builtin else rule.image_uri,
                    rule_parameters=_rule_parameters(rule, job_name, sources),
                )
                for rule in profiler_rules_given
            ]
    return fields


# --- after the job ----------------------------------------------------------------------------


def artifacts_path(fields: Mapping[str, Any], job_name: str, kind: str) -> str | None:
    """Where a job's Debugger (``debug-output``), TensorBoard or profiler output lands, or None.

    ``fields`` is the job's request or its DescribeTrainingJob response.
    """
    field, folder = {
        "debugger": ("DebugHookConfig", "debug-output"),
        "tensorboard": ("TensorBoardOutputConfig", "tensorboard-output"),
        "profiler": ("ProfilerConfig", "profiler-output"),
    }[kind]
    config = fields.get(field) or {}
    base = config.get("S3OutputPath")
    if not base or config.get("DisableProfiler"):
        return None
    return posixpath.join(str(base), job_name, folder)


# --- attach: DescribeTrainingJob -> estimator keyword arguments --------------------------------


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
    source = parameters.pop(SOURCE_PARAMETER, None)
    rule_to_invoke = parameters.pop("rule_to_invoke", None) if source else None
    return Rule.custom(
        config["RuleConfigurationName"],
        config["RuleEvaluatorImage"],
        placement["instance_type"],
        placement["volume_size_in_gb"],
        source=source,
        rule_to_invoke=rule_to_invoke,
        container_local_output_path=placement["container_local_output_path"],
        s3_output_path=placement["s3_output_path"],
        other_trials_s3_input_paths=trials or None,
        rule_parameters=parameters or None,
        actions=actions,
    )


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
    source = parameters.pop(SOURCE_PARAMETER, None)
    rule_to_invoke = parameters.pop("rule_to_invoke", None) if source else None
    return ProfilerRule.custom(
        config["RuleConfigurationName"],
        config["RuleEvaluatorImage"],
        placement["instance_type"],
        placement["volume_size_in_gb"],
        source=source,
        rule_to_invoke=rule_to_invoke,
        container_local_output_path=placement["container_local_output_path"],
        s3_output_path=placement["s3_output_path"],
        rule_parameters=parameters or None,
    )


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
