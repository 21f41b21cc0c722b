"""Debugger configuration objects, the rule table, request rendering and validation.

Requests go through a botocore Stubber (validated against the SageMaker service model);
bad inputs must raise ValidationError naming the parameter with zero API calls.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from support.aws_double import RefusingAWS
from support.offline import IMAGE, ROLE
from support.training_request import base_request, estimator, expect_create

from sagemaker_lite import Session
from sagemaker_lite.debugger import (
    CollectionConfig,
    DebuggerHookConfig,
    ProfilerConfig,
    ProfilerRule,
    Rule,
    TensorBoardOutputConfig,
    _table,
    get_rule_container_image_uri,
    rule_configs,
)
from sagemaker_lite.debugger.request import artifacts_path, debugger_request_fields, instance_type_supports_profiler
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator

RULE_IMAGE = "895741380848.dkr.ecr.us-west-2.amazonaws.com/sagemaker-debugger-rules:latest"
CUSTOM_IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-rules:1"
DEBUGGER_FUNCTIONS = [
    "all_zero",
    "check_input_images",
    "class_imbalance",
    "confusion",
    "create_xgboost_report",
    "dead_relu",
    "exploding_tensor",
    "feature_importance_overweight",
    "loss_not_decreasing",
    "nlp_sequence_ratio",
    "overfit",
    "overtraining",
    "poor_weight_initialization",
    "saturated_activation",
    "similar_across_runs",
    "stalled_training_rule",
    "tensor_variance",
    "tree_depth",
    "unchanged_tensor",
    "vanishing_gradient",
    "weight_update_ratio",
]
PROFILER_CLASSES = [
    "BatchSize",
    "CPUBottleneck",
    "Dataloader",
    "GPUMemoryIncrease",
    "IOBottleneck",
    "LoadBalancing",
    "LowGPUUtilization",
    "MaxInitializationTime",
    "OverallSystemUsage",
    "ProfilerReport",
    "StepOutlier",
]


# --- the rule table --------------------------------------------------------------------------


def test_every_table_rule_has_a_function_and_class() -> None:
    assert sorted(_table.debugger_rules()) == DEBUGGER_FUNCTIONS
    assert sorted(_table.profiler_rules()) == PROFILER_CLASSES
    for name in DEBUGGER_FUNCTIONS:
        config = getattr(rule_configs, name)()
        rule = config["DebugRuleConfiguration"]
        assert rule["RuleParameters"] == {"rule_to_invoke": rule["RuleConfigurationName"]}
    for name in PROFILER_CLASSES:
        assert getattr(rule_configs, name)().rule_name == name


def test_builtin_rule_configs_are_the_published_facts() -> None:
    assert rule_configs.vanishing_gradient() == {
        "DebugRuleConfiguration": {
            "RuleConfigurationName": "VanishingGradient",
            "RuleParameters": {"rule_to_invoke": "VanishingGradient"},
        },
        "CollectionConfigurations": [{"CollectionName": "gradients", "CollectionParameters": {"save_interval": "500"}}],
    }
    assert "CollectionConfigurations" not in rule_configs.exploding_tensor()
    assert [c["CollectionName"] for c in rule_configs.create_xgboost_report()["CollectionConfigurations"]] == [
        "metrics",
        "feature_importance",
        "hyperparameters",
        "predictions",
        "labels",
    ]
    assert rule_configs.get_collection("losses") == {
        "CollectionName": "losses",
        "CollectionParameters": {"save_interval": "500"},
    }
    assert rule_configs.get_collection("nope") is None


def test_rule_configs_return_fresh_copies() -> None:
    first = rule_configs.loss_not_decreasing()
    first["CollectionConfigurations"][0]["CollectionParameters"]["save_interval"] = "1"
    assert rule_configs.loss_not_decreasing()["CollectionConfigurations"][0]["CollectionParameters"] == {
        "save_interval": "500"
    }


def test_profiler_rule_defaults_and_overrides() -> None:
    assert rule_configs.CPUBottleneck(threshold=70).rule_parameters == {
        "threshold": 70,
        "gpu_threshold": 10,
        "cpu_threshold": 90,
        "patience": 1000,
        "scan_interval_us": 60000000,
        "rule_to_invoke": "CPUBottleneck",
    }
    assert rule_configs.StepOutlier(mode="TRAIN").rule_parameters["mode"] == "TRAIN"
    report = rule_configs.ProfilerReport(CPUBottleneck_threshold=70, lowgpuutilization_threshold_p95=60)
    assert report.rule_parameters == {
        "CPUBottleneck_threshold": 70,
        "lowgpuutilization_threshold_p95": 60,
        "rule_to_invoke": "ProfilerReport",
    }
    assert (
        repr(rule_configs.LoadBalancing()) == "LoadBalancing(threshold=0.5, patience=1000, scan_interval_us=60000000)"
    )


def test_unknown_rule_names_suggest_close_ones() -> None:
    with pytest.raises(AttributeError, match="did you mean vanishing_gradient"):
        rule_configs.vanishin_gradient  # noqa: B018
    with pytest.raises(ValidationError, match="did you mean VanishingGradient"):
        Rule.sagemaker(
            {
                "DebugRuleConfiguration": {
                    "RuleConfigurationName": "X",
                    "RuleParameters": {"rule_to_invoke": "VanishingGradiant"},
                }
            }
        )


def test_actions_serialize_like_the_official_sdk() -> None:
    actions = rule_configs.ActionList(
        rule_configs.StopTraining(), rule_configs.Email("abc@abc.com"), rule_configs.SMS("+15555550100")
    )
    assert actions.serialize("job-1") == (
        '[{\\"name\\": \\"stoptraining\\", \\"training_job_prefix\\": \\"job-1\\"}, '
        '{\\"endpoint\\": \\"abc@abc.com\\", \\"name\\": \\"email\\"}, '
        '{\\"endpoint\\": \\"+15555550100\\", \\"name\\": \\"sms\\"}]'
    )
    assert rule_configs.StopTraining("other").serialize("job-1") == (
        '{\\"training_job_prefix\\": \\"other\\", \\"name\\": \\"stoptraining\\"}'
    )
    assert rule_configs.is_valid_action_object(actions) and not rule_configs.is_valid_action_object("x")


# --- rules -----------------------------------------------------------------------------------


def test_rule_sagemaker_merges_parameters_and_collections() -> None:
    rule = Rule.sagemaker(
        rule_configs.similar_across_runs(),
        other_trials_s3_input_paths=["s3://in-bucket/a", "s3://in-bucket/b"],
        rule_parameters={"threshold": 5, "flag": True},
    )
    assert rule.name == "SimilarAcrossRuns" and rule.is_builtin
    assert rule.rule_parameters == {
        "other_trial_0": "s3://in-bucket/a",
        "other_trial_1": "s3://in-bucket/b",
        "rule_to_invoke": "SimilarAcrossRuns",
        "threshold": "5",
        "flag": "True",
    }
    losses = Rule.sagemaker(rule_configs.loss_not_decreasing())
    assert losses.collection_configs == [CollectionConfig("losses", {"save_interval": "500"})]
    replaced = Rule.sagemaker(rule_configs.loss_not_decreasing(), collections_to_save=[CollectionConfig("mine")])
    assert replaced.collection_configs == [CollectionConfig("mine")]


def test_collection_configs_are_values() -> None:
    a = CollectionConfig("losses", {"save_interval": 10})
    assert a.parameters == {"save_interval": "10"}
    assert (
        a == CollectionConfig("losses", {"save_interval": "10"})
        and len({a, CollectionConfig("losses", {"save_interval": "10"})}) == 1
    )
    assert CollectionConfig("losses") != CollectionConfig("losses", {})


def test_rule_custom_with_local_source(tmp_path: Path) -> None:
    source = tmp_path / "my_rule.py"
    source.write_text("# rule\n")
    rule = Rule.custom("Mine", CUSTOM_IMAGE, "ml.t3.medium", 30, source=str(source), rule_to_invoke="MyRule")
    assert rule.local_source == str(source) and not rule.is_builtin
    assert rule.rule_parameters == {"source_s3_uri": str(source), "rule_to_invoke": "MyRule"}
    s3 = Rule.custom("Mine", CUSTOM_IMAGE, "ml.t3.medium", 30, source="s3://in-bucket/rule.py", rule_to_invoke="MyRule")
    assert s3.local_source is None and s3.source == "s3://in-bucket/rule.py"


# --- request rendering -----------------------------------------------------------------------


def fields(**kwargs: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "region": "us-west-2",
        "output_path": "s3://out-bucket/prefix",
        "debugger_hook_config": None,
        "disable_profiler": False,
        "job_name": "job-1",
    }
    settings.update(kwargs)
    return debugger_request_fields(**settings)


def test_defaults_when_nobody_asks() -> None:
    assert fields() == {
        "DebugHookConfig": {"S3OutputPath": "s3://out-bucket/prefix", "CollectionConfigurations": []},
        "ProfilerConfig": {"S3OutputPath": "s3://out-bucket/prefix", "DisableProfiler": False},
    }
    assert fields(debugger_hook_config=True) == fields()
    assert fields(region="us-gov-east-1") == {"ProfilerConfig": {"DisableProfiler": True}}
    assert fields(instance_type="ml.trn1.32xlarge")["ProfilerConfig"] == {"DisableProfiler": True}
    assert not instance_type_supports_profiler("ml.trn2.48xlarge") and instance_type_supports_profiler(
        "ml.p4d.24xlarge"
    )


def test_rules_add_their_collections_once_in_a_stable_order() -> None:
    hook = DebuggerHookConfig(
        collection_configs=[CollectionConfig("weights"), CollectionConfig("losses", {"save_interval": "500"})]
    )
    out = fields(
        debugger_hook_config=hook,
        rules=[Rule.sagemaker(rule_configs.loss_not_decreasing()), Rule.sagemaker(rule_configs.vanishing_gradient())],
    )
    assert [c["CollectionName"] for c in out["DebugHookConfig"]["CollectionConfigurations"]] == [
        "weights",
        "losses",
        "gradients",
    ]
    assert out["DebugRuleConfigurations"][0] == {
        "RuleConfigurationName": "LossNotDecreasing",
        "RuleEvaluatorImage": RULE_IMAGE,
        "RuleParameters": {"rule_to_invoke": "LossNotDecreasing"},
    }


def test_rule_images_follow_the_region() -> None:
    out = fields(region="cn-north-1", rules=[ProfilerRule.sagemaker(rule_configs.ProfilerReport())])
    assert out["ProfilerRuleConfigurations"][0]["RuleEvaluatorImage"] == (
        "618459771430.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-debugger-rules:latest"
    )
    assert get_rule_container_image_uri(None, "us-west-2") == RULE_IMAGE


def test_profiler_config_variants() -> None:
    assert fields(profiler_config=ProfilerConfig(system_monitor_interval_millis=500))["ProfilerConfig"] == {
        "S3OutputPath": "s3://out-bucket/prefix",
        "DisableProfiler": False,
        "ProfilingIntervalInMilliseconds": 500,
    }
    raw = {"DataloaderProfilingConfig": '{"StartStep": 5, "NumSteps": 2}'}
    assert (
        fields(profiler_config=ProfilerConfig(framework_profile_params=raw))["ProfilerConfig"]["ProfilingParameters"]
        == raw
    )

    class OfficialFrameworkProfile:  # duck typing: any object with .profiling_parameters
        profiling_parameters = raw

    assert ProfilerConfig(framework_profile_params=OfficialFrameworkProfile()).framework_profile_params == raw
    disabled = fields(
        disable_profiler=True, profiler_config=ProfilerConfig(disable_profiler=True, system_monitor_interval_millis=100)
    )
    assert disabled["ProfilerConfig"] == {"DisableProfiler": True, "ProfilingIntervalInMilliseconds": 100}


def test_artifacts_paths() -> None:
    out = fields(tensorboard_output_config=TensorBoardOutputConfig("s3://out-bucket/tb"))
    assert artifacts_path(out, "job-1", "debugger") == "s3://out-bucket/prefix/job-1/debug-output"
    assert artifacts_path(out, "job-1", "tensorboard") == "s3://out-bucket/tb/job-1/tensorboard-output"
    assert artifacts_path(out, "job-1", "profiler") == "s3://out-bucket/prefix/job-1/profiler-output"
    off = fields(debugger_hook_config=False, disable_profiler=True)
    assert artifacts_path(off, "job-1", "debugger") is None
    assert artifacts_path(off, "job-1", "profiler") is None
    assert artifacts_path(off, "job-1", "tensorboard") is None


# --- through the estimator, validated by botocore's model ---------------------------------------


def test_every_config_object_in_one_request(stubbed: tuple[Session, Stubber], tmp_path: Path) -> None:
    session, stubber = stubbed
    hook = DebuggerHookConfig(
        s3_output_path="s3://out-bucket/debug",
        container_local_output_path="/opt/ml/output/tensors",
        hook_parameters={"save_interval": "100"},
        collection_configs=[CollectionConfig("weights")],
    )
    rules = [
        Rule.sagemaker(
            rule_configs.loss_not_decreasing(),
            name="Loss",
            container_local_output_path="/opt/ml/processing/output/rule",
            s3_output_path="s3://out-bucket/rules",
            rule_parameters={"mode": "TRAIN"},
            actions=rule_configs.ActionList(rule_configs.StopTraining()),
            instance_type="ml.m5.xlarge",
            volume_size_in_gb=20,
        ),
        Rule.custom("Mine", CUSTOM_IMAGE, "ml.t3.medium", 30, source="s3://in-bucket/rule.py", rule_to_invoke="R"),
        ProfilerRule.sagemaker(rule_configs.ProfilerReport()),
        ProfilerRule.custom("MyProfiler", CUSTOM_IMAGE, "ml.m5.large", 10, rule_parameters={"a": 1}),
    ]
    request = base_request(
        DebugHookConfig={
            "S3OutputPath": "s3://out-bucket/debug",
            "LocalPath": "/opt/ml/output/tensors",
            "HookParameters": {"save_interval": "100"},
            "CollectionConfigurations": [
                {"CollectionName": "weights"},
                {"CollectionName": "losses", "CollectionParameters": {"save_interval": "500"}},
            ],
        },
        DebugRuleConfigurations=[
            {
                "RuleConfigurationName": "Loss",
                "RuleEvaluatorImage": RULE_IMAGE,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 20,
                "LocalPath": "/opt/ml/processing/output/rule",
                "S3OutputPath": "s3://out-bucket/rules",
                "RuleParameters": {
                    "rule_to_invoke": "LossNotDecreasing",
                    "mode": "TRAIN",
                    "action_json": '[{\\"name\\": \\"stoptraining\\", \\"training_job_prefix\\": \\"job-1\\"}]',
                },
            },
            {
                "RuleConfigurationName": "Mine",
                "RuleEvaluatorImage": CUSTOM_IMAGE,
                "InstanceType": "ml.t3.medium",
                "VolumeSizeInGB": 30,
                "RuleParameters": {"source_s3_uri": "s3://in-bucket/rule.py", "rule_to_invoke": "R"},
            },
        ],
        TensorBoardOutputConfig={"S3OutputPath": "s3://out-bucket/tb", "LocalPath": "/opt/ml/output/tensorboard"},
        ProfilerConfig={
            "S3OutputPath": "s3://out-bucket/profiler",
            "DisableProfiler": False,
            "ProfilingIntervalInMilliseconds": 1000,
        },
        ProfilerRuleConfigurations=[
            {
                "RuleConfigurationName": "ProfilerReport",
                "RuleEvaluatorImage": RULE_IMAGE,
                "RuleParameters": {"rule_to_invoke": "ProfilerReport"},
            },
            {
                "RuleConfigurationName": "MyProfiler",
                "RuleEvaluatorImage": CUSTOM_IMAGE,
                "InstanceType": "ml.m5.large",
                "VolumeSizeInGB": 10,
                "RuleParameters": {"a": "1"},
            },
        ],
    )
    expect_create(stubber, request)
    est = estimator(
        session,
        rules=rules,
        debugger_hook_config=hook,
        tensorboard_output_config=TensorBoardOutputConfig("s3://out-bucket/tb", "/opt/ml/output/tensorboard"),
        profiler_config=ProfilerConfig("s3://out-bucket/profiler", 1000),
    )
    est.fit("s3://in-bucket/train", wait=False, job_name="job-1")
    stubber.assert_no_pending_responses()
    assert est.latest_job_debugger_artifacts_path() == "s3://out-bucket/debug/job-1/debug-output"
    assert est.latest_job_tensorboard_artifacts_path() == "s3://out-bucket/tb/job-1/tensorboard-output"
    assert est.latest_job_profiler_artifacts_path() == "s3://out-bucket/profiler/job-1/profiler-output"
    assert rules[0].rule_parameters == {"rule_to_invoke": "LossNotDecreasing", "mode": "TRAIN"}  # not mutated
    assert "rules=" in repr(est)


def test_hook_off_with_rules_and_profiler_off(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    request = base_request(
        DebugRuleConfigurations=[
            {
                "RuleConfigurationName": "ExplodingTensor",
                "RuleEvaluatorImage": RULE_IMAGE,
                "RuleParameters": {"rule_to_invoke": "ExplodingTensor"},
            }
        ],
        ProfilerConfig={"DisableProfiler": True},
    )
    del request["DebugHookConfig"]
    expect_create(stubber, request)
    est = estimator(
        session,
        debugger_hook_config=False,
        disable_profiler=True,
        rules=[Rule.sagemaker(rule_configs.exploding_tensor())],
    )
    est.fit("s3://in-bucket/train", wait=False, job_name="job-1")
    stubber.assert_no_pending_responses()
    assert est.latest_job_debugger_artifacts_path() is None
    assert est.latest_job_profiler_artifacts_path() is None


def test_setting_rules_by_attribute_revalidates(offline_session: tuple[Session, RefusingAWS]) -> None:
    session, _ = offline_session
    est = estimator(session)
    est.rules = [Rule.sagemaker(rule_configs.overfit())]
    assert est.rules[0].name == "Overfit"
    with pytest.raises(ValidationError, match="rules"):
        est.rules = ["Overfit"]


def test_xgboost_only_rules_warn_outside_xgboost(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    stubber.add_response("create_training_job", {"TrainingJobArn": "arn:aws:sagemaker:us-west-2:1:training-job/j"})
    est = Estimator(
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/mine:1",
        ROLE,
        1,
        "ml.m5.large",
        sagemaker_session=session,
        output_path="s3://out-bucket/o",
        rules=[Rule.sagemaker(rule_configs.tree_depth())],
    )
    with pytest.warns(UserWarning, match="TreeDepth only works with the XGBoost"):
        est.fit("s3://in-bucket/train", wait=False, job_name="job-1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stubber.add_response("create_training_job", {"TrainingJobArn": "arn:aws:sagemaker:us-west-2:1:training-job/j"})
        estimator(session, rules=[Rule.sagemaker(rule_configs.tree_depth())]).fit(
            "s3://in-bucket/train", wait=False, job_name="job-2"
        )


def test_local_rule_source_upload_key(tmp_path: Path) -> None:
    from support.aws_double import RecordingAWS

    source = tmp_path / "rule.py"
    source.write_text("x = 1\n")
    aws = RecordingAWS(
        {
            "sts.GetCallerIdentity": lambda p: {"Account": "123456789012", "UserId": "u", "Arn": "arn:aws:sts::1:x"},
            "s3.CreateBucket": lambda p: {},
            "s3.PutObject": lambda p: {"ETag": '"e"'},
            "sagemaker.CreateTrainingJob": lambda p: {"TrainingJobArn": "arn:aws:sagemaker:us-west-2:1:training-job/j"},
        }
    )
    session = Session(boto_session=aws.boto_session(), default_bucket_prefix="team")
    rule = Rule.custom("Mine", CUSTOM_IMAGE, "ml.t3.medium", 30, source=str(source), rule_to_invoke="R")
    estimator(
        session,
        rules=[rule, Rule.custom("Again", CUSTOM_IMAGE, "ml.t3.medium", 30, source=str(source), rule_to_invoke="R")],
    ).fit("s3://in-bucket/train", wait=False, job_name="job-1")
    puts = aws.params_of("PutObject")
    assert len(puts) == 1  # one file, uploaded once
    assert puts[0]["Bucket"] == "sagemaker-us-west-2-123456789012"
    assert puts[0]["Key"].startswith("team/Mine/") and puts[0]["Key"].endswith("/rule.py")
    sent = aws.params_of("CreateTrainingJob")[0]["DebugRuleConfigurations"]
    assert {r["RuleParameters"]["source_s3_uri"] for r in sent} == {
        f"s3://sagemaker-us-west-2-123456789012/{puts[0]['Key']}"
    }


def test_attach_restores_debugger_settings(stubbed: tuple[Session, Stubber]) -> None:
    session, stubber = stubbed
    hook = DebuggerHookConfig(collection_configs=[CollectionConfig("weights")])
    rules = [
        Rule.sagemaker(rule_configs.loss_not_decreasing(), actions=rule_configs.StopTraining()),
        ProfilerRule.sagemaker(rule_configs.CPUBottleneck(threshold=70), name="Cpu"),
    ]
    settings: dict[str, Any] = {
        "rules": rules,
        "debugger_hook_config": hook,
        "tensorboard_output_config": TensorBoardOutputConfig("s3://out-bucket/tb"),
        "profiler_config": ProfilerConfig(system_monitor_interval_millis=200),
    }
    stubber.add_response(
        "create_training_job", {"TrainingJobArn": "arn:aws:sagemaker:us-west-2:123456789012:training-job/job-1"}
    )
    est = estimator(session, **settings)
    est.fit("s3://in-bucket/train", wait=False, job_name="job-1")
    sent = est.__dict__["_debugger_fields"]  # the Debugger fields of the request just sent
    description = {
        **base_request("job-1"),
        **sent,
        "TrainingJobArn": "arn:aws:sagemaker:us-west-2:123456789012:training-job/job-1",
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "CreationTime": 0,
        "ModelArtifacts": {"S3ModelArtifacts": "s3://out-bucket/prefix/job-1/output/model.tar.gz"},
    }
    stubber.add_response("describe_training_job", description, {"TrainingJobName": "job-1"})
    stubber.add_response("list_tags", {"Tags": []})
    attached = Estimator.attach("job-1", sagemaker_session=session, wait=False)
    assert attached.debugger_hook_config == hook
    assert attached.tensorboard_output_config == settings["tensorboard_output_config"]
    assert attached.profiler_config == settings["profiler_config"]
    assert [r.name for r in attached.rules] == ["LossNotDecreasing", "Cpu"]
    assert attached.rules[0].actions == rule_configs.StopTraining()  # the default prefix again
    assert attached.rules[1].rule_parameters == rules[1].rule_parameters
    assert attached.latest_job_tensorboard_artifacts_path() == "s3://out-bucket/tb/job-1/tensorboard-output"
    # the attached estimator's next request equals the first one
    again = base_request("job-2", **{k: v for k, v in sent.items()})
    again["DebugRuleConfigurations"][0]["RuleParameters"]["action_json"] = (
        '{\\"name\\": \\"stoptraining\\", \\"training_job_prefix\\": \\"job-2\\"}'
    )
    expect_create(stubber, again)
    attached.fit("s3://in-bucket/train", wait=False, job_name="job-2")
    stubber.assert_no_pending_responses()


def test_rule_table_is_in_sync_with_the_tool() -> None:
    data = json.loads(_table.DATA_FILE.read_text())
    assert data["generated_by"] == "tools/sync_debugger_rules.py"
    assert data["generated_from"]["package"] == "smdebug-rulesconfig"


def test_local_mode_ignores_debugger_settings_with_a_warning() -> None:
    est = Estimator(IMAGE, ROLE, 1, "local", rules=[Rule.sagemaker(rule_configs.overfit())])
    with pytest.warns(UserWarning, match="not used in local mode"):
        est.sagemaker_session.check_debugger(est.config, est.config, region="us-west-2", image_uri=IMAGE)


@pytest.mark.official
def test_shipped_rule_table_matches_the_published_package() -> None:
    """Regenerates the table from smdebug-rulesconfig in the side venv and compares (slow, opt-in)."""
    import subprocess
    import sys

    tool = Path(__file__).resolve().parents[2] / "tools" / "sync_debugger_rules.py"
    result = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
