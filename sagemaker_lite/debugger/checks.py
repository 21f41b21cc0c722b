"""Debugger checks an estimator runs before anything leaves the machine.

They depend on the job (what the estimator turned off) and the region, so they run at
``fit()`` rather than when the config objects are built; a LocalSession skips them
(``Session.check_debugger``).
"""

from __future__ import annotations

from typing import Any

from .._warnings import warn_user
from ..errors import ValidationError


def check_estimator_debugger(asked: Any, config: Any, *, region: str, image_uri: str) -> None:
    """``asked``: the user's settings; ``config``: what the request will be built from.

    Warnings point at the user's ``fit()`` call (fit -> EstimatorBase._plan -> Session.check_debugger -> here).
    """
    from . import DebuggerHookConfig, Rule
    from .request import check_region, split_rules
    from .sources import check_local_sources

    if asked.debugger_hook_config is not False and config.debugger_hook_config is False:
        # the estimator turned the hook off: Debugger cannot follow this job (e.g. parameter
        # server, or checkpointing with distributed training); asking for it is an error
        why = "Debugger cannot follow this job (parameter server distribution, or checkpointing)"
        if isinstance(asked.debugger_hook_config, DebuggerHookConfig):
            raise ValidationError("debugger_hook_config", asked.debugger_hook_config, "None or False", hint=why)
        debugger_rules = [rule for rule in asked.rules or () if isinstance(rule, Rule)]
        if debugger_rules:
            raise ValidationError("rules", debugger_rules[0].name, "no Debugger rules (ProfilerRule is fine)", hint=why)
    check_region(
        region=region,
        rules=config.rules,
        debugger_hook_config=config.debugger_hook_config,
        profiler_config=config.profiler_config,
        disable_profiler=config.disable_profiler,
    )
    check_local_sources(config.rules)
    if "xgboost" not in image_uri:
        from ._table import fact

        xgboost_only = set(fact("xgboost_only_rules"))
        for rule in split_rules(config.rules)[0]:
            if rule.is_builtin and rule.rule_parameters.get("rule_to_invoke") in xgboost_only:
                warn_user(
                    f"rule {rule.name} only works with the XGBoost algorithm, and this job's image is {image_uri}",
                )
