"""The hosting half of ``LocalSageMakerClient``: models, endpoint configs and endpoints on this machine.

    client = LocalSageMakerClient()
    client.create_model(ModelName="m", PrimaryContainer={"Image": ..., "ModelDataUrl": "file:///.../model.tar.gz"})
    client.create_endpoint_config(EndpointConfigName="e", ProductionVariants=[{..., "ModelName": "m"}])
    client.create_endpoint(EndpointName="e", EndpointConfigName="e")
    client.describe_endpoint(EndpointName="e")["EndpointStatus"]      # Creating -> InService

``Model.deploy`` sends these same requests to boto3's client or to this one (DESIGN.md
principle 2). Requests are validated by botocore's ``ParamValidator`` against the
SageMaker service model (no ``ExecutionRoleArn`` needed), responses have the service's
shapes, and errors its codes and messages (``ValidationException`` "Could not find
model ..." / "Cannot create already existing endpoint ..."), which ``endpoints.py`` relies
on to adopt or skip resources. Resources live in this interpreter (an endpoint is a
process it started), held by the client's ``LocalAccount`` (account.py) and so shared by
every client over the same root; an endpoint's server
runs as ``endpoint.LocalEndpoint`` describes. Serving needs TensorFlow: without it,
``create_model`` raises ``LocalModeError`` at once (before ``deploy`` creates anything),
as it does for an image that is not a TensorFlow Serving image.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import LocalModeError
from ..account import LocalAccount
from ..serving.endpoint import LocalEndpoint, now
from ..store import client_error, local_arn, private_dir
from ..training import frameworks
from .validation import PLACEHOLDER_ROLE, metadata, page, validate_parameters


def _not_found(kind: str, arn: str, operation: str) -> Exception:
    return client_error("ValidationException", f'Could not find {kind} "{arn}".', operation)


def _exists(kind: str, arn: str, operation: str) -> Exception:
    return client_error("ValidationException", f'Cannot create already existing {kind} "{arn}".', operation)


def is_tensorflow_serving_image(image: str) -> bool:
    from ..serving.runtimes import runtime_for

    try:
        return runtime_for({"Image": image}).name == "tensorflow-serving"
    except LocalModeError:
        return False


def _container(model: dict[str, Any]) -> dict[str, Any]:
    return dict(model.get("PrimaryContainer") or (model.get("Containers") or [{}])[0])


def _check_servable(name: str, model: dict[str, Any], venvs_dir: Path, mode: str) -> None:
    """``LocalModeError`` at once for what a local endpoint cannot serve (before anything is created):
    a missing runtime package, or a framework version that cannot be had (training/frameworks.py)."""
    from ..serving.runtimes import runtime_for

    try:
        container = _container(model)
        runtime = runtime_for(container)
        runtime.check_available()
        if runtime.interpreter is None:  # built-in algorithms pick their own package version
            wants = frameworks.requested(str(container.get("Image") or ""))
            frameworks.check_available(sys.executable, wants, venvs_dir, mode)
    except LocalModeError as exc:
        raise LocalModeError(f"model {name}: {exc}") from None


def _list(items: list[dict[str, Any]], params: dict[str, Any], key: str, name_field: str) -> dict[str, Any]:
    if params.get("NameContains"):
        items = [i for i in items if params["NameContains"] in i[name_field]]
    if params.get("StatusEquals"):
        items = [i for i in items if i.get("EndpointStatus") == params["StatusEquals"]]
    for field, after in (("CreationTimeAfter", True), ("CreationTimeBefore", False)):
        bound = params.get(field)
        if bound is not None:
            items = [i for i in items if (i["CreationTime"] > bound) == after]
    sort_key = name_field if params.get("SortBy") == "Name" else "CreationTime"
    if params.get("SortBy") == "Status":
        sort_key = "EndpointStatus"
    items.sort(key=lambda i: i[sort_key], reverse=params.get("SortOrder", "Descending") == "Descending")
    return page(items, params, key)


class LocalHostingMixin:
    """CreateModel ... DeleteEndpoint for ``LocalSageMakerClient`` (which supplies the attributes below)."""

    root: Path
    account: LocalAccount
    region_name: str
    stop_timeout: float
    framework_versions: str | None
    _s3_factory: Callable[[], Any]

    # --- models ---------------------------------------------------------------------------------

    def create_model(self, **request: Any) -> dict[str, Any]:
        validate_parameters(
            "CreateModel", {**request, "ExecutionRoleArn": request.get("ExecutionRoleArn") or PLACEHOLDER_ROLE}
        )
        name = request["ModelName"]
        if not request.get("PrimaryContainer") and not request.get("Containers"):
            raise client_error("ValidationException", "PrimaryContainer or Containers is required.", "CreateModel")
        arn = local_arn(self.region_name, "model", name)
        _check_servable(name, request, self.root / "venvs", frameworks.resolve_mode(self.framework_versions))
        with self.account.lock:
            if name in self.account.models:
                raise _exists("model", arn, "CreateModel")
            description: dict[str, Any] = {
                key: copy.deepcopy(value) for key, value in request.items() if key not in ("Tags", "ExecutionRoleArn")
            }
            if request.get("ExecutionRoleArn"):
                description["ExecutionRoleArn"] = request["ExecutionRoleArn"]
            description.update(ModelArn=arn, CreationTime=now())
            description.setdefault("EnableNetworkIsolation", False)
            self.account.models[name] = description
            self.account.tags[arn] = list(request.get("Tags") or [])
        return {"ModelArn": arn, "ResponseMetadata": metadata()}

    def describe_model(self, **params: Any) -> dict[str, Any]:
        validate_parameters("DescribeModel", params)
        with self.account.lock:
            found = self.account.models.get(params["ModelName"])
        if found is None:
            raise _not_found("model", local_arn(self.region_name, "model", params["ModelName"]), "DescribeModel")
        return {**copy.deepcopy(found), "ResponseMetadata": metadata()}

    def delete_model(self, **params: Any) -> dict[str, Any]:
        validate_parameters("DeleteModel", params)
        with self.account.lock:
            found = self.account.models.pop(params["ModelName"], None)
        if found is None:
            raise _not_found("model", local_arn(self.region_name, "model", params["ModelName"]), "DeleteModel")
        self.account.tags.pop(found["ModelArn"], None)
        return {"ResponseMetadata": metadata()}

    def list_models(self, **params: Any) -> dict[str, Any]:
        validate_parameters("ListModels", params)
        with self.account.lock:
            items = [{k: m[k] for k in ("ModelName", "ModelArn", "CreationTime")} for m in self.account.models.values()]
        return _list(items, params, "Models", "ModelName")

    # --- endpoint configs ---------------------------------------------------------------------------

    def create_endpoint_config(self, **request: Any) -> dict[str, Any]:
        validate_parameters("CreateEndpointConfig", request)
        name = request["EndpointConfigName"]
        arn = local_arn(self.region_name, "endpoint-config", name)
        with self.account.lock:
            if name in self.account.configs:
                raise _exists("endpoint configuration", arn, "CreateEndpointConfig")
            for variant in request["ProductionVariants"]:
                model = variant.get("ModelName")
                if model not in self.account.models:
                    raise _not_found("model", local_arn(self.region_name, "model", str(model)), "CreateEndpointConfig")
            names = [v["VariantName"] for v in request["ProductionVariants"]]
            if len(set(names)) != len(names):
                raise client_error("ValidationException", "Variant names must be unique.", "CreateEndpointConfig")
            description = {key: copy.deepcopy(value) for key, value in request.items() if key != "Tags"}
            description.update(EndpointConfigArn=arn, CreationTime=now())
            self.account.configs[name] = description
            self.account.tags[arn] = list(request.get("Tags") or [])
        return {"EndpointConfigArn": arn, "ResponseMetadata": metadata()}

    def describe_endpoint_config(self, **params: Any) -> dict[str, Any]:
        validate_parameters("DescribeEndpointConfig", params)
        name = params["EndpointConfigName"]
        with self.account.lock:
            found = self.account.configs.get(name)
        if found is None:
            arn = local_arn(self.region_name, "endpoint-config", name)
            raise _not_found("endpoint configuration", arn, "DescribeEndpointConfig")
        return {**copy.deepcopy(found), "ResponseMetadata": metadata()}

    def delete_endpoint_config(self, **params: Any) -> dict[str, Any]:
        validate_parameters("DeleteEndpointConfig", params)
        name = params["EndpointConfigName"]
        with self.account.lock:
            found = self.account.configs.pop(name, None)
        if found is None:
            arn = local_arn(self.region_name, "endpoint-config", name)
            raise _not_found("endpoint configuration", arn, "DeleteEndpointConfig")
        self.account.tags.pop(found["EndpointConfigArn"], None)
        return {"ResponseMetadata": metadata()}

    def list_endpoint_configs(self, **params: Any) -> dict[str, Any]:
        validate_parameters("ListEndpointConfigs", params)
        with self.account.lock:
            items = [
                {k: c[k] for k in ("EndpointConfigName", "EndpointConfigArn", "CreationTime")}
                for c in self.account.configs.values()
            ]
        return _list(items, params, "EndpointConfigs", "EndpointConfigName")

    # --- endpoints ------------------------------------------------------------------------------

    def _containers(self, config: dict[str, Any], operation: str) -> dict[str, dict[str, Any]]:
        """The container of every variant's model, checked for what local serving can run."""
        containers: dict[str, dict[str, Any]] = {}
        for variant in config["ProductionVariants"]:
            name = variant["ModelName"]
            model = self.account.models.get(name)
            if model is None:
                raise _not_found("model", local_arn(self.region_name, "model", name), operation)
            _check_servable(name, model, self.root / "venvs", frameworks.resolve_mode(self.framework_versions))
            containers[name] = _container(model)
        return containers

    def create_endpoint(self, **request: Any) -> dict[str, Any]:
        validate_parameters("CreateEndpoint", request)
        name, config_name = request["EndpointName"], request["EndpointConfigName"]
        arn = local_arn(self.region_name, "endpoint", name)
        with self.account.lock:
            if name in self.account.endpoints:
                raise _exists("endpoint", arn, "CreateEndpoint")
            config = self.account.configs.get(config_name)
            if config is None:
                config_arn = local_arn(self.region_name, "endpoint-config", config_name)
                raise _not_found("endpoint configuration", config_arn, "CreateEndpoint")
            containers = self._containers(config, "CreateEndpoint")
            endpoint = LocalEndpoint(
                name=name,
                arn=arn,
                directory=private_dir(self.root / "endpoints" / name),
                s3_factory=self._s3_factory,
                venvs_dir=self.root / "venvs",
                stop_timeout=self.stop_timeout,
                framework_versions=frameworks.resolve_mode(self.framework_versions),
            )
            self.account.endpoints[name] = endpoint
            self.account.tags[arn] = list(request.get("Tags") or [])
        endpoint.start(config_name, copy.deepcopy(config), containers)
        return {"EndpointArn": arn, "ResponseMetadata": metadata()}

    def _endpoint(self, name: str, operation: str) -> LocalEndpoint:
        with self.account.lock:
            endpoint = self.account.endpoints.get(name)
        if endpoint is None:
            raise _not_found("endpoint", local_arn(self.region_name, "endpoint", name), operation)
        return endpoint

    def describe_endpoint(self, **params: Any) -> dict[str, Any]:
        validate_parameters("DescribeEndpoint", params)
        description = self._endpoint(params["EndpointName"], "DescribeEndpoint").describe()
        return {**description, "ResponseMetadata": metadata()}

    def update_endpoint(self, **request: Any) -> dict[str, Any]:
        validate_parameters("UpdateEndpoint", request)
        endpoint = self._endpoint(request["EndpointName"], "UpdateEndpoint")
        if endpoint.status != "InService":
            raise client_error(
                "ValidationException", f'Cannot update in-progress endpoint "{endpoint.arn}".', "UpdateEndpoint"
            )
        config_name = request["EndpointConfigName"]
        with self.account.lock:
            config = self.account.configs.get(config_name)
            if config is None:
                config_arn = local_arn(self.region_name, "endpoint-config", config_name)
                raise _not_found("endpoint configuration", config_arn, "UpdateEndpoint")
            containers = self._containers(config, "UpdateEndpoint")
        endpoint.update(config_name, copy.deepcopy(config), containers)
        return {"EndpointArn": endpoint.arn, "ResponseMetadata": metadata()}

    def delete_endpoint(self, **params: Any) -> dict[str, Any]:
        """Stops the endpoint's servers before returning (SageMaker deletes in the background)."""
        validate_parameters("DeleteEndpoint", params)
        name = params["EndpointName"]
        with self.account.lock:
            endpoint = self.account.endpoints.pop(name, None)
        if endpoint is None:
            raise _not_found("endpoint", local_arn(self.region_name, "endpoint", name), "DeleteEndpoint")
        self.account.tags.pop(endpoint.arn, None)
        endpoint.delete()
        return {"ResponseMetadata": metadata()}

    def list_endpoints(self, **params: Any) -> dict[str, Any]:
        validate_parameters("ListEndpoints", params)
        with self.account.lock:
            endpoints = list(self.account.endpoints.values())
        fields = ("EndpointName", "EndpointArn", "CreationTime", "LastModifiedTime", "EndpointStatus")
        items = [{k: d[k] for k in fields} for d in (e.describe() for e in endpoints)]
        return _list(items, params, "Endpoints", "EndpointName")

    def endpoint_url(self, endpoint_name: str, variant_name: str | None = None) -> str:
        """Local only: ``http://127.0.0.1:<port>`` of an InService endpoint's server (TFS REST, /ping ...)."""
        endpoint = self._endpoint(endpoint_name, "DescribeEndpoint")
        server = endpoint.route(variant_name) if variant_name else next(iter(endpoint.servers), None)
        if server is None or server.port is None or server.state != "InService":
            raise client_error(
                "ValidationException", f"Endpoint {endpoint_name} has no InService server for that variant.", "Local"
            )
        return f"http://127.0.0.1:{server.port}"

    def _hosting_tags(self, arn: str) -> list[dict[str, str]] | None:
        """Tags of a local model, endpoint config or endpoint ARN; None for any other ARN."""
        if not any(f":{kind}/" in arn for kind in ("model", "endpoint-config", "endpoint")):
            return None
        with self.account.lock:
            tags = self.account.tags.get(arn, self.account.tags.get(arn.lower()))
        if tags is None:
            raise client_error("ValidationException", "Requested resource not found.", "ListTags")
        return list(tags)
