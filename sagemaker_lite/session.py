"""Session: the region, the boto3 clients, the default bucket, roles; S3 transfers by delegation.

    from sagemaker_lite import Session
    session = Session()                                # region from the environment
    session = Session(region_name="us-west-2", endpoint_url="http://127.0.0.1:5000")
    uri = session.upload_data("data/train.csv", key_prefix="boston/train")

All AWS state (clients, account id, whether the default bucket exists) lives on the
Session instance, never at module level, so two Sessions never share it. Clients are
created on first use, once, with botocore's retry configuration. boto3 itself is only
imported when a Session needs it. The transfer methods (``upload_data``, ``download_data``,
``list_s3_files``, ``read_s3_file``, ...) keep the official names here and do their work
in ``s3_transfer.py``; the notebook shortcuts live in ``session_shortcuts.py``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import _partitions, s3_transfer
from ._retry import DEFAULT_POLLING, PollingPolicy, error_code
from ._session_args import botocore_config as as_botocore_config
from ._session_args import check_session_arguments
from ._validation import fail
from ._validation import split_s3_uri as split_s3_uri  # its old home; estimators import it from here
from ._version import __version__
from .backend import SessionBackend
from .errors import ConfigurationError, ValidationError
from .inputs import s3_input as s3_input  # v1 path: sagemaker.session.s3_input
from .progress import check_progress
from .retries import DEFAULT_RETRY_POLICY, RetryPolicy
from .session_shortcuts import SessionShortcuts

if TYPE_CHECKING:  # pragma: no cover
    import boto3

NOTEBOOK_METADATA_FILE = "/opt/ml/metadata/resource-metadata.json"
RETRY_MODES = ("standard", "adaptive", "legacy")


def _region_from_environment() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


class Session(SessionShortcuts, SessionBackend):
    """Holds the AWS context every estimator, model and predictor uses.

    Accepts the official SDK's keywords (``boto_session``, ``sagemaker_client``,
    ``sagemaker_runtime_client``, ``default_bucket``, ``default_bucket_prefix``) plus:

    - ``region_name``: overrides the boto3 session's region;
    - ``endpoint_url`` / ``endpoint_urls``: send every service (or the named ones, e.g.
      ``{"sagemaker": url}``) to another endpoint, such as a moto server;
    - ``retry_policy``: timeouts, attempts and the deadline of every AWS call
      (``sagemaker_lite.retries.RetryPolicy``; ``max_attempts`` sets its attempts);
    - ``retry_mode``: botocore's mode (``"adaptive"`` adds its client-side rate limiting);
      botocore itself never retries: the retry policy is the one layer that does;
    - ``polling``: how jobs and endpoints are waited for (``PollingPolicy``);
    - ``botocore_config``: a ``botocore.config.Config`` (or a dict of its arguments, such as
      ``{"read_timeout": 5}``) merged into every client's (timeouts, proxies, ...); if it sets
      ``retries``, botocore retries as told and the retry policy stays out of the way (still one layer);
    - ``progress``: show bytes/rate/ETA for uploads and downloads (``None``: when interactive).
    """

    def __init__(
        self,
        boto_session: boto3.Session | None = None,
        sagemaker_client: Any = None,
        sagemaker_runtime_client: Any = None,
        default_bucket: str | None = None,
        default_bucket_prefix: str | None = None,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        endpoint_urls: Mapping[str, str] | None = None,
        retry_mode: str = "standard",
        max_attempts: int | None = None,
        polling: PollingPolicy | None = None,
        botocore_config: Any = None,
        progress: bool | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        check_session_arguments(
            boto_session=boto_session,
            default_bucket=default_bucket,
            default_bucket_prefix=default_bucket_prefix,
            region_name=region_name,
            endpoint_url=endpoint_url,
            endpoint_urls=endpoint_urls,
            polling=polling,
        )
        if retry_mode not in RETRY_MODES:
            fail("retry_mode", retry_mode, "one of " + ", ".join(repr(m) for m in RETRY_MODES))
        if max_attempts is not None and (
            isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1
        ):
            fail("max_attempts", max_attempts, "an integer >= 1")
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            fail("retry_policy", retry_policy, "a sagemaker_lite.retries.RetryPolicy")
        policy = retry_policy or DEFAULT_RETRY_POLICY
        if max_attempts is not None:
            policy = attrs.evolve(policy, max_attempts=max_attempts)
        self.retry_policy = policy
        if default_bucket is not None and not s3_transfer.is_bucket_name(default_bucket):
            fail("default_bucket", default_bucket, "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')")
        self._boto_session = boto_session
        self._botocore_config = as_botocore_config(botocore_config)
        self._retry_mode = retry_mode
        self._endpoint_url = endpoint_url
        self._endpoint_urls = dict(endpoint_urls or {})
        self._clients: dict[str, Any] = {}
        if sagemaker_client is not None:
            self._clients["sagemaker"] = sagemaker_client
        if sagemaker_runtime_client is not None:
            self._clients["sagemaker-runtime"] = sagemaker_runtime_client
        self._lock = threading.RLock()
        self._account_id: str | None = None
        self._default_bucket_name = default_bucket
        self._default_bucket_ready = False
        self.default_bucket_prefix = default_bucket_prefix.strip("/") if default_bucket_prefix else None
        self._region = self._resolve_region(region_name, boto_session, sagemaker_client)
        self.local_mode = False
        self.polling = polling or DEFAULT_POLLING
        #: show transfer progress: True, False, or None = only when interactive (see progress.py)
        self.progress = check_progress(progress)

    # --- region and clients -------------------------------------------------------

    @staticmethod
    def _resolve_region(region_name: str | None, boto_session: Any, sagemaker_client: Any) -> str:
        region = region_name
        if region is None and boto_session is not None:
            region = boto_session.region_name
        if region is None and sagemaker_client is not None:
            region = getattr(getattr(sagemaker_client, "meta", None), "region_name", None)
        if region is None:
            region = _region_from_environment()
        if region is None:
            import boto3  # only here: the profile's config file may name a region

            region = boto3.Session().region_name
        if not region:
            raise ConfigurationError(
                "region",
                "no AWS region is configured. Pass Session(region_name='us-west-2'), or a "
                "boto3.Session(region_name=...), or set AWS_DEFAULT_REGION",
            )
        return region

    @property
    def boto_region_name(self) -> str:
        """The region, under the official SDK's attribute name."""
        return self._region

    @property
    def region_name(self) -> str:
        return self._region

    @property
    def boto_session(self) -> boto3.Session:
        with self._lock:
            if self._boto_session is None:
                import boto3

                self._boto_session = boto3.Session(region_name=self._region)
            return self._boto_session

    def client(self, service: str) -> Any:
        """The boto3 client for ``service``, created once, retried by this Session's ``retry_policy``.

        Clients passed in (``sagemaker_client=``, ...) are used as they are, with their own retries.
        """
        client = self._clients.get(service)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                from botocore.config import Config

                policy = self.retry_policy
                config = Config(
                    retries={"mode": self._retry_mode, "total_max_attempts": 1},
                    connect_timeout=policy.connect_timeout,
                    read_timeout=policy.read_timeout_for(service),
                    user_agent_extra=f"sagemaker-lite/{__version__}",
                )
                own_retries = getattr(self._botocore_config, "retries", None) is None
                if self._botocore_config is not None:
                    config = config.merge(self._botocore_config)
                kwargs: dict[str, Any] = {"region_name": self._region, "config": config}
                url = self._endpoint_urls.get(service, self._endpoint_url)
                if url:
                    kwargs["endpoint_url"] = url
                client = self.boto_session.client(service, **kwargs)
                if own_retries:
                    policy.install(client)
                self._clients[service] = client
            return client

    @property
    def sagemaker_client(self) -> Any:
        return self.client("sagemaker")

    @property
    def sagemaker_runtime_client(self) -> Any:
        return self.client("sagemaker-runtime")

    @property
    def s3_client(self) -> Any:
        return self.client("s3")

    @property
    def logs_client(self) -> Any:
        return self.client("logs")

    # --- identity -----------------------------------------------------------------

    def account_id(self) -> str:
        """The caller's account id, looked up once per Session (one STS call)."""
        with self._lock:
            if self._account_id is None:
                self._account_id = str(self.client("sts").get_caller_identity()["Account"])
            return self._account_id

    def get_caller_identity_arn(self) -> str:
        """The ARN of the execution role this code runs as (see ``get_execution_role``)."""
        return get_execution_role(self)

    # --- default bucket -------------------------------------------------------------

    def default_bucket(self) -> str:
        """``sagemaker-<region>-<account>``, created when missing; checked once per Session."""
        with self._lock:
            if self._default_bucket_ready and self._default_bucket_name:
                return self._default_bucket_name
            name = self._default_bucket_name or f"sagemaker-{self._region}-{self.account_id()}"
            self._ensure_bucket(name)
            self._default_bucket_name = name
            self._default_bucket_ready = True
            return name

    def _ensure_bucket(self, name: str) -> None:
        """One call in the common case: CreateBucket, where "already owned by you" means ready.

        Without s3:CreateBucket permission (AccessDenied) the bucket may still exist and be
        usable, so HeadBucket decides; a bucket owned by another account is reported clearly.
        """
        from botocore.exceptions import ClientError

        s3 = self.s3_client
        kwargs: dict[str, Any] = {"Bucket": name}
        if self._region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
        try:
            s3.create_bucket(**kwargs)
            return
        except ClientError as exc:
            code = error_code(exc)
            if code in ("BucketAlreadyOwnedByYou", "OperationAborted"):
                return
            if code == "BucketAlreadyExists":
                raise ConfigurationError(
                    "default_bucket",
                    f"bucket {name!r} exists and belongs to another account. "
                    "Pass Session(default_bucket='a-bucket-you-own')",
                ) from exc
            if code not in ("AccessDenied", "403", "Forbidden"):
                raise
        try:
            s3.head_bucket(Bucket=name)
        except ClientError as exc:
            raise ConfigurationError(
                "default_bucket",
                f"bucket {name!r} cannot be created or used by this identity "
                f"(CreateBucket: AccessDenied; HeadBucket: {error_code(exc)}). "
                "Pass Session(default_bucket='a-bucket-you-own') or grant s3:CreateBucket / s3:ListBucket",
            ) from exc

    def default_output_prefix(self) -> str:
        """``s3://<default bucket>/[<default_bucket_prefix>/]`` without a trailing slash."""
        base = f"s3://{self.default_bucket()}"
        return f"{base}/{self.default_bucket_prefix}" if self.default_bucket_prefix else base

    def training_job_interrupted(self, job_name: str) -> str:
        """What Ctrl-C while waiting for a training job does to it, as the text to print.

        On SageMaker, nothing: the job runs on in AWS, and ``attach`` picks it up again.
        (``LocalSession`` overrides this: a local job cannot outlive its Python process.)
        """
        return (
            f"\nStopped waiting; training job {job_name} is still running.\n"
            f"Resume with: Estimator.attach({job_name!r})\n"
            f"Stop it with: Estimator.attach({job_name!r}, wait=False).latest_training_job.stop()"
        )

    # --- S3 transfers: s3_transfer's functions, bound as methods under the official names ----

    upload_data = s3_transfer.upload_data
    download_data = s3_transfer.download_data
    list_s3_files = s3_transfer.list_s3_files
    read_s3_bytes = s3_transfer.read_s3_bytes
    read_s3_file = s3_transfer.read_s3_file
    upload_string_as_file_body = s3_transfer.upload_string_as_file_body

    # --- roles ---------------------------------------------------------------------

    def get_execution_role(self) -> str:
        return get_execution_role(self)

    def __repr__(self) -> str:
        return f"Session(region_name={self._region!r})"


