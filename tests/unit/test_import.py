"""``import sagemaker_lite`` is cheap: no boto3, no I/O, names resolved lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sagemaker_lite


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()


def test_import_loads_no_aws_libraries() -> None:
    out = run(
        "import sys, sagemaker_lite; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'attrs', 'tenacity')))"
    )
    assert out == "[]"


def test_import_opens_no_files_or_sockets() -> None:
    code = (
        "import sys\n"
        "events = []\n"
        "def hook(event, args):\n"
        "    if event.startswith('socket.'):\n"
        "        events.append(event)\n"
        "    elif event == 'open' and isinstance(args[0], str) and not args[0].endswith(('.py', '.pyc')) "
        "and '/sagemaker_lite' not in args[0] and 'python3' not in args[0]:\n"
        "        events.append(args[0])\n"
        "sys.addaudithook(hook)\n"
        "import sagemaker_lite\n"
        "print(events)\n"
    )
    assert run(code) == "[]"


def test_public_names_resolve_lazily() -> None:
    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite.inputs import TrainingInput

    assert sagemaker_lite.Estimator is Estimator
    assert sagemaker_lite.TrainingInput is TrainingInput
    assert "Estimator" in dir(sagemaker_lite)
    with pytest.raises(AttributeError):
        sagemaker_lite.NoSuchThing  # noqa: B018


def test_estimator_import_still_avoids_boto3() -> None:
    out = run(
        "import sys\nfrom sagemaker_lite import Estimator, TrainingInput, Session\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    assert out == "False False"
