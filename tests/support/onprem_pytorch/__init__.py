"""The on-premises PyTorch workflow of issue 13, as a reusable test workload.

``source_dir/`` is what a team moving to SageMaker has: ``train.py`` reading its channel and
model directory through the real ``sagemaker_training.environment.Environment()``, a
``requirements.txt`` (here a tiny local package, so the install needs no network) and an
``inference.py`` with ``model_fn``/``predict_fn``. ``workflow()`` is the notebook code:
the same function runs with ``instance_type="local"`` and, against the moto server, with an
``ml.*`` instance type.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

SOURCE_DIR = Path(__file__).resolve().parent / "source_dir"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
WEIGHTS = np.array([1.0, -2.0, 0.5])


def write_training_data(directory: Path, rows: int = 64) -> Path:
    rng = np.random.default_rng(0)
    x = rng.random((rows, 3))
    y = x @ WEIGHTS + 0.3
    directory.mkdir(parents=True, exist_ok=True)
    np.savetxt(directory / "train.csv", np.c_[y, x], delimiter=",")
    return directory


def estimator(session: Any, instance_type: str, **kwargs: Any) -> Any:
    from sagemaker_lite.pytorch import PyTorch

    return PyTorch(
        entry_point="train.py",
        source_dir=str(SOURCE_DIR),
        hyperparameters={"epochs": 5, "lr": 0.1},
        role=ROLE,
        framework_version="2.5",
        py_version="py311",
        instance_count=1,
        instance_type=instance_type,
        sagemaker_session=session,
        **kwargs,
    )


def model_from_archive(data: bytes) -> Any:
    """The trained torch model, loaded in this process from model.tar.gz's model.pth."""
    import torch

    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile("model.pth")
        assert member is not None
        state = torch.load(io.BytesIO(member.read()))
    model = torch.nn.Linear(3, 1)
    model.load_state_dict(state)
    return model.eval()


def predict_in_process(model: Any, x: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        return model(torch.tensor(x, dtype=torch.float32)).numpy()
