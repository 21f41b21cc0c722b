"""The ``sagemaker-lite`` command: training jobs, endpoints, image URIs and local jobs from a shell.

    sagemaker-lite jobs list --status InProgress
    sagemaker-lite jobs logs my-job --follow
    sagemaker-lite endpoints delete my-endpoint
    sagemaker-lite image-uri xgboost --region us-west-2 --version 1.7-1

``main(argv)`` returns the exit code instead of exiting, so it can be called in-process:

    0    success
    1    AWS or runtime failure: not found, access denied, a followed job that Failed, ...
    2    usage errors (argparse) and ``ValidationError`` / ``ConfigurationError`` (no region, bad version)
    130  interrupted with Ctrl-C (no traceback; a followed job keeps running)

Errors are one line on stderr naming what was wrong (``--debug`` adds the traceback).
Only this package, argparse and json are imported up front: boto3 is imported when a
command first needs a Session, so ``--help`` and ``image-uri`` start in milliseconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..errors import SageMakerLiteError, UnexpectedStatusError, ValidationError
from ._context import AwsOptions, Context, SessionFactory, default_session_factory
from ._output import Output, one_line

__all__ = ["AwsOptions", "SessionFactory", "main"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None, *, session_factory: SessionFactory | None = None) -> int:
    """Run one ``sagemaker-lite`` command; returns its exit code.

    ``session_factory(AwsOptions) -> Session`` replaces how the AWS Session is built. It is
    for tests and embedding (a Session on a moto server or on scripted doubles); the
    default honours ``--region``, ``--profile`` and ``--endpoint-url``.
    """
    from ._parser import build_parser

    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help, --version, usage errors: argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    out = Output(json_mode=args.json)
    ctx = Context(args, out, session_factory or default_session_factory)
    try:
        code: int = args.handler(ctx)
        return code
    except KeyboardInterrupt:
        out.note(f"{parser.prog}: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (`| head`): not an error worth reporting
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            import traceback

            traceback.print_exc()
        out.error(error_message(exc))
        return EXIT_USAGE if isinstance(exc, ValidationError) else EXIT_FAILURE


def error_message(exc: BaseException) -> str:
    """What went wrong, for one stderr line.

    botocore's messages already name the operation, the error code and the resource
    (``An error occurred (ValidationException) when calling the DescribeTrainingJob
    operation: Could not find training job ...``). A failed job's first line carries its
    FailureReason; the log lines after it were already printed while following.
    """
    if isinstance(exc, UnexpectedStatusError):
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        logs_url = getattr(exc, "logs_url", "")
        return f"{first} (logs: {logs_url})" if logs_url else first
    name = type(exc).__name__
    if isinstance(exc, SageMakerLiteError):  # our messages list what is allowed: keep them whole
        return one_line(str(exc), limit=None) or name
    text = one_line(str(exc))  # a service's message can be an HTML error page: bounded
    if not text:
        return name
    return text if type(exc).__module__.startswith("botocore") else f"{name}: {text}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
