"""The one seam between SageMaker and local mode: what a Session decides for the objects using it.

    session.expand_role("MyRole")            # SageMaker: the role's ARN (IAM); local: "MyRole"
    session.check_location("output_path", "file:///tmp/out")   # SageMaker refuses; local accepts

``Session`` inherits these methods and ``LocalSession`` (sagemaker_lite/local/session.py)
overrides them, so estimators, models, jobs, request builders and inputs never ask whether
they run locally: they call their Session, as an httpx client calls whichever transport it
holds. Each method is one behaviour that differs: role resolution, the locations a job may
name, where code is staged, which Debugger fields a request carries, console links, rate
limits and the service-limit check. Hosted behaviour is written here; nothing here knows
what local mode does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._validation import LOCAL_INSTANCE_TYPES
from .errors import LocalModeError, ValidationError


class SessionBackend:
    """Hosted SageMaker's side of each behaviour local mode does differently (mixed into Session)."""

    # the Session provides these
    @property
    def boto_region_name(self) -> str:
        raise NotImplementedError  # pragma: no cover - Session's

    def client(self, service: str) -> Any:
        raise NotImplementedError  # pragma: no cover - Session's

    # --- instance types and locations -------------------------------------------------------

    def check_instance_type(self, parameter: str, instance_type: str | None) -> None:
        """SageMaker runs ``ml.*`` instance types; ``local``/``local_gpu`` need a LocalSession."""
        if instance_type in LOCAL_INSTANCE_TYPES:
            raise LocalModeError(
                f"{parameter}={instance_type!r} needs a local-mode session: pass "
                "sagemaker_session=sagemaker_lite.local.LocalSession(), or use an 'ml.*' instance type"
            )

    def check_location(self, parameter: str, uri: str, *, hint: str | None = None) -> None:
        """A location a job or model names: SageMaker reads ``s3://`` only."""
        if uri.startswith("file://"):
            raise ValidationError(parameter, uri, "an s3:// URI for instance types other than 'local'", hint=hint)

    def check_checkpoint(self, local_path: str | None, s3_uri: str | None) -> None:
        """SageMaker syncs ``checkpoint_local_path`` with S3, so it needs ``checkpoint_s3_uri``."""
        if local_path and not s3_uri:
            raise ValidationError("checkpoint_local_path", local_path, "checkpoint_local_path with checkpoint_s3_uri")

    # --- roles ----------------------------------------------------------------------------

    def check_role(self, role: str | None, purpose: str) -> None:
        """SageMaker acts as an IAM role (``purpose`` says what for); it must be given."""
        if not role:
            raise ValidationError(
                "role",
                role,
                f"an IAM role ARN SageMaker can assume{purpose}",
                hint="get one with sagemaker_lite.get_execution_role() or pass role='arn:aws:iam::...:role/...'",
            )

    def expand_role(self, role: str) -> str:
        """A role name becomes its ARN (one IAM call); an ARN is returned unchanged."""
        if not isinstance(role, str) or not role:
            raise ValidationError("role", role, "an IAM role name or ARN")
        if "/" in role or role.startswith("arn:"):
            return role
        return str(self.client("iam").get_role(RoleName=role)["Role"]["Arn"])

    def planned_role_arn(self, role: str | None) -> str | None:
        """What ``expand_role`` will return, without calling IAM (for checks made before any call)."""
        if not role or role.startswith("arn:"):
            return role
        return f"arn:aws:iam::000000000000:role/{role}"

    # --- staging ----------------------------------------------------------------------------

    def planned_output_prefix(self) -> str:
        """A stand-in for ``default_output_prefix()`` of the same shape, looked up without a call."""
        from .limits import planned_default_bucket

        return f"s3://{planned_default_bucket(self.boto_region_name)}"

    def code_in_place(self, entry_point: str, source_dir: str | None, dependencies: Iterable[str]) -> str | None:
        """The code's URI when the job can read it where it is; None: pack and upload it (SageMaker)."""
        return None

    def planned_code_in_place(self, entry_point: str | None, source_dir: str | None) -> str | None:
        """What ``code_in_place`` will return, without packing anything."""
        return None

    def training_model_dir(self, default: str) -> str:
        """The ``model_dir`` a framework script is told to write to (TensorFlow): ``default`` here."""
        return default

    # --- Debugger -------------------------------------------------------------------------

    def check_debugger(self, asked: Any, config: Any, *, region: str, image_uri: str) -> None:
        """Region- and job-dependent Debugger checks, before any upload or call."""
        from .debugger.checks import check_estimator_debugger

        check_estimator_debugger(asked, config, region=region, image_uri=image_uri)

    def upload_rule_sources(self, rules: Iterable[Any] | None) -> dict[str, str]:
        """Upload custom rules' local sources; ``{local path: s3 URI}``."""
        if not rules:
            return {}
        from .debugger.sources import upload_rule_sources

        return upload_rule_sources(self, rules)

    def debugger_fields(self, **settings: Any) -> dict[str, Any]:
        """The Debugger/profiler fields of CreateTrainingJob (``debugger_request_fields``)."""
        from .debugger import debugger_request_fields

        return debugger_request_fields(**settings)

    # --- requests, links, rates --------------------------------------------------------------

    def check_request(self, operation: str, request: Mapping[str, Any], **kwargs: Any) -> None:
        """The service model's limits (``limits.check_request``), before the request is sent."""
        from .limits import botocore_session_of, check_request

        check_request(operation, request, botocore_session=botocore_session_of(self), **kwargs)

    def console_url(self, path: str) -> str:
        """The SageMaker console page of a resource (``/jobs/<name>``, ``/endpoints/<name>``)."""
        from . import _partitions

        return _partitions.console_url(self.boto_region_name, path)

    def cloudwatch_url(self, log_group: str, stream_prefix: str) -> str:
        """The CloudWatch Logs page of a job's or endpoint's streams."""
        from . import _partitions

        return _partitions.cloudwatch_url(self.boto_region_name, log_group, stream_prefix)

    def tuning_polling(self) -> Any:
        """How a tuning job is polled: the Session's ``polling``."""
        return getattr(self, "polling", None)

    def session_argument(self) -> str:
        """What a printed ``attach(...)`` call must add to find a job again: nothing on SageMaker."""
        return ""

    def throttle(self, name: str, rate: float, sleep: Callable[[float], None]) -> None:
        """Wait for this Session's ``name`` limiter (``rate`` calls per second across its jobs)."""
        from .logs import session_limiter

        session_limiter(self, name, rate).acquire(sleep=sleep)
