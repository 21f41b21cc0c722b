"""Predictor: send requests to an endpoint, change it, delete it.

    from sagemaker_lite.predictor import Predictor
    from sagemaker_lite.serializers import CSVSerializer
    from sagemaker_lite.deserializers import JSONDeserializer

    predictor = Predictor("my-endpoint", serializer=CSVSerializer(), deserializer=JSONDeserializer())
    predictor.predict([[1.0, 2.0]])
    predictor.delete_endpoint()
    predictor.delete_model()

Deleting works in either order. The official SDK finds the models through the endpoint
config, so ``delete_model()`` after ``delete_endpoint()`` fails there; here the config and
model names are remembered at deploy, or looked up once before the config is deleted.

v1 names are reachable here, as in v1: ``RealTimePredictor``, ``csv_serializer``,
``json_serializer``, ``npy_serializer``, ``csv_deserializer``, ``json_deserializer``,
``numpy_deserializer`` (each warns once used, and is the v2 object); how a v1 codec
becomes a v2 one is ``compat.py``'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from . import _validation as v
from .compat import (
    V1_CODECS,
    realtime_codecs,
    retyped,
    v1_codec,
    warn_deprecated,
    wrap_plain_codecs,
)
from .deserializers import BaseDeserializer, BytesDeserializer
from .endpoints import cleanup_call, delete_hosting_resources, is_not_found, wait_for_endpoint
from .errors import PartialFailureError, ValidationError
from .hosting import DeployConfig, base_from_name, check_name, endpoint_config_from_existing, production_variant
from .naming import name_from_base
from .serializers import BaseSerializer, IdentitySerializer

LOGGER = logging.getLogger("sagemaker_lite")
MAX_CUSTOM_ATTRIBUTES = 1024
MAX_INFERENCE_ID = 64


def check_codecs(serializer: Any, deserializer: Any) -> None:
    """Serializers need ``serialize`` and a ``CONTENT_TYPE``; deserializers ``deserialize`` and ``ACCEPT``."""
    if serializer is not None and (
        isinstance(serializer, type)
        or not (
            callable(getattr(serializer, "serialize", None))
            and isinstance(getattr(serializer, "CONTENT_TYPE", None), str)
        )
    ):
        raise ValidationError(
            "serializer", serializer, "a serializer object such as sagemaker_lite.serializers.JSONSerializer()"
        )
    if deserializer is not None and (
        isinstance(deserializer, type)
        or not (callable(getattr(deserializer, "deserialize", None)) and getattr(deserializer, "ACCEPT", None))
    ):
        raise ValidationError(
            "deserializer",
            deserializer,
            "a deserializer object such as sagemaker_lite.deserializers.JSONDeserializer()",
        )


def _optional_text(parameter: str, value: Any, limit: int = 1024) -> None:
    if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
        raise ValidationError(parameter, value, f"a non-empty string of at most {limit} characters")


def build_invoke_request(
    endpoint_name: str,
    body: Any,
    *,
    content_type: str,
    accept: str | tuple[str, ...],
    initial_args: Mapping[str, Any] | None = None,
    target_model: str | None = None,
    target_variant: str | None = None,
    inference_id: str | None = None,
    custom_attributes: str | None = None,
) -> dict[str, Any]:
    """The InvokeEndpoint request; ``initial_args`` entries win over the derived ones, as officially."""
    if initial_args is not None and (
        not isinstance(initial_args, Mapping) or not all(isinstance(key, str) for key in initial_args)
    ):
        raise ValidationError("initial_args", initial_args, "a dict of InvokeEndpoint fields, e.g. {'Accept': ...}")
    for parameter, value in (("target_model", target_model), ("target_variant", target_variant)):
        _optional_text(parameter, value)
    _optional_text("inference_id", inference_id, MAX_INFERENCE_ID)
    _optional_text("custom_attributes", custom_attributes, MAX_CUSTOM_ATTRIBUTES)
    request: dict[str, Any] = dict(initial_args or {})
    request.setdefault("EndpointName", endpoint_name)
    request.setdefault("ContentType", content_type)
    request.setdefault("Accept", accept if isinstance(accept, str) else ", ".join(accept))
    for key, value in (
        ("TargetModel", target_model),
        ("TargetVariant", target_variant),
        ("InferenceId", inference_id),
        ("CustomAttributes", custom_attributes),
    ):
        if value is not None:
            request[key] = value
    request["Body"] = body
    return request


class Predictor:
    """Real-time inference against an endpoint: ``Predictor("my-endpoint").predict(b"...")``.

    Bytes in, bytes out unless you set ``serializer`` / ``deserializer``.
    """

    def __init__(
        self,
        endpoint_name: str,
        sagemaker_session: Any = None,
        serializer: BaseSerializer | None = None,
        deserializer: BaseDeserializer | None = None,
    ) -> None:
        check_name("endpoint_name", endpoint_name)
        serializer, deserializer = wrap_plain_codecs(serializer, deserializer)
        check_codecs(serializer, deserializer)
        self.endpoint_name = endpoint_name
        self._sagemaker_session = sagemaker_session
        self.serializer: Any = serializer if serializer is not None else self._default_serializer()
        self.deserializer: Any = deserializer if deserializer is not None else self._default_deserializer()
        self._endpoint_config_name: str | None = None
        self._model_names: list[str] | None = None

    def _default_serializer(self) -> Any:
        return IdentitySerializer()

    def _default_deserializer(self) -> Any:
        return BytesDeserializer()

    def __repr__(self) -> str:
        codecs = f"serializer={self.serializer!r}, deserializer={self.deserializer!r}"
        return f"{type(self).__name__}({self.endpoint_name!r}, {codecs})"

    @property
    def sagemaker_session(self) -> Any:
        if self._sagemaker_session is None:
            from .session import Session

            self._sagemaker_session = Session()
        return self._sagemaker_session

    @sagemaker_session.setter
    def sagemaker_session(self, session: Any) -> None:
        self._sagemaker_session = session

    @property
    def content_type(self) -> str:
        """The request's Content-Type: the serializer's ``CONTENT_TYPE``."""
        return str(self.serializer.CONTENT_TYPE)

    @content_type.setter
    def content_type(self, value: str) -> None:
        """v1 style ``predictor.content_type = "text/csv"``: the same encoding, sent under that type."""
        warn_deprecated("Predictor.content_type = ...", "Predictor(serializer=...) with that CONTENT_TYPE")
        if not isinstance(value, str) or not value:
            raise ValidationError("content_type", value, "a MIME type string such as 'text/csv'")
        self.serializer = retyped("serializer", self.serializer, value)

    @property
    def accept(self) -> str | tuple[str, ...]:
        """The request's Accept: the deserializer's ``ACCEPT``."""
        accept: str | tuple[str, ...] = self.deserializer.ACCEPT
        return accept

    @accept.setter
    def accept(self, value: str | tuple[str, ...]) -> None:
        """v1 style ``predictor.accept = "application/json"``: the same decoding, asking for that type."""
        warn_deprecated("Predictor.accept = ...", "Predictor(deserializer=...) with that ACCEPT")
        ok = isinstance(value, str) and bool(value)
        ok = ok or (isinstance(value, tuple) and bool(value) and all(isinstance(a, str) and a for a in value))
        if not ok:
            raise ValidationError("accept", value, "a MIME type string such as 'application/json', or a tuple of them")
        self.deserializer = retyped("deserializer", self.deserializer, value)

    @property
    def endpoint(self) -> str:
        """The v1 name of ``endpoint_name``."""
        warn_deprecated("Predictor.endpoint", "Predictor.endpoint_name")
        return self.endpoint_name

    def _remember(self, *, endpoint_config_name: str | None = None, model_names: list[str] | None = None) -> None:
        """What deploy created, so deleting needs no lookups and works in either order."""
        if endpoint_config_name is not None:
            self._endpoint_config_name = endpoint_config_name
        if model_names is not None:
            self._model_names = list(model_names)

    # --- inference ----------------------------------------------------------------------

    def predict(
        self,
        data: Any,
        initial_args: Mapping[str, Any] | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        inference_id: str | None = None,
        custom_attributes: str | None = None,
    ) -> Any:
        """Serialize ``data``, InvokeEndpoint, and deserialize the answer.

            predictor.predict({"instances": [[1.0, 2.0]]}, custom_attributes="tfs-model-version=2")

        Data the serializer cannot encode raises ``ValidationError`` (``data``) before the call.
        """
        request = build_invoke_request(
            self.endpoint_name,
            None,
            content_type=self.content_type,
            accept=self.accept,
            initial_args=initial_args,
            target_model=target_model,
            target_variant=target_variant,
            inference_id=inference_id,
            custom_attributes=custom_attributes,
        )
        request["Body"] = self.serializer.serialize(data)

        self.sagemaker_session.check_request("InvokeEndpoint", request)
        response = self.sagemaker_session.sagemaker_runtime_client.invoke_endpoint(**request)
        content_type = str(response.get("ContentType", "application/octet-stream"))
        return self.deserializer.deserialize(response["Body"], content_type)

    # --- lookups --------------------------------------------------------------------------

    def _client(self) -> Any:
        return self.sagemaker_session.sagemaker_client

    def _polling(self) -> Any:
        return self.sagemaker_session.polling

    def _current_config_name(self) -> str:
        if self._endpoint_config_name is None:
            client = self._client()
            description = self._polling().call(lambda: client.describe_endpoint(EndpointName=self.endpoint_name))
            self._endpoint_config_name = str(description["EndpointConfigName"])
        return self._endpoint_config_name

    def _describe_config(self) -> dict[str, Any]:
        client, name = self._client(), self._current_config_name()
        description = dict(self._polling().call(lambda: client.describe_endpoint_config(EndpointConfigName=name)))
        self._model_names = [p["ModelName"] for p in description.get("ProductionVariants", []) if p.get("ModelName")]
        return description

    def _current_model_names(self) -> list[str]:
        if self._model_names is None:
            self._describe_config()
        return list(self._model_names or [])

    # --- changes ------------------------------------------------------------------------------

    def delete_endpoint(self, delete_endpoint_config: bool = True) -> None:
        """DeleteEndpoint, then DeleteEndpointConfig (unless ``delete_endpoint_config=False``).

        The config's model names are read first (when not known from deploy), so that
        ``delete_model()`` still works afterwards. Every deletion is attempted even when a
        lookup or an earlier deletion fails; the error then names what may remain.
        """
        config: str | None = None
        lookup_error: BaseException | None = None
        try:
            config = self._current_config_name()
        except Exception as exc:
            if is_not_found(exc):
                raise  # no such endpoint: nothing to delete, and no config name to find
            lookup_error = exc
        if delete_endpoint_config and config is not None:
            try:
                self._current_model_names()
            except Exception as exc:  # only delete_model() needs them later; it can look again
                LOGGER.warning("could not read the models behind endpoint config %s: %s", config, exc)
        if lookup_error is None or not delete_endpoint_config:
            delete_hosting_resources(
                self.sagemaker_session,
                endpoint_name=self.endpoint_name,
                endpoint_config_name=config if delete_endpoint_config else None,
            )
            return
        outcome = "was deleted"
        try:
            delete_hosting_resources(self.sagemaker_session, endpoint_name=self.endpoint_name)
        except Exception as exc:
            outcome = f"could not be deleted either ({type(exc).__name__}: {exc})"
        raise PartialFailureError(
            f"the endpoint config of {self.endpoint_name} could not be looked up (DescribeEndpoint: "
            f"{type(lookup_error).__name__}: {lookup_error}), so it was not deleted; the endpoint {outcome}",
            created=[("endpoint", self.endpoint_name)] if outcome != "was deleted" else [],
            cleanup=f"sagemaker_lite.Predictor({self.endpoint_name!r}).delete_endpoint()",
        ) from lookup_error

    def delete_model(self) -> None:
        """DeleteModel for every model behind the endpoint (before or after ``delete_endpoint``)."""
        delete_hosting_resources(self.sagemaker_session, model_names=self._current_model_names())

    def update_endpoint(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        accelerator_type: str | None = None,
        model_name: str | None = None,
        tags: Any = None,
        kms_key: str | None = None,
        data_capture_config_dict: Mapping[str, Any] | None = None,
        wait: bool = True,
    ) -> None:
        """Move the endpoint to a new endpoint config copied from the current one, with changes.

            predictor.update_endpoint(initial_instance_count=2, instance_type="ml.m5.xlarge")

        The old config is kept (so the change can be rolled back); tags are copied unless given.
        """
        if accelerator_type is not None:
            raise ValidationError(
                "accelerator_type", accelerator_type, "None", hint="Elastic Inference is not supported"
            )
        check_name("model_name", model_name)
        if kms_key is not None and (not isinstance(kms_key, str) or not kms_key):
            raise ValidationError("kms_key", kms_key, "a KMS key id or ARN, or None")
        if not isinstance(wait, bool):
            raise ValidationError("wait", wait, "True or False")
        tag_list = v.normalize_tags(tags)
        if data_capture_config_dict is not None and not isinstance(data_capture_config_dict, Mapping):
            raise ValidationError(
                "data_capture_config_dict", data_capture_config_dict, "a DataCaptureConfig request dict"
            )
        changing = initial_instance_count is not None or instance_type is not None or model_name is not None
        deploy = (
            DeployConfig(initial_instance_count=initial_instance_count, instance_type=instance_type)
            if changing
            else None
        )
        existing = self._describe_config()
        variants = None
        if deploy is not None:
            names = self._model_names or []
            if model_name is None and len(names) != 1:
                raise ValidationError(
                    "model_name", None, f"one of {names}", hint="the endpoint serves several models; say which one"
                )
            variants = [production_variant(model_name or names[0], deploy)]
        if tag_list is None and existing.get("EndpointConfigArn"):
            tag_list = self._existing_tags(str(existing["EndpointConfigArn"]))
        new_name = name_from_base(base_from_name(self._current_config_name()))
        request = endpoint_config_from_existing(
            existing, new_name, variants=variants, tags=tag_list, kms_key=kms_key, data_capture=data_capture_config_dict
        )
        self.sagemaker_session.check_request("CreateEndpointConfig", request)
        client = self._client()
        client.create_endpoint_config(**request)
        try:
            client.update_endpoint(EndpointName=self.endpoint_name, EndpointConfigName=new_name)
        except Exception as exc:
            created = [("endpoint config", new_name)]
            raise PartialFailureError(
                f"update_endpoint stopped midway: {exc}", created=created, cleanup=cleanup_call(created)
            ) from exc
        self._endpoint_config_name = new_name
        self._model_names = [p["ModelName"] for p in request["ProductionVariants"] if p.get("ModelName")]
        if wait:
            wait_for_endpoint(self.sagemaker_session, self.endpoint_name)

    def _existing_tags(self, arn: str) -> list[dict[str, str]] | None:
        try:
            tags = self._client().list_tags(ResourceArn=arn).get("Tags", [])
        except Exception as exc:  # a missing sagemaker:ListTags permission must not block the update
            LOGGER.info("could not copy the endpoint config's tags: %s", exc)
            return None
        return [t for t in tags if not str(t.get("Key", "")).startswith("aws:")] or None


class RealTimePredictor(Predictor):
    """The v1 name of ``Predictor`` (v1's ``content_type``/``accept`` keywords are still taken)."""

    def __init__(
        self,
        endpoint_name: str | None = None,
        sagemaker_session: Any = None,
        serializer: Any = None,
        deserializer: Any = None,
        content_type: str | None = None,
        accept: str | None = None,
        *,
        endpoint: str | None = None,
    ) -> None:
        warn_deprecated("sagemaker.predictor.RealTimePredictor", "sagemaker.predictor.Predictor")
        name = endpoint_name or endpoint
        if name is None:
            raise ValidationError("endpoint_name", None, "the endpoint's name")
        serializer, deserializer = realtime_codecs(serializer, deserializer, content_type, accept)
        super().__init__(name, sagemaker_session, serializer, deserializer)


def __getattr__(name: str) -> Any:
    """v1's ``sagemaker.predictor.csv_serializer`` and friends: the v2 object, with a DeprecationWarning."""
    if name not in V1_CODECS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return v1_codec(name)
