"""LocalSession: a Session whose SageMaker, SageMaker Runtime and CloudWatch Logs clients are this machine.

    from sagemaker_lite.local import LocalSession
    from sagemaker_lite.estimator import Estimator

    session = LocalSession()                      # no AWS account, role or region needed
    est = Estimator(image_uri="local-script", role=None, instance_count=1, instance_type="local",
                    sagemaker_session=session, output_path="file:///tmp/out",
                    hyperparameters={"sagemaker_program": "train.py",
                                     "sagemaker_submit_directory": "file:///path/to/code"})
    est.fit({"train": "file:///path/to/data"})

Everything else is a normal ``Session``: ``s3_client`` and ``boto_session`` are real boto3
(for ``s3://`` channels, ``s3://`` output paths and ``upload_data``), created only when
used and honouring ``endpoint_url``/``s3_endpoint_url``, so a job that stays on
``file://`` never touches AWS or needs credentials. The region is the argument, the
boto3 session's, ``AWS_REGION``/``AWS_DEFAULT_REGION``, else ``us-west-2``, so local mode
works on a machine with no AWS configuration at all. Without an ``output_path`` the
model goes to ``file://<root>/output/`` instead of the default bucket.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .._retry import PollingPolicy
from ..retries import RetryPolicy
from ..session import Session, _region_from_environment
from .store import DEFAULT_REGION, LOCAL_ACCOUNT, builtin_root, default_root

if TYPE_CHECKING:  # pragma: no cover
    import boto3

#: local jobs start in milliseconds: poll often at first, never slower than once a second
LOCAL_POLLING = PollingPolicy(initial=0.1, maximum=1.0, multiplier=1.5, jitter=0.0)


class LocalSession(Session):
    """A Session for ``instance_type="local"`` / ``"local_gpu"`` (the official SDK's ``LocalSession``).

    Accepts the official keywords (``boto_session``, ``default_bucket``, ``s3_endpoint_url``,
    ``disable_local_code``, ``default_bucket_prefix``) plus ``region_name``, ``endpoint_url``,
    ``endpoint_urls`` and ``polling`` as ``Session`` does, and:

    - ``root``: where jobs, logs and cached environments live
      (default ``$SAGEMAKER_LITE_LOCAL_ROOT`` or ``~/.cache/sagemaker_lite/local``);
    - ``stop_timeout``: seconds between SIGTERM and SIGKILL when a job is stopped;
    - ``python``: the interpreter that runs training scripts (default: the one running ``fit()``);
    - ``framework_versions``: what a framework job (TensorFlow, PyTorch, SKLearn, XGBoost,
      HuggingFace script mode) gets when its ``framework_version`` differs from the one the
      interpreter has. ``"exact"`` (the default) gives it the version asked for, as its image
      would: an environment with that version is built from the package index on the first
      ``fit()`` and cached under ``root``, or, when the index has no wheel of it for this
      Python, ``fit()`` fails at once with ``LocalModeError`` naming the versions that would
      work, before any job exists. ``"installed"`` runs the installed version, with a warning
      line in the job's log naming both. Unset, ``$SAGEMAKER_LITE_FRAMEWORK_VERSIONS``
      (``exact`` or ``installed``) decides, read at each ``fit()``. Every job's log names the
      interpreter and the framework version that ran the script. "Differs" compares the
      numbers the image names: ``"2.21"`` matches 2.21.x, ``"2.19"`` does not (docs/local_mode.md).
      Local endpoints of framework models follow the same rule (checked at ``deploy()``);
      processing jobs run the installed framework, and their log says so.

    ``LocalSession(python="/opt/py310/bin/python")``;
    ``LocalSession(framework_versions="installed")  # run the installed TensorFlow whatever the estimator asks``
    """

    def __init__(
        self,
        boto_session: boto3.Session | None = None,
        default_bucket: str | None = None,
        s3_endpoint_url: str | None = None,
        disable_local_code: bool = False,
        default_bucket_prefix: str | None = None,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        endpoint_urls: Mapping[str, str] | None = None,
        root: str | Path | None = None,
        stop_timeout: float = 10.0,
        python: str | None = None,
        framework_versions: str | None = None,
        polling: PollingPolicy | None = None,
        retry_mode: str = "standard",
        max_attempts: int | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        from .._session_args import check_local_arguments, check_session_arguments

        check_session_arguments(
            boto_session=boto_session,
            default_bucket=default_bucket,
            default_bucket_prefix=default_bucket_prefix,
            region_name=region_name,
            endpoint_url=endpoint_url,
            endpoint_urls=endpoint_urls,
            polling=polling,
        )
        check_local_arguments(
            root=root, stop_timeout=stop_timeout, s3_endpoint_url=s3_endpoint_url, disable_local_code=disable_local_code
        )
        region = (
            region_name
            or (boto_session.region_name if boto_session is not None else None)
            or _region_from_environment()
            or DEFAULT_REGION
        )
        urls = dict(endpoint_urls or {})
        if s3_endpoint_url:
            urls.setdefault("s3", s3_endpoint_url)
        super().__init__(
            boto_session,
            default_bucket=default_bucket,
            default_bucket_prefix=default_bucket_prefix,
            region_name=region,
            endpoint_url=endpoint_url,
            endpoint_urls=urls,
            retry_mode=retry_mode,
            max_attempts=max_attempts,
            retry_policy=retry_policy,
            polling=polling or LOCAL_POLLING,
        )
        self.local_mode = True
        self.disable_local_code = disable_local_code
        self.stop_timeout = stop_timeout
        if framework_versions is not None:
            from .training.frameworks import resolve_mode

            resolve_mode(framework_versions)  # a ValidationError naming the modes
        self.python = python
        self.framework_versions = framework_versions
        self._root = Path(root).expanduser().resolve() if root is not None else None

    @property
    def root(self) -> Path:
        """Where this session's jobs live (resolved on first use, not at construction)."""
        if self._root is None:
            self._root = default_root()
        return self._root

    def client(self, service: str) -> Any:
        """``sagemaker``, ``sagemaker-runtime``, ``logs`` and ``cloudwatch`` are local; the rest is real boto3."""
        if service not in ("sagemaker", "sagemaker-runtime", "logs", "cloudwatch"):
            return super().client(service)
        client = self._clients.get(service)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                from .account import LocalAccount

                account = LocalAccount.of(self.root)
                if service == "sagemaker":
                    from .api.training import LocalSageMakerClient

                    client = LocalSageMakerClient(
                        root=self.root,
                        region_name=self.region_name,
                        s3_client_factory=lambda: self.s3_client,
                        stop_timeout=self.stop_timeout,
                        python=self.python,
                        framework_versions=self.framework_versions,
                        account=account,
                    )
                elif service == "sagemaker-runtime":
                    from .api.runtime import LocalRuntimeClient

                    client = LocalRuntimeClient(root=self.root, region_name=self.region_name, account=account)
                elif service == "cloudwatch":
                    from .api.metrics import LocalCloudWatchClient

                    def describe(name: str) -> dict[str, Any]:
                        return dict(self.client("sagemaker").describe_training_job(TrainingJobName=name))

                    client = LocalCloudWatchClient(self.root, describe, region_name=self.region_name)
                else:
                    from .api.logs import LocalLogsClient

                    client = LocalLogsClient(self.root, region_name=self.region_name)
                self._clients[service] = client
            return client

    def default_output_prefix(self) -> str:
        """``file://<root>/output``: a local job needs no default bucket (pass output_path for S3)."""
        return f"file://{self.root / 'output'}"

    # --- the seam (sagemaker_lite/backend.py): what local mode does differently ----------------

    def check_instance_type(self, parameter: str, instance_type: str | None) -> None:
        """Any instance type: ``local``/``local_gpu`` run here; the local client judges the rest."""

    def check_location(self, parameter: str, uri: str, *, hint: str | None = None) -> None:
        """``file://`` locations are read and written in place; ``s3://`` ones through real S3."""

    def check_checkpoint(self, local_path: str | None, s3_uri: str | None) -> None:
        """A local ``checkpoint_local_path`` needs no S3 copy."""

    def check_role(self, role: str | None, purpose: str) -> None:
        """Local mode assumes no role."""

    def expand_role(self, role: str) -> str:
        """A role name becomes an ARN in the local account, without IAM: local mode assumes no role."""
        if "/" in role or role.startswith("arn:"):
            return role
        return f"arn:aws:iam::{LOCAL_ACCOUNT}:role/{role}"

    def planned_role_arn(self, role: str | None) -> str | None:
        return self.expand_role(role) if role else role

    def planned_output_prefix(self) -> str:
        return "file:///planned/output"

    def code_in_place(self, entry_point: str, source_dir: str | None, dependencies: Iterable[str]) -> str | None:
        """A local job reads ``source_dir`` in place (packed to a local archive when it has dependencies).

        ``LocalSession(disable_local_code=True)`` uploads it instead, as the official SDK does.
        """
        if self.disable_local_code:
            return None
        if source_dir and not list(dependencies):
            return Path(source_dir).resolve().as_uri()
        from ..code import pack_source

        return pack_source(entry_point, source_dir, tuple(dependencies)).path.resolve().as_uri()

    def planned_code_in_place(self, entry_point: str | None, source_dir: str | None) -> str | None:
        if self.disable_local_code:
            return None
        return Path(source_dir or entry_point or ".").resolve().as_uri()

    def training_model_dir(self, default: str) -> str:
        """The script writes its model where the container's would: ``/opt/ml/model``."""
        return "/opt/ml/model"

    def check_debugger(self, asked: Any, config: Any, *, region: str, image_uri: str) -> None:
        """Debugger does not run locally: say so when the user asked for it."""
        from ..debugger import DebuggerHookConfig

        if (
            asked.rules
            or isinstance(asked.debugger_hook_config, DebuggerHookConfig)
            or (asked.tensorboard_output_config or asked.profiler_config)
        ):
            warnings.warn(
                "Debugger rules, hook, TensorBoard and profiler settings are not used in local mode: the job "
                "describes them, and reports every rule as Error, not evaluated",
                UserWarning,
                stacklevel=5,
            )

    def upload_rule_sources(self, rules: Iterable[Any] | None) -> dict[str, str]:
        """Nothing is uploaded: rules are not evaluated locally, and the request names the local file."""
        sources = [rule.local_source for rule in rules or () if rule.local_source is not None]
        return {source: Path(source).resolve().as_uri() for source in sources}

    def debugger_fields(self, **settings: Any) -> dict[str, Any]:
        """Only the Debugger settings the user asked for (no default hook or profiler), so
        ``describe()`` shows them and the local backend reports the rules' status."""
        from ..debugger import DebuggerHookConfig, debugger_request_fields

        asked = {"DebugRuleConfigurations", "ProfilerRuleConfigurations", "TensorBoardOutputConfig"}
        if isinstance(settings.get("debugger_hook_config"), DebuggerHookConfig):
            asked.add("DebugHookConfig")
        if settings.get("profiler_config") is not None:
            asked.add("ProfilerConfig")
        return {key: value for key, value in debugger_request_fields(**settings).items() if key in asked}

    def check_request(self, operation: str, request: Mapping[str, Any], **kwargs: Any) -> None:
        """The service model's limits, with ``file://`` locations and any role accepted."""
        from ..limits import botocore_session_of, check_request

        check_request(operation, request, local=True, botocore_session=botocore_session_of(self), **kwargs)

    def console_url(self, path: str) -> str:
        """No console for local resources."""
        return ""

    def cloudwatch_url(self, log_group: str, stream_prefix: str) -> str:
        return ""

    def tuning_polling(self) -> PollingPolicy:
        """A local describe is a function call: notice the end of a local tuning job within 0.25 s."""
        policy: PollingPolicy = self.polling
        return attrs.evolve(policy, maximum=0.25) if policy.maximum > 0.25 else policy

    def session_argument(self) -> str:
        return ", sagemaker_session=LocalSession()"

    def throttle(self, name: str, rate: float, sleep: Callable[[float], None]) -> None:
        """Local calls are not rate-limited."""

    def training_job_interrupted(self, job_name: str) -> str:
        """Ctrl-C while waiting stops a local job (it cannot outlive this Python process).

        It is stopped as ``stop()`` stops it, so its model and checkpoints are still saved.
        The suggested ``attach`` names this session's ``root`` unless it is the built-in default
        (a later shell may not have ``$SAGEMAKER_LITE_LOCAL_ROOT`` set).
        """
        stopping = self.sagemaker_client.interrupt_training_job(
            job_name, "the Python process waiting for it was interrupted (Ctrl-C)"
        )
        session = f"LocalSession(root={str(self.root)!r})" if self.root != builtin_root() else "LocalSession()"
        state = (
            "is being stopped (a local job cannot outlive the Python process that runs it); "
            "its model and checkpoints are saved as for any stopped job"
            if stopping
            else "is not running in this Python process"
        )
        return (
            f"\nStopped waiting; local training job {job_name} {state}.\n"
            f"See it with: Estimator.attach({job_name!r}, sagemaker_session={session})"
        )

    def __repr__(self) -> str:
        return f"LocalSession(region_name={self.region_name!r}, root={str(self._root) if self._root else None!r})"
