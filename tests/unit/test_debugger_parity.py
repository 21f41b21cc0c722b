"""Debugger requests equal the official SDK v2's for the same inputs (tests/data/official/debugger_cases.json).

The cases build Debugger objects from ``{"__type__": ...}`` specs (the capture tool decodes
them with the official classes, this test with ours). The only differences applied are the
deliberate ones in docs/compatibility.md ("Debugger"):

- ``CollectionConfigurations``: the official SDK merges the hook's and the rules' collections
  through a ``set``, so its order is arbitrary; compared as a multiset.
- a local custom-rule ``source`` lands under ``<rule>/<uuid4>/`` officially, ``<rule>/<digest>/`` here.
- parameter server + Debugger rules: the official SDK silently drops the rules and the hook;
  sagemaker_lite refuses with ``ValidationError`` before any upload.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support.aws_double import RecordingAWS
from support.official import ACCOUNT, OFFICIAL, build_input, fake_aws, with_uploads

import sagemaker_lite.debugger as debugger
from sagemaker_lite import Session
from sagemaker_lite.debugger import DEBUGGER_FIELDS, rule_configs
from sagemaker_lite.debugger.attach import config_kwargs_from_description
from sagemaker_lite.debugger.request import debugger_request_fields
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.tensorflow import TensorFlow
from sagemaker_lite.training import TrainingConfig

CASES = {case["name"]: case for case in json.loads((OFFICIAL / "debugger_cases.json").read_text())}
REFUSED = {"tf-ps-debugger-rules": "rules"}
REPLAYED = sorted(set(CASES) - set(REFUSED))
pytestmark = pytest.mark.usefixtures("official_dir")
DEFAULT_BUCKET = f"sagemaker-us-west-2-{ACCOUNT}"


def decode(spec: Any) -> Any:
    """Our objects from a case spec, the way the capture tool builds the official ones."""
    if isinstance(spec, list):
        return [decode(item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    if "__type__" not in spec:
        return {key: decode(value) for key, value in spec.items()}
    kwargs = {key: decode(value) for key, value in spec.items() if key not in ("__type__", "__args__")}
    args = [decode(value) for value in spec.get("__args__", [])]
    name = spec["__type__"]
    if name.startswith("rule_configs."):
        factory = getattr(rule_configs, name.split(".", 1)[1])
    elif name in ("TrainingInput", "FileSystemInput", "ShuffleConfig"):
        return build_input(spec)
    else:
        owner, _, method = name.partition(".")
        factory = getattr(getattr(debugger, owner), method) if method else getattr(debugger, owner)
    return factory(*args, **kwargs)


def official_create(name: str) -> dict[str, Any]:
    fixture = json.loads((OFFICIAL / f"{name}.json").read_text())
    params: dict[str, Any] = next(c["params"] for c in fixture["calls"] if c["operation"] == "CreateTrainingJob")
    return params


def normalized(request: dict[str, Any]) -> dict[str, Any]:
    """The documented differences: collection order, and the uuid/digest of uploaded rule sources."""
    out = json.loads(json.dumps(request))
    hook = out.get("DebugHookConfig")
    if hook and "CollectionConfigurations" in hook:
        hook["CollectionConfigurations"] = sorted(
            hook["CollectionConfigurations"], key=lambda c: json.dumps(c, sort_keys=True)
        )
    for rule in out.get("DebugRuleConfigurations", []) + out.get("ProfilerRuleConfigurations", []):
        source = rule.get("RuleParameters", {}).get("source_s3_uri")
        if source:
            rule["RuleParameters"]["source_s3_uri"] = re.sub(r"/[^/]+/([^/]+)$", r"/<key>/\1", source)
    return out


def run_case(name: str) -> tuple[RecordingAWS, Any]:
    case = CASES[name]
    aws = fake_aws(case.get("fake", {}).get("bucket_exists", True))
    with_uploads(aws)
    session = Session(boto_session=aws.boto_session())
    cls = {"Estimator": Estimator, "TensorFlow": TensorFlow}[case["class"]]
    est = cls(sagemaker_session=session, **decode(case["kwargs"]))
    if case.get("hyperparameters"):
        est.set_hyperparameters(**case["hyperparameters"])
    est.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    return aws, est


@pytest.mark.parametrize("name", REPLAYED)
def test_request_matches_official(name: str) -> None:
    aws, _ = run_case(name)
    ours = aws.params_of("CreateTrainingJob")
    assert len(ours) == 1
    assert normalized(ours[0]) == normalized(official_create(name))


@pytest.mark.parametrize("name", REPLAYED)
def test_debugger_fields_survive_attach(name: str) -> None:
    """DescribeTrainingJob -> estimator settings -> the same Debugger fields (the attach inverse)."""
    aws, est = run_case(name)
    request = aws.params_of("CreateTrainingJob")[0]
    description = {**request, "TrainingJobStatus": "Completed"}
    kwargs = config_kwargs_from_description(description)
    config = TrainingConfig(
        instance_count=1, instance_type=request["ResourceConfig"]["InstanceType"], role="r", **kwargs
    )
    fields = debugger_request_fields(
        region="us-west-2",
        output_path=request["OutputDataConfig"]["S3OutputPath"],
        debugger_hook_config=config.debugger_hook_config,
        disable_profiler=config.disable_profiler,
        rules=config.rules,
        tensorboard_output_config=config.tensorboard_output_config,
        profiler_config=config.profiler_config,
        instance_type=config.instance_type,
        job_name=request["TrainingJobName"],
    )
    assert fields == {key: request[key] for key in DEBUGGER_FIELDS if key in request}
    assert len(config.rules or []) == len(est.rules or [])


def test_custom_rule_source_is_uploaded_to_the_default_bucket() -> None:
    aws, _ = run_case("estimator-debugger-custom-rule")
    official = json.loads((OFFICIAL / "estimator-debugger-custom-rule.json").read_text())
    official_put = next(c["params"] for c in official["calls"] if c["operation"] == "PutObject")
    ours = [p for p in aws.params_of("PutObject") if p["Key"].endswith("my_rule.py")]
    assert len(ours) == 1
    assert ours[0]["Bucket"] == official_put["Bucket"] == DEFAULT_BUCKET
    # <rule name>/<uuid4 officially, content digest here>/<file name>
    assert ours[0]["Key"].split("/")[0::2] == official_put["Key"].split("/")[0::2] == ["MyCustomRule", "my_rule.py"]
    rule = aws.params_of("CreateTrainingJob")[0]["DebugRuleConfigurations"][0]
    assert rule["RuleParameters"]["source_s3_uri"] == f"s3://{DEFAULT_BUCKET}/{ours[0]['Key']}"


def test_custom_rule_source_key_is_stable_across_fits() -> None:
    first, _ = run_case("estimator-debugger-custom-rule")
    second, _ = run_case("estimator-debugger-custom-rule")
    key = [p["Key"] for p in first.params_of("PutObject") if p["Key"].endswith("my_rule.py")]
    assert key == [p["Key"] for p in second.params_of("PutObject") if p["Key"].endswith("my_rule.py")]


def test_parameter_server_with_debugger_rules_is_refused_before_any_upload() -> None:
    """Officially the Debugger rule (and hook) are dropped without a word; here it is an error."""
    official = official_create("tf-ps-debugger-rules")
    assert "DebugRuleConfigurations" not in official and "DebugHookConfig" not in official
    assert official["ProfilerRuleConfigurations"][0]["RuleConfigurationName"] == "ProfilerReport"
    case = CASES["tf-ps-debugger-rules"]
    aws = fake_aws()
    with_uploads(aws)
    est = TensorFlow(sagemaker_session=Session(boto_session=aws.boto_session()), **decode(case["kwargs"]))
    with pytest.raises(ValidationError) as info:
        est.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    assert info.value.parameter == REFUSED["tf-ps-debugger-rules"]
    assert aws.calls == []
    # without the Debugger rule the same job is accepted and matches the official request
    est.rules = [r for r in est.rules if isinstance(r, debugger.ProfilerRule)]
    est.fit(build_input(case["fit"]["inputs"]), wait=False, job_name=case["fit"]["job_name"])
    assert aws.params_of("CreateTrainingJob") == [official]


def test_every_capture_has_a_replay() -> None:
    assert set(REPLAYED) | set(REFUSED) == set(CASES)
    for name in CASES:
        assert (OFFICIAL / f"{name}.json").exists(), name
