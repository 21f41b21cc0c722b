#!/usr/bin/env python3
"""Regenerate ``sagemaker_lite/debugger/data/rules.json`` from the published Debugger rule facts.

Why a tool, and why data: the official SDK takes its built-in rule table from the small
``smdebug-rulesconfig`` package (rule names, default rule parameters, the tensor collections
each rule needs, the profiler rules' default thresholds and their checks). sagemaker_lite keeps
its runtime dependencies to boto3, botocore, attrs, tenacity and packaging, so instead of
depending on that package it ships those facts as one JSON file, read by small general code
(``sagemaker_lite/debugger/rule_configs.py``). This tool extracts the facts once, by *running*
the published package in another interpreter and recording what it returns; no code is copied.

Facts taken from the package, by observation:

- every exported built-in debugger rule function (``vanishing_gradient`` ...) and the
  configuration dict it returns (``DebugRuleConfiguration`` + ``CollectionConfigurations``);
- the built-in collections (``get_collection``);
- every profiler rule class: its keyword parameters and defaults, and which check each
  parameter gets (found by probing: strings and None accepted -> "optional_str", else a
  value of 0 refused -> "positive", else 101 refused -> "percentile");
- the actions (``StopTraining``, ``Email``, ``SMS``): the name they serialize under, their
  parameter and the pattern its value must match.

Facts the official SDK keeps in *code* (``sagemaker.fw_utils``, ``sagemaker.estimator``) are
read from the official SDK in the same interpreter (the unsupported-region tuples) or listed in
``CODE_FACTS`` below.

Usage (the side venv of ``benchmarks/sidevenv.py`` holds sagemaker==2.257.7 and
smdebug-rulesconfig==1.0.1)::

    python tools/sync_debugger_rules.py                 # rewrite the data file
    python tools/sync_debugger_rules.py --check         # exit 1 if the shipped file differs
    python tools/sync_debugger_rules.py --python /x/bin/python   # another interpreter
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = REPO_ROOT / "sagemaker_lite" / "debugger" / "data" / "rules.json"
FORMAT = 1

#: Facts the official SDK keeps in code rather than data (by name, not copied code).
CODE_FACTS: dict[str, Any] = {
    # sagemaker.fw_utils._instance_type_supports_profiler: Trainium instances have no profiler.
    "profiler_unsupported_instance_families": ["trn"],
    # sagemaker.estimator._check_debugger_rule warns about these outside XGBoost; we add the
    # report rule, which reads XGBoost-only collections too.
    "xgboost_only_rules": ["CreateXgboostReport", "FeatureImportanceOverweight", "TreeDepth"],
    # sagemaker.debugger.profiler_config docstring: the accepted system monitor intervals.
    "system_monitor_intervals_millis": [100, 200, 500, 1000, 5000, 60000],
}

# Runs inside the interpreter that has smdebug_rulesconfig (and the official SDK) installed.
_EXTRACT = r"""
import importlib.metadata as md, inspect, json, os, sys
import smdebug_rulesconfig as rc
from smdebug_rulesconfig.profiler_rules import rules as profiler_rules
from smdebug_rulesconfig.actions import actions as actions_module, utils as action_utils
from smdebug_rulesconfig.debugger_rules import _constants

out = {"package": "smdebug-rulesconfig", "version": md.version("smdebug-rulesconfig")}

debugger = {}
for name in sorted(dir(rc)):
    obj = getattr(rc, name)
    if inspect.isfunction(obj) and obj.__module__.endswith("builtin_rules"):
        debugger[name] = obj()
out["debugger_rules"] = debugger

base = os.path.dirname(inspect.getfile(_constants))
with open(os.path.join(base, _constants.COLLECTION_CONFIG_FILE)) as f:
    out["collections"] = json.load(f)

def refused(cls, name, value):
    try:
        cls(**{name: value})
    except (AssertionError, TypeError, ValueError):
        return True
    return False

