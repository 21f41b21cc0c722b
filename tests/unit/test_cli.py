"""``sagemaker-lite`` without AWS: parsing, exit codes, offline commands, rendering, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from sagemaker_lite.cli import AwsOptions, main
from sagemaker_lite.cli._output import one_line, render_table, render_yamlish, to_json


def run(capsys: Any, *argv: str, **kwargs: Any) -> tuple[int, str, str]:
    code = main(list(argv), **kwargs)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def refuse_sessions(options: AwsOptions) -> Any:
    raise AssertionError(f"this command must not build a Session ({options})")


# --- help, version, usage errors ------------------------------------------------------


def test_help_and_version_exit_0(capsys: Any) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "usage: sagemaker-lite" in out and "image-uri" in out and "exit codes" in out
    code, out, _ = run(capsys, "jobs", "logs", "--help")
    assert code == 0 and "--follow" in out
    code, out, _ = run(capsys, "--version")
    from sagemaker_lite import __version__

    assert (code, out.strip()) == (0, f"sagemaker-lite {__version__}")


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        ([], "COMMAND"),
        (["jobs"], "ACTION"),
        (["frobnicate"], "frobnicate"),
        (["jobs", "describe"], "name"),
        (["jobs", "list", "--max", "0"], "--max"),
        (["jobs", "list", "--max", "many"], "--max"),
        (["jobs", "list", "--status", "Done"], "--status"),
        (["image-uri", "xgboost", "--scope", "everything"], "--scope"),
    ],
)
def test_usage_errors_exit_2_before_any_session(capsys: Any, argv: list[str], mentions: str) -> None:
    code, out, err = run(capsys, *argv, session_factory=refuse_sessions)
    assert code == 2
    assert out == ""
    assert mentions in err.splitlines()[-1]


def test_global_options_are_accepted_before_or_after_the_command(capsys: Any) -> None:
    seen: list[AwsOptions] = []

    def factory(options: AwsOptions) -> Any:
        seen.append(options)
        raise KeyboardInterrupt  # stop right there: only the parsed options matter here

    run(capsys, "--region", "eu-west-1", "jobs", "list", "--endpoint-url", "http://x", session_factory=factory)
    run(capsys, "jobs", "describe", "j", "--profile", "dev", session_factory=factory)
    run(capsys, "--profile", "p1", "endpoints", "list", "--region", "us-east-2", session_factory=factory)
    assert seen == [
        AwsOptions("eu-west-1", None, "http://x"),
        AwsOptions(None, "dev", None),
        AwsOptions("us-east-2", "p1", None),
    ]


# --- image-uri ------------------------------------------------------------------------


def test_image_uri_prints_the_uri(capsys: Any) -> None:
    code, out, err = run(
        capsys, "image-uri", "xgboost", "--region", "us-west-2", "--version", "1.7-1", session_factory=refuse_sessions
    )
    assert (code, out, err) == (0, "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1\n", "")
    code, out, _ = run(
        capsys,
        "--json",
        "image-uri",
        "tensorflow",
        "--region",
        "us-east-1",
        "--version",
        "2.11",
        "--py-version",
        "py39",
        "--instance-type",
        "ml.p3.2xlarge",
        "--scope",
        "training",
    )
    assert json.loads(out) == {
        "ImageUri": "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.11-gpu-py39"
    }


def test_image_uri_bad_arguments_exit_2_with_one_line(capsys: Any) -> None:
    code, out, err = run(capsys, "image-uri", "no-such-framework", "--region", "us-west-2")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "framework='no-such-framework'" in err and "xgboost" in err
    code, _, err = run(capsys, "image-uri", "xgboost", "--region", "us-west-2", "--version", "0.0-0")
    assert code == 2 and "0.0-0" in err


def test_image_uri_without_region_names_the_flag(capsys: Any) -> None:
    code, _, err = run(capsys, "image-uri", "pca")  # the aws_env fixture unsets every region variable
    assert code == 2
    assert err.startswith("sagemaker-lite: error: --region:")


def test_cli_start_imports_no_boto3_for_help_and_image_uri() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from sagemaker_lite.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['--help']), main(['jobs', 'list', '--help']),\n"
        "             main(['image-uri', 'xgboost', '--region', 'us-west-2', '--version', '1.7-1'])]\n"
        "print(codes, sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 's3transfer'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[0, 0, 0] []"


# --- sessions built from the options ------------------------------------------------------


def test_unknown_profile_is_a_usage_error(capsys: Any) -> None:
    code, out, err = run(capsys, "--profile", "no-such-profile", "--region", "us-west-2", "jobs", "list")
    assert (code, out) == (2, "")
    assert err.startswith("sagemaker-lite: error: --profile:") and "no-such-profile" in err


def test_missing_region_is_a_usage_error_naming_the_flag(capsys: Any) -> None:
    code, _, err = run(capsys, "jobs", "list")
    assert code == 2
    assert "--region" in err and err.count("\n") == 1


# --- errors that are not AWS's ------------------------------------------------------------


def test_unexpected_errors_exit_1_and_debug_shows_the_traceback(capsys: Any) -> None:
    def broken(options: AwsOptions) -> Any:
        raise RuntimeError("disk on fire\nsecond line")

    code, out, err = run(capsys, "jobs", "list", session_factory=broken)
    assert (code, out) == (1, "")
    assert err == "sagemaker-lite: error: RuntimeError: disk on fire second line\n"
    code, _, err = run(capsys, "jobs", "list", "--debug", session_factory=broken)
    assert (
        code == 1
        and "Traceback" in err
        and err.endswith("sagemaker-lite: error: RuntimeError: disk on fire second line\n")
    )


def test_ctrl_c_exits_130_without_traceback(capsys: Any) -> None:
    def interrupted(options: AwsOptions) -> Any:
        raise KeyboardInterrupt

    code, out, err = run(capsys, "endpoints", "list", session_factory=interrupted)
    assert (code, out) == (130, "")
    assert err == "sagemaker-lite: interrupted\n"


# --- rendering --------------------------------------------------------------------------------


def test_table_columns_are_aligned_without_trailing_blanks() -> None:
    lines = render_table(["NAME", "STATUS"], [["a-long-name", "Completed"], ["b", "InProgress"]])
    assert lines == ["NAME         STATUS", "a-long-name  Completed", "b            InProgress"]


def test_yamlish_rendering_of_a_description() -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    description = {
        "TrainingJobName": "job-1",
        "CreationTime": when,
        "HyperParameters": {"epochs": "2", "empty": ""},
        "Enabled": True,
        "Missing": None,
        "Tags": [],
        "SecondaryStatusTransitions": [{"Status": "Starting", "StatusMessage": "Preparing: the instances"}],
        "FailureReason": "line one\nline two",
        "Count": 3,
    }
    assert render_yamlish(description) == [
        "TrainingJobName: job-1",
        "CreationTime: 2024-05-01T12:00:00+02:00",
        "HyperParameters:",
        "  epochs: 2",
        '  empty: ""',
        "Enabled: true",
        "Missing: null",
        "Tags: []",
        "SecondaryStatusTransitions:",
        "  - Status: Starting",
        '    StatusMessage: "Preparing: the instances"',
        'FailureReason: "line one\\nline two"',
        "Count: 3",
    ]


def test_json_output_has_iso_datetimes() -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert json.loads(to_json({"t": when, "b": b"\x00"})) == {"t": "2024-05-01T12:00:00+00:00", "b": "AA=="}


def test_one_line_bounds_long_messages() -> None:
    assert one_line("a\n  b\n\nc") == "a b c"
    long = one_line("<html>" + "x" * 5000)
    assert len(long) == 1000 and long.endswith("...")


def test_a_closed_pipe_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """``sagemaker-lite ... | head``: the reader leaving early ends the command quietly."""

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError

        def flush(self) -> None:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["image-uri", "pca", "--region", "us-west-2"]) == 0
