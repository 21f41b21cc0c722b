"""Framework family: validation before any call, v1 names, attach guards, hosting choices.

Request parity with the official SDK is in test_framework_parity.py; here are the refusals and
conversions that happen before a request exists.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from support.offline import fake_boto_session

from sagemaker_lite import Session
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.huggingface import HuggingFace, HuggingFaceModel
from sagemaker_lite.pytorch import PyTorch, PyTorchModel
from sagemaker_lite.sklearn import SKLearn, SKLearnModel
from sagemaker_lite.xgboost import XGBoost, XGBoostModel

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def pytorch(**kwargs: Any) -> PyTorch:
    settings: dict[str, Any] = {
        "entry_point": "train.py",
        "framework_version": "2.5",
        "py_version": "py311",
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.xlarge",
    }
    settings.update(kwargs)
    return PyTorch(**settings)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"distribution": {"torch_distributed": {"enabled": True}}}, "instance_type"),  # CPU: not supported
        (
            {"distribution": {"torch_distributed": {"enabled": True}}, "instance_type": "ml.p4d.24xlarge"},
            "framework_version",  # 2.5 is not in the GPU list (2.5.1 is)
        ),
        (
            {"distribution": {"smdistributed": {"dataparallel": {"enabled": True}}}, "instance_type": "ml.g5.xlarge"},
            "instance_type",
        ),
        (
            {"distribution": {"pytorchddp": {"enabled": True}}, "instance_type": "ml.p4d.24xlarge"},
            "framework_version",  # SMDDP (what pytorchddp becomes) supports PyTorch <= 2.2.0
        ),
        ({"distribution": {"mpi": {"enabled": True}}, "instance_type": "ml.trn1.32xlarge"}, "distribution"),
        ({"distribution": {"pytorchxla": {"enabled": True}}}, "distribution"),
        ({"distribution": {"horovod": {"enabled": True}}}, "distribution"),
        ({"compiler_config": object()}, "compiler_config"),
        ({"framework_version": "0.1"}, "version"),
    ],
)
def test_pytorch_refuses_what_the_service_or_official_sdk_would(kwargs: dict[str, Any], parameter: str) -> None:
    with pytest.raises(ValidationError) as raised:
        pytorch(**kwargs)
    assert parameter in str(raised.value)


def test_pytorchddp_is_sent_as_smddp_and_torch_distributed_as_itself() -> None:
    ddp = pytorch(
        framework_version="2.2.0",
        py_version="py310",
        instance_type="ml.p4d.24xlarge",
        distribution={"pytorchddp": {"enabled": True}},
    )
    assert ddp.distribution == {"smdistributed": {"dataparallel": {"enabled": True}}}
    torchrun = pytorch(
        framework_version="2.5.1",
        instance_type="ml.p4d.24xlarge",
        distribution={"torch_distributed": {"enabled": True}},
    )
    assert torchrun._framework_hyperparameters() == {
        "sagemaker_torch_distributed_enabled": True,
        "sagemaker_instance_type": "ml.p4d.24xlarge",
    }


def test_v1_names_still_work_with_a_deprecation_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = PyTorch(
            entry_point="train.py",
            framework_version="2.5",
            py_version="py311",
            role=ROLE,
            train_instance_count=1,
            train_instance_type="ml.m5.xlarge",
            distributions={"mpi": {"enabled": True}},
        )
    assert (est.instance_count, est.instance_type, est.distribution) == (1, "ml.m5.xlarge", {"mpi": {"enabled": True}})
    assert sum(issubclass(w.category, DeprecationWarning) for w in caught) == 3


def test_sklearn_is_single_cpu_instance_py3() -> None:
    with pytest.raises(ValidationError, match="instance_count"):
        SKLearn(entry_point="train.py", framework_version="1.2-1", instance_count=2, instance_type="ml.m5.xlarge")
    with pytest.raises(ValidationError, match="instance_type"):
        SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.p3.2xlarge")
    with pytest.raises(ValidationError, match="py_version"):
        SKLearn(entry_point="train.py", framework_version="1.2-1", py_version="py2", instance_type="ml.m5.xlarge")
    assert SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge").instance_count == 1


def test_versions_are_required_and_checked_against_the_registry() -> None:
    with pytest.raises(ValidationError, match="framework_version"):
        XGBoost(entry_point="train.py", framework_version=None, instance_count=1, instance_type="ml.m5.xlarge")
    with pytest.raises(ValidationError, match="transformers_version"):
        HuggingFace(
            py_version="py310",
            entry_point="train.py",
            pytorch_version="2.0",
            instance_count=1,
            instance_type="ml.g5.xlarge",
        )
    with pytest.raises(ValidationError, match="pytorch_version"):
        HuggingFace(
            py_version="py310",
            entry_point="train.py",
            transformers_version="4.28.1",
            pytorch_version="2.0",
            instance_count=1,
            instance_type="ml.g5.xlarge",
        )
    with pytest.raises(ValidationError, match="framework_version"):
        PyTorchModel("s3://bucket/model.tar.gz", ROLE, "inference.py")
    with pytest.raises(ValidationError, match="py_version"):
        SKLearnModel("s3://bucket/model.tar.gz", ROLE, "inference.py", framework_version="1.2-1", py_version="py2")


def test_models_use_the_inference_image() -> None:
    session = Session(boto_session=fake_boto_session())
    cases = [
        (
            PyTorchModel("s3://bucket/m.tar.gz", ROLE, "inference.py", framework_version="2.5", py_version="py311"),
            "pytorch-inference:2.5-cpu-py311",
        ),
        (
            SKLearnModel("s3://bucket/m.tar.gz", ROLE, "inference.py", framework_version="1.2-1"),
            "sagemaker-scikit-learn:1.2-1-cpu-py3",
        ),
        (
            XGBoostModel("s3://bucket/m.tar.gz", ROLE, "inference.py", framework_version="1.7-1"),
            "sagemaker-xgboost:1.7-1",
        ),
        (
            HuggingFaceModel(
                ROLE, "s3://bucket/m.tar.gz", transformers_version="4.28", pytorch_version="2.0", py_version="py310"
            ),
            "huggingface-pytorch-inference:2.0-transformers4.28-gpu-py310",
        ),
    ]
    for model, tag in cases:
        model.sagemaker_session = session
        instance = "ml.g5.xlarge" if isinstance(model, HuggingFaceModel) else "ml.m5.xlarge"
        assert tag in model.serving_image_uri("us-west-2", instance)


def test_a_bare_framework_never_deploys_its_training_image() -> None:
    from sagemaker_lite.framework import Framework

    est = Framework(
        entry_point="train.py",
        image_uri="123456789012.dkr.ecr.us-west-2.amazonaws.com/train:1",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.xlarge",
    )
    with pytest.raises(ValidationError, match="image_uri"):
        est.create_model()


def test_attach_refuses_another_frameworks_job_image_by_keeping_it() -> None:
    # a job on an image this framework does not recognise keeps its image_uri (as officially)
    params = {"image_uri": "123456789012.dkr.ecr.us-west-2.amazonaws.com/custom:1", "hyperparameters": {}}
    PyTorch._settings_from_reserved({}, params)
    assert params["image_uri"].endswith("/custom:1") and "framework_version" not in params


def test_model_predictor_cls_is_used_by_deploy() -> None:
    from sagemaker_lite.model import Model
    from sagemaker_lite.predictor import Predictor

    class MyPredictor(Predictor):
        pass

    model = Model(
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/serve:1", "s3://bucket/m.tar.gz", ROLE, predictor_cls=MyPredictor
    )
    predictor = model._make_predictor("ep", Session(boto_session=fake_boto_session()), None, None, "m")
    assert isinstance(predictor, MyPredictor)
