"""Bad input -> a ValidationError naming the parameter, and zero AWS calls: the one table-driven suite.

Every row is ``(what, parameter, call)``: ``call(ctx)`` makes the bad call (the bad value is in
the call, the row's ``what`` says what is wrong with it), ``parameter`` is the name the error
must carry (``error.parameter``, and in the message). ``ctx.session`` is a Session whose boto3
session has a ``RefusingAWS`` installed (support.aws_double): every call any of its clients
attempts -- S3 writes included -- is recorded and refused, so ``ctx.refuser.calls == []`` proves
that validation ran before anything left the machine. Local-mode rows use ``ctx.local()`` (the
same boto3 session), and must start no job either; where local mode cannot do what was asked the
documented error is ``LocalModeError`` (named in the row's ``what``), still naming the setting.

The rows were five corpora before (training, hosting, the extended corpus, TensorFlow's and
Debugger's lists); they are the sections below, every case kept (435 rows).
Six SDK gaps found while building the corpus (wrong error class, or a request reaching the API)
are fixed; their cases stay here as regressions (docs/robustness.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from support.aws_double import RefusingAWS
from support.offline import IMAGE, ROLE, fake_boto_session

from sagemaker_lite import Session, image_uris
from sagemaker_lite.debugger import (
    CollectionConfig,
    DebuggerHookConfig,
    ProfilerConfig,
    ProfilerRule,
    Rule,
    TensorBoardOutputConfig,
    rule_configs,
)
from sagemaker_lite.deserializers import JSONDeserializer
from sagemaker_lite.errors import LocalModeError, SageMakerLiteError, ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.hosting import DataCaptureConfig, ServerlessInferenceConfig
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput
from sagemaker_lite.jobs import TrainingJob
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor
from sagemaker_lite.serializers import CSVSerializer, JSONSerializer, NumpySerializer
from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel, TensorFlowPredictor
from sagemaker_lite.training import InstanceGroup

DATA = "s3://in-bucket/model.tar.gz"
HERE = Path(__file__).resolve().parent
CUSTOM_IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-rules:1"


@dataclass
class Ctx:
    """What a row may use: the refused Session, its refuser, a LocalSession factory and a real source dir."""

    session: Session
    src: Path
    local_root: Path
    boto: Any
    refuser: RefusingAWS

    def local(self) -> Any:
        from sagemaker_lite.local import LocalSession

        return LocalSession(boto_session=self.boto, root=self.local_root)

    def in_region(self, region: str) -> Session:
        """A refused Session in another region; its calls land in the same ``refuser``."""
        boto = boto3.Session(region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
        self.refuser.install(boto)
        return Session(boto_session=boto, default_bucket="out-bucket")


# --- builders -------------------------------------------------------------------------------------------


def est(c: Ctx, **kwargs: Any) -> Estimator:
    args: dict[str, Any] = {
        "image_uri": IMAGE,
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.large",
        "output_path": "s3://out-bucket/out",
    }
    args.update(kwargs)
    return Estimator(sagemaker_session=c.session, **args)


def fit(c: Ctx, inputs: Any = "s3://in-bucket/train", fit_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> None:
    est(c, **kwargs).fit(inputs, wait=False, **(fit_kwargs or {}))


def tf(c: Ctx, **kwargs: Any) -> TensorFlow:
    args: dict[str, Any] = {
        "entry_point": "train.py",
        "source_dir": str(c.src),
        "framework_version": "2.13",
        "py_version": "py310",
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.large",
        "output_path": "s3://out-bucket/tf",
    }
    args.update(kwargs)
    return TensorFlow(sagemaker_session=c.session, **args)


def tf_fit(c: Ctx, inputs: Any = "s3://in-bucket/train", **kwargs: Any) -> None:
    tf(c, **kwargs).fit(inputs, wait=False)


def model(c: Ctx, **kwargs: Any) -> Model:
    kwargs.setdefault("model_data", DATA)
    return Model(kwargs.pop("image_uri", IMAGE), role=kwargs.pop("role", ROLE), sagemaker_session=c.session, **kwargs)


def deploy(c: Ctx, model_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("initial_instance_count", 1)
    kwargs.setdefault("instance_type", "ml.m5.large")
    return model(c, **(model_kwargs or {})).deploy(**kwargs)


def tf_model(c: Ctx, **kwargs: Any) -> TensorFlowModel:
    kwargs.setdefault("model_data", DATA)
    kwargs.setdefault("framework_version", "2.18")
    return TensorFlowModel(role=ROLE, sagemaker_session=c.session, **kwargs)


def predictor(c: Ctx, **kwargs: Any) -> Predictor:
    return Predictor("ep", sagemaker_session=c.session, **kwargs)


def tf_retrieve(**kwargs: Any) -> str:
    args: dict[str, Any] = {
        "framework": "tensorflow",
        "region": "us-west-2",
        "version": "2.13",
        "py_version": "py310",
        "instance_type": "ml.m5.large",
        "image_scope": "training",
    }
    args.update(kwargs)
    return image_uris.retrieve(**args)


def local_est(c: Ctx, **kwargs: Any) -> Estimator:
    args: dict[str, Any] = {
        "image_uri": "local-script",
        "role": None,
        "instance_count": 1,
        "instance_type": "local",
        "output_path": f"file://{c.local_root.parent / 'out'}",
        "hyperparameters": {"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{c.src}"},
    }
    args.update(kwargs)
    return Estimator(sagemaker_session=c.local(), **args)


def local_fit(c: Ctx, inputs: Any = None, **kwargs: Any) -> None:
    local_est(c, **kwargs).fit(inputs, wait=False, logs=False)


def set_then_fit(c: Ctx, **hyperparameters: Any) -> None:
    estimator = tf(c)
    estimator.set_hyperparameters(**hyperparameters)
    estimator.fit("s3://in-bucket/train", wait=False)


def assign(target: Any, name: str, value: Any) -> None:
    setattr(target, name, value)


def v1_predictor() -> Any:
    from sagemaker_lite.predictor import RealTimePredictor

    with pytest.deprecated_call():
        return RealTimePredictor()


def v1_image_uri(c: Ctx) -> str:
    from sagemaker_lite.amazon.amazon_estimator import get_image_uri

    return str(get_image_uri("us-west-2", "nosuchalgorithm"))


def update(c: Ctx, **kwargs: Any) -> None:
    predictor(c).update_endpoint(**kwargs)


def tf_bare(c: Ctx, **kwargs: Any) -> TensorFlow:
    """A TensorFlow estimator without a source dir (the TensorFlow settings rows)."""
    args: dict[str, Any] = {
        "entry_point": "train.py",
        "framework_version": "2.13",
        "py_version": "py310",
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.large",
    }
    args.update(kwargs)
    return TensorFlow(sagemaker_session=c.session, **args)


def debugger_fit(c: Ctx, **kwargs: Any) -> None:
    est(c, **kwargs).fit("s3://in-bucket/train", wait=False, job_name="job-1")


def in_region(c: Ctx, region: str, **kwargs: Any) -> None:
    Estimator(
        IMAGE,
        ROLE,
        1,
        "ml.m5.large",
        sagemaker_session=c.in_region(region),
        output_path="s3://out-bucket/out",
        **kwargs,
    ).fit("s3://in-bucket/train", wait=False, job_name="job-1")


RULE = Rule.sagemaker(rule_configs.vanishing_gradient())
PROFILER_RULE = ProfilerRule.sagemaker(rule_configs.ProfilerReport())
FS = FileSystemInput("fs-0123456789abcdef0", "EFS", "/data")
VPC = {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}
Case = Callable[[Ctx], Any]


TRAINING: list[Any] = [
    ("instance type format", "instance_type", lambda c: est(c, instance_type="m5.large")),
    ("instance type not a string", "instance_type", lambda c: est(c, instance_type=5)),
    ("instance count zero", "instance_count", lambda c: est(c, instance_count=0)),
    ("instance count bool", "instance_count", lambda c: est(c, instance_count=True)),
    ("instance count missing", "instance_count", lambda c: Estimator(IMAGE, ROLE, instance_type="ml.m5.large")),
    ("instance type missing", "instance_type", lambda c: Estimator(IMAGE, ROLE, instance_count=1)),
    ("role ARN malformed", "role", lambda c: est(c, role="arn:aws:iam::12345:role/x")),
    ("role with spaces", "role", lambda c: est(c, role="my role")),
    ("role missing at fit", "role", lambda c: fit(c, role=None)),
    ("image missing at fit", "image_uri", lambda c: fit(c, image_uri=None)),
    ("output path not s3", "output_path", lambda c: est(c, output_path="/tmp/out")),
    ("output path file:// outside local", "output_path", lambda c: fit(c, output_path="file:///tmp/out")),
    ("bucket name too short", "output_path", lambda c: est(c, output_path="s3://ab/x")),
    # the service model's bound (0.., no maximum): 0 is allowed for instances with local storage
    ("volume size negative", "volume_size", lambda c: est(c, volume_size=-1)),
    ("volume size not an int", "volume_size", lambda c: est(c, volume_size="30")),
    ("max_run zero", "max_run", lambda c: est(c, max_run=0)),
    ("max_run string", "max_run", lambda c: est(c, max_run="3600")),
    ("max_wait without spot", "max_wait", lambda c: est(c, max_wait=7200)),
    ("max_wait below max_run", "max_wait", lambda c: est(c, use_spot_instances=True, max_run=3600, max_wait=60)),
    ("input mode unknown", "input_mode", lambda c: est(c, input_mode="Stream")),
    ("subnets without security groups", "subnets", lambda c: est(c, subnets=["subnet-0abc"])),
    ("security groups without subnets", "security_group_ids", lambda c: est(c, security_group_ids=["sg-1"])),
    ("subnet id malformed", "subnets", lambda c: est(c, subnets=["net-1"], security_group_ids=["sg-1"])),
    ("subnets a string", "subnets", lambda c: est(c, subnets="subnet-1", security_group_ids=["sg-1"])),
    ("tag value int", "tags", lambda c: est(c, tags=[{"Key": "cost", "Value": 12}])),
    ("tag value int in dict", "tags", lambda c: est(c, tags={"cost": 12})),
    ("tag missing Value", "tags", lambda c: est(c, tags=[{"Key": "a"}])),
    ("tags a string", "tags", lambda c: est(c, tags="team=ml")),
    ("environment value int", "environment", lambda c: est(c, environment={"A": 1})),
    ("metric definition without regex", "metric_definitions", lambda c: est(c, metric_definitions=[{"Name": "a"}])),
    ("retry attempts too many", "max_retry_attempts", lambda c: est(c, max_retry_attempts=31)),
    ("keep alive too long", "keep_alive_period_in_seconds", lambda c: est(c, keep_alive_period_in_seconds=21601)),
    ("checkpoint uri not s3", "checkpoint_s3_uri", lambda c: est(c, checkpoint_s3_uri="bucket/ckpt")),
    ("checkpoint local path alone", "checkpoint_local_path", lambda c: est(c, checkpoint_local_path="/opt/ml/c")),
    ("model uri not s3", "model_uri", lambda c: est(c, model_uri="model.tar.gz")),
    ("unknown keyword", "train_instance_countt", lambda c: est(c, train_instance_countt=1)),
    ("both v1 and v2 names", "train_instance_count", lambda c: est(c, train_instance_count=2)),
    ("job name too long", "job_name", lambda c: fit(c, fit_kwargs={"job_name": "j" * 64})),
    ("job name with underscore", "job_name", lambda c: fit(c, fit_kwargs={"job_name": "my_job"})),
    ("job name leading hyphen", "job_name", lambda c: fit(c, fit_kwargs={"job_name": "-job"})),
    ("input URI not s3", "inputs['training']", lambda c: fit(c, "bucket/train")),
    ("input of wrong type", "inputs['training']", lambda c: fit(c, 42)),
    ("channel name invalid", "inputs", lambda c: fit(c, {"train data": "s3://in-bucket/t"})),
    ("file:// input outside local mode", "inputs['training']", lambda c: fit(c, "file:///tmp/train")),
    (
        "Pipe over a file system",
        "inputs['efs']",
        lambda c: fit(
            c,
            {"efs": FileSystemInput("fs-0123456789abcdef0", "EFS", "/d")},
            input_mode="Pipe",
            subnets=["subnet-1"],
            security_group_ids=["sg-1"],
        ),
    ),
    (
        "file system without VPC",
        "inputs['efs']",
        lambda c: fit(c, {"efs": FileSystemInput("fs-0123456789abcdef0", "EFS", "/d")}),
    ),
    ("file system type unknown", "file_system_type", lambda c: FileSystemInput("fs-0123456789abcdef0", "NFS", "/d")),
    (
        "file system access mode",
        "file_system_access_mode",
        lambda c: FileSystemInput("fs-0123456789abcdef0", "EFS", "/d", "w"),
    ),
    ("distribution unknown", "distribution", lambda c: TrainingInput("s3://in-bucket/t", distribution="Sharded")),
    ("compression unknown", "compression", lambda c: TrainingInput("s3://in-bucket/t", compression="zip")),
    ("record wrapping unknown", "record_wrapping", lambda c: TrainingInput("s3://in-bucket/t", record_wrapping="x")),
    ("s3 data type unknown", "s3_data_type", lambda c: TrainingInput("s3://in-bucket/t", s3_data_type="Prefix")),
    ("channel input mode unknown", "input_mode", lambda c: TrainingInput("s3://in-bucket/t", input_mode="pipe")),
    (
        "attribute names on a prefix",
        "attribute_names",
        lambda c: TrainingInput("s3://in-bucket/t", attribute_names=["a"]),
    ),
    ("file system id malformed", "file_system_id", lambda c: FileSystemInput("efs-1", "EFS", "/d")),
    ("shuffle seed negative", "seed", lambda c: ShuffleConfig(-1)),
    ("logs mode unknown", "logs", lambda c: fit(c, fit_kwargs={"logs": "Everything"})),
    ("experiment config values", "experiment_config", lambda c: fit(c, fit_kwargs={"experiment_config": {"a": 1}})),
    ("hyperparameter name not str", "hyperparameters", lambda c: est(c, hyperparameters={1: "a"})),
    ("session retry mode", "retry_mode", lambda c: Session(region_name="us-west-2", retry_mode="fast")),
    ("session default bucket", "default_bucket", lambda c: Session(region_name="us-west-2", default_bucket="B_")),
    ("attach job name", "training_job_name", lambda c: Estimator.attach("bad_name", sagemaker_session=c.session)),
]


def _from_model_data(**kwargs: Any) -> Case:
    """A row's call: ``Session.endpoint_from_model_data`` with good arguments but ``kwargs``."""
    arguments: dict[str, Any] = {
        "model_s3_location": DATA,
        "image_uri": IMAGE,
        "initial_instance_count": 1,
        "instance_type": "ml.m5.large",
        "role": ROLE,
    }
    arguments.update(kwargs)
    return lambda c: c.session.endpoint_from_model_data(**arguments)


