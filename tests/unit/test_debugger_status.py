"""Rule evaluation statuses while waiting, through the scripted SageMaker double.

The double plays the training job's lifecycle; a DescribeTrainingJob handler scripted here
(``on("DescribeTrainingJob", ...)``, built from the double's public ``describe``/``advance``)
adds ``DebugRuleEvaluationStatuses`` / ``ProfilerRuleEvaluationStatuses`` that change from one
describe to the next, as SageMaker reports its rule processing jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from support.offline import IMAGE, ROLE
from support.scripted import ScriptedAWS

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.debugger import ProfilerRule, Rule, rule_configs
from sagemaker_lite.errors import JobFailedError
from sagemaker_lite.estimator import Estimator

NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)
STEPS = [
    ("InProgress", "Starting"),
    ("InProgress", "Downloading"),
    ("InProgress", "Training"),
    ("InProgress", "Uploading"),
    ("Completed", "Completed"),
]
ISSUE = "Rule evaluation status: IssuesFound. VanishingGradient found issues at step 200."
# (debugger rule status, profiler rule status) at each DescribeTrainingJob, the last one repeating
TIMELINE: list[tuple[str, str]] = [
    ("InProgress", "InProgress"),
    ("InProgress", "InProgress"),
    ("IssuesFound", "InProgress"),
    ("IssuesFound", "InProgress"),
    ("IssuesFound", "InProgress"),
    ("IssuesFound", "InProgress"),
    ("IssuesFound", "NoIssuesFound"),
]


def status(name: str, value: str, details: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RuleConfigurationName": name,
        "RuleEvaluationJobArn": f"arn:aws:sagemaker:us-west-2:123456789012:processing-job/job-{name.lower()}",
        "RuleEvaluationStatus": value,
        "LastModifiedTime": 1700000000.0,
    }
    if details:
        entry["StatusDetails"] = details
    return entry


def script_rules(scripted: ScriptedAWS, timeline: Sequence[tuple[str, str]] = TIMELINE) -> list[int]:
    """DescribeTrainingJob answers with rule statuses from ``timeline``; returns the describe counter."""
    sm = scripted.sagemaker
    seen = [0]

    def describe(params: dict[str, Any]) -> dict[str, Any]:
        job = sm.jobs[params["TrainingJobName"]]
        response = sm.describe(job)
        debug, profiler = timeline[min(seen[0], len(timeline) - 1)]
        response["DebugRuleEvaluationStatuses"] = [
            status("VanishingGradient", debug, ISSUE if debug == "IssuesFound" else None)
        ]
        response["ProfilerRuleEvaluationStatuses"] = [status("ProfilerReport", profiler)]
        seen[0] += 1
        sm.advance(job.name)
        return response

    sm.on("DescribeTrainingJob", describe)
    return seen


def make_estimator(scripted: ScriptedAWS) -> Estimator:
    session = Session(boto_session=scripted.boto_session(), polling=NO_SLEEP)
    return Estimator(
        IMAGE,
        ROLE,
        1,
        "ml.m5.large",
        sagemaker_session=session,
        output_path="s3://out-bucket/out",
        rules=[
            Rule.sagemaker(rule_configs.vanishing_gradient()),
            ProfilerRule.sagemaker(rule_configs.ProfilerReport()),
        ],
    )


def rule_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("Debugger rule", "Profiler rule"))]


def test_status_changes_are_printed_once_with_a_summary_at_the_end(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-rules", STEPS)
    scripted.logs.add_log_lines("job-rules", "algo-1", ["epoch 1"], at_step=2)
    script_rules(scripted)
    est = make_estimator(scripted)
    est.fit("s3://in-bucket/train", job_name="job-rules")
    out = capsys.readouterr().out
    assert rule_lines(out) == [
        "Debugger rule VanishingGradient: InProgress",
        "Profiler rule ProfilerReport: InProgress",
        f"Debugger rule VanishingGradient: IssuesFound - {ISSUE}",
    ]
    summary = out[out.index("Rule evaluation summary for training job job-rules:") :].splitlines()
    assert summary[1].split()[:4] == ["Debugger", "rule", "VanishingGradient", "IssuesFound"]
    assert summary[2].split() == ["Profiler", "rule", "ProfilerReport", "InProgress"]
    assert "Rules still running were not waited for" in summary[3]
    assert "epoch 1" in out.splitlines() and "Completed - Training job completed" in out
    assert "Training job job-rules completed" in out


def test_the_training_job_is_not_waited_beyond_its_end(scripted: ScriptedAWS, capsys: Any) -> None:
    """As in the official SDK: rules still InProgress when the job ends are reported, not waited for."""
    scripted.sagemaker.script_job("job-nowait", STEPS)
    describes = script_rules(scripted)
    make_estimator(scripted).fit("s3://in-bucket/train", job_name="job-nowait", logs="Rules")
    assert describes[0] == len(STEPS)


def test_wait_for_rules_polls_until_every_rule_is_final(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-wait", STEPS)
    describes = script_rules(scripted)
    est = make_estimator(scripted)
    est.fit("s3://in-bucket/train", job_name="job-wait", wait=False)
    capsys.readouterr()
    description = est.latest_training_job.wait(logs="Rules", wait_for_rules=True)
    assert describes[0] == len(TIMELINE)
    assert [s["RuleEvaluationStatus"] for s in est.rule_job_summary()] == ["IssuesFound", "NoIssuesFound"]
    out = capsys.readouterr().out
    assert rule_lines(out)[-1] == "Profiler rule ProfilerReport: NoIssuesFound"
    assert "not waited for" not in out
    assert description["ProfilerRuleEvaluationStatuses"][0]["RuleEvaluationStatus"] == "NoIssuesFound"


def test_logs_rules_prints_only_rule_output(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-only-rules", STEPS)
    scripted.logs.add_log_lines("job-only-rules", "algo-1", ["epoch 1"], at_step=2)
    script_rules(scripted)
    make_estimator(scripted).fit("s3://in-bucket/train", job_name="job-only-rules", logs="Rules")
    out = capsys.readouterr().out.splitlines()
    assert out
    assert all(line.startswith(("Debugger rule", "Profiler rule", "Rule evaluation summary", "  ")) for line in out)


@pytest.mark.parametrize("logs", ["Training", "None", False])
def test_other_log_modes_print_no_rule_output(scripted: ScriptedAWS, capsys: Any, logs: Any) -> None:
    name = f"job-{str(logs).lower()}"
    scripted.sagemaker.script_job(name, STEPS)
    script_rules(scripted)
    make_estimator(scripted).fit("s3://in-bucket/train", job_name=name, logs=logs)
    out = capsys.readouterr().out
    assert rule_lines(out) == [] and "Rule evaluation summary" not in out


def test_a_failed_job_reports_rules_then_raises_without_waiting_for_them(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-fail", [*STEPS[:3], ("Failed", "Failed")], failure_reason="AlgorithmError: x")
    describes = script_rules(scripted)
    est = make_estimator(scripted)
    est.fit("s3://in-bucket/train", job_name="job-fail", wait=False)
    with pytest.raises(JobFailedError):
        est.latest_training_job.wait(logs="All", wait_for_rules=True)
    assert describes[0] == 4
    assert "Rule evaluation summary for training job job-fail:" in capsys.readouterr().out


def test_rule_job_summary_lists_debugger_then_profiler_rules(scripted: ScriptedAWS) -> None:
    scripted.sagemaker.script_job("job-summary", STEPS)
    script_rules(scripted)
    est = make_estimator(scripted)
    est.fit("s3://in-bucket/train", job_name="job-summary", wait=False)
    summary = est.rule_job_summary()
    assert [(s["RuleConfigurationName"], s["RuleEvaluationStatus"]) for s in summary] == [
        ("VanishingGradient", "InProgress"),
        ("ProfilerReport", "InProgress"),
    ]
    assert est.latest_job_debugger_artifacts_path() == "s3://out-bucket/out/job-summary/debug-output"
    assert est.latest_job_profiler_artifacts_path() == "s3://out-bucket/out/job-summary/profiler-output"
    assert est.latest_job_tensorboard_artifacts_path() is None


def test_a_job_without_rules_prints_no_summary(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-plain", STEPS)
    session = Session(boto_session=scripted.boto_session(), polling=NO_SLEEP)
    Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session, output_path="s3://out-bucket/out").fit(
        "s3://in-bucket/train", job_name="job-plain", logs="Rules"
    )
    assert capsys.readouterr().out == ""
