"""The hosting bad-input corpus: each invalid Model / deploy / Predictor / serializer call raises
ValidationError naming the parameter, and nothing reaches AWS (the Session refuses and counts
every attempted request)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.offline import IMAGE, ROLE, CallRecorder

from sagemaker_lite import Session
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.hosting import DataCaptureConfig, ServerlessInferenceConfig
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor
from sagemaker_lite.serializers import CSVSerializer, JSONSerializer, NumpySerializer
from sagemaker_lite.tensorflow import TensorFlowModel, TensorFlowPredictor

DATA = "s3://in-bucket/model.tar.gz"
HERE = Path(__file__).resolve().parent


def model(s: Session, **kwargs: Any) -> Model:
    kwargs.setdefault("model_data", DATA)
    return Model(kwargs.pop("image_uri", IMAGE), role=kwargs.pop("role", ROLE), sagemaker_session=s, **kwargs)


def deploy(s: Session, model_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("initial_instance_count", 1)
    kwargs.setdefault("instance_type", "ml.m5.large")
    return model(s, **(model_kwargs or {})).deploy(**kwargs)


def tf_model(s: Session, **kwargs: Any) -> TensorFlowModel:
    kwargs.setdefault("model_data", DATA)
    kwargs.setdefault("framework_version", "2.18")
    return TensorFlowModel(role=ROLE, sagemaker_session=s, **kwargs)


def predictor(s: Session, **kwargs: Any) -> Predictor:
    return Predictor("ep", sagemaker_session=s, **kwargs)


def update(s: Session, **kwargs: Any) -> None:
    predictor(s).update_endpoint(**kwargs)


CASES: list[tuple[str, str, Callable[[Session], Any]]] = [
    # Model
    ("v1 argument order (model_data first)", "image_uri", lambda s: Model(DATA, IMAGE, ROLE)),
    ("model data not s3", "model_data", lambda s: model(s, model_data="bucket/model.tar.gz")),
    ("role with spaces", "role", lambda s: model(s, role="my role")),
    ("env value not a string", "env", lambda s: model(s, env={"WORKERS": 2})),
    ("model name with underscore", "name", lambda s: model(s, name="my_model")),
    ("model name too long", "name", lambda s: model(s, name="m" * 64)),
    ("vpc config incomplete", "vpc_config", lambda s: model(s, vpc_config={"Subnets": ["subnet-1"]})),
    ("vpc config bad ids", "vpc_config", lambda s: model(s, vpc_config={"Subnets": ["s1"], "SecurityGroupIds": ["g"]})),
    ("network isolation not bool", "enable_network_isolation", lambda s: model(s, enable_network_isolation="yes")),
    ("unknown keyword", "instance_count", lambda s: model(s, instance_count=1)),
    ("v1 and v2 image names", "image", lambda s: Model(IMAGE, DATA, ROLE, image=IMAGE)),
    ("dependencies a string", "dependencies", lambda s: model(s, entry_point="x.py", dependencies="lib")),
    ("code location not s3", "code_location", lambda s: model(s, code_location="/tmp/code")),
    # deploy
    ("instance count zero", "initial_instance_count", lambda s: deploy(s, initial_instance_count=0)),
    ("instance count string", "initial_instance_count", lambda s: deploy(s, initial_instance_count="1")),
    ("instance count bool", "initial_instance_count", lambda s: deploy(s, initial_instance_count=True)),
    ("instance count missing", "initial_instance_count", lambda s: deploy(s, initial_instance_count=None)),
    ("instance type format", "instance_type", lambda s: deploy(s, instance_type="m5.large")),
    ("instance type missing", "instance_type", lambda s: deploy(s, instance_type=None)),
    ("endpoint name with underscore", "endpoint_name", lambda s: deploy(s, endpoint_name="my_endpoint")),
    ("endpoint name too long", "endpoint_name", lambda s: deploy(s, endpoint_name="e" * 64)),
    ("endpoint name leading hyphen", "endpoint_name", lambda s: deploy(s, endpoint_name="-ep")),
    ("tag value int", "tags", lambda s: deploy(s, tags={"cost": 12})),
    ("kms key empty", "kms_key", lambda s: deploy(s, kms_key="")),
    ("volume size zero", "volume_size", lambda s: deploy(s, volume_size=0)),
    ("download timeout too short", "model_data_download_timeout", lambda s: deploy(s, model_data_download_timeout=10)),
    (
        "health check timeout too long",
        "container_startup_health_check_timeout",
        lambda s: deploy(s, container_startup_health_check_timeout=5000),
    ),
    ("wait not bool", "wait", lambda s: deploy(s, wait="yes")),
    ("accelerator", "accelerator_type", lambda s: deploy(s, accelerator_type="ml.eia2.medium")),
    ("serializer not a serializer", "serializer", lambda s: deploy(s, serializer="json")),
    ("deserializer not a deserializer", "deserializer", lambda s: deploy(s, deserializer=JSONSerializer())),
    ("data capture as a dict", "data_capture_config", lambda s: deploy(s, data_capture_config={"EnableCapture": True})),
    ("data capture sampling", "sampling_percentage", lambda s: DataCaptureConfig(True, sampling_percentage=101)),
    ("data capture options", "capture_options", lambda s: DataCaptureConfig(True, capture_options=["ALL"])),
    ("data capture destination", "destination_s3_uri", lambda s: DataCaptureConfig(True, destination_s3_uri="x")),
    ("serverless memory", "memory_size_in_mb", lambda s: ServerlessInferenceConfig(memory_size_in_mb=1000)),
    ("serverless concurrency", "max_concurrency", lambda s: ServerlessInferenceConfig(max_concurrency=0)),
    (
        "serverless provisioned above max",
        "provisioned_concurrency",
        lambda s: ServerlessInferenceConfig(max_concurrency=2, provisioned_concurrency=3),
    ),
    (
        "serverless with an instance type",
        "instance_type",
        lambda s: deploy(s, initial_instance_count=None, serverless_inference_config=ServerlessInferenceConfig()),
    ),
    ("role missing", "role", lambda s: deploy(s, model_kwargs={"role": None})),
    ("image missing", "image_uri", lambda s: deploy(s, model_kwargs={"image_uri": None})),
    (
        "local model data outside local mode",
        "model_data",
        lambda s: deploy(s, model_kwargs={"model_data": "file:///m.tar.gz"}),
    ),
    ("entry point missing", "entry_point", lambda s: deploy(s, model_kwargs={"entry_point": "no-such-inference.py"})),
    (
        "entry point outside source dir",
        "entry_point",
        lambda s: deploy(s, model_kwargs={"entry_point": "nope.py", "source_dir": str(HERE)}),
    ),
    (
        "entry point without model data",
        "model_data",
        lambda s: deploy(s, model_kwargs={"entry_point": __file__, "model_data": None}),
    ),
    ("source dir without entry point", "source_dir", lambda s: deploy(s, model_kwargs={"source_dir": str(HERE)})),
    (
        "source dir missing",
        "source_dir",
        lambda s: deploy(s, model_kwargs={"entry_point": "a.py", "source_dir": "/no/such"}),
    ),
    (
        "dependency missing",
        "dependencies",
        lambda s: deploy(s, model_kwargs={"entry_point": __file__, "dependencies": ["/no/lib"]}),
    ),
    # TensorFlowModel
    ("tf model data missing", "model_data", lambda s: TensorFlowModel(role=ROLE, framework_version="2.18")),
    ("tf version without an inference image", "framework_version", lambda s: tf_model(s, framework_version="2.17")),
    ("tf version missing", "framework_version", lambda s: tf_model(s, framework_version=None)),
    ("tf entry point not inference.py", "entry_point", lambda s: tf_model(s, entry_point="serve.py")),
    ("tf log level", "container_log_level", lambda s: tf_model(s, container_log_level=25)),
    ("tf bad instance for the image", "instance_type", lambda s: tf_model(s).deploy(1, "ml.trn1.2xlarge")),
    # Predictor
    ("endpoint name invalid", "endpoint_name", lambda s: Predictor("my endpoint", sagemaker_session=s)),
    ("endpoint name empty", "endpoint_name", lambda s: Predictor("", sagemaker_session=s)),
    ("serializer object", "serializer", lambda s: predictor(s, serializer=object())),
    ("deserializer string", "deserializer", lambda s: predictor(s, deserializer="application/json")),
    ("initial args not a dict", "initial_args", lambda s: predictor(s).predict(b"x", initial_args="Accept")),
    ("inference id too long", "inference_id", lambda s: predictor(s).predict(b"x", inference_id="i" * 65)),
    (
        "custom attributes too long",
        "custom_attributes",
        lambda s: predictor(s).predict(b"x", custom_attributes="a" * 1025),
    ),
    ("target model empty", "target_model", lambda s: predictor(s).predict(b"x", target_model="")),
    ("bytes predictor given a dict", "data", lambda s: predictor(s).predict({"a": 1})),
    ("json data not serializable", "data", lambda s: predictor(s, serializer=JSONSerializer()).predict(object())),
    ("csv given a dict", "data", lambda s: predictor(s, serializer=CSVSerializer()).predict({"a": 1})),
    ("csv given nothing", "data", lambda s: predictor(s, serializer=CSVSerializer()).predict([])),
    ("ragged numpy data", "data", lambda s: predictor(s, serializer=NumpySerializer()).predict([[1, 2], [3]])),
    ("tf predictor json data", "data", lambda s: TensorFlowPredictor("ep", s).predict({"instances": {1, 2}})),
    ("tf model version", "model_version", lambda s: TensorFlowPredictor("ep", s, model_version="latest")),
    ("tf model name with comma", "model_name", lambda s: TensorFlowPredictor("ep", s, model_name="a,b")),
    ("update count without type", "instance_type", lambda s: update(s, initial_instance_count=2)),
    ("update model name invalid", "model_name", lambda s: update(s, model_name="bad_name")),
    ("update accelerator", "accelerator_type", lambda s: update(s, accelerator_type="ml.eia2.medium")),
    ("update tags", "tags", lambda s: update(s, tags="team=ml")),
    ("update capture config", "data_capture_config_dict", lambda s: update(s, data_capture_config_dict=["x"])),
    # Estimator.deploy
    (
        "estimator deploy before fit",
        "model_data",
        lambda s: Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=s).deploy(1, "ml.m5.large"),
    ),
    (
        "estimator deploy count zero",
        "initial_instance_count",
        lambda s: Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=s).deploy(0, "ml.m5.large"),
    ),
    (
        "estimator deploy model name",
        "model_name",
        lambda s: Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=s).deploy(
            1, "ml.m5.large", model_name="a b"
        ),
    ),
]


@pytest.mark.parametrize(("what", "parameter", "call"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_before_any_aws_call(
    offline_session: tuple[Session, CallRecorder], what: str, parameter: str, call: Callable[[Session], Any]
) -> None:
    session, recorder = offline_session
    with pytest.raises(ValidationError) as info:
        call(session)
    assert info.value.parameter == parameter, str(info.value)
    assert recorder.calls == []
