"""Transformer: score a dataset in S3 with a model, as a batch transform job.

    from sagemaker_lite.transformer import Transformer

    transformer = Transformer("my-model", 1, "ml.m5.large", strategy="MultiRecord", assemble_with="Line",
                              output_path="s3://bucket/scores")
    transformer.transform("s3://bucket/batch", content_type="text/csv", split_type="Line")
    # or straight from a trained estimator / a Model:
    est.transformer(1, "ml.m5.large").transform("s3://bucket/batch", content_type="text/csv")

Arguments are checked before anything is created (``ValidationError`` naming the argument);
the CreateTransformJob request is built by a pure function and equals the official SDK's
for the same inputs. ``wait()`` polls DescribeTransformJob on a backoff schedule; Ctrl-C
leaves the job running and prints how to attach.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping
from typing import Any

import attrs

from . import _validation as v
from ._retry import DEFAULT_POLLING
from .errors import UnexpectedStatusError, ValidationError
from .jobs import create_or_adopt
from .naming import name_from_base

STRATEGIES = ("MultiRecord", "SingleRecord")
ASSEMBLE_WITH = ("Line", "None")
DATA_TYPES = ("S3Prefix", "ManifestFile", "AugmentedManifestFile")
SPLIT_TYPES = ("None", "Line", "RecordIO", "TFRecord")
COMPRESSION_TYPES = ("None", "Gzip")
JOIN_SOURCES = ("Input", "None")
TERMINAL = ("Completed", "Failed", "Stopped")


class TransformJobFailedError(UnexpectedStatusError):
    """A transform job ended Failed; ``failure_reason`` says why."""

    def __init__(self, job_name: str, failure_reason: str) -> None:
        self.job_name = job_name
        self.failure_reason = failure_reason
        super().__init__(
            f"Transform job {job_name} failed: {failure_reason}",
            resource_name=job_name,
            status="Failed",
            allowed_statuses=("Completed",),
        )


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValidationError(name, value, "one of " + ", ".join(repr(a) for a in allowed))


def _positive(name: str, value: Any, high: int | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "max_payload" else 1):
        raise ValidationError(name, value, "a positive integer")
    if high is not None and value > high:
        raise ValidationError(name, value, f"an integer <= {high}")


#: Every request field once: setting or job argument -> its path in CreateTransformJob, in
#: the request's order. The builder writes it and ``attach`` reads it back; a missing value
#: (None; an empty env, tags or config) is left out.
REQUEST_PATHS: Mapping[str, tuple[str, ...]] = {
    "job_name": ("TransformJobName",),
    "model_name": ("ModelName",),
    "data_type": ("TransformInput", "DataSource", "S3DataSource", "S3DataType"),
    "data": ("TransformInput", "DataSource", "S3DataSource", "S3Uri"),
    "content_type": ("TransformInput", "ContentType"),
    "compression_type": ("TransformInput", "CompressionType"),
    "split_type": ("TransformInput", "SplitType"),
    "output_path": ("TransformOutput", "S3OutputPath"),
    "output_kms_key": ("TransformOutput", "KmsKeyId"),
    "assemble_with": ("TransformOutput", "AssembleWith"),
    "accept": ("TransformOutput", "Accept"),
    "instance_count": ("TransformResources", "InstanceCount"),
    "instance_type": ("TransformResources", "InstanceType"),
    "volume_kms_key": ("TransformResources", "VolumeKmsKeyId"),
    "strategy": ("BatchStrategy",),
    "max_concurrent_transforms": ("MaxConcurrentTransforms",),
    "max_payload": ("MaxPayloadInMB",),
    "env": ("Environment",),
    "tags": ("Tags",),
    "input_filter": ("DataProcessing", "InputFilter"),
    "output_filter": ("DataProcessing", "OutputFilter"),
    "join_source": ("DataProcessing", "JoinSource"),
    "model_client_config": ("ModelClientConfig",),
    "experiment_config": ("ExperimentConfig",),
}
_EMPTY_IS_MISSING = ("env", "tags", "model_client_config", "experiment_config")


def build_transform_request(values: Mapping[str, Any]) -> dict[str, Any]:
    """PURE: the CreateTransformJob request (``client.create_transform_job(**request)``).

    ``values`` holds the Transformer's settings and one job's arguments by keyword.
    """
    request: dict[str, Any] = {}
    for name, path in REQUEST_PATHS.items():
        value = values.get(name)
        if value is None or (name in _EMPTY_IS_MISSING and not value):
            continue
        if name == "tags":
            value = [dict(t) for t in value]
        elif isinstance(value, Mapping):
            value = dict(value)
        node = request
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return request


def _from_description(description: Mapping[str, Any], name: str) -> Any:
    """``REQUEST_PATHS[name]`` read back from a DescribeTransformJob answer (empty -> None)."""
    value: Any = description
    for key in REQUEST_PATHS[name]:
        value = value.get(key) if isinstance(value, Mapping) else None
    return None if value in ("", {}) else value


@attrs.frozen
class TransformArguments:
    """One transform job's arguments, declared once for ``transform()`` and ``prepare_transform_job()``.

    The fields are the official SDK's positional order; both methods take them positionally or by keyword.
    """

    data: str
    data_type: str = "S3Prefix"
    content_type: str | None = None
    compression_type: str | None = None
    split_type: str | None = None
    job_name: str | None = None
    input_filter: str | None = None
    output_filter: str | None = None
    join_source: str | None = None
    experiment_config: Mapping[str, str] | None = None
    model_client_config: Mapping[str, Any] | None = None

    def __attrs_post_init__(self) -> None:
        v.check_s3_uri("data", self.data, allow_file=True)
        _choice("data_type", self.data_type, DATA_TYPES)
        _choice("compression_type", self.compression_type, COMPRESSION_TYPES)
        _choice("split_type", self.split_type, SPLIT_TYPES)
        _choice("join_source", self.join_source, JOIN_SOURCES)
        for name, value in (("input_filter", self.input_filter), ("output_filter", self.output_filter)):
            if value is not None and (not isinstance(value, str) or not value.startswith("$")):
                raise ValidationError(name, value, "a JSONPath expression starting with '$'")
        if self.job_name is not None:
            v.check_job_name("job_name", self.job_name)


#: ``transform()``'s keywords after the job's arguments, in the official order
_TRANSFORM_ONLY = (("batch_data_capture_config", None), ("wait", True), ("logs", True))


def _signature(extra: tuple[tuple[str, Any], ...] = ()) -> inspect.Signature:
    """``(self, <TransformArguments fields>, <extra>)``: what ``help()`` and IDEs show."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    fields = [
        inspect.Parameter(
            f.name,
            kind,
            default=inspect.Parameter.empty if f.default is attrs.NOTHING else f.default,
            annotation=f.type,
        )
        for f in attrs.fields(TransformArguments)
    ]
    tail = [inspect.Parameter(name, kind, default=default) for name, default in extra]
    return inspect.Signature([inspect.Parameter("self", kind), *fields, *tail], return_annotation=dict[str, Any])