HOSTING: list[Any] = [
    # Model
    ("v1 argument order (model_data first)", "image_uri", lambda c: Model(DATA, IMAGE, ROLE)),
    ("model data not s3", "model_data", lambda c: model(c, model_data="bucket/model.tar.gz")),
    ("role with spaces", "role", lambda c: model(c, role="my role")),
    ("env value not a string", "env", lambda c: model(c, env={"WORKERS": 2})),
    ("model name with underscore", "name", lambda c: model(c, name="my_model")),
    ("model name too long", "name", lambda c: model(c, name="m" * 64)),
    ("vpc config incomplete", "vpc_config", lambda c: model(c, vpc_config={"Subnets": ["subnet-1"]})),
    ("vpc config bad ids", "vpc_config", lambda c: model(c, vpc_config={"Subnets": ["s1"], "SecurityGroupIds": ["g"]})),
    ("network isolation not bool", "enable_network_isolation", lambda c: model(c, enable_network_isolation="yes")),
    ("unknown keyword", "instance_count", lambda c: model(c, instance_count=1)),
    ("v1 and v2 image names", "image", lambda c: Model(IMAGE, DATA, ROLE, image=IMAGE)),
    ("dependencies a string", "dependencies", lambda c: model(c, entry_point="x.py", dependencies="lib")),
    ("code location not s3", "code_location", lambda c: model(c, code_location="/tmp/code")),
    # deploy
    ("instance count zero", "initial_instance_count", lambda c: deploy(c, initial_instance_count=0)),
    ("instance count string", "initial_instance_count", lambda c: deploy(c, initial_instance_count="1")),
    ("instance count bool", "initial_instance_count", lambda c: deploy(c, initial_instance_count=True)),
    ("instance count missing", "initial_instance_count", lambda c: deploy(c, initial_instance_count=None)),
    ("instance type format", "instance_type", lambda c: deploy(c, instance_type="m5.large")),
    ("instance type missing", "instance_type", lambda c: deploy(c, instance_type=None)),
    ("endpoint name with underscore", "endpoint_name", lambda c: deploy(c, endpoint_name="my_endpoint")),
    ("endpoint name too long", "endpoint_name", lambda c: deploy(c, endpoint_name="e" * 64)),
    ("endpoint name leading hyphen", "endpoint_name", lambda c: deploy(c, endpoint_name="-ep")),
    ("tag value int", "tags", lambda c: deploy(c, tags={"cost": 12})),
    ("kms key empty", "kms_key", lambda c: deploy(c, kms_key="")),
    ("volume size zero", "volume_size", lambda c: deploy(c, volume_size=0)),
    ("download timeout too short", "model_data_download_timeout", lambda c: deploy(c, model_data_download_timeout=10)),
    (
        "health check timeout too long",
        "container_startup_health_check_timeout",
        lambda c: deploy(c, container_startup_health_check_timeout=5000),
    ),
    ("wait not bool", "wait", lambda c: deploy(c, wait="yes")),
    ("accelerator", "accelerator_type", lambda c: deploy(c, accelerator_type="ml.eia2.medium")),
    ("serializer not a serializer", "serializer", lambda c: deploy(c, serializer="json")),
    ("deserializer not a deserializer", "deserializer", lambda c: deploy(c, deserializer=JSONSerializer())),
    ("data capture as a dict", "data_capture_config", lambda c: deploy(c, data_capture_config={"EnableCapture": True})),
    ("data capture sampling", "sampling_percentage", lambda c: DataCaptureConfig(True, sampling_percentage=101)),
    ("data capture options", "capture_options", lambda c: DataCaptureConfig(True, capture_options=["ALL"])),
    ("data capture destination", "destination_s3_uri", lambda c: DataCaptureConfig(True, destination_s3_uri="x")),
    ("serverless memory", "memory_size_in_mb", lambda c: ServerlessInferenceConfig(memory_size_in_mb=1000)),
    ("serverless concurrency", "max_concurrency", lambda c: ServerlessInferenceConfig(max_concurrency=0)),
    (
        "serverless provisioned above max",
        "provisioned_concurrency",
        lambda c: ServerlessInferenceConfig(max_concurrency=2, provisioned_concurrency=3),
    ),
    (
        "serverless with an instance type",
        "instance_type",
        lambda c: deploy(c, initial_instance_count=None, serverless_inference_config=ServerlessInferenceConfig()),
    ),
    ("role missing", "role", lambda c: deploy(c, model_kwargs={"role": None})),
    ("image missing", "image_uri", lambda c: deploy(c, model_kwargs={"image_uri": None})),
    (
        "local model data outside local mode",
        "model_data",
        lambda c: deploy(c, model_kwargs={"model_data": "file:///m.tar.gz"}),
    ),
    ("entry point missing", "entry_point", lambda c: deploy(c, model_kwargs={"entry_point": "no-such-inference.py"})),
    (
        "entry point outside source dir",
        "entry_point",
        lambda c: deploy(c, model_kwargs={"entry_point": "nope.py", "source_dir": str(HERE)}),
    ),
    (
        "entry point without model data",
        "model_data",
        lambda c: deploy(c, model_kwargs={"entry_point": __file__, "model_data": None}),
    ),
    ("source dir without entry point", "source_dir", lambda c: deploy(c, model_kwargs={"source_dir": str(HERE)})),
    (
        "source dir missing",
        "source_dir",
        lambda c: deploy(c, model_kwargs={"entry_point": "a.py", "source_dir": "/no/such"}),
    ),
    (
        "dependency missing",
        "dependencies",
        lambda c: deploy(c, model_kwargs={"entry_point": __file__, "dependencies": ["/no/lib"]}),
    ),
    # TensorFlowModel
    ("tf model data missing", "model_data", lambda c: TensorFlowModel(role=ROLE, framework_version="2.18")),
    ("tf version without an inference image", "framework_version", lambda c: tf_model(c, framework_version="2.17")),
    ("tf version missing", "framework_version", lambda c: tf_model(c, framework_version=None)),
    ("tf entry point not inference.py", "entry_point", lambda c: tf_model(c, entry_point="serve.py")),
    ("tf log level", "container_log_level", lambda c: tf_model(c, container_log_level=25)),
    ("tf bad instance for the image", "instance_type", lambda c: tf_model(c).deploy(1, "ml.trn1.2xlarge")),
    # Predictor
    ("endpoint name invalid", "endpoint_name", lambda c: Predictor("my endpoint", sagemaker_session=c.session)),
    ("endpoint name empty", "endpoint_name", lambda c: Predictor("", sagemaker_session=c.session)),
    ("serializer object", "serializer", lambda c: predictor(c, serializer=object())),
    ("deserializer string", "deserializer", lambda c: predictor(c, deserializer="application/json")),
    ("initial args not a dict", "initial_args", lambda c: predictor(c).predict(b"x", initial_args="Accept")),
    ("inference id too long", "inference_id", lambda c: predictor(c).predict(b"x", inference_id="i" * 65)),
    (
        "custom attributes too long",
        "custom_attributes",
        lambda c: predictor(c).predict(b"x", custom_attributes="a" * 1025),
    ),
    ("target model empty", "target_model", lambda c: predictor(c).predict(b"x", target_model="")),
    ("bytes predictor given a dict", "data", lambda c: predictor(c).predict({"a": 1})),
    ("json data not serializable", "data", lambda c: predictor(c, serializer=JSONSerializer()).predict(object())),
    ("csv given a dict", "data", lambda c: predictor(c, serializer=CSVSerializer()).predict({"a": 1})),
    ("csv given nothing", "data", lambda c: predictor(c, serializer=CSVSerializer()).predict([])),
    ("ragged numpy data", "data", lambda c: predictor(c, serializer=NumpySerializer()).predict([[1, 2], [3]])),
    ("tf predictor json data", "data", lambda c: TensorFlowPredictor("ep", c.session).predict({"instances": {1, 2}})),
    ("tf model version", "model_version", lambda c: TensorFlowPredictor("ep", c.session, model_version="latest")),
    ("tf model name with comma", "model_name", lambda c: TensorFlowPredictor("ep", c.session, model_name="a,b")),
    ("update count without type", "instance_type", lambda c: update(c, initial_instance_count=2)),
    ("update model name invalid", "model_name", lambda c: update(c, model_name="bad_name")),
    ("update accelerator", "accelerator_type", lambda c: update(c, accelerator_type="ml.eia2.medium")),
    ("update tags", "tags", lambda c: update(c, tags="team=ml")),
    ("update capture config", "data_capture_config_dict", lambda c: update(c, data_capture_config_dict=["x"])),
    # Estimator.deploy
    (
        "estimator deploy before fit",
        "model_data",
        lambda c: Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=c.session).deploy(1, "ml.m5.large"),
    ),
    (
        "estimator deploy count zero",
        "initial_instance_count",
        lambda c: Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=c.session).deploy(0, "ml.m5.large"),
    ),
    (
        "estimator deploy model name",
        "model_name",
        lambda c: Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=c.session).deploy(
            1, "ml.m5.large", model_name="a b"
        ),
    ),
    *[
        (f"session endpoint_from_model_data {what}", parameter, _from_model_data(**kwargs))
        for what, parameter, kwargs in [
            ("empty image", "image_uri", {"image_uri": ""}),
            ("model data not a URI", "model_data", {"model_s3_location": "not-a-uri"}),
            ("Elastic Inference", "accelerator_type", {"accelerator_type": "ml.eia1.medium"}),
            ("wait not a bool", "wait", {"wait": "yes"}),
            ("VPC without security groups", "vpc_config", {"model_vpc_config": {"Subnets": []}}),
            ("instance type without ml.", "instance_type", {"instance_type": "m5.large"}),
        ]
    ],
]

