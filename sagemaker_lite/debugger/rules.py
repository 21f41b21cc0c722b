"""Debugger rules (``Rule``) and profiler rules (``ProfilerRule``): built-in or your own.

    from sagemaker_lite.debugger import ProfilerRule, Rule, rule_configs

    est = TensorFlow(..., rules=[
        Rule.sagemaker(rule_configs.exploding_tensor()),
        Rule.sagemaker(rule_configs.loss_not_decreasing(), rule_parameters={"mode": "TRAIN"}),
        Rule.custom(name="MyRule", image_uri="123456789012.dkr.ecr.us-west-2.amazonaws.com/my-rules:1",
                    instance_type="ml.t3.medium", volume_size_in_gb=30,
                    source="rules/my_rule.py", rule_to_invoke="MyRule"),
        ProfilerRule.sagemaker(rule_configs.ProfilerReport()),
    ])

Each rule runs as its own processing job next to the training job. A built-in rule uses the
Debugger rule evaluator image of the job's region (``image_uris.retrieve("debugger", region)``),
resolved when the request is built; its tensor collections are added to the job's
``DebugHookConfig``. A local ``source`` file is uploaded to the default bucket at ``fit()``.
Rules are values: ``fit()`` never changes them (the official SDK fills in images, uploaded
sources and actions on the objects you passed).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .._validation import S3_URI_RE
from ..errors import ValidationError
from . import _checks as c
from ._table import debugger_rule_by_invoked_name, profiler_rules
from .configs import CollectionConfig
from .rule_configs import Action, ActionList

#: ``image_uri`` of built-in rules until the request names the region's evaluator image.
DEFAULT_RULE_EVALUATOR_IMAGE = "DEFAULT_RULE_EVALUATOR_IMAGE"
SOURCE_PARAMETER = "source_s3_uri"


def _check_source(source: Any, rule_to_invoke: Any) -> None:
    if bool(source) != bool(rule_to_invoke):
        missing = "rule_to_invoke" if source else "source"
        raise ValidationError(
            missing,
            None,
            "source together with rule_to_invoke",
            hint="source is the file defining the rule, rule_to_invoke the rule's class name in it",
        )
    if source is None:
        return
    if not isinstance(source, str):
        raise ValidationError("source", source, "a local file path or an s3:// URI")
    if not S3_URI_RE.match(source) and not Path(source).is_file():
        raise ValidationError("source", source, "an existing local file or an s3:// URI of the rule's source")
    c.optional_text("rule_to_invoke", rule_to_invoke)


def _other_trials(paths: Any) -> dict[str, str]:
    checked = c.s3_uri_list("other_trials_s3_input_paths", paths) or []
    return {f"other_trial_{index}": path for index, path in enumerate(checked)}


def _collections(value: Any) -> list[CollectionConfig]:
    if value is None:
        return []
    if isinstance(value, CollectionConfig):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, CollectionConfig) for item in value):
        raise ValidationError("collections_to_save", value, "a list of CollectionConfig objects")
    return list(value)


def _check_actions(value: Any) -> None:
    if value is not None and not isinstance(value, (Action, ActionList)):
        raise ValidationError(
            "actions",
            value,
            "an action or an ActionList from rule_configs",
            hint="e.g. rule_configs.ActionList(rule_configs.StopTraining(), rule_configs.Email('me@example.com'))",
        )


def _check_placement(
    name: Any,
    instance_type: Any,
    volume_size_in_gb: Any,
    container_local_output_path: Any,
    s3_output_path: Any,
) -> None:
    c.rule_name("name", name)
    c.optional_instance_type("instance_type", instance_type)
    c.optional_volume("volume_size_in_gb", volume_size_in_gb)
    c.optional_text("container_local_output_path", container_local_output_path)
    c.optional_s3_uri("s3_output_path", s3_output_path)


@attrs.frozen(kw_only=True)
class RuleBase:
    """What every rule has. Build rules with ``Rule.sagemaker``/``Rule.custom`` or the ``ProfilerRule`` ones."""

    name: str
    image_uri: str
    instance_type: str | None = None
    container_local_output_path: str | None = None
    s3_output_path: str | None = None
    volume_size_in_gb: int | None = None
    rule_parameters: dict[str, Any] = attrs.field(factory=dict)

    @property
    def is_builtin(self) -> bool:
        """True when SageMaker's rule evaluator image runs the rule."""
        return self.image_uri == DEFAULT_RULE_EVALUATOR_IMAGE

    @property
    def source(self) -> str | None:
        """The rule's source file (local path or s3:// URI) of a custom rule, if any."""
        value = self.rule_parameters.get(SOURCE_PARAMETER)
        return str(value) if value else None

    @property
    def local_source(self) -> str | None:
        """The local source file ``fit()`` uploads, or None."""
        source = self.source
        return source if source and not source.startswith("s3://") else None

    def to_request(self, *, image: str, rule_parameters: Mapping[str, str]) -> dict[str, Any]:
        """One ``DebugRuleConfigurations``/``ProfilerRuleConfigurations`` entry (empty fields left out)."""
        request: dict[str, Any] = {"RuleConfigurationName": self.name, "RuleEvaluatorImage": image}
        if self.instance_type:
            request["InstanceType"] = self.instance_type
        if self.volume_size_in_gb:
            request["VolumeSizeInGB"] = self.volume_size_in_gb
        if self.container_local_output_path:
            request["LocalPath"] = self.container_local_output_path
        if self.s3_output_path:
            request["S3OutputPath"] = self.s3_output_path
        if rule_parameters:
            request["RuleParameters"] = dict(rule_parameters)
        return request


