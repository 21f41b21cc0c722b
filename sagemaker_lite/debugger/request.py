"""PURE: Debugger/profiler settings -> CreateTrainingJob fields (the inverse, for attach, is attach.py).

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

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import ValidationError
from ._table import fact
from .configs import CollectionConfig, DebuggerHookConfig, ProfilerConfig, TensorBoardOutputConfig
from .rules import SOURCE_PARAMETER, ProfilerRule, Rule, RuleBase

MAX_RULES = 20  # per kind (DebugRuleConfigurations / ProfilerRuleConfigurations), a SageMaker limit
MAX_COLLECTIONS = 20
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
