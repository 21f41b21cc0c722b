"""Framework estimators end to end in local mode: fit, deploy(1, "local"), predict, correct numbers.

- PyTorch: the on-premises workflow of issue 13 (tests/support/onprem_pytorch): requirements.txt
  installed, the script reads its channel through the real sagemaker_training Environment, the
  endpoint runs inference.py on the handler runtime, and predictions equal the trained model's
  own output computed in this process.
- SKLearn and XGBoost in script mode: the training script doubles as the inference script
  (``model_fn`` next to the ``__main__`` block), as the official SDK deploys it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("sagemaker_training")

from support import onprem_pytorch

from sagemaker_lite.local import LocalSession

# every framework_version these tests can name differs from the installed one: run the installed
# framework (the fit/deploy workflows, not the version; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]


@pytest.fixture
def local_session(tmp_path: Path) -> LocalSession:
    return LocalSession(root=tmp_path / "root", stop_timeout=2.0)


def model_bytes(model_data: str) -> bytes:
    assert model_data.startswith("file://")
    return Path(model_data[len("file://") :]).read_bytes()


def test_onprem_pytorch_workflow_runs_locally(local_session: LocalSession, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from sagemaker_lite.pytorch import PyTorchPredictor

    data = onprem_pytorch.write_training_data(tmp_path / "data")
    est = onprem_pytorch.estimator(local_session, "local")
    est.fit({"training": data.as_uri()})
    log = est.latest_training_job.describe()
    assert log["TrainingJobStatus"] == "Completed"
    trained = onprem_pytorch.model_from_archive(model_bytes(est.model_data))

    predictor = est.deploy(1, "local", entry_point="inference.py", source_dir=str(onprem_pytorch.SOURCE_DIR))
    try:
        assert isinstance(predictor, PyTorchPredictor)
        x = np.random.default_rng(1).random((5, 3)).astype(np.float32)
        np.testing.assert_allclose(predictor.predict(x), onprem_pytorch.predict_in_process(trained, x), rtol=1e-6)
        model = local_session.sagemaker_client.describe_model(ModelName=predictor.endpoint_name)
        container = model["PrimaryContainer"]
        assert "pytorch-inference:2.5-cpu-py311" in container["Image"]  # the inference image, never training
        assert container["Environment"]["SAGEMAKER_PROGRAM"] == "inference.py"
        assert container["Environment"]["SAGEMAKER_SUBMIT_DIRECTORY"] == "/opt/ml/model/code"
        assert container["ModelDataUrl"].startswith("file://")  # repacked under the local root, not S3
    finally:
        predictor.delete_endpoint()


SKLEARN_SCRIPT = textwrap.dedent(
    """
    import argparse, os
    import joblib
    import numpy as np
    from sklearn.linear_model import Ridge

    def model_fn(model_dir):
        return joblib.load(os.path.join(model_dir, "model.joblib"))

    if __name__ == "__main__":
        parser = argparse.ArgumentParser()
        parser.add_argument("--alpha", type=float, default=1.0)
        parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR"))
        parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
        args = parser.parse_args()
        data = np.loadtxt(os.path.join(args.train, "train.csv"), delimiter=",")
        model = Ridge(alpha=args.alpha).fit(data[:, 1:], data[:, 0])
        joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
    """
)


def test_sklearn_script_mode_fit_deploy_predict(local_session: LocalSession, tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    import joblib

    from sagemaker_lite.sklearn import SKLearn

    source = tmp_path / "src"
    source.mkdir()
    (source / "train.py").write_text(SKLEARN_SCRIPT)
    data = onprem_pytorch.write_training_data(tmp_path / "data")
    est = SKLearn(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="1.2-1",
        instance_type="local",
        hyperparameters={"alpha": 0.01},
        sagemaker_session=local_session,
    )
    est.fit({"train": data.as_uri()})
    extracted = tmp_path / "extracted"
    import tarfile

    with tarfile.open(est.model_data[len("file://") :]) as tar:
        tar.extractall(extracted, filter="data")
    trained: Any = joblib.load(extracted / "model.joblib")
    predictor = est.deploy(1, "local")
    try:
        x = np.random.default_rng(2).random((4, 3))
        np.testing.assert_allclose(predictor.predict(x), trained.predict(x.astype(np.float32)), rtol=1e-6)
        env = local_session.sagemaker_client.describe_model(ModelName=predictor.endpoint_name)["PrimaryContainer"]
        assert env["Environment"]["SAGEMAKER_PROGRAM"] == "train.py"
        submit = env["Environment"]["SAGEMAKER_SUBMIT_DIRECTORY"]  # packed as the service would, kept local
        assert submit.startswith((tmp_path / "root").as_uri()) and submit.endswith("/sourcedir.tar.gz")
    finally:
        predictor.delete_endpoint()


XGBOOST_SCRIPT = textwrap.dedent(
    """
    import argparse, os
    import numpy as np
    import xgboost as xgb

    def model_fn(model_dir):
        booster = xgb.Booster()
        booster.load_model(os.path.join(model_dir, "xgboost-model"))
        return booster

    if __name__ == "__main__":
        parser = argparse.ArgumentParser()
        parser.add_argument("--num_round", type=int, default=10)
        args, _ = parser.parse_known_args()
        data = np.loadtxt(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "train.csv"), delimiter=",")
        dtrain = xgb.DMatrix(data[:, 1:], label=data[:, 0])
        booster = xgb.train({"objective": "reg:squarederror", "max_depth": 3}, dtrain, args.num_round)
        booster.save_model(os.path.join(os.environ["SM_MODEL_DIR"], "xgboost-model"))
    """
)


def test_xgboost_script_mode_fit_deploy_predict(local_session: LocalSession, tmp_path: Path) -> None:
    xgb = pytest.importorskip("xgboost")
    import tarfile

    from sagemaker_lite.deserializers import CSVDeserializer
    from sagemaker_lite.serializers import CSVSerializer
    from sagemaker_lite.xgboost import XGBoost

    source = tmp_path / "src"
    source.mkdir()
    (source / "train.py").write_text(XGBOOST_SCRIPT)
    data = onprem_pytorch.write_training_data(tmp_path / "data")
    est = XGBoost(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="1.7-1",
        instance_count=1,
        instance_type="local",
        hyperparameters={"num_round": 20},
        sagemaker_session=local_session,
    )
    est.fit({"train": data.as_uri()})
    with tarfile.open(est.model_data[len("file://") :]) as tar:
        tar.extractall(tmp_path / "extracted", filter="data")
    booster = xgb.Booster()
    booster.load_model(str(tmp_path / "extracted" / "xgboost-model"))
    predictor = est.deploy(1, "local", serializer=CSVSerializer(), deserializer=CSVDeserializer())
    try:
        x = np.random.default_rng(3).random((4, 3))
        answer = predictor.predict(x)
        got = np.array([float(value) for row in answer for value in row])
        np.testing.assert_allclose(got, booster.predict(xgb.DMatrix(x)), rtol=1e-5)
    finally:
        predictor.delete_endpoint()