@attrs.frozen(kw_only=True)
class Rule(RuleBase):
    """A Debugger rule: it reads the tensors the Debugger hook saves.

    ``Rule.sagemaker(rule_configs.vanishing_gradient())`` for a built-in rule,
    ``Rule.custom(...)`` for your own rule image and source.
    """

    collection_configs: list[CollectionConfig] = attrs.field(factory=list)
    actions: Action | ActionList | None = None

    @classmethod
    def sagemaker(
        cls,
        base_config: Mapping[str, Any],
        name: str | None = None,
        container_local_output_path: str | None = None,
        s3_output_path: str | None = None,
        other_trials_s3_input_paths: list[str] | None = None,
        rule_parameters: Mapping[str, Any] | None = None,
        collections_to_save: list[CollectionConfig] | None = None,
        actions: Action | ActionList | None = None,
        *,
        instance_type: str | None = None,
        volume_size_in_gb: int | None = None,
    ) -> Rule:
        """A built-in rule: ``Rule.sagemaker(rule_configs.loss_not_decreasing(), rule_parameters={"mode": "TRAIN"})``.

        ``rule_parameters`` are added to the rule's defaults; ``collections_to_save`` replaces
        the collections the rule saves by default. ``instance_type``/``volume_size_in_gb`` size
        the rule's processing job (the official SDK has no such arguments here).
        """
        rule = _base_rule_name(base_config)
        user = c.string_map("rule_parameters", rule_parameters) or {}
        if "rule_to_invoke" in user:
            raise ValidationError(
                "rule_parameters",
                rule_parameters,
                "parameters without 'rule_to_invoke' (built-in rules invoke themselves)",
                hint="use Rule.custom(...) to invoke a rule from your own source",
            )
        _check_no_action_json(user)
        _check_actions(actions)
        parameters = _other_trials(other_trials_s3_input_paths)
        defaults = base_config["DebugRuleConfiguration"].get("RuleParameters") or {}
        parameters.update(c.string_map("base_config", defaults) or {})
        parameters.update(user)
        base_collections = [
            CollectionConfig(item.get("CollectionName"), item.get("CollectionParameters") or {})
            for item in base_config.get("CollectionConfigurations") or []
        ]
        collections = _collections(collections_to_save) or base_collections
        rule_name = name or rule
        _check_placement(rule_name, instance_type, volume_size_in_gb, container_local_output_path, s3_output_path)
        return cls(
            name=rule_name,
            image_uri=DEFAULT_RULE_EVALUATOR_IMAGE,
            instance_type=instance_type,
            container_local_output_path=container_local_output_path,
            s3_output_path=s3_output_path,
            volume_size_in_gb=volume_size_in_gb,
            rule_parameters=parameters,
            collection_configs=collections,
            actions=actions,
        )

    @classmethod
    def custom(
        cls,
        name: str,
        image_uri: str,
        instance_type: str,
        volume_size_in_gb: int,
        source: str | None = None,
        rule_to_invoke: str | None = None,
        container_local_output_path: str | None = None,
        s3_output_path: str | None = None,
        other_trials_s3_input_paths: list[str] | None = None,
        rule_parameters: Mapping[str, Any] | None = None,
        collections_to_save: list[CollectionConfig] | None = None,
        actions: Action | ActionList | None = None,
    ) -> Rule:
        """Your own rule and evaluator image.

        ``Rule.custom("MyRule", image, "ml.t3.medium", 30, source="my_rule.py", rule_to_invoke="MyRule")``.
        A local ``source`` is uploaded at ``fit()`` to ``s3://<default bucket>/[<prefix>/]<name>/<digest>/<file>``.
        """
        source_parameters = _check_custom(
            name,
            image_uri,
            instance_type,
            volume_size_in_gb,
            source,
            rule_to_invoke,
            container_local_output_path,
            s3_output_path,
        )
        user = c.string_map("rule_parameters", rule_parameters) or {}
        _check_no_action_json(user)
        _check_actions(actions)
        parameters = {**_other_trials(other_trials_s3_input_paths), **source_parameters, **user}
        return cls(
            name=name,
            image_uri=image_uri,
            instance_type=instance_type,
            container_local_output_path=container_local_output_path,
            s3_output_path=s3_output_path,
            volume_size_in_gb=volume_size_in_gb,
            rule_parameters=parameters,
            collection_configs=_collections(collections_to_save),
            actions=actions,
        )

    def parameters_for_job(self, training_job_name: str | None) -> dict[str, str]:
        """The rule parameters sent for this job: ``action_json`` added when the rule has actions."""
        parameters = {key: str(value) for key, value in self.rule_parameters.items()}
        if self.actions is not None:
            parameters["action_json"] = self.actions.serialize(training_job_name)
        return parameters