def session_for_instance_type(instance_type: str | None) -> Session:
    """The Session an object creates for itself: a ``LocalSession`` for ``local``/``local_gpu``, else ``Session``.

    The one place that maps an instance type to a backend, so estimators, processors and
    models never branch on local mode themselves.
    """
    from ._validation import LOCAL_INSTANCE_TYPES

    if instance_type in LOCAL_INSTANCE_TYPES:
        from .local import LocalSession

        return LocalSession()
    return Session()


def get_execution_role(sagemaker_session: Session | None = None, use_default: bool = False) -> str:
    """The IAM role ARN this code runs as, for ``role=``.

    On a notebook instance or Studio, the role attached to it; elsewhere, the caller's
    identity when it is an assumed role. Anything else (an IAM user, say) cannot be a
    SageMaker execution role, and the error says what to pass instead.
    """
    if use_default:
        raise ValidationError(
            "use_default",
            use_default,
            "False: sagemaker_lite does not create IAM roles",
            hint="create the role once (IAM console or CLI) and pass role='arn:aws:iam::...:role/...'",
        )
    session = sagemaker_session or Session()
    metadata_role = _role_from_notebook_metadata(session)
    if metadata_role:
        return metadata_role
    arn = str(session.client("sts").get_caller_identity()["Arn"])
    if ":role/" in arn:
        return arn
    if ":assumed-role/" in arn:
        role_name = arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
        try:
            return str(session.client("iam").get_role(RoleName=role_name)["Role"]["Arn"])
        except Exception:  # no iam:GetRole permission: build the ARN (any role path is lost)
            account = arn.split(":")[4]
            partition = _partitions.partition_for_region(session.region_name).name
            return f"arn:{partition}:iam::{account}:role/{role_name}"
    raise ConfigurationError(
        "role",
        f"the current AWS identity is {arn}, which is not an IAM role, so it cannot be used as a "
        "SageMaker execution role. Pass role='arn:aws:iam::<account>:role/<name>' explicitly "
        "(a role SageMaker can assume)",
    )


def _role_from_notebook_metadata(session: Session) -> str | None:
    try:
        with open(NOTEBOOK_METADATA_FILE, encoding="utf-8") as handle:
            metadata = json.load(handle)
    except (OSError, ValueError):
        return None
    client = session.sagemaker_client
    if metadata.get("UserProfileName") and metadata.get("DomainId"):
        profile = client.describe_user_profile(
            DomainId=metadata["DomainId"], UserProfileName=metadata["UserProfileName"]
        )
        role = profile.get("UserSettings", {}).get("ExecutionRole")
        if role:
            return str(role)
        domain = client.describe_domain(DomainId=metadata["DomainId"])
        return str(domain["DefaultUserSettings"]["ExecutionRole"])
    if metadata.get("ResourceName"):
        instance = client.describe_notebook_instance(NotebookInstanceName=metadata["ResourceName"])
        return str(instance["RoleArn"])
    return None