profiler = {}
for name, cls in sorted(inspect.getmembers(profiler_rules, inspect.isclass)):
    if not issubclass(cls, profiler_rules.ProfilerRuleBase) or cls is profiler_rules.ProfilerRuleBase:
        continue
    parameters, checks, report = {}, {}, False
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind is p.VAR_KEYWORD:
            report = True
            continue
        parameters[p.name] = p.default
        if not refused(cls, p.name, "x") and not refused(cls, p.name, None):
            checks[p.name] = "optional_str"
        elif refused(cls, p.name, 0):
            checks[p.name] = "positive"
        elif refused(cls, p.name, 101):
            checks[p.name] = "percentile"
        else:
            checks[p.name] = "any"
    entry = {"parameters": parameters, "checks": checks, "exported": hasattr(rc, name)}
    if report:
        entry["sub_rule_parameters"] = True
    profiler[name] = entry
out["profiler_rules"] = profiler

probes = {"StopTraining": "job-prefix", "Email": "abc@example.com", "SMS": "+15555550100"}
actions = {}
for name, value in probes.items():
    cls = getattr(actions_module, name)
    argument = list(inspect.signature(cls.__init__).parameters)[1]
    params = cls(value).action_parameters
    parameter = next(k for k in params if k != "name")
    pattern = {
        "training_job_prefix": action_utils.TRAINING_JOB_PREFIX_REGEX,
        "email_address": action_utils.EMAIL_ADDRESS_REGEX,
        "phone_number": action_utils.PHONE_NUMBER_REGEX,
    }[argument]
    actions[name] = {"name": params["name"], "argument": argument, "parameter": parameter, "pattern": pattern,
                     "optional": cls.__init__.__defaults__ is not None}
out["actions"] = actions

try:
    from sagemaker import fw_utils
    import sagemaker
    out["official_sdk"] = sagemaker.__version__
    out["debugger_unsupported_regions"] = sorted(fw_utils.DEBUGGER_UNSUPPORTED_REGIONS)
    out["profiler_unsupported_regions"] = sorted(fw_utils.PROFILER_UNSUPPORTED_REGIONS)
except ImportError:
    pass
print("FACTS " + json.dumps(out))
"""


def default_python() -> str:
    """The side venv's interpreter (created on first use by benchmarks/sidevenv.py)."""
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from sidevenv import official_python

    return str(official_python())


def extract(python: str) -> dict[str, Any]:
    result = subprocess.run([python, "-c", _EXTRACT], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"extraction failed under {python}:\n{result.stderr}")
    line = next(line for line in reversed(result.stdout.splitlines()) if line.startswith("FACTS "))
    facts: dict[str, Any] = json.loads(line[len("FACTS ") :])  # the SDK may print its own lines
    return facts


def build(facts: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Our layout: one entry per public function/class name, collections and actions by name."""
    debugger_rules: dict[str, Any] = {}
    for function, config in facts["debugger_rules"].items():
        rule = config["DebugRuleConfiguration"]
        debugger_rules[function] = {
            "name": rule["RuleConfigurationName"],
            "rule_parameters": rule.get("RuleParameters", {}),
            "collections": config.get("CollectionConfigurations", []),
        }
    regions: dict[str, Any] = {}
    if "debugger_unsupported_regions" in facts:
        regions = {
            "debugger_unsupported_regions": facts["debugger_unsupported_regions"],
            "profiler_unsupported_regions": facts["profiler_unsupported_regions"],
        }
    elif previous is not None:  # no official SDK in that interpreter: keep what we had
        regions = {k: previous[k] for k in ("debugger_unsupported_regions", "profiler_unsupported_regions")}
    generated_from = {"package": facts["package"], "version": facts["version"]}
    if "official_sdk" in facts:
        generated_from["official_sdk"] = facts["official_sdk"]
    return {
        "format": FORMAT,
        "generated_from": generated_from,
        "generated_by": "tools/sync_debugger_rules.py",
        "debugger_rules": debugger_rules,
        "collections": facts["collections"],
        "profiler_rules": facts["profiler_rules"],
        "actions": facts["actions"],
        **regions,
        **CODE_FACTS,
    }


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", help="interpreter with smdebug-rulesconfig installed (default: the side venv)")
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on differences")
    args = parser.parse_args(argv)

    previous = json.loads(args.out.read_text()) if args.out.exists() else None
    text = render(build(extract(args.python or default_python()), previous))
    if args.check:
        same = previous is not None and args.out.read_text() == text
        print("Debugger rule data is up to date" if same else f"{args.out} differs; rerun without --check")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