@attrs.frozen(kw_only=True)
class ProfilerRule(RuleBase):
    """A profiler rule: it reads the system and framework metrics the profiler records.

    ``ProfilerRule.sagemaker(rule_configs.ProfilerReport())`` for a built-in rule,
    ``ProfilerRule.custom(...)`` for your own.
    """

    @classmethod
    def sagemaker(
        cls,
        base_config: Any,
        name: str | None = None,
        container_local_output_path: str | None = None,
        s3_output_path: str | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int | None = None,
    ) -> ProfilerRule:
        """A built-in profiler rule: ``ProfilerRule.sagemaker(rule_configs.CPUBottleneck(threshold=70))``.

        ``instance_type``/``volume_size_in_gb`` are sent when given (the official SDK drops them).
        """
        rule_name = getattr(base_config, "rule_name", None)
        parameters = getattr(base_config, "rule_parameters", None)
        if not isinstance(rule_name, str) or not isinstance(parameters, Mapping):
            raise ValidationError(
                "base_config",
                base_config,
                "a profiler rule from rule_configs, such as rule_configs.ProfilerReport()",
            )
        known = profiler_rules()
        if rule_name not in known:
            close = difflib.get_close_matches(rule_name, list(known), n=3)
            raise ValidationError(
                "base_config",
                rule_name,
                "a built-in profiler rule: " + ", ".join(known),
                hint=f"did you mean {' or '.join(close)}?" if close else None,
            )
        used_name = name or rule_name
        _check_placement(used_name, instance_type, volume_size_in_gb, container_local_output_path, s3_output_path)
        return cls(
            name=used_name,
            image_uri=DEFAULT_RULE_EVALUATOR_IMAGE,
            instance_type=instance_type,
            container_local_output_path=container_local_output_path,
            s3_output_path=s3_output_path,
            volume_size_in_gb=volume_size_in_gb,
            rule_parameters=dict(parameters),
        )

    @classmethod
    def custom(
        cls,
        name: str,
        image_uri: str,
        instance_type: str,
        volume_size_in_gb: int,
        source: str | None = None,
        rule_to_invoke: str | None = None,
        container_local_output_path: str | None = None,
        s3_output_path: str | None = None,
        rule_parameters: Mapping[str, Any] | None = None,
    ) -> ProfilerRule:
        """Your own profiler rule: ``ProfilerRule.custom("MyProfilerRule", image, "ml.t3.medium", 30, ...)``."""
        parameters = _check_custom(
            name,
            image_uri,
            instance_type,
            volume_size_in_gb,
            source,
            rule_to_invoke,
            container_local_output_path,
            s3_output_path,
        )
        parameters.update(c.string_map("rule_parameters", rule_parameters) or {})
        return cls(
            name=name,
            image_uri=image_uri,
            instance_type=instance_type,
            container_local_output_path=container_local_output_path,
            s3_output_path=s3_output_path,
            volume_size_in_gb=volume_size_in_gb,
            rule_parameters=parameters,
        )

    def parameters_for_job(self, training_job_name: str | None) -> dict[str, str]:
        """Every value as text, as the official SDK sends profiler rule parameters (``None`` -> ``"None"``)."""
        return {key: str(value) for key, value in self.rule_parameters.items()}


