"""The built-in XGBoost algorithm's contract, piece by piece: images, hyperparameters, formats, metrics."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from sagemaker_lite import image_uris
from sagemaker_lite.local import algorithms
from sagemaker_lite.local.algorithms import recordio
from sagemaker_lite.local.algorithms.xgboost import PACKAGE_VERSIONS, metric_definitions, tuning_metrics
from sagemaker_lite.local.algorithms.xgboost.data import (
    CSV,
    LIBSVM,
    PARQUET,
    RECORDIO_PROTOBUF,
    channel_files,
    content_kind,
    parse_libsvm,
    read_csv,
)
from sagemaker_lite.local.algorithms.xgboost.hyperparameters import AlgorithmUserError, validate
from sagemaker_lite.local.training.metrics import final_metrics

# --- images -------------------------------------------------------------------------------------


def test_every_registry_version_is_played_locally_with_a_known_package_version() -> None:
    for version in image_uris.versions("xgboost", "training"):
        image = image_uris.retrieve("xgboost", "us-west-2", version)
        algorithm = algorithms.for_image(image)
        assert algorithm is not None, image
        assert algorithm.name == "xgboost" and algorithm.version in PACKAGE_VERSIONS, (image, algorithm.version)
    assert (
        algorithms.for_image("123.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1-cpu-py3").version == "1.7-1"
    )


def test_other_builtins_are_known_but_not_played() -> None:
    pca = image_uris.retrieve("pca", "us-west-2")
    assert algorithms.for_image(pca) is None and algorithms.builtin_name(pca) == "PCA"
    assert algorithms.builtin_name("123.dkr.ecr.us-west-2.amazonaws.com/my-image:1") is None
    assert algorithms.local_builtins() == ["XGBoost"]


# --- hyperparameters ------------------------------------------------------------------------------


def test_valid_hyperparameters_are_parsed_and_aliases_replaced() -> None:
    assert validate({"num_round": "100", "learning_rate": "0.2", "objective": "binary:logistic", "max_depth": "5"}) == {
        "num_round": 100,
        "eta": 0.2,
        "objective": "binary:logistic",
        "max_depth": 5,
    }
    assert validate({"num_round": "3", "eval_metric": "auc,error@0.6", "objective": "binary:logistic"})[
        "eval_metric"
    ] == ["auc", "error@0.6"]
    assert validate({"num_round": "3", "monotone_constraints": "(1,-1)", "tree_method": "hist"})[
        "monotone_constraints"
    ] == (1, -1)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"num_round": "0"}, "Hyperparameter num_round: 0 is not in [1, +inf)"),
        ({"num_round": "5", "subsample": "0"}, "Hyperparameter subsample: 0.0 is not in (0, 1]"),
        (
            {"num_round": "5", "booster": "forest"},
            "Hyperparameter booster: forest is not in ['gbtree', 'gblinear', 'dart']",
        ),
        ({"num_round": "5", "eval_metric": "bogus"}, "Hyperparameter eval_metric: value ['bogus'] not in range"),
        (
            {"num_round": "5", "eval_metric": "auc", "objective": "reg:squarederror"},
            "Metric 'auc' can only be applied for classification and ranking problems.",
        ),
        (
            {"num_round": "5", "eval_metric": "rmse@2"},
            "Metric 'rmse@2' is not supported. Parameter 'eval_metric' with customized threshold",
        ),
        ({"num_round": "5", "objective": "multi:softprob"}, "Require input for parameter 'num_class'"),
        (
            {"num_round": "5", "monotone_constraints": "(1,0)"},
            "monotone_constraints can be used only when the tree_method parameter is set to either 'exact' or 'hist'.",
        ),
        ({"num_round": "5", "csv_weights": "2"}, "Hyperparameter csv_weights: 2 is not in [0, 1]"),
        ({"num_round": "1.5"}, "Hyperparameter num_round: could not parse value (caused by ValueError)"),
    ],
)
def test_bad_hyperparameters_get_the_containers_message(given: dict[str, str], message: str) -> None:
    with pytest.raises(AlgorithmUserError) as raised:
        validate(given)
    assert message in str(raised.value)


# --- formats ----------------------------------------------------------------------------------------


def test_content_types() -> None:
    assert content_kind(None) == LIBSVM
    assert content_kind("text/csv; label_size=1") == CSV
    assert content_kind("CSV") == CSV
    assert content_kind("text/x-libsvm") == LIBSVM
    assert content_kind("application/x-parquet") == PARQUET
    assert content_kind("application/x-recordio-protobuf") == RECORDIO_PROTOBUF
    with pytest.raises(AlgorithmUserError, match="label_size must be equal to 1"):
        content_kind("text/csv;label_size=2")
    with pytest.raises(AlgorithmUserError, match="application/json is not an accepted ContentType: csv, libsvm"):
        content_kind("application/json")


def test_csv_label_first_weights_second_and_missing_cells() -> None:
    features, labels, weights = read_csv(["1,0.5,3,4\n0,2,,6\n"], csv_weights=1)
    assert labels.tolist() == [1, 0] and weights.tolist() == [0.5, 2.0]
    assert features.shape == (2, 2) and features[0].tolist() == [3, 4] and np.isnan(features[1, 0])
    features, labels, weights = read_csv(["1\t2\t3\n"], csv_weights=0)
    assert weights is None and labels.tolist() == [1] and features.tolist() == [[2, 3]]


def test_libsvm_labels_weights_and_indices_as_written() -> None:
    features, labels, weights = parse_libsvm("1:2.0 0:1.5 3:2\n0 1:4 # comment\n", labelled=True)
    assert labels.tolist() == [1, 0] and weights.tolist() == [2.0, 1.0]
    assert features.shape == (2, 4) and features.toarray().tolist() == [[1.5, 0, 0, 2], [0, 4, 0, 0]]
    with pytest.raises(AlgorithmUserError, match="is not 'LIBSVM' format"):
        parse_libsvm("1 nonsense\n", labelled=True)


def test_hidden_file_in_a_channel_fails_like_the_container(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("1,2\n")
    assert channel_files(tmp_path) == [tmp_path / "train.csv"]
    (tmp_path / ".DS_Store").write_text("x")
    with pytest.raises(AlgorithmUserError, match="Hidden file found in the data path!"):
        channel_files(tmp_path)


def _official_recordio(python: Path, code: str, tmp_path: Path) -> bytes:
    out = tmp_path / "records.bin"
    script = "import io, sys, numpy as np\nfrom sagemaker.amazon import common\nbuf = io.BytesIO()\n" + code
    script += "\nopen(sys.argv[1], 'wb').write(buf.getvalue())\n"
    env = {**os.environ, "SAGEMAKER_SUPPRESS_V2_WARNING": "1"}
    subprocess.run([str(python), "-c", script, str(out)], capture_output=True, check=True, timeout=300, env=env)
    return out.read_bytes()


@pytest.mark.official
def test_recordio_protobuf_written_by_the_official_sdk_is_read(official_sdk: Path, tmp_path: Path) -> None:
    dense = _official_recordio(
        official_sdk,
        "common.write_numpy_to_dense_tensor(buf, np.array([[1.5, 2, 3], [4, 5, 6.25]]), np.array([0, 1]))",
        tmp_path,
    )
    features, labels = recordio.read_records(dense)
    assert features.tolist() == [[1.5, 2, 3], [4, 5, 6.25]] and labels.tolist() == [0, 1]
    floats = _official_recordio(
        official_sdk, "common.write_numpy_to_dense_tensor(buf, np.array([[1, 2]], dtype='float32'))", tmp_path
    )
    features, labels = recordio.read_records(floats)
    assert features.tolist() == [[1, 2]] and labels is None


def _field(number: int, payload: bytes) -> bytes:
    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            out.append((value & 0x7F) | (0x80 if value >> 7 else 0))
            value >>= 7
            if not value:
                return bytes(out)

    return varint(number << 3 | 2) + varint(len(payload)) + payload


def test_sparse_records_keys_and_shape() -> None:
    """A sparse row as the aialgs proto writes it: values, keys and shape packed in a Float32Tensor."""
    import struct

    def record(values: list[float], keys: list[int], label: float) -> bytes:
        tensor = _field(1, struct.pack(f"<{len(values)}f", *values)) + _field(2, bytes(keys)) + _field(3, bytes([4]))
        label_tensor = _field(1, struct.pack("<f", label))
        body = _field(1, _field(1, b"values") + _field(2, _field(2, tensor)))
        body += _field(2, _field(1, b"values") + _field(2, _field(2, label_tensor)))
        return struct.pack("<II", recordio.MAGIC, len(body)) + body + b"\0" * (-len(body) % 4)

    features, labels = recordio.read_records(record([2.0], [1], 1) + record([1.0, 3.0], [0, 3], 0))
    assert features.toarray().tolist() == [[0, 2, 0, 0], [1, 0, 0, 3]] and labels.tolist() == [1, 0]


def test_recordio_framing_errors() -> None:
    with pytest.raises(recordio.RecordIOError, match="Invalid RecordIO magic"):
        recordio.read_records(b"\x00" * 8 + b"abcd")
    with pytest.raises(recordio.RecordIOError, match="No records found"):
        recordio.read_records(b"")


# --- metrics -------------------------------------------------------------------------------------


def test_builtin_metric_definitions_parse_the_containers_lines() -> None:
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    lines = ["[0]#011train-auc:0.81#011validation-auc:0.79", "[19]#011train-auc:0.91#011validation-auc:0.89"]
    found = {m["MetricName"]: m["Value"] for m in final_metrics(metric_definitions(), {"algo-1": lines}, when)}
    assert found == {"train:auc": 0.91, "validation:auc": 0.89}
    definitions = {d["Name"]: d["Regex"] for d in metric_definitions()}
    assert (
        definitions["validation:rmse"]
        == r".*\[[0-9]+\].*#011validation-rmse:([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*"
    )
    assert tuning_metrics()["validation:auc"] == "Maximize" and tuning_metrics()["validation:rmse"] == "Minimize"
    assert json.dumps(metric_definitions())  # plain data, as DescribeTrainingJob shows it


def test_serving_runtime_for_builtin_xgboost_models() -> None:
    from sagemaker_lite.errors import LocalModeError
    from sagemaker_lite.local.serving.runtimes import runtime_for

    image = image_uris.retrieve("xgboost", "us-west-2", "1.7-1")
    runtime = runtime_for({"Image": image})
    assert runtime.name == "xgboost-algorithm" and runtime.interpreter is not None
    assert runtime.loader == "sagemaker_lite.local.algorithms.xgboost.serve:load"
    assert runtime_for({"Image": image, "Environment": {"SAGEMAKER_PROGRAM": "inference.py"}}).name == "xgboost-script"
    assert runtime_for({"Image": image_uris.retrieve("xgboost", "us-west-2", "1")}).name == "xgboost-algorithm"
    with pytest.raises(LocalModeError, match="the built-in XGBoost algorithm"):
        runtime_for({"Image": image_uris.retrieve("pca", "us-west-2")})
