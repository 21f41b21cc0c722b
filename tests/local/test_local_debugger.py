"""Debugger in local mode: describe() carries the rules, and every rule says it was not evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest

from sagemaker_lite.debugger import ProfilerRule, Rule, rule_configs
from sagemaker_lite.local import LocalSession
from sagemaker_lite.tensorflow import TensorFlow

# every framework_version these tests can name differs from the installed one: run the installed
# framework (the rules' status, not the version; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]


def test_rules_are_described_with_an_honest_status(session: LocalSession, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print('training')\n")
    est = TensorFlow(
        entry_point="train.py",
        source_dir=str(tmp_path / "src"),
        framework_version="2.13",
        py_version="py310",
        role=None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        rules=[Rule.sagemaker(rule_configs.exploding_tensor()), ProfilerRule.sagemaker(rule_configs.ProfilerReport())],
    )
    with pytest.warns(UserWarning, match="not evaluated"):
        est.fit(logs=False, job_name="local-rules")
    description = est.latest_training_job.describe()
    assert description["TrainingJobStatus"] == "Completed", description.get("FailureReason")
    assert [r["RuleConfigurationName"] for r in description["DebugRuleConfigurations"]] == ["ExplodingTensor"]
    assert [r["RuleConfigurationName"] for r in description["ProfilerRuleConfigurations"]] == ["ProfilerReport"]
    assert "DebugHookConfig" not in description  # nothing the user did not ask for
    summary = est.latest_training_job.rule_job_summary()
    assert [s["RuleConfigurationName"] for s in summary] == ["ExplodingTensor", "ProfilerReport"]
    for status in summary:
        assert status["RuleEvaluationStatus"] == "Error"  # never NoIssuesFound for a rule that did not run
        assert status["StatusDetails"].startswith("Not evaluated: local mode")
    # the samples' status loop ends
    while est.latest_training_job.rule_job_summary()[0]["RuleEvaluationStatus"] == "InProgress":
        raise AssertionError("a local rule is never InProgress")