def _check_custom(
    name: str,
    image_uri: str,
    instance_type: str,
    volume_size_in_gb: int,
    source: str | None,
    rule_to_invoke: str | None,
    container_local_output_path: str | None,
    s3_output_path: str | None,
) -> dict[str, Any]:
    """The checks every custom rule (Debugger or profiler) shares; returns its source parameters."""
    _check_placement(name, instance_type, volume_size_in_gb, container_local_output_path, s3_output_path)
    c.optional_text("image_uri", image_uri)
    if image_uri is None:
        raise ValidationError("image_uri", image_uri, "the ECR URI of your rule evaluator image")
    _check_source(source, rule_to_invoke)
    return {SOURCE_PARAMETER: source, "rule_to_invoke": str(rule_to_invoke)} if source else {}


def _check_no_action_json(parameters: Mapping[str, str]) -> None:
    if "action_json" in parameters:
        raise ValidationError(
            "rule_parameters",
            parameters["action_json"],
            "no 'action_json' entry: pass actions=rule_configs.ActionList(...) instead",
        )


def _base_rule_name(base_config: Any) -> str:
    """The built-in rule a base configuration names; unknown rules are refused with suggestions."""
    config = base_config.get("DebugRuleConfiguration") if isinstance(base_config, Mapping) else None
    name = config.get("RuleConfigurationName") if isinstance(config, Mapping) else None
    if not isinstance(name, str):
        raise ValidationError(
            "base_config",
            base_config,
            "a built-in rule configuration from rule_configs, such as rule_configs.vanishing_gradient()",
        )
    parameters = config.get("RuleParameters") if isinstance(config, Mapping) else None
    invoked = (parameters or {}).get("rule_to_invoke", name) if isinstance(parameters, Mapping) else name
    known = debugger_rule_by_invoked_name()
    if invoked not in known:
        close = difflib.get_close_matches(str(invoked), list(known), n=3)
        raise ValidationError(
            "base_config",
            invoked,
            "a built-in Debugger rule: " + ", ".join(sorted(known)),
            hint=f"did you mean {' or '.join(close)}?" if close else "use Rule.custom(...) for your own rule",
        )
    return name