_TRANSFORM_SIGNATURE = _signature(_TRANSFORM_ONLY)


class Transformer:
    """Batch transform jobs for one model (see the module docstring)."""

    JOB_CLASS_NAME = "transform-job"

    def __init__(
        self,
        model_name: str,
        instance_count: int,
        instance_type: str,
        strategy: str | None = None,
        assemble_with: str | None = None,
        output_path: str | None = None,
        output_kms_key: str | None = None,
        accept: str | None = None,
        max_concurrent_transforms: int | None = None,
        max_payload: int | None = None,
        tags: Any = None,
        env: Mapping[str, str] | None = None,
        base_transform_job_name: str | None = None,
        sagemaker_session: Any = None,
        volume_kms_key: str | None = None,
    ) -> None:
        if not isinstance(model_name, str) or not model_name:
            raise ValidationError("model_name", model_name, "the name of a SageMaker model")
        _positive("instance_count", instance_count)
        v.check_instance_type("instance_type", instance_type)
        _choice("strategy", strategy, STRATEGIES)
        _choice("assemble_with", assemble_with, ASSEMBLE_WITH)
        if output_path is not None:
            v.check_s3_uri("output_path", output_path, allow_file=True)
        _positive("max_concurrent_transforms", max_concurrent_transforms)
        _positive("max_payload", max_payload, 100)
        if env is not None and (
            not isinstance(env, Mapping) or not all(isinstance(k, str) and isinstance(x, str) for k, x in env.items())
        ):
            raise ValidationError("env", env, "a dict of str -> str")
        self.model_name = model_name
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.strategy = strategy
        self.assemble_with = assemble_with
        self.output_path = output_path
        self.output_kms_key = output_kms_key
        self.accept = accept
        self.max_concurrent_transforms = max_concurrent_transforms
        self.max_payload = max_payload
        self.tags = v.normalize_tags(tags)
        self.env = dict(env) if env else None
        self.base_transform_job_name = base_transform_job_name
        self.volume_kms_key = volume_kms_key
        self._session = sagemaker_session
        self._current_job_name: str | None = None
        self.latest_transform_job: TransformJob | None = None

    def __repr__(self) -> str:
        return (
            f"Transformer(model_name={self.model_name!r}, instance_count={self.instance_count}, "
            f"instance_type={self.instance_type!r})"
        )

    @property
    def sagemaker_session(self) -> Any:
        if self._session is None:
            from .session import session_for_instance_type

            self._session = session_for_instance_type(self.instance_type)
        return self._session

    def prepare_transform_job(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The CreateTransformJob request ``transform`` would send (nothing is created)."""
        return self._request(TransformArguments(*args, **kwargs))

    prepare_transform_job.__signature__ = _signature()  # type: ignore[attr-defined]

    def _request(self, job: TransformArguments) -> dict[str, Any]:
        name = job.job_name or name_from_base(self.base_transform_job_name or self.model_name)
        output_path = self.output_path
        if output_path is None:
            output_path = f"{self.sagemaker_session.default_output_prefix()}/{name}"
        settings = {setting: getattr(self, setting) for setting in _settings() if setting != "sagemaker_session"}
        return build_transform_request(
            {**settings, **attrs.asdict(job, recurse=False), "job_name": name, "output_path": output_path}
        )

    def transform(self, *args: Any, **kwargs: Any) -> None:
        """Start a transform job over ``data`` (an S3 prefix, or a manifest); waits unless ``wait=False``."""
        bound = _TRANSFORM_SIGNATURE.bind(self, *args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        del values["self"]
        capture, wait, logs = (values.pop(name) for name, _ in _TRANSFORM_ONLY)
        if capture is not None:
            raise ValidationError("batch_data_capture_config", capture, "None (not supported)")
        request = self._request(TransformArguments(**values))
        self.sagemaker_session.check_request("CreateTransformJob", request)
        job = TransformJob(self.sagemaker_session, request["TransformJobName"])
        # a retry of our own create whose answer was lost finds the job: adopted, not an error
        create_or_adopt(
            self.sagemaker_session.sagemaker_client.create_transform_job,
            request,
            job.describe,
            required=("ModelName", "TransformInput"),
        )
        self._current_job_name = job.name
        self.latest_transform_job = job
        if wait:
            job.wait(logs=logs)

    transform.__signature__ = _TRANSFORM_SIGNATURE.replace(return_annotation=None)  # type: ignore[attr-defined]

    def wait(self, logs: bool = True) -> dict[str, Any]:
        return self._ensure_job().wait(logs=logs)

    def stop_transform_job(self, wait: bool = True) -> None:
        job = self._ensure_job()
        job.polling.call(lambda: self.sagemaker_session.sagemaker_client.stop_transform_job(TransformJobName=job.name))
        if wait:
            job.wait(logs=False, accept_stopped=True)

    def describe(self) -> dict[str, Any]:
        return self._ensure_job().describe()

    def _ensure_job(self) -> TransformJob:
        if self.latest_transform_job is None:
            raise ValidationError("latest_transform_job", None, "a transformer that has run or attached a job")
        return self.latest_transform_job

    @classmethod
    def attach(cls, transform_job_name: str, sagemaker_session: Any = None) -> Transformer:
        """Rebuild the transformer of an existing transform job: ``Transformer.attach("scoring-1")``."""
        v.check_job_name("transform_job_name", transform_job_name)
        if sagemaker_session is None:
            from .session import Session

            sagemaker_session = Session()
        job = TransformJob(sagemaker_session, transform_job_name)
        description = job.describe()
        settings = {name: _from_description(description, name) for name in _settings() if name in REQUEST_PATHS}
        settings.pop("tags")  # the job's tags are not part of DescribeTransformJob's answer
        transformer = cls(**settings, base_transform_job_name=transform_job_name, sagemaker_session=sagemaker_session)
        transformer._current_job_name = transform_job_name
        transformer.latest_transform_job = job
        return transformer


def _settings() -> list[str]:
    """The constructor's keywords (its signature is their one declaration), each kept as an attribute."""
    return list(inspect.signature(Transformer.__init__).parameters)[1:]


class TransformJob:
    """A transform job by name: describe, wait."""

    def __init__(self, sagemaker_session: Any, job_name: str) -> None:
        self.sagemaker_session = sagemaker_session
        self.name = job_name
        self.polling = getattr(sagemaker_session, "polling", None) or DEFAULT_POLLING

    def __repr__(self) -> str:
        return f"TransformJob({self.name!r})"

    def describe(self) -> dict[str, Any]:
        client = self.sagemaker_session.sagemaker_client
        response = self.polling.call(lambda: client.describe_transform_job(TransformJobName=self.name))
        return {k: value for k, value in response.items() if k != "ResponseMetadata"}

    def wait(self, logs: bool = True, *, accept_stopped: bool = True) -> dict[str, Any]:
        """Block until the job ends (status lines with ``logs``); Failed raises ``TransformJobFailedError``."""
        from tenacity import Retrying, retry_if_result

        seen: list[str] = []

        def poll() -> dict[str, Any]:
            description = self.describe()
            status = description.get("TransformJobStatus", "")
            if logs and (not seen or seen[-1] != status):
                seen.append(status)
                sys.stdout.write(f"Transform job {self.name}: {status}\n")
                sys.stdout.flush()
            return description

        try:
            description: dict[str, Any] = Retrying(
                retry=retry_if_result(lambda d: d.get("TransformJobStatus") not in TERMINAL),
                wait=self.polling.intervals(),
                sleep=self.polling.sleep,
            )(poll)
        except KeyboardInterrupt:
            sys.stdout.write(
                f"\nStopped waiting; transform job {self.name} is still running.\n"
                f"Resume with: Transformer.attach({self.name!r}).wait()\n"
            )
            raise
        if description.get("TransformJobStatus") == "Failed":
            raise TransformJobFailedError(self.name, str(description.get("FailureReason", "")))
        return description


def create_model_for_transform(model: Any, instance_type: str, tags: Any = None) -> str:
    """CreateModel only (no endpoint) for ``model``, named as deploy would name it; returns the name."""
    from .hosting import DeployConfig

    v.check_instance_type("instance_type", instance_type)
    deploy = DeployConfig(initial_instance_count=1, instance_type=instance_type, tags=tags)
    if model.__dict__.get("_sagemaker_session") is None:
        from .session import session_for_instance_type

        model.sagemaker_session = session_for_instance_type(instance_type)
    session = model.sagemaker_session
    model._check_ready(session)
    region = session.boto_region_name
    image = model._image_for(deploy, region)
    name = model.config.name or name_from_base(model._base_name(image))
    role_arn = session.expand_role(model.config.role) if model.config.role else ""
    model_data = model._stage_code(session, name, model.config.code_files()) or model.config.model_data
    request = model._create_model_request(deploy, name, image, region, role_arn, model_data)
    if not request["ExecutionRoleArn"]:
        del request["ExecutionRoleArn"]
    session.check_request("CreateModel", request)
    DEFAULT_POLLING.call(lambda: session.sagemaker_client.create_model(**request))
    model.name = name
    return str(name)


def transformer_for_model(model: Any, instance_count: int, instance_type: str, **kwargs: Any) -> Transformer:
    """``model.transformer(...)``: create the SageMaker model, then a Transformer over it."""
    tags = kwargs.get("tags")
    name = create_model_for_transform(model, instance_type, tags)
    return Transformer(name, instance_count, instance_type, sagemaker_session=model.sagemaker_session, **kwargs)


def transformer_for_estimator(
    estimator: Any,
    instance_count: int,
    instance_type: str,
    *,
    model_name: str | None = None,
    role: str | None = None,
    vpc_config_override: Any = "VPC_CONFIG_DEFAULT",
    enable_network_isolation: bool | None = None,
    **kwargs: Any,
) -> Transformer:
    """``estimator.transformer(...)``: the trained model as a SageMaker model, then a Transformer over it."""
    job = estimator.latest_training_job
    if job is None:
        raise ValidationError("latest_training_job", None, "an estimator that has been fit or attached")
    if job.describe(refresh=False).get("TrainingJobStatus") != "Completed":
        job.wait(logs="None")
    tags = kwargs.get("tags") or estimator.config.tags
    kwargs["tags"] = tags
    model_kwargs: dict[str, Any] = {"vpc_config_override": vpc_config_override}
    if role is not None:
        model_kwargs["role"] = role
    if enable_network_isolation is not None:
        model_kwargs["enable_network_isolation"] = enable_network_isolation
    model = estimator.create_model(**model_kwargs)
    model.name = model_name or name_from_base(estimator._base_job_name())
    kwargs.setdefault("base_transform_job_name", estimator.config.base_job_name or model.name)
    return transformer_for_model(model, instance_count, instance_type, **kwargs)
