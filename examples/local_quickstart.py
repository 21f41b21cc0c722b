"""The seed 000 workflow on this machine: TensorFlow script mode, local fit, local deploy, predict.

    python -m pip install -e ".[tensorflow]" && python examples/local_quickstart.py

No Docker, no AWS account, no credentials: ``instance_type="local"`` runs ``train.py`` as a
subprocess with the same arguments, ``SM_*`` variables and ``/opt/ml`` layout a SageMaker
TensorFlow container gives it, and ``deploy(instance_type="local")`` serves the SavedModel with
the TensorFlow Serving REST API on 127.0.0.1. Changing ``"local"`` to ``"ml.m5.xlarge"`` (and
passing a role) runs the same code on SageMaker.

Data: the Boston Housing set (tests/data/boston_housing.csv, see tests/data/README.md for its
provenance). Its B feature encodes a racial statistic; it is kept only because the workflow
being reproduced uses it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from sagemaker_lite.tensorflow import TensorFlow

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "tests" / "data" / "boston_housing.csv"


def split(workdir: Path) -> tuple[Path, Path, np.ndarray]:
    """The Keras split: RandomState(113) shuffles the rows; the first 404 train, the other 102 test."""
    header = CSV.read_text().splitlines()[0]
    rows = np.loadtxt(CSV, delimiter=",", skiprows=1, dtype=np.float32)
    order = np.arange(len(rows))
    np.random.RandomState(113).shuffle(order)
    train, test = rows[order[:404]], rows[order[404:]]
    paths = []
    for name, part in (("train", train), ("test", test)):
        folder = workdir / name
        folder.mkdir()
        np.savetxt(folder / f"{name}.csv", part, delimiter=",", header=header, comments="", fmt="%.6g")
        paths.append(folder)
    return paths[0], paths[1], test[:, :-1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sagemaker-lite-quickstart-") as tmp:
        train_dir, test_dir, x_test = split(Path(tmp))
        estimator = TensorFlow(
            entry_point="train.py",
            source_dir=str(ROOT / "examples" / "boston_tf"),
            # locally the job gets TensorFlow 2.19 too: built once from the package index when this
            # machine has another version (LocalSession(framework_versions="installed") keeps yours)
            framework_version="2.19",
            py_version="py312",
            instance_count=1,
            instance_type="local",
            hyperparameters={"epochs": 20, "batch_size": 32, "learning_rate": 0.01},
            output_path=f"file://{tmp}/output",
        )
        estimator.fit({"train": train_dir.as_uri(), "test": test_dir.as_uri()})
        print(f"model artifact: {estimator.model_data}")

        predictor = estimator.deploy(initial_instance_count=1, instance_type="local")
        try:
            predictions = predictor.predict(x_test[:10].tolist())["predictions"]
            print("predicted median values ($1000s):", [round(float(p[0]), 1) for p in predictions])
        finally:
            predictor.delete_endpoint()
        print("endpoint deleted")


if __name__ == "__main__":
    main()
