"""The seed 000 workflow in local mode: TF2 Keras on Boston housing -> fit -> deploy -> predict -> delete."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from serving_helpers import server_pids

from sagemaker_lite.local import LocalSession
from sagemaker_lite.tensorflow import TensorFlow

# every framework_version these tests can name differs from the installed one: run the installed
# framework (fit -> deploy with the installed TensorFlow; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.tensorflow, pytest.mark.usefixtures("installed_framework_versions")]

DATA = Path(__file__).resolve().parents[1] / "data"


def keras_split(directory: Path) -> tuple[Path, Path, np.ndarray]:
    """train.csv / test.csv as ``keras.datasets.boston_housing`` splits them; returns the test features too."""
    lines = (DATA / "boston_housing.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    assert len(rows) == 506
    indices = np.arange(len(rows))
    np.random.RandomState(113).shuffle(indices)
    train, test = directory / "train", directory / "test"
    for path, chosen in ((train, indices[:404]), (test, indices[404:])):
        path.mkdir(parents=True)
        (path / f"{path.name}.csv").write_text("\n".join([header, *(rows[i] for i in chosen)]) + "\n")
    x_test = np.loadtxt(test / "test.csv", delimiter=",", skiprows=1)[:, :-1]
    return train, test, x_test


def test_boston_housing_fit_deploy_predict(tmp_path: Path) -> None:
    train, test, x_test = keras_split(tmp_path / "data")
    session = LocalSession(root=tmp_path / "root", stop_timeout=2.0)
    estimator = TensorFlow(
        entry_point="train.py",
        source_dir=str(DATA.parents[1] / "examples" / "boston_tf"),
        framework_version="2.13",
        py_version="py310",
        role=None,
        instance_count=1,
        instance_type="local",
        hyperparameters={"epochs": 5, "batch_size": 64, "learning_rate": 0.01},
        sagemaker_session=session,
        output_path=f"file://{tmp_path / 'output'}",
    )
    estimator.fit({"train": f"file://{train}", "test": f"file://{test}"})
    assert estimator.model_data.startswith("file://") and estimator.model_data.endswith("model.tar.gz")

    predictor = estimator.deploy(1, "local")
    try:
        predictions = predictor.predict(x_test[:10])["predictions"]
        assert len(predictions) == 10
        assert all(len(p) == 1 and np.isfinite(p[0]) for p in predictions)
        assert session.sagemaker_client.describe_endpoint(EndpointName=predictor.endpoint_name)["EndpointStatus"] == (
            "InService"
        )
    finally:
        pids = server_pids(session, predictor.endpoint_name)
        predictor.delete_endpoint()
        predictor.delete_model()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in pids):
        time.sleep(0.05)
    assert pids and not any(os.path.exists(f"/proc/{pid}") for pid in pids)
