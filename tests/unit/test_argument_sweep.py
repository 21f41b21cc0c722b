"""Every public constructor refuses a wrong-typed argument with ValidationError, never a crash.

Issue 11 item 12 found ``ValueError``/``TypeError``/``AttributeError`` escaping from constructors
(``TensorFlow(hyperparameters="epochs=10")``, ``Session(default_bucket_prefix=["a"])``...). This
sweep passes each keyword of each public constructor three values of the wrong kind and accepts
only a normal construction or a ``SageMakerLiteError``. Methods are covered case by case in the
bad-input corpus (tests/unit/test_bad_input_corpus.py). Nothing here reaches AWS: a refused-and-
counted boto session is used throughout.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from support.aws_double import RefusingAWS
from support.offline import IMAGE, ROLE, fake_boto_session

from sagemaker_lite import Session
from sagemaker_lite.errors import SageMakerLiteError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.hosting import DataCaptureConfig, ServerlessInferenceConfig
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput
from sagemaker_lite.local import LocalSession
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor
from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel, TensorFlowPredictor
from sagemaker_lite.tensorflow.estimator import TensorFlowConfig
from sagemaker_lite.training import InstanceGroup, TrainingConfig

WRONG = {"an int": 5, "a list holding None": [None]}
DATA = "s3://in-bucket/model.tar.gz"


def _keywords(cls: type, base: dict[str, Any], config: type | None = None) -> list[str]:
    names = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "args", "kwargs")]
    if config is not None:
        names += [f.name for f in attrs.fields(config) if f.name not in names]
    return [n for n in names if n not in ("sagemaker_session", "instance_groups", "predictor_cls")]


def _constructors(src: Path) -> list[tuple[str, Callable[..., Any], dict[str, Any], list[str]]]:
    estimator = {"image_uri": IMAGE, "role": ROLE, "instance_count": 1, "instance_type": "ml.m5.large"}
    tf = {
        "entry_point": "train.py",
        "source_dir": str(src),
        "framework_version": "2.13",
        "py_version": "py310",
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.large",
    }
    table: list[tuple[str, Callable[..., Any], dict[str, Any], type | None]] = [
        ("Estimator", Estimator, estimator, TrainingConfig),
        ("TensorFlow", TensorFlow, tf, TensorFlowConfig),
        ("Model", Model, {"image_uri": IMAGE, "model_data": DATA, "role": ROLE}, None),
        ("TensorFlowModel", TensorFlowModel, {"model_data": DATA, "role": ROLE, "framework_version": "2.13"}, None),
        ("Predictor", Predictor, {"endpoint_name": "ep"}, None),
        ("TensorFlowPredictor", TensorFlowPredictor, {"endpoint_name": "ep"}, None),
        ("TrainingInput", TrainingInput, {"s3_data": "s3://in-bucket/t"}, None),
        (
            "FileSystemInput",
            FileSystemInput,
            {"file_system_id": "fs-0123456789abcdef0", "file_system_type": "EFS", "directory_path": "/d"},
            None,
        ),
        ("ShuffleConfig", ShuffleConfig, {"seed": 1}, None),
        (
            "InstanceGroup",
            InstanceGroup,
            {"instance_group_name": "g", "instance_type": "ml.m5.large", "instance_count": 1},
            None,
        ),
        ("DataCaptureConfig", DataCaptureConfig, {"enable_capture": True}, None),
        ("ServerlessInferenceConfig", ServerlessInferenceConfig, {}, None),
        ("Session", Session, {}, None),
        ("LocalSession", LocalSession, {}, None),
    ]
    return [(name, cls, base, _keywords(cls, base, config)) for name, cls, base, config in table]


CASES = [
    pytest.param(name, keyword, label, id=f"{name}({keyword}={label})")
    for name, _, _, keywords in _constructors(Path("src"))
    for keyword in keywords
    for label in WRONG
]


@pytest.mark.parametrize(("name", "keyword", "label"), CASES)
def test_a_wrong_argument_is_a_validation_error_or_accepted(
    tmp_path: Path, name: str, keyword: str, label: str
) -> None:
    (tmp_path / "train.py").write_text("print('train')\n")
    boto = fake_boto_session()
    recorder = RefusingAWS()
    recorder.install(boto)
    constructors = {n: (cls, base) for n, cls, base, _ in _constructors(tmp_path)}
    cls, base = constructors[name]
    kwargs = {**base, keyword: WRONG[label]}
    parameters = inspect.signature(cls.__init__).parameters
    if "sagemaker_session" in parameters and keyword != "sagemaker_session":
        kwargs["sagemaker_session"] = Session(boto_session=boto, default_bucket="out-bucket")
    if "boto_session" in parameters and keyword != "boto_session":
        kwargs["boto_session"] = boto
    if name == "LocalSession" and keyword != "root":
        kwargs["root"] = tmp_path / "local"
    with contextlib.suppress(SageMakerLiteError):  # accepted, or refused the documented way
        cls(**kwargs)
    assert recorder.calls == []


def test_botocore_config_may_be_a_dict() -> None:
    """Decided: a dict of ``botocore.config.Config`` arguments is converted (docs: Session docstring)."""
    from botocore.config import Config

    session = Session(boto_session=fake_boto_session(), botocore_config={"read_timeout": 5, "connect_timeout": 2})
    config = session.sagemaker_client.meta.config
    assert (config.read_timeout, config.connect_timeout) == (5, 2)
    assert config.retries["mode"] == "standard"  # the Session's retry settings still apply
    given = Config(read_timeout=7)
    assert Session(boto_session=fake_boto_session(), botocore_config=given).s3_client.meta.config.read_timeout == 7
