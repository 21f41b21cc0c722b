"""Helpers for the built-in XGBoost tests: data files in the container's formats, and the booster's own view."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

IMAGE_1_7 = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
HYPERPARAMETERS = {
    "max_depth": 5,
    "eta": 0.2,
    "gamma": 4,
    "min_child_weight": 6,
    "subsample": 0.8,
    "objective": "binary:logistic",
    "num_round": 30,
}


def binary_data(rows: int = 400, features: int = 6, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    x = rng.rand(rows, features)
    y = ((x[:, 0] + 0.5 * x[:, 1] + 0.2 * rng.rand(rows)) > 0.9).astype(int)
    return x, y


def multiclass_data(rows: int = 450, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    x = rng.rand(rows, 4)
    y = np.digitize(x[:, 0] + 0.3 * x[:, 2], [0.55, 0.95])  # classes 0, 1, 2
    return x, y


def write_csv(path: Path, x: np.ndarray, y: np.ndarray) -> Path:
    """Label first, no header: the container's CSV contract."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savetxt(path, np.column_stack([y, x]), delimiter=",", fmt="%.6f")
    return path


def write_libsvm(path: Path, x: np.ndarray, y: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{int(label)} " + " ".join(f"{i}:{v:.6f}" for i, v in enumerate(row) if v > 0.2)
        for row, label in zip(x, y, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def extract_model(model_data: str, target: Path) -> Path:
    """The ``xgboost-model`` file of a ``file://`` model.tar.gz (asserting that is all it holds)."""
    archive = Path(model_data[len("file://") :])
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["xgboost-model"], tar.getnames()
        tar.extractall(target, filter="data")
    return target / "xgboost-model"


def booster_predictions(python: str, model: Path, rows: Any, libsvm: bool = False) -> list[Any]:
    """What ``xgboost.Booster().load_model(model)`` predicts, run by ``python`` (the job's own xgboost)."""
    script = (
        "import json, sys, numpy as np, xgboost as xgb\n"
        "booster = xgb.Booster()\n"
        "booster.load_model(sys.argv[1])\n"
        "rows = np.array(json.loads(sys.stdin.read()), dtype=np.float32)\n"
        "print(json.dumps(booster.predict(xgb.DMatrix(rows)).tolist()))\n"
    )
    result = subprocess.run(
        [python, "-c", script, str(model)],
        input=json.dumps(np.asarray(rows).tolist()),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return list(json.loads(result.stdout))


def job_python(image: str) -> str:
    """The interpreter local mode runs ``image``'s algorithm with (the same resolution the job made)."""
    import io

    from sagemaker_lite.local import algorithms

    algorithm = algorithms.for_image(image)
    assert algorithm is not None
    return algorithm.python(io.BytesIO())  # type: ignore[arg-type]
