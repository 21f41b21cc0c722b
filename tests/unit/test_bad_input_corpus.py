"""The extended bad-input corpus: Estimator, TensorFlow, inputs, Model/deploy, Predictor, image URIs, local mode.

None of these cases repeats one in test_bad_inputs.py, test_tensorflow.py or test_hosting_bad_inputs.py.
Each raises the documented error class - ``ValidationError`` (``ConfigurationError`` for the environment),
``LocalModeError`` where local mode cannot do what was asked - with a message naming the parameter, and
reaches nothing: every AWS request any client of the Session tries is refused and counted (S3 writes
included), and local mode creates no job.

Six SDK gaps found while building the corpus (wrong error class, or a request reaching the API) are
fixed; their cases stay here as regressions (docs/robustness.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.offline import IMAGE, ROLE, CallRecorder, fake_boto_session

from sagemaker_lite import Session, image_uris
from sagemaker_lite.deserializers import JSONDeserializer
from sagemaker_lite.errors import LocalModeError, SageMakerLiteError, ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.hosting import DataCaptureConfig, ServerlessInferenceConfig
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor
from sagemaker_lite.serializers import CSVSerializer, JSONSerializer
from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel, TensorFlowPredictor
from sagemaker_lite.training import InstanceGroup

DATA = "s3://in-bucket/model.tar.gz"


@dataclass
class Ctx:
    """What a case may use: an offline Session, a LocalSession factory and a real source dir."""

    session: Session
    src: Path
    local_root: Path
    boto: Any

    def local(self) -> Any:
        from sagemaker_lite.local import LocalSession

        return LocalSession(boto_session=self.boto, root=self.local_root)


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


Case = Callable[[Ctx], Any]
FS = FileSystemInput("fs-0123456789abcdef0", "EFS", "/data")
VPC = {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}

CASES: list[Any] = [
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
    ("hyperparameter key too long", "hyperparameters", lambda c: fit(c, hyperparameters={"k" * 257: 1})),
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
    ("inputs a list of URIs", "inputs", lambda c: fit(c, ["s3://in-bucket/a", "s3://in-bucket/b"])),
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


def _id(case: Any) -> str:
    return str(case.id if hasattr(case, "id") else case[0])


def _params(case: Any) -> Any:
    if hasattr(case, "values"):
        what, parameter, call = case.values
        return pytest.param(parameter, call, marks=case.marks, id=case.id)
    what, parameter, call = case
    return pytest.param(parameter, call, id=what)


@pytest.fixture
def ctx(tmp_path: Path) -> Ctx:
    src = tmp_path / "src"
    src.mkdir()
    (src / "train.py").write_text("print('train')\n")
    boto = fake_boto_session()
    return Ctx(Session(boto_session=boto, default_bucket="out-bucket"), src, tmp_path / "local-root", boto)


@pytest.mark.parametrize(("parameter", "call"), [_params(case) for case in CASES])
def test_bad_input_is_refused_before_anything_happens(ctx: Ctx, parameter: str, call: Case) -> None:
    recorder = CallRecorder(ctx.boto)  # every request of every client of this boto session: refused, counted
    with pytest.raises(SageMakerLiteError) as info:
        call(ctx)
    error = info.value
    assert isinstance(error, (ValidationError, LocalModeError)), repr(error)
    assert parameter in str(error), str(error)
    if isinstance(error, ValidationError):
        assert error.parameter.split("[")[0] == parameter.split("[")[0] or error.parameter == parameter
    assert recorder.calls == []  # no API call, no S3 write
    jobs = ctx.local_root / "jobs"
    assert not jobs.exists() or list(jobs.iterdir()) == []  # local mode started nothing


def test_corpus_size() -> None:
    """This corpus adds >= 80 cases; with the earlier files the whole corpus is counted here."""
    import test_bad_inputs
    import test_hosting_bad_inputs
    import test_tensorflow

    earlier = len(test_bad_inputs.CASES) + len(test_tensorflow.BAD) + len(test_hosting_bad_inputs.CASES)
    assert len(CASES) >= 80
    assert len({_id(case) for case in CASES}) == len(CASES)  # ids are unique
    assert earlier + len(CASES) >= 230, earlier + len(CASES)
