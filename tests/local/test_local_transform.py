"""Local batch transform on the local serving runtimes (here the built-in XGBoost one), line for line.

The model is trained locally, then ``estimator.transformer(..., instance_type="local")`` scores
a 10,000-line CSV split by line in MultiRecord batches; every output line must equal the
prediction xgboost makes in process for that row. The join/filter case is the service's
documented example: an ID column dropped before inference (InputFilter ``$[1:]``), the
prediction joined to the input (JoinSource ``Input``), ID and prediction kept (OutputFilter ``$[0,-1]``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from xgb_helpers import IMAGE_1_7, booster_predictions, extract_model, job_python, write_csv

from sagemaker_lite import TrainingInput
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.local import LocalSession

pytestmark = pytest.mark.local


@pytest.fixture
def trained(session: LocalSession, tmp_path: Path) -> tuple[Estimator, np.ndarray, list[float]]:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(10_000, 4))
    y = x @ np.array([1.0, -2.0, 0.5, 3.0])
    write_csv(tmp_path / "train/train.csv", x[:2000], y[:2000])
    est = Estimator(
        IMAGE_1_7,
        None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        output_path=f"file://{tmp_path / 'out'}",
    )
    est.set_hyperparameters(objective="reg:squarederror", num_round=15)
    est.fit({"train": TrainingInput(f"file://{tmp_path / 'train'}", content_type="csv")}, logs=False)
    model = extract_model(est.model_data, tmp_path / "model")
    expected = [float(v) for v in booster_predictions(job_python(IMAGE_1_7), model, x)]
    return est, x, expected


def test_line_split_multirecord_transform_equals_in_process_predictions(
    trained: tuple[Estimator, np.ndarray, list[float]], tmp_path: Path
) -> None:
    est, x, expected = trained
    (tmp_path / "batch").mkdir()
    np.savetxt(tmp_path / "batch/rows.csv", x, delimiter=",", fmt="%.6f")
    transformer = est.transformer(
        1,
        "local",
        strategy="MultiRecord",
        assemble_with="Line",
        accept="text/csv",
        max_payload=1,
        output_path=f"file://{tmp_path / 'scores'}",
    )
    transformer.transform(
        f"file://{tmp_path / 'batch'}", content_type="text/csv", split_type="Line", job_name="score-10k"
    )
    lines = (tmp_path / "scores/rows.csv.out").read_text().splitlines()
    assert len(lines) == 10_000
    rows = np.loadtxt(tmp_path / "batch/rows.csv", delimiter=",")
    assert np.allclose(rows, x, atol=1e-6)
    assert np.allclose([float(v) for v in lines], expected, atol=1e-4)
    assert transformer.describe()["TransformJobStatus"] == "Completed"


def test_join_source_and_filters_follow_the_documented_example(
    trained: tuple[Estimator, np.ndarray, list[float]], tmp_path: Path
) -> None:
    est, x, expected = trained
    (tmp_path / "batch").mkdir()
    with open(tmp_path / "batch/with_ids.csv", "w") as f:
        for i, row in enumerate(x[:50]):
            f.write(f"id-{i}," + ",".join(f"{v:.6f}" for v in row) + "\n")
    transformer = est.transformer(
        1,
        "local",
        strategy="MultiRecord",
        assemble_with="Line",
        accept="text/csv",
        output_path=f"file://{tmp_path / 'joined'}",
    )
    transformer.transform(
        f"file://{tmp_path / 'batch'}",
        content_type="text/csv",
        split_type="Line",
        input_filter="$[1:]",
        join_source="Input",
        output_filter="$[0,-1]",
    )
    lines = (tmp_path / "joined/with_ids.csv.out").read_text().splitlines()
    assert [line.split(",")[0] for line in lines] == [f"id-{i}" for i in range(50)]
    assert np.allclose([float(line.split(",")[1]) for line in lines], expected[:50], atol=1e-4)
