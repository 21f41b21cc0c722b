"""The interpreter a built-in algorithm runs with: the package version its image has, when it can.

    python = interpreter_with("xgboost", "1.7.4", cache_dir, log)

An algorithm image pins its library (``sagemaker-xgboost:1.7-1`` has xgboost 1.7.4), and
the version matters: it decides the model file's format (xgboost 1.x writes the binary
format that xgboost >= 3.1 no longer reads; 2.x/3.x write UBJSON) and the numbers a model
predicts. So, in order:

1. the installed package when its version is the image's: this interpreter;
2. a cached environment with exactly that version (``--only-binary``: a wheel for this
   Python must exist on the package index), built once under ``cache`` and layered on
   this interpreter's packages (``venvs.ensure_venv``), reused by every later job;
3. otherwise (no wheel for this Python, no network, ``SAGEMAKER_LITE_ALGORITHM_PACKAGES=installed``)
   the installed version, the nearest one available here, with a log line saying so. A
   failed install is remembered for a day so that every job does not retry it.

No algorithm package is imported here: versions come from ``importlib.metadata``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import IO

from ..training.artifacts import JobSetupError
from ..training.venvs import ensure_venv

POLICY_ENV = "SAGEMAKER_LITE_ALGORITHM_PACKAGES"
CACHE_ENV = "SAGEMAKER_LITE_ALGORITHM_CACHE"
INSTALL_TIMEOUT = 900.0
RETRY_AFTER = 86400.0
IMPORT_TIMEOUT = 300.0
#: a package's first real call, run once in a new environment before it is used
SMOKE_TESTS = {
    "xgboost": "import numpy, xgboost; xgboost.train({}, xgboost.DMatrix(numpy.zeros((2, 1)), label=[0, 1]), 1)",
}


def cache_dir() -> Path:
    """Where algorithm environments live: shared by every local root (they hold only public packages)."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache, "sagemaker_lite", "algorithms").resolve()


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _say(log: IO[bytes], line: str) -> None:
    log.write((line + "\n").encode())
    log.flush()


def interpreter_with(package: str, wanted: str | None, cache: Path, log: IO[bytes], *, image: str = "") -> str:
    """The python to run the algorithm with (see the module docstring); progress goes to ``log``."""
    installed = installed_version(package)
    what = f"the image {image}" if image else "the image"
    if wanted is None or installed == wanted:
        if installed is not None and wanted is None:
            _say(log, f"{what} does not name a {package} version; using the installed {package} {installed}")
        return sys.executable
    fallback = f"using the installed {package} {installed} instead (the nearest available here)"
    if os.environ.get(POLICY_ENV, "").lower() == "installed":
        _say(log, f"{what} has {package} {wanted}; {POLICY_ENV}=installed: {fallback}")
        return sys.executable
    tag = f"{package}-{wanted}-py{sys.version_info.major}{sys.version_info.minor}"
    unavailable = cache / f"{tag}.unavailable"
    try:
        if time.time() - unavailable.stat().st_mtime < RETRY_AFTER:
            _say(log, f"{what} has {package} {wanted}, which could not be installed for this Python; {fallback}")
            return sys.executable
    except OSError:
        pass
    requirements = cache / f"{tag}.txt"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        requirements.write_text(f"--only-binary=:all:\n{package}=={wanted}\n", encoding="utf-8")
        _say(log, f"{what} has {package} {wanted}: preparing an environment with it under {cache}")
        python = ensure_venv(requirements, cache, log, timeout=INSTALL_TIMEOUT)
        _check_import(python, package, log)
    except (JobSetupError, OSError) as exc:
        with contextlib.suppress(OSError):
            unavailable.write_text(str(exc), encoding="utf-8")
        _say(log, f"{package} {wanted} could not be installed for Python {sys.version.split()[0]} ({exc}); {fallback}")
        return sys.executable
    _say(log, f"Using {package} {wanted} from {python.parent.parent}")
    return str(python)


def _check_import(python: Path, package: str, log: IO[bytes]) -> None:
    """The environment's package imports and runs (checked once: an old wheel may import on today's Python and
    numpy yet fail at its first call, like xgboost 0.72 on Python 3.10+)."""
    marker = python.parent.parent / f".{package}-works"
    if marker.exists():
        return
    try:
        result = subprocess.run(
            [str(python), "-c", SMOKE_TESTS.get(package, f"import {package}")],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=IMPORT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise JobSetupError(f"trying {package} did not finish within {IMPORT_TIMEOUT} s") from None
    if result.returncode != 0:
        raise JobSetupError(f"{package} does not work in that environment (exit code {result.returncode})")
    marker.touch()