EXTENDED: list[Any] = [
    # --- Estimator ------------------------------------------------------------------------------------
    (
        "instance groups not a list",
        "instance_groups",
        lambda c: est(c, instance_count=None, instance_type=None, instance_groups="workers"),
    ),
    (
        "instance groups with a count",
        "instance_groups",
        lambda c: est(c, instance_groups=[InstanceGroup("g", "ml.m5.large", 1)]),
    ),
    ("instance group type", "instance_type", lambda c: InstanceGroup("g", "m5.large", 1)),
    ("instance group count zero", "instance_count", lambda c: InstanceGroup("g", "ml.m5.large", 0)),
    ("instance group name empty", "instance_group_name", lambda c: InstanceGroup("", "ml.m5.large", 1)),
    ("volume kms key empty", "volume_kms_key", lambda c: est(c, volume_kms_key="")),
    ("output kms key int", "output_kms_key", lambda c: est(c, output_kms_key=5)),
    ("max pending time too small", "max_pending_time", lambda c: est(c, max_pending_time=60)),
    ("max pending time too large", "max_pending_time", lambda c: est(c, max_pending_time=10**8)),
    ("output compression flag str", "disable_output_compression", lambda c: est(c, disable_output_compression="yes")),
    ("base job name empty", "base_job_name", lambda c: est(c, base_job_name="")),
    ("hyperparameters a list", "hyperparameters", lambda c: est(c, hyperparameters=[("epochs", 1)])),
    (
        "security group id malformed",
        "security_group_ids",
        lambda c: est(c, subnets=["subnet-1"], security_group_ids=["group-1"]),
    ),
    ("model channel name empty", "model_channel_name", lambda c: est(c, model_channel_name="")),
    (
        "metric definitions a dict",
        "metric_definitions",
        lambda c: est(c, metric_definitions={"Name": "loss", "Regex": "loss=(.*)"}),
    ),
    (
        "metric definition extra key",
        "metric_definitions",
        lambda c: est(c, metric_definitions=[{"Name": "loss", "Regex": "x", "Unit": "s"}]),
    ),
    ("network isolation str", "enable_network_isolation", lambda c: est(c, enable_network_isolation="true")),
    ("traffic encryption int", "encrypt_inter_container_traffic", lambda c: est(c, encrypt_inter_container_traffic=1)),
    ("spot flag str", "use_spot_instances", lambda c: est(c, use_spot_instances="True")),
    ("environment a list", "environment", lambda c: est(c, environment=["A=1"])),
    ("environment key int", "environment", lambda c: est(c, environment={1: "a"})),
    ("retry attempts zero", "max_retry_attempts", lambda c: est(c, max_retry_attempts=0)),
    ("keep alive negative", "keep_alive_period_in_seconds", lambda c: est(c, keep_alive_period_in_seconds=-1)),
    ("metrics flag str", "enable_sagemaker_metrics", lambda c: est(c, enable_sagemaker_metrics="yes")),
    (
        "container entry point a string",
        "container_entry_point",
        lambda c: est(c, container_entry_point="python train.py"),
    ),
    ("container arguments ints", "container_arguments", lambda c: est(c, container_arguments=[1, 2])),
    (
        "repository access mode",
        "training_repository_access_mode",
        lambda c: est(c, training_repository_access_mode="Private"),
    ),
    (
        "credentials provider without access mode",
        "training_repository_credentials_provider_arn",
        lambda c: est(
            c, training_repository_credentials_provider_arn="arn:aws:lambda:us-west-2:123456789012:function:f"
        ),
    ),
    ("debugger hook str", "debugger_hook_config", lambda c: est(c, debugger_hook_config="on")),
    ("profiler flag str", "disable_profiler", lambda c: est(c, disable_profiler="no")),
    ("tag key too long", "tags", lambda c: est(c, tags={"k" * 129: "v"})),
    ("tag value too long", "tags", lambda c: est(c, tags={"k": "v" * 257})),
    ("tag key empty", "tags", lambda c: est(c, tags={"": "v"})),
    ("role ARN of a user", "role", lambda c: est(c, role="arn:aws:iam::123456789012:user/bob")),
    ("model uri bucket invalid", "model_uri", lambda c: est(c, model_uri="s3://A_B/model.tar.gz")),
    ("instance type upper case", "instance_type", lambda c: est(c, instance_type="ML.M5.LARGE")),
    ("instance type assigned", "instance_type", lambda c: assign(est(c), "instance_type", "large")),
    ("volume size assigned", "volume_size", lambda c: assign(est(c), "volume_size", -5)),
    ("job name trailing hyphen", "job_name", lambda c: fit(c, fit_kwargs={"job_name": "job-"})),
    ("job name int", "job_name", lambda c: fit(c, fit_kwargs={"job_name": 123})),
    ("experiment config a string", "experiment_config", lambda c: fit(c, fit_kwargs={"experiment_config": "exp"})),
    # --- the service model's limits, checked before any upload (issue 11 item 11) ---------------------
    ("101 hyperparameters", "hyperparameters", lambda c: fit(c, hyperparameters={f"h{i}": i for i in range(101)})),
    (
        "hyperparameter value too long",
        "hyperparameters['notes']",
        lambda c: fit(c, hyperparameters={"notes": "n" * 2501}),
    ),
    (
        "hyperparameter key too long",
        "hyperparameters['" + "k" * 257 + "']",
        lambda c: fit(c, hyperparameters={"k" * 257: 1}),
    ),
    (
        "tf hyperparameters over 100 with the reserved ones (no code upload)",
        "hyperparameters",
        lambda c: tf_fit(c, hyperparameters={f"h{i}": i for i in range(95)}),
    ),
    (
        "tf hyperparameter value too long (no code upload)",
        "hyperparameters['notes']",
        lambda c: tf_fit(c, hyperparameters={"notes": "n" * 2500}),  # JSON quotes make it 2,502
    ),
    ("environment key not a variable name", "environment['1BAD']", lambda c: fit(c, environment={"1BAD": "v"})),
    ("environment value too long", "environment['V']", lambda c: fit(c, environment={"V": "v" * 513})),
    ("101 environment variables", "environment", lambda c: fit(c, environment={f"V{i}": "v" for i in range(101)})),
    ("51 tags", "tags", lambda c: fit(c, tags={f"k{i}": "v" for i in range(51)})),
    ("tag key with the reserved aws: prefix", "tags", lambda c: fit(c, tags={"aws:team": "ml"})),
    ("tag value with a forbidden character", "tags", lambda c: fit(c, tags={"team": "ml;drop"})),
    ("21 channels", "inputs", lambda c: fit(c, {f"c{i}": "s3://in-bucket/a" for i in range(21)})),
    (
        "channel URI over 1024 characters",
        "inputs['train'].s3_data",
        lambda c: fit(c, {"train": "s3://in-bucket/" + "k" * 1010}),
    ),
    (
        "17 subnets",
        "subnets",
        lambda c: fit(c, subnets=[f"subnet-{i}" for i in range(17)], security_group_ids=["sg-1"]),
    ),
    (
        "6 security groups",
        "security_group_ids",
        lambda c: fit(c, subnets=["subnet-1"], security_group_ids=[f"sg-{i}" for i in range(6)]),
    ),
    (
        "41 metric definitions",
        "metric_definitions",
        lambda c: fit(c, metric_definitions=[{"Name": f"m{i}", "Regex": "x=(.*)"} for i in range(41)]),
    ),
    (
        "metric regex too long",
        "metric_definitions[0].Regex",
        lambda c: fit(c, metric_definitions=[{"Name": "m", "Regex": "r" * 501}]),
    ),
    ("output path over 1024 characters", "output_path", lambda c: fit(c, output_path="s3://out-bucket/" + "o" * 1010)),
    (
        "checkpoint uri over 1024 characters",
        "checkpoint_s3_uri",
        lambda c: fit(c, checkpoint_s3_uri="s3://out-bucket/" + "c" * 1010),
    ),
    ("101 container arguments", "container_arguments", lambda c: fit(c, container_arguments=["a"] * 101)),
    ("image uri over 255 characters", "image_uri", lambda c: fit(c, image_uri="i" * 256)),
    ("kms key with a space", "output_kms_key", lambda c: fit(c, output_kms_key="my key")),
    (
        "experiment name with a space",
        "experiment_config['ExperimentName']",
        lambda c: fit(c, fit_kwargs={"experiment_config": {"ExperimentName": "my experiment"}}),
    ),
    (
        "model_uri and a channel named model",
        "model_uri",
        lambda c: fit(c, {"model": "s3://in-bucket/m"}, model_uri="s3://in-bucket/model.tar.gz"),
    ),
    (
        "network isolation and a channel named code (no code upload)",
        "inputs",
        lambda c: tf_fit(c, {"code": "s3://in-bucket/c"}, enable_network_isolation=True),
    ),
    (
        "tf code location making the code URI too long (no code upload)",
        "hyperparameters['sagemaker_submit_directory']",
        lambda c: tf_fit(c, code_location="s3://out-bucket/" + "p" * 2480),
    ),
    (
        "transform env key not a variable name",
        "env['1BAD']",
        lambda c: (
            __import__("sagemaker_lite.transformer", fromlist=["x"])
            .Transformer(
                "m", 1, "ml.m5.large", env={"1BAD": "x"}, output_path="s3://out-bucket/t", sagemaker_session=c.session
            )
            .transform("s3://in-bucket/data", wait=False)
        ),
    ),
    # --- arguments of every public constructor and method (issue 11 item 12) --------------------------
    ("tf hyperparameters a string", "hyperparameters", lambda c: tf(c, hyperparameters="epochs=10")),
    ("tf dependencies holding None", "dependencies", lambda c: tf(c, dependencies=[None])),
    ("tf framework version an int", "framework_version", lambda c: tf(c, framework_version=2)),
    ("model dependencies holding None", "dependencies", lambda c: model(c, dependencies=[None])),
    (
        "session bucket prefix a list",
        "default_bucket_prefix",
        lambda c: Session(boto_session=c.boto, default_bucket_prefix=["a"]),
    ),
    (
        "session endpoint urls a list",
        "endpoint_urls",
        lambda c: Session(boto_session=c.boto, endpoint_urls=["http://x:1"]),
    ),
    (
        "session endpoint url without a scheme",
        "endpoint_url",
        lambda c: Session(boto_session=c.boto, endpoint_url="localhost:5000"),
    ),
    (
        "session endpoint urls value not a URL",
        "endpoint_urls['sagemaker']",
        lambda c: Session(boto_session=c.boto, endpoint_urls={"sagemaker": 5000}),
    ),
    (
        "session botocore config with an unknown key",
        "botocore_config",
        lambda c: Session(boto_session=c.boto, botocore_config={"read_timout": 5}),
    ),
    (
        "session botocore config a string",
        "botocore_config",
        lambda c: Session(boto_session=c.boto, botocore_config="fast"),
    ),
    ("session boto session an int", "boto_session", lambda c: Session(boto_session=5)),
    ("session default bucket a float", "default_bucket", lambda c: Session(boto_session=c.boto, default_bucket=1.5)),
    ("session polling a dict", "polling", lambda c: Session(boto_session=c.boto, polling={"initial": 1})),
    ("session region an int", "region_name", lambda c: Session(boto_session=c.boto, region_name=5)),
    (
        "local session root an int",
        "root",
        lambda c: __import__("sagemaker_lite.local", fromlist=["x"]).LocalSession(boto_session=c.boto, root=5),
    ),
    (
        "local session stop timeout zero",
        "stop_timeout",
        lambda c: __import__("sagemaker_lite.local", fromlist=["x"]).LocalSession(boto_session=c.boto, stop_timeout=0),
    ),
    ("upload_data of None", "path", lambda c: c.session.upload_data(None)),
    ("upload_data bucket an int", "bucket", lambda c: c.session.upload_data(str(c.src), bucket=5)),
    ("upload_data key prefix an int", "key_prefix", lambda c: c.session.upload_data(str(c.src), key_prefix=5)),
    ("upload_data extra args a list", "extra_args", lambda c: c.session.upload_data(str(c.src), extra_args=["SSE"])),
    ("download_data key prefix None", "key_prefix", lambda c: c.session.download_data(str(c.src), "in-bucket", None)),
    (
        "upload_string_as_file_body body an int",
        "body",
        lambda c: c.session.upload_string_as_file_body(5, "in-bucket", "k"),
    ),
    ("read_s3_file key an int", "key_prefix", lambda c: c.session.read_s3_file("in-bucket", 5)),
    ("expand_role of an int", "role", lambda c: c.session.expand_role(5)),
    ("fit wait a string", "wait", lambda c: est(c).fit("s3://in-bucket/t", wait="no")),
    ("attach model channel an int", "model_channel_name", lambda c: Estimator.attach("job", c.session, 5)),
    ("attach wait a string", "wait", lambda c: Estimator.attach("job", c.session, wait="no")),
    ("attach logs unknown", "logs", lambda c: Estimator.attach("job", c.session, logs="Everything")),
    ("update_endpoint kms key an int", "kms_key", lambda c: predictor(c).update_endpoint(kms_key=5)),
    ("update_endpoint wait a string", "wait", lambda c: predictor(c).update_endpoint(wait="yes")),
    ("retrieve framework a list", "framework", lambda c: image_uris.retrieve(["xgboost"], "us-west-2", "1.7-1")),
    ("retrieve instance type an int", "instance_type", lambda c: tf_retrieve(instance_type=5)),
    ("retrieve accelerator type an int", "accelerator_type", lambda c: tf_retrieve(accelerator_type=5)),
    (
        "predict initial args with an unknown field",
        "initial_args['Priority']",
        lambda c: predictor(c).predict(b"x", initial_args={"Priority": "high"}),
    ),
    ("predict payload over 6 MB", "data", lambda c: predictor(c).predict(b"x" * (6 * 1024 * 1024 + 1))),
    # --- inputs ---------------------------------------------------------------------------------------
    ("inputs a list of URIs", "inputs['training']", lambda c: fit(c, ["s3://in-bucket/a", "s3://in-bucket/b"])),
    ("channel name too long", "inputs", lambda c: fit(c, {"c" * 65: "s3://in-bucket/a"})),
    ("channel name int", "inputs", lambda c: fit(c, {1: "s3://in-bucket/a"})),
    ("channel value None", "inputs['train']", lambda c: fit(c, {"train": None})),
    ("channel value a request dict", "inputs['train']", lambda c: fit(c, {"train": {"S3Uri": "s3://b/a"}})),
    ("channel URI without bucket", "inputs['train']", lambda c: fit(c, {"train": "s3://"})),
    ("training input URI int", "s3_data", lambda c: TrainingInput(42)),
    ("training input content type empty", "content_type", lambda c: TrainingInput("s3://in-bucket/t", content_type="")),
    pytest.param(
        "training input shuffle config int",
        "shuffle_config",
        lambda c: TrainingInput("s3://in-bucket/t", shuffle_config=42),
        id="training input shuffle config int",
    ),
    (
        "training input instance groups str",
        "instance_groups",
        lambda c: TrainingInput("s3://in-bucket/t", instance_groups="workers"),
    ),
    (
        "training input target attribute empty",
        "target_attribute_name",
        lambda c: TrainingInput("s3://in-bucket/t", target_attribute_name=""),
    ),
    (
        "target attribute name at fit (AutoML only; issue 11 item 15)",
        "inputs['t'].target_attribute_name",
        lambda c: fit(c, {"t": TrainingInput("s3://in-bucket/t", target_attribute_name="label")}),
    ),
    ("shuffle seed str", "seed", lambda c: ShuffleConfig("1")),
    ("file system directory empty", "directory_path", lambda c: FileSystemInput("fs-0123456789abcdef0", "EFS", "")),
    ("file system id upper case", "file_system_id", lambda c: FileSystemInput("fs-0123456789ABCDEF0", "EFS", "/d")),
    (
        "file system content type int",
        "content_type",
        lambda c: FileSystemInput("fs-0123456789abcdef0", "EFS", "/d", content_type=3),
    ),
    (
        "file system type lower case",
        "file_system_type",
        lambda c: FileSystemInput("fs-0123456789abcdef0", "fsxlustre", "/d"),
    ),
    # --- TensorFlow -----------------------------------------------------------------------------------
    ("tf entry point not in source dir", "entry_point", lambda c: tf_fit(c, entry_point="nope.py")),
    ("tf source dir missing", "source_dir", lambda c: tf_fit(c, source_dir="/no/such/dir")),
    ("tf source dir is a file", "source_dir", lambda c: tf_fit(c, source_dir=str(c.src / "train.py"))),
    (
        "tf entry point missing without source dir",
        "entry_point",
        lambda c: tf_fit(c, source_dir=None, entry_point="/no/train.py"),
    ),
    ("tf entry point None", "entry_point", lambda c: tf_fit(c, entry_point=None)),
    ("tf dependency missing", "dependencies", lambda c: tf_fit(c, dependencies=["/no/lib"])),
    ("tf dependency name taken", "dependencies", lambda c: tf_fit(c, dependencies=[str(c.src / "train.py")])),
    ("tf model_dir int", "model_dir", lambda c: tf(c, model_dir=5)),
    ("tf model_dir http", "model_dir", lambda c: tf(c, model_dir="http://host/model")),
    ("tf py version int", "py_version", lambda c: tf(c, py_version=310)),
    ("tf distribution strategy not a dict", "distribution['mpi']", lambda c: tf(c, distribution={"mpi": True})),
    (
        "tf mpi options int",
        "distribution['mpi']['custom_mpi_options']",
        lambda c: tf(c, distribution={"mpi": {"enabled": True, "custom_mpi_options": 3}}),
    ),
    ("tf reserved hyperparameter set later", "hyperparameters", lambda c: set_then_fit(c, sagemaker_region="x")),
    ("tf log level a name", "container_log_level", lambda c: tf(c, container_log_level="INFO")),
    ("tf no versions and no image", "framework_version", lambda c: tf(c, framework_version=None, py_version=None)),
    ("tf code location bucket invalid", "code_location", lambda c: tf(c, code_location="s3://Bad_Bucket/x")),
    ("tf instance type without an image", "instance_type", lambda c: tf(c, instance_type="ml.inf1.xlarge")),
    (
        "tf checkpoint path without uri",
        "checkpoint_local_path",
        lambda c: tf(c, checkpoint_local_path="/opt/ml/checkpoints"),
    ),
    pytest.param(
        "tf source dir an s3 prefix",
        "source_dir",
        lambda c: tf_fit(c, source_dir="s3://in-bucket/code/"),
        id="tf source dir an s3 prefix",
    ),
    # --- Model / deploy -------------------------------------------------------------------------------
    ("model env a list", "env", lambda c: model(c, env=["A=1"])),
    ("model env key int", "env", lambda c: model(c, env={1: "a"})),
    ("model image a file URI", "image_uri", lambda c: model(c, image_uri="file:///image")),
    ("model image empty", "image_uri", lambda c: model(c, image_uri="")),
    ("model data bucket invalid", "model_data", lambda c: model(c, model_data="s3://B/m.tar.gz")),
    ("model name leading hyphen", "name", lambda c: model(c, name="-model")),
    ("model name int", "name", lambda c: model(c, name=5)),
    (
        "vpc config extra key",
        "vpc_config",
        lambda c: model(c, vpc_config={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"], "VpcId": "vpc-1"}),
    ),
    (
        "vpc config no subnets",
        "vpc_config",
        lambda c: model(c, vpc_config={"Subnets": [], "SecurityGroupIds": ["sg-1"]}),
    ),
    ("vpc config a string", "vpc_config", lambda c: model(c, vpc_config="vpc-1")),
    ("model entry point int", "entry_point", lambda c: model(c, entry_point=5)),
    ("model kms key empty", "model_kms_key", lambda c: model(c, model_kms_key="")),
    ("model log level too high", "container_log_level", lambda c: model(c, container_log_level=60)),
    ("model role of a user", "role", lambda c: model(c, role="arn:aws:iam::123456789012:user/x")),
    ("model name assigned", "name", lambda c: assign(model(c), "name", "bad name")),
    ("delete a model without a name", "name", lambda c: model(c).delete_model()),
    ("model env key not a variable name", "env['1BAD']", lambda c: deploy(c, model_kwargs={"env": {"1BAD": "x"}})),
    ("model env value over 1024 characters", "env['V']", lambda c: deploy(c, model_kwargs={"env": {"V": "v" * 1025}})),
    (
        "model env over 32 KB in all (documented, not modeled)",
        "env",
        lambda c: deploy(c, model_kwargs={"env": {f"V{i}": "v" * 1000 for i in range(40)}}),
    ),
    ("deploy 51 tags", "tags", lambda c: deploy(c, tags={f"k{i}": "v" for i in range(51)})),
    (
        "deploy data capture destination over 512 characters",
        "data_capture_config.destination_s3_uri",
        lambda c: deploy(
            c, data_capture_config=DataCaptureConfig(True, destination_s3_uri="s3://out-bucket/" + "d" * 600)
        ),
    ),
    (
        "model with inference code and a bad env key (no repack upload)",
        "env['1BAD']",
        lambda c: deploy(c, model_kwargs={"entry_point": "train.py", "source_dir": str(c.src), "env": {"1BAD": "x"}}),
    ),
    ("deploy count a float", "initial_instance_count", lambda c: deploy(c, initial_instance_count=1.0)),
    ("deploy instance type without size", "instance_type", lambda c: deploy(c, instance_type="ml.m5")),
    ("deploy tags a list of strings", "tags", lambda c: deploy(c, tags=["team"])),
    ("deploy volume too large", "volume_size", lambda c: deploy(c, volume_size=513)),
    ("deploy endpoint name int", "endpoint_name", lambda c: deploy(c, endpoint_name=5)),
    pytest.param(
        "data capture enable str",
        "enable_capture",
        lambda c: DataCaptureConfig("yes"),
        id="data capture enable str",
    ),
    ("data capture kms key empty", "kms_key_id", lambda c: DataCaptureConfig(True, kms_key_id="")),
    ("serverless memory a string", "memory_size_in_mb", lambda c: ServerlessInferenceConfig(memory_size_in_mb="2048")),
    (
        "serverless provisioned zero",
        "provisioned_concurrency",
        lambda c: ServerlessInferenceConfig(provisioned_concurrency=0),
    ),
    (
        "serverless with a volume",
        "volume_size",
        lambda c: deploy(
            c,
            initial_instance_count=None,
            instance_type=None,
            volume_size=10,
            serverless_inference_config=ServerlessInferenceConfig(),
        ),
    ),
    ("tf model image is model data", "image_uri", lambda c: tf_model(c, image_uri="s3://in-bucket/image")),
    ("tf model data a relative path", "model_data", lambda c: tf_model(c, model_data="model.tar.gz")),
    ("tf model unknown keyword", "framework", lambda c: tf_model(c, framework="tensorflow")),
    (
        "tf model local data outside local mode",
        "model_data",
        lambda c: tf_model(c, model_data="file:///m.tar.gz").deploy(1, "ml.m5.large"),
    ),
    # --- Predictor ------------------------------------------------------------------------------------
    ("target variant too long", "target_variant", lambda c: predictor(c).predict(b"x", target_variant="v" * 1025)),
    ("custom attributes int", "custom_attributes", lambda c: predictor(c).predict(b"x", custom_attributes=5)),
    ("inference id empty", "inference_id", lambda c: predictor(c).predict(b"x", inference_id="")),
    ("initial args with int keys", "initial_args", lambda c: predictor(c).predict(b"x", initial_args={1: "a"})),
    ("predictor endpoint int", "endpoint_name", lambda c: Predictor(5, sagemaker_session=c.session)),
    ("predictor endpoint too long", "endpoint_name", lambda c: Predictor("e" * 64, sagemaker_session=c.session)),
    ("serializer class not instance", "serializer", lambda c: predictor(c, serializer=JSONSerializer)),
    pytest.param(
        "deserializer class not instance",
        "deserializer",
        lambda c: predictor(c, deserializer=JSONDeserializer),
        id="deserializer class not instance",
    ),
    ("csv rows of dicts", "data", lambda c: predictor(c, serializer=CSVSerializer()).predict([{"a": 1}])),
    ("bytes predictor given an int", "data", lambda c: predictor(c).predict(5)),
    (
        "update to zero instances",
        "initial_instance_count",
        lambda c: predictor(c).update_endpoint(initial_instance_count=0, instance_type="ml.m5.large"),
    ),
    (
        "update to a bad instance type",
        "instance_type",
        lambda c: predictor(c).update_endpoint(initial_instance_count=1, instance_type="m5"),
    ),
    (
        "tf predictor negative version",
        "model_version",
        lambda c: TensorFlowPredictor("ep", c.session, model_version="-1"),
    ),
    ("tf predictor empty model name", "model_name", lambda c: TensorFlowPredictor("ep", c.session, model_name="")),
    ("tf predictor endpoint underscore", "endpoint_name", lambda c: TensorFlowPredictor("ep_1", c.session)),
    ("v1 predictor without a name", "endpoint_name", lambda c: v1_predictor()),
    # --- image URIs -----------------------------------------------------------------------------------
    ("uri framework unknown", "framework", lambda c: image_uris.retrieve("tensorflowx", "us-west-2")),
    ("uri region unknown", "region", lambda c: image_uris.retrieve("xgboost", "mars-east-1", "1.7-1")),
    ("uri version unknown", "version", lambda c: image_uris.retrieve("xgboost", "us-west-2", "0.0-0")),
    ("uri py version", "py_version", lambda c: tf_retrieve(py_version="py27")),
    ("uri scope unknown", "image_scope", lambda c: tf_retrieve(image_scope="serving")),
    ("uri JumpStart model id", "model_id", lambda c: image_uris.retrieve("huggingface", "us-west-2", model_id="x")),
    ("uri container version with a space", "container_version", lambda c: tf_retrieve(container_version="a b")),
    (
        "uri inference tool",
        "inference_tool",
        lambda c: image_uris.retrieve(
            "pytorch",
            "us-west-2",
            "2.1",
            py_version="py310",
            instance_type="ml.m5.large",
            image_scope="inference",
            inference_tool="tpu",
        ),
    ),
    ("uri no region anywhere", "region", lambda c: image_uris.retrieve("xgboost", None, "1.7-1")),
    ("uri instance type malformed", "instance_type", lambda c: tf_retrieve(instance_type="m5.large")),
    (
        "uri sdk version with a space",
        "sdk_version",
        lambda c: image_uris.retrieve(
            "pytorch",
            "us-west-2",
            "1.13",
            py_version="py38",
            instance_type="ml.inf2.xlarge",
            image_scope="inference",
            sdk_version="bad version",
        ),
    ),
    ("uri versions of an unknown framework", "framework", lambda c: image_uris.versions("nope")),
    ("uri processor undecidable", "instance_type", lambda c: tf_retrieve(instance_type=None)),
    pytest.param(
        "v1 get_image_uri unknown algorithm",
        "repo_name",
        v1_image_uri,
        id="v1 get_image_uri unknown algorithm",
    ),
    # --- local mode -----------------------------------------------------------------------------------
    ("local file system channel", "efs", lambda c: local_fit(c, {"efs": FS}, **VPC)),
    (
        "local augmented manifest channel",
        "manifest",
        lambda c: local_fit(
            c,
            {"manifest": TrainingInput(f"file://{c.src}", s3_data_type="AugmentedManifestFile", attribute_names=["a"])},
        ),
    ),
    ("local output path without scheme", "output_path", lambda c: local_est(c, output_path="out/dir")),
    ("local gpu typo", "instance_type", lambda c: local_est(c, instance_type="local_gpus")),
    ("local checkpoint path not a URI", "checkpoint_s3_uri", lambda c: local_est(c, checkpoint_s3_uri="/tmp/ckpt")),
    ("local image without a program or docker", "sagemaker_program", lambda c: local_fit(c, hyperparameters={})),
    (
        "local tf entry point missing",
        "entry_point",
        lambda c: TensorFlow(
            entry_point="nope.py",
            source_dir=str(c.src),
            framework_version="2.13",
            py_version="py310",
            instance_count=1,
            instance_type="local",
            sagemaker_session=c.local(),
        ).fit(wait=False),
    ),
    (
        "local tf distribution unknown",
        "distribution",
        lambda c: TensorFlow(
            entry_point="train.py",
            source_dir=str(c.src),
            framework_version="2.13",
            py_version="py310",
            instance_count=1,
            instance_type="local",
            distribution={"horovod": {}},
            sagemaker_session=c.local(),
        ),
    ),
    ("local deploy with a hosted session", "instance_type", lambda c: deploy(c, instance_type="local")),
    (
        "local session retry mode",
        "retry_mode",
        lambda c: __import__("sagemaker_lite.local", fromlist=["LocalSession"]).LocalSession(retry_mode="fast"),
    ),
]

TENSORFLOW: list[Any] = [
    ("unknown framework version", "version", lambda c: tf_bare(c, framework_version="9.9")),
    ("py version not available", "py_version", lambda c: tf_bare(c, py_version="py27")),
    ("framework version missing", "framework_version", lambda c: tf_bare(c, framework_version=None)),
    ("py version missing", "py_version", lambda c: tf_bare(c, py_version=None)),
    ("distribution not a dict", "distribution", lambda c: tf_bare(c, distribution="mpi")),
    (
        "distribution unknown strategy",
        "distribution",
        lambda c: tf_bare(c, distribution={"horovod": {"enabled": True}}),
    ),
    (
        "two strategies",
        "distribution",
        lambda c: tf_bare(
            c, instance_count=2, distribution={"mpi": {"enabled": True}, "parameter_server": {"enabled": True}}
        ),
    ),
    (
        "processes per host zero",
        "distribution['mpi']['processes_per_host']",
        lambda c: tf_bare(c, distribution={"mpi": {"enabled": True, "processes_per_host": 0}}),
    ),
    (
        "smddp on a small instance",
        "instance_type",
        lambda c: tf_bare(
            c,
            framework_version="2.11",
            py_version="py39",
            distribution={"smdistributed": {"dataparallel": {"enabled": True}}},
        ),
    ),
    (
        "smddp on new TF",
        "framework_version",
        lambda c: tf_bare(
            c, instance_type="ml.p4d.24xlarge", distribution={"smdistributed": {"dataparallel": {"enabled": True}}}
        ),
    ),
    (
        "model parallel without mpi",
        "distribution['mpi']",
        lambda c: tf_bare(
            c, instance_type="ml.p3.16xlarge", distribution={"smdistributed": {"modelparallel": {"enabled": True}}}
        ),
    ),
    (
        "mwms on old TF",
        "framework_version",
        lambda c: tf_bare(
            c,
            framework_version="2.4",
            py_version="py37",
            distribution={"multi_worker_mirrored_strategy": {"enabled": True}},
        ),
    ),
    ("model_dir relative", "model_dir", lambda c: tf_bare(c, model_dir="model")),
    ("git_config", "git_config", lambda c: tf_bare(c, git_config={"repo": "https://github.com/x/y.git"})),
    ("reserved hyperparameter", "hyperparameters", lambda c: tf_bare(c, hyperparameters={"sagemaker_program": "x.py"})),
    ("legacy script_mode False", "script_mode", lambda c: tf_bare(c, script_mode=False)),
    ("legacy requirements_file", "requirements_file", lambda c: tf_bare(c, requirements_file="reqs/dev.txt")),
    ("container log level", "container_log_level", lambda c: tf_bare(c, container_log_level=99)),
    ("code location not s3", "code_location", lambda c: tf_bare(c, code_location="/tmp/code")),
    ("dependencies a string", "dependencies", lambda c: tf_bare(c, dependencies="lib")),
]

DEBUGGER: list[Any] = [
    ("rules not a list", "rules", lambda c: est(c, rules="VanishingGradient")),
    ("rules holding a dict", "rules", lambda c: est(c, rules=[rule_configs.vanishing_gradient()])),
    ("duplicate rule names", "rules", lambda c: est(c, rules=[RULE, RULE])),
    (
        "21 rules",
        "rules",
        lambda c: est(c, rules=[Rule.sagemaker(rule_configs.overfit(), name=f"r{i}") for i in range(21)]),
    ),
    ("hook not a config", "debugger_hook_config", lambda c: est(c, debugger_hook_config={"S3OutputPath": "s3://b/x"})),
    ("tensorboard not a config", "tensorboard_output_config", lambda c: est(c, tensorboard_output_config="s3://b/x")),
    ("profiler not a config", "profiler_config", lambda c: est(c, profiler_config={"DisableProfiler": True})),
    (
        "profiler config with disable_profiler",
        "profiler_config",
        lambda c: est(c, disable_profiler=True, profiler_config=ProfilerConfig()),
    ),
    ("profiler rule with disable_profiler", "rules", lambda c: est(c, disable_profiler=True, rules=[PROFILER_RULE])),
    (
        "profiler rule with a disabled ProfilerConfig",
        "rules",
        lambda c: est(c, profiler_config=ProfilerConfig(disable_profiler=True), rules=[PROFILER_RULE]),
    ),
    ("profiler rule on Trainium", "rules", lambda c: est(c, instance_type="ml.trn1.2xlarge", rules=[PROFILER_RULE])),
    (
        "profiler config on Trainium",
        "profiler_config",
        lambda c: est(c, instance_type="ml.trn1.2xlarge", profiler_config=ProfilerConfig()),
    ),
    (
        "hook in a region without Debugger",
        "debugger_hook_config",
        lambda c: in_region(c, "ap-southeast-3", debugger_hook_config=DebuggerHookConfig()),
    ),
    ("rule in a region without Debugger", "rules", lambda c: in_region(c, "eu-central-2", rules=[RULE])),
    (
        "profiler config in a region without it",
        "profiler_config",
        lambda c: in_region(c, "me-central-1", profiler_config=ProfilerConfig()),
    ),
    ("profiler rule in a region without it", "rules", lambda c: in_region(c, "ap-south-2", rules=[PROFILER_RULE])),
    ("rule image missing in region", "rules", lambda c: in_region(c, "il-central-1", rules=[RULE])),
    ("collection name empty", "name", lambda c: CollectionConfig("")),
    (
        "collection parameter value a list",
        "parameters['include_regex']",
        lambda c: CollectionConfig("c", {"include_regex": [".*"]}),
    ),
    ("collection parameters a list", "parameters", lambda c: CollectionConfig("c", ["save_interval"])),
    ("hook path not s3", "s3_output_path", lambda c: DebuggerHookConfig(s3_output_path="/tmp/debug")),
    (
        "hook local path relative",
        "container_local_output_path",
        lambda c: DebuggerHookConfig(container_local_output_path="out"),
    ),
    (
        "hook parameters value None",
        "hook_parameters['save_interval']",
        lambda c: DebuggerHookConfig(hook_parameters={"save_interval": None}),
    ),
    ("hook collections not configs", "collection_configs", lambda c: DebuggerHookConfig(collection_configs=["losses"])),
    (
        "too many collections",
        "debugger_hook_config",
        lambda c: est(
            c,
            debugger_hook_config=DebuggerHookConfig(collection_configs=[CollectionConfig(f"c{i}") for i in range(21)]),
        ),
    ),
    ("tensorboard path missing", "s3_output_path", lambda c: TensorBoardOutputConfig(None)),
    ("tensorboard path not s3", "s3_output_path", lambda c: TensorBoardOutputConfig("tb/")),
    (
        "profiler interval unsupported",
        "system_monitor_interval_millis",
        lambda c: ProfilerConfig(system_monitor_interval_millis=250),
    ),
    ("profiler path not s3", "s3_output_path", lambda c: ProfilerConfig(s3_output_path="profiler")),
    (
        "framework profile params a string",
        "framework_profile_params",
        lambda c: ProfilerConfig(framework_profile_params="x"),
    ),
    ("rule base config a string", "base_config", lambda c: Rule.sagemaker("VanishingGradient")),
    (
        "rule parameters value a dict",
        "rule_parameters['threshold']",
        lambda c: Rule.sagemaker(rule_configs.overfit(), rule_parameters={"threshold": {}}),
    ),
    (
        "rule parameters rule_to_invoke",
        "rule_parameters",
        lambda c: Rule.sagemaker(rule_configs.overfit(), rule_parameters={"rule_to_invoke": "X"}),
    ),
    (
        "rule parameters action_json",
        "rule_parameters",
        lambda c: Rule.sagemaker(rule_configs.overfit(), rule_parameters={"action_json": "[]"}),
    ),
    ("rule actions a string", "actions", lambda c: Rule.sagemaker(rule_configs.overfit(), actions="stop")),
    (
        "rule other trials not s3",
        "other_trials_s3_input_paths",
        lambda c: Rule.sagemaker(rule_configs.similar_across_runs(), other_trials_s3_input_paths=["/tmp/a"]),
    ),
    ("rule name too long", "name", lambda c: Rule.sagemaker(rule_configs.overfit(), name="x" * 257)),
    (
        "rule collections not configs",
        "collections_to_save",
        lambda c: Rule.sagemaker(rule_configs.overfit(), collections_to_save=["losses"]),
    ),
    (
        "custom rule source without rule_to_invoke",
        "rule_to_invoke",
        lambda c: Rule.custom("R", CUSTOM_IMAGE, "ml.t3.medium", 30, source="s3://in-bucket/r.py"),
    ),
    (
        "custom rule rule_to_invoke without source",
        "source",
        lambda c: Rule.custom("R", CUSTOM_IMAGE, "ml.t3.medium", 30, rule_to_invoke="R"),
    ),
    (
        "custom rule missing local source",
        "source",
        lambda c: Rule.custom("R", CUSTOM_IMAGE, "ml.t3.medium", 30, source="nope.py", rule_to_invoke="R"),
    ),
    ("custom rule instance type", "instance_type", lambda c: Rule.custom("R", CUSTOM_IMAGE, "t3.medium", 30)),
    ("custom rule volume zero", "volume_size_in_gb", lambda c: Rule.custom("R", CUSTOM_IMAGE, "ml.t3.medium", 0)),
    ("custom rule image missing", "image_uri", lambda c: Rule.custom("R", None, "ml.t3.medium", 30)),
    (
        "profiler rule base config a dict",
        "base_config",
        lambda c: ProfilerRule.sagemaker(rule_configs.vanishing_gradient()),
    ),
    (
        "profiler rule unknown parameter",
        "CPUBottleneck(treshold=...)",
        lambda c: rule_configs.CPUBottleneck(treshold=5),
    ),
    (
        "profiler rule percentile above 100",
        "CPUBottleneck(threshold=...)",
        lambda c: rule_configs.CPUBottleneck(threshold=150),
    ),
    ("profiler rule positive zero", "BatchSize(window=...)", lambda c: rule_configs.BatchSize(window=0)),
    (
        "profiler rule number as string",
        "LoadBalancing(threshold=...)",
        lambda c: rule_configs.LoadBalancing(threshold="0.5"),
    ),
    ("profiler rule mode not a string", "StepOutlier(mode=...)", lambda c: rule_configs.StepOutlier(mode=1)),
    (
        "profiler report unknown rule",
        "ProfilerReport(GPUThing_threshold=...)",
        lambda c: rule_configs.ProfilerReport(GPUThing_threshold=1),
    ),
    (
        "profiler report unknown parameter",
        "ProfilerReport(CPUBottleneck_nope=...)",
        lambda c: rule_configs.ProfilerReport(CPUBottleneck_nope=1),
    ),
    (
        "profiler report bad value",
        "ProfilerReport(CPUBottleneck_threshold=...)",
        lambda c: rule_configs.ProfilerReport(CPUBottleneck_threshold=500),
    ),
    ("email address", "Email(email_address)", lambda c: rule_configs.Email("not an address")),
    ("phone number", "SMS(phone_number)", lambda c: rule_configs.SMS("555-0100")),
    ("stop training prefix", "StopTraining(training_job_prefix)", lambda c: rule_configs.StopTraining("bad prefix!")),
    ("action list of strings", "actions", lambda c: rule_configs.ActionList("stop")),
    ("wait_for_rules not a bool", "wait_for_rules", lambda c: TrainingJob(c, "job-1").wait(wait_for_rules="yes")),
    ("artifacts path before fit", "latest_training_job", lambda c: est(c).latest_job_debugger_artifacts_path()),
    ("rule summary before fit", "latest_training_job", lambda c: est(c).rule_job_summary()),
]

#: the one table, by section (a row's id is "<section>: <what>")
SECTIONS: dict[str, list[Any]] = {
    "training": TRAINING,
    "hosting": HOSTING,
    "extended": EXTENDED,
    "tensorflow": TENSORFLOW,
    "debugger": DEBUGGER,
}


def _params(section: str, case: Any) -> Any:
    if hasattr(case, "values"):
        _, parameter, call = case.values
        return pytest.param(parameter, call, marks=case.marks, id=f"{section}: {case.id}")
    what, parameter, call = case
    return pytest.param(parameter, call, id=f"{section}: {what}")


CASES: list[Any] = [_params(section, case) for section, rows in SECTIONS.items() for case in rows]


@pytest.fixture
def ctx(tmp_path: Path) -> Ctx:
    src = tmp_path / "src"
    src.mkdir()
    (src / "train.py").write_text("print('train')\n")
    boto = fake_boto_session()
    refuser = RefusingAWS()
    refuser.install(boto)
    return Ctx(Session(boto_session=boto, default_bucket="out-bucket"), src, tmp_path / "local-root", boto, refuser)


@pytest.mark.parametrize(("parameter", "call"), CASES)
def test_bad_input_is_refused_before_anything_happens(ctx: Ctx, parameter: str, call: Case) -> None:
    with pytest.raises(SageMakerLiteError) as info:
        call(ctx)
    error = info.value
    assert isinstance(error, (ValidationError, LocalModeError)), repr(error)
    assert parameter in str(error), str(error)
    if isinstance(error, ValidationError):
        assert error.parameter == parameter, str(error)
    assert ctx.refuser.calls == []  # no API call, no S3 write
    jobs = ctx.local_root / "jobs"
    assert not jobs.exists() or list(jobs.iterdir()) == []  # local mode started nothing


def test_the_table_keeps_every_case() -> None:
    """435 rows when the five corpora became this table; ids stay unique (each names its case)."""
    assert len(CASES) >= 435
    assert len({case.id for case in CASES}) == len(CASES)
