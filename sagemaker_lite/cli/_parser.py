"""The argparse tree of ``sagemaker-lite``.

Global options (``--region``, ``--profile``, ``--endpoint-url``, ``--json``, ``--debug``) are
accepted before the command or after it (``sagemaker-lite jobs list --json``): the top-level
parser holds their defaults and every subcommand re-declares them with ``SUPPRESS`` defaults,
so a value given at either place survives and an absent one never overwrites the other.
``--version`` is top-level only, because ``image-uri --version`` is the framework version.

Handlers are plain functions stored as ``handler`` defaults; their modules import nothing
heavy at module level, so building this parser stays in the low milliseconds.
"""

from __future__ import annotations

import argparse

from .._version import __version__
from . import _endpoints, _jobs, _offline
from ._context import positive_int
from ._output import PROG

DEFAULT_MAX = 100

EPILOG = """\
examples:
  sagemaker-lite jobs list --status InProgress --max 20
  sagemaker-lite jobs logs my-job-2024-05-01-12-00-00-000 --follow
  sagemaker-lite endpoints delete my-endpoint
  sagemaker-lite image-uri xgboost --region us-west-2 --version 1.7-1
  sagemaker-lite --json jobs describe my-job | jq .ModelArtifacts

exit codes: 0 success, 1 AWS or runtime failure (not found, job failed, ...),
            2 usage or validation error, 130 interrupted (Ctrl-C)
"""


def _global_options(*, suppress: bool) -> argparse.ArgumentParser:
    """The options every command accepts; ``suppress`` for the copies on subcommands."""
    parser = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument("--region", default=default(None), help="AWS region (default: from the environment/profile)")
    group.add_argument("--profile", default=default(None), help="named AWS profile from ~/.aws/config")
    group.add_argument(
        "--endpoint-url", default=default(None), help="send every AWS request here (e.g. a moto server or VPC endpoint)"
    )
    group.add_argument(
        "--json", action="store_true", default=default(False), help="machine-readable JSON output (datetimes as ISO)"
    )
    group.add_argument("--debug", action="store_true", default=default(False), help="show tracebacks on errors")
    return parser


def _list_options(parser: argparse.ArgumentParser, statuses: tuple[str, ...], what: str) -> None:
    parser.add_argument("--status", choices=statuses, help=f"only {what} with this status")
    parser.add_argument("--name-contains", metavar="TEXT", help=f"only {what} whose name contains TEXT")
    parser.add_argument(
        "--max", type=positive_int, default=DEFAULT_MAX, metavar="N", help=f"at most N {what} (default {DEFAULT_MAX})"
    )


def build_parser() -> argparse.ArgumentParser:
    common = _global_options(suppress=True)
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Inspect and manage SageMaker training jobs and endpoints; resolve image URIs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def group(name: str, help_text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[common])
        return sub.add_subparsers(dest="action", metavar="ACTION", required=True)

    def command(
        actions: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str, handler: object
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(handler=handler)
        return sub

    jobs = group("jobs", "training jobs")
    sub = command(jobs, "list", "list training jobs, newest first", _jobs.list_jobs)
    _list_options(sub, _jobs.JOB_STATUSES, "jobs")
    sub = command(jobs, "describe", "show a training job's full description", _jobs.describe_job)
    sub.add_argument("name", help="training job name")
    sub = command(jobs, "logs", "print a training job's logs from every host, in time order", _jobs.job_logs)
    sub.add_argument("name", help="training job name")
    sub.add_argument(
        "-f", "--follow", action="store_true", help="keep printing until the job ends; exit 1 if it failed"
    )
    sub.add_argument("--timestamps", action="store_true", help="prefix each line with its UTC timestamp")
    sub = command(jobs, "stop", "stop a running training job", _jobs.stop_job)
    sub.add_argument("name", help="training job name")
    sub.add_argument("--wait", action="store_true", help="wait until the job has ended")

    endpoints = group("endpoints", "real-time endpoints")
    sub = command(endpoints, "list", "list endpoints, newest first", _endpoints.list_endpoints)
    _list_options(sub, _endpoints.ENDPOINT_STATUSES, "endpoints")
    sub = command(endpoints, "describe", "show an endpoint's description", _endpoints.describe_endpoint)
    sub.add_argument("name", help="endpoint name")
    sub = command(endpoints, "delete", "delete an endpoint and its endpoint config", _endpoints.delete_endpoint)
    sub.add_argument("name", help="endpoint name")
    sub.add_argument("--keep-config", action="store_true", help="keep the endpoint config")

    sub = commands.add_parser(
        "image-uri",
        help="print the ECR URI of a SageMaker image (no AWS call)",
        description="Print the ECR URI of a prebuilt SageMaker image, as image_uris.retrieve() returns it.",
        parents=[common],
    )
    sub.set_defaults(handler=_offline.image_uri)
    sub.add_argument("framework", help="framework or algorithm: xgboost, tensorflow, pytorch, pca, ...")
    sub.add_argument("--version", dest="framework_version", metavar="V", help="framework or algorithm version")
    sub.add_argument("--scope", choices=("training", "inference"), help="image scope")
    sub.add_argument("--instance-type", metavar="T", help="instance type (picks cpu/gpu/inf/trn images)")
    sub.add_argument("--py-version", metavar="P", help="Python version tag, e.g. py310")
    sub.add_argument("--base-framework-version", metavar="B", help="Hugging Face only, e.g. pytorch2.0")

    local = group("local", "local-mode jobs on this machine")
    sub = command(local, "jobs", "list local-mode training jobs and their directories", _offline.local_jobs)
    _list_options(sub, _jobs.JOB_STATUSES, "jobs")
    sub.add_argument("--root", metavar="DIR", help="local-mode root (default: $SAGEMAKER_LITE_LOCAL_ROOT or cache)")
    return parser
