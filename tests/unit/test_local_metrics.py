"""FinalMetricDataList rules: last value per metric, CloudWatch's #011 for tabs, algo-1 first."""

from __future__ import annotations

from datetime import datetime, timezone

from sagemaker_lite.local.training.metrics import compile_definitions, final_metrics, last_values

WHEN = datetime(2026, 1, 2, tzinfo=timezone.utc)
AUC = {"Name": "validation:auc", "Regex": ".*\\[[0-9]+\\].*#011validation-auc:(\\S+)"}
LOSS = {"Name": "loss", "Regex": "loss=([0-9.eE+-]+)"}


def test_last_value_wins_and_tab_reads_as_syslog_escape() -> None:
    lines = ["[0]\ttrain-auc:0.5\tvalidation-auc:0.61", "noise", "[1]#011train-auc:0.7#011validation-auc:0.75"]
    assert last_values(compile_definitions([AUC]), lines) == {"validation:auc": 0.75}
    assert last_values(compile_definitions([AUC]), lines[:1]) == {"validation:auc": 0.61}


def test_unparsable_and_non_finite_values_are_ignored() -> None:
    lines = ["loss=0.25", "loss=nan", "loss=inf", "loss=abc"]
    assert last_values(compile_definitions([LOSS]), lines) == {"loss": 0.25}


def test_final_metrics_shape_order_and_lowest_host_first() -> None:
    hosts = {"algo-2": ["loss=9.0", "[3]#011validation-auc:0.9"], "algo-1": ["loss=1.5"]}
    assert final_metrics([AUC, LOSS], hosts, WHEN) == [
        {"MetricName": "validation:auc", "Value": 0.9, "Timestamp": WHEN},
        {"MetricName": "loss", "Value": 1.5, "Timestamp": WHEN},
    ]


def test_no_definitions_or_bad_regex_give_nothing() -> None:
    assert final_metrics([], {"algo-1": ["loss=1"]}, WHEN) == []
    assert final_metrics([{"Name": "x", "Regex": "("}], {"algo-1": ["("]}, WHEN) == []
    assert final_metrics([LOSS], {"algo-1": ["nothing here"]}, WHEN) == []
