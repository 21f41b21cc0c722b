"""Predictor and TensorFlowPredictor: requests sent, answers decoded, deletion in either order, v1 names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.hosting import FakeHosting

from sagemaker_lite.deserializers import CSVDeserializer, JSONDeserializer, StringDeserializer
from sagemaker_lite.predictor import Predictor, RealTimePredictor
from sagemaker_lite.serializers import CSVSerializer, IdentitySerializer, JSONSerializer
from sagemaker_lite.tensorflow import TensorFlowPredictor

ENDPOINT = [{"EndpointName": "ep", "EndpointConfigName": "cfg", "ModelName": "m"}]


def invoked(fake: FakeHosting) -> dict[str, Any]:
    (params,) = fake.aws.params_of("InvokeEndpoint")
    return params


def test_default_predictor_sends_bytes_and_returns_bytes() -> None:
    fake = FakeHosting(ENDPOINT)
    fake.invoke_result = (b"\x00\x01", "application/octet-stream")
    assert Predictor("ep", sagemaker_session=fake.session()).predict(b"raw") == b"\x00\x01"
    assert invoked(fake) == {
        "EndpointName": "ep",
        "ContentType": "application/octet-stream",
        "Accept": "*/*",
        "Body": b"raw",
    }


def test_csv_in_csv_out_with_every_invoke_option() -> None:
    fake = FakeHosting(ENDPOINT)
    fake.invoke_result = (b"1,2\n3,4", "text/csv")
    predictor = Predictor("ep", fake.session(), serializer=CSVSerializer(), deserializer=CSVDeserializer())
    result = predictor.predict(
        [[1, 2], [3, 4]],
        target_model="a.tar.gz",
        target_variant="AllTraffic",
        inference_id="id-1",
        custom_attributes="k=v",
    )
    assert result == [["1", "2"], ["3", "4"]]
    params = invoked(fake)
    assert params["Body"] == "1,2\n3,4" and params["ContentType"] == "text/csv" and params["Accept"] == "text/csv"
    assert (params["TargetModel"], params["TargetVariant"], params["InferenceId"], params["CustomAttributes"]) == (
        "a.tar.gz",
        "AllTraffic",
        "id-1",
        "k=v",
    )


def test_codecs_can_be_swapped_after_construction() -> None:
    fake = FakeHosting(ENDPOINT)
    predictor = Predictor("ep", fake.session())
    predictor.serializer = JSONSerializer()
    predictor.deserializer = StringDeserializer()
    assert predictor.predict({"a": 1}) == '{"predictions": [[3.0]]}'
    assert invoked(fake)["Body"] == '{"a": 1}' and predictor.content_type == "application/json"


def test_tensorflow_predictor_speaks_json_in_the_tfs_shape() -> None:
    fake = FakeHosting(ENDPOINT)
    predictor = TensorFlowPredictor("ep", fake.session())
    assert predictor.predict({"instances": [[1.0, 2.0]]}) == {"predictions": [[3.0]]}
    assert invoked(fake) == {
        "EndpointName": "ep",
        "ContentType": "application/json",
        "Accept": "application/json",
        "Body": json.dumps({"instances": [[1.0, 2.0]]}),
    }


def test_tensorflow_model_name_version_and_methods_ride_in_custom_attributes() -> None:
    fake = FakeHosting(ENDPOINT)
    predictor = TensorFlowPredictor("ep", fake.session(), model_name="half_plus_three", model_version=2)
    predictor.predict({"instances": [1.0]})
    predictor.classify({"examples": [{"x": 1.0}]})
    predictor.regress({"examples": [{"x": 2.0}]})
    predictor.predict({"instances": [3.0]}, initial_args={"CustomAttributes": "trace=1"})
    attributes = [p["CustomAttributes"] for p in fake.aws.params_of("InvokeEndpoint")]
    tail = "tfs-model-name=half_plus_three,tfs-model-version=2"
    assert attributes == [
        tail,
        f"tfs-method=classify,{tail}",
        f"tfs-method=regress,{tail}",
        f"trace=1,{tail}",
    ]
    assert predictor.model_name == "half_plus_three" and predictor.model_version == "2"


def test_plain_tensorflow_predictor_sends_no_custom_attributes() -> None:
    fake = FakeHosting(ENDPOINT)
    TensorFlowPredictor("ep", fake.session()).predict([1.0])
    assert "CustomAttributes" not in invoked(fake)


@pytest.mark.parametrize(
    "order",
    [
        ("delete_endpoint", "delete_model"),
        ("delete_model", "delete_endpoint"),
    ],
)
def test_a_fresh_predictor_deletes_in_either_order(order: tuple[str, str]) -> None:
    fake = FakeHosting(ENDPOINT)
    predictor = Predictor("ep", fake.session())
    for method in order:
        getattr(predictor, method)()
    assert not (fake.models or fake.configs or fake.endpoints)
    assert fake.operations().count("DescribeEndpoint") == 1 and fake.operations().count("DescribeEndpointConfig") == 1


def test_keeping_the_config_then_deleting_the_model() -> None:
    fake = FakeHosting(ENDPOINT)
    predictor = Predictor("ep", fake.session())
    predictor.delete_endpoint(delete_endpoint_config=False)
    assert set(fake.configs) == {"cfg"} and "DescribeEndpointConfig" not in fake.operations()
    predictor.delete_model()  # the config name was remembered: no DescribeEndpoint on a deleted endpoint
    assert not fake.models and set(fake.configs) == {"cfg"}


def test_a_deployed_predictor_deletes_without_lookups() -> None:
    fake = FakeHosting()
    predictor = _deployed(fake)
    fake.aws.calls.clear()
    predictor.delete_endpoint()
    predictor.delete_model()
    assert fake.operations() == ["DeleteEndpoint", "DeleteEndpointConfig", "DeleteModel"]


def _deployed(fake: FakeHosting) -> Any:
    from sagemaker_lite.model import Model

    image = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-cpu"
    role = "arn:aws:iam::123456789012:role/SageMakerRole"
    return Model(image, "s3://in-bucket/model.tar.gz", role, sagemaker_session=fake.session()).deploy(1, "ml.m5.large")


def test_deleting_what_is_already_gone_is_not_an_error() -> None:
    fake = FakeHosting()
    predictor = _deployed(fake)
    fake.models.clear()  # someone else deleted the model
    predictor.delete_model()
    predictor.delete_endpoint()
    assert not (fake.configs or fake.endpoints)


def test_update_endpoint_to_another_model_then_delete_removes_the_new_model() -> None:
    fake = FakeHosting(ENDPOINT)
    fake.models["m2"] = {"ModelName": "m2"}
    predictor = Predictor("ep", fake.session())
    predictor.update_endpoint(initial_instance_count=1, instance_type="ml.m5.large", model_name="m2")
    (new_config,) = set(fake.configs) - {"cfg"}
    assert fake.endpoints["ep"]["EndpointConfigName"] == new_config and new_config.startswith("cfg-")
    predictor.delete_model()
    assert set(fake.models) == {"m"}


def test_v1_real_time_predictor_warns_and_takes_v1_keywords() -> None:
    fake = FakeHosting(ENDPOINT)
    with pytest.warns(DeprecationWarning, match="RealTimePredictor"):
        predictor = RealTimePredictor(
            endpoint="ep", sagemaker_session=fake.session(), content_type="text/csv", accept="text/csv"
        )
    assert isinstance(predictor, Predictor)
    assert isinstance(predictor.serializer, IdentitySerializer) and predictor.content_type == "text/csv"
    assert predictor.accept == "text/csv"


def test_v1_endpoint_attribute_warns() -> None:
    with pytest.warns(DeprecationWarning, match="endpoint_name"):
        assert Predictor("ep", sagemaker_session=FakeHosting().session()).endpoint == "ep"


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("csv_serializer", "CSVSerializer"),
        ("json_serializer", "JSONSerializer"),
        ("npy_serializer", "NumpySerializer"),
        ("csv_deserializer", "CSVDeserializer"),
        ("json_deserializer", "JSONDeserializer"),
        ("numpy_deserializer", "NumpyDeserializer"),
    ],
)
def test_v1_codec_names_are_the_v2_objects_with_a_warning(name: str, cls: str) -> None:
    import sagemaker_lite.predictor as predictor_module

    with pytest.warns(DeprecationWarning, match=cls):
        value = getattr(predictor_module, name)
    assert type(value).__name__ == cls


def test_unknown_module_attribute_is_an_attribute_error() -> None:
    import sagemaker_lite.predictor as predictor_module

    with pytest.raises(AttributeError):
        predictor_module.no_such_serializer  # noqa: B018


def test_v1_codecs_work_in_a_v2_predictor() -> None:
    fake = FakeHosting(ENDPOINT)
    with pytest.warns(DeprecationWarning):
        from sagemaker_lite.predictor import csv_serializer, json_deserializer  # type: ignore[attr-defined]
    predictor = Predictor("ep", fake.session(), serializer=csv_serializer, deserializer=json_deserializer)
    assert predictor.predict([1, 2]) == {"predictions": [[3.0]]}
    assert isinstance(predictor.deserializer, JSONDeserializer)
