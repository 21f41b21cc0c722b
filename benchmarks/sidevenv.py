"""Create (once) a side virtualenv holding the official SageMaker Python SDK v2.

Why: our parity fixtures and import-time benchmark compare ``sagemaker_lite`` with the
official SDK. Installing ``sagemaker`` into the project's own environment would drag in
~100 transitive packages and could mask missing dependencies of ours, so the official SDK
lives in its own cached venv that is reused across runs.

Usage as a script: ``python benchmarks/sidevenv.py`` prints the venv's python path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

OFFICIAL_VERSION = "2.257.7"
"""The latest 2.x release: the API surface sagemaker_lite re-implements."""


def venv_dir() -> Path:
    """Return the cache directory of the side venv (honours ``XDG_CACHE_HOME``)."""
    cache_root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_root / "sagemaker_lite" / f"official-sdk-{OFFICIAL_VERSION}"


def _python_in(env_dir: Path) -> Path:
    """Return the interpreter path inside a venv, for POSIX and Windows layouts."""
    if os.name == "nt":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def _is_ready(python: Path) -> bool:
    """Check that the venv imports the pinned official SDK, so a half-done install is redone."""
    if not python.exists():
        return False
    probe = f"import importlib.metadata as m, sys; sys.exit(0 if m.version('sagemaker') == {OFFICIAL_VERSION!r} else 1)"
    result = subprocess.run([str(python), "-c", probe], capture_output=True, check=False)
    if result.returncode != 0:
        return False
    # Metadata alone can survive a broken install; make sure the package really imports.
    result = subprocess.run([str(python), "-c", "import sagemaker"], capture_output=True, check=False)
    return result.returncode == 0


def official_python() -> Path:
    """Return the side venv's python, creating the venv and installing the SDK if needed.

    Idempotent: an existing venv that already imports ``sagemaker==OFFICIAL_VERSION`` is
    reused untouched; otherwise the venv is (re)created and pip-installed quietly.
    """
    env_dir = venv_dir()
    python = _python_in(env_dir)
    if _is_ready(python):
        return python
    env_dir.parent.mkdir(parents=True, exist_ok=True)
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip"],
        check=True,
    )
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"sagemaker=={OFFICIAL_VERSION}",
        ],
        check=True,
    )
    if not _is_ready(python):
        raise RuntimeError(f"side venv at {env_dir} does not import sagemaker=={OFFICIAL_VERSION}")
    return python


def main() -> int:
    """Print the side venv's python path (creating it first), for use in shell commands."""
    print(official_python())
    return 0


if __name__ == "__main__":
    sys.exit(main())
