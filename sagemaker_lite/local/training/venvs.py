"""``requirements.txt``: installed into a cached virtual environment, never into the user's own.

On SageMaker the toolkit runs ``pip install -r requirements.txt`` inside a throwaway
container. Locally that would modify the user's environment, so the requirements go
into a venv layered on it instead:

* ``python -m venv --system-site-packages --without-pip`` (fast: no ensurepip), plus a
  ``.pth`` file that calls ``site.addsitedir`` on every site directory of the running
  interpreter, so the script still sees everything the user has installed (including a
  user venv and editable installs) - packages in the new venv take precedence;
* pip is the user's own, run with the new venv's interpreter (so it installs there); an
  interpreter without pip gets a venv with its own pip instead;
* the venv lives under ``<root>/venvs/<hash>`` where the hash covers the content of
  ``requirements.txt`` and the interpreter (version and path), and is reused until either
  changes. A file lock makes concurrent jobs build it once; a venv whose build did not
  finish is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
import site
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .artifacts import JobSetupError

COMPLETE_MARKER = ".sagemaker-lite-complete"
LAYER_FILE = "_sagemaker_lite_layer.pth"


def venv_key(requirements: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(requirements)
    digest.update(sys.version.encode())
    digest.update(sys.executable.encode())
    return digest.hexdigest()[:20]


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _site_dirs() -> list[str]:
    dirs: list[str] = []
    with contextlib.suppress(AttributeError):
        dirs.extend(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        with contextlib.suppress(AttributeError):
            dirs.append(site.getusersitepackages())
    seen: list[str] = []
    for entry in dirs:
        if entry not in seen and Path(entry).is_dir():
            seen.append(entry)
    return seen


def _venv_site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - not POSIX: best effort
            pass
        yield


def _run(cmd: list[str], log: IO[bytes], cwd: Path | None, what: str, timeout: float | None = None) -> None:
    log.write(("$ " + " ".join(cmd) + "\n").encode())
    log.flush()
    try:
        result = subprocess.run(
            cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        command = " ".join(cmd)
        raise JobSetupError(f'{what}:\nErrorMessage "no result within {timeout} s"\nCommand "{command}"') from None
    if result.returncode != 0:
        raise JobSetupError(
            f'{what}:\nExitCode {result.returncode}\nErrorMessage "see the job log"\nCommand "{" ".join(cmd)}"'
        )


def _venv_dir(content: bytes, venvs_dir: Path, base: str | None) -> Path:
    other = base is not None and base != sys.executable
    return venvs_dir / venv_key(content + (f"\n# base {base}".encode() if other else b""))


def cached_venv(content: bytes, venvs_dir: Path, base: str | None = None) -> Path | None:
    """The python of a finished environment for these requirements, if one is cached (no build)."""
    venv = _venv_dir(content, venvs_dir, base)
    return venv_python(venv) if (venv / COMPLETE_MARKER).exists() else None


def ensure_venv(
    requirements: Path,
    venvs_dir: Path,
    log: IO[bytes],
    timeout: float | None = None,
    base: str | None = None,
    extra: tuple[str, ...] = (),
) -> Path:
    """The python of a venv with ``requirements`` installed (built, or reused); pip output goes to ``log``.

    ``timeout`` bounds each step (creating the venv, ``pip install``); None waits as long as pip does.
    ``base``: another interpreter (``LocalSession(python=...)``) whose venv sees that interpreter's
    own packages (``--system-site-packages``, with its own pip) instead of this one's layers.
    ``extra``: requirement specifiers installed with the file (the framework version a job asked
    for), in the same ``pip install`` so that pip resolves them together.
    """
    content = requirements.read_bytes() + "".join(f"\n# with {line}" for line in extra).encode()
    other = base is not None and base != sys.executable
    venv = _venv_dir(content, venvs_dir, base)
    python = venv_python(venv)
    if (venv / COMPLETE_MARKER).exists():
        log.write(f"Reusing the environment for requirements.txt at {venv}\n".encode())
        return python
    with _locked(venvs_dir / f"{venv.name}.lock"):
        if (venv / COMPLETE_MARKER).exists():
            return python
        if venv.exists():
            shutil.rmtree(venv)  # an earlier build that did not finish
        own_pip = importlib.util.find_spec("pip") is not None and not other
        create = [base if other and base else sys.executable, "-m", "venv", "--system-site-packages"]
        create += ["--without-pip", str(venv)] if own_pip else [str(venv)]
        log.write(f"Installing requirements.txt into a cached environment at {venv}\n".encode())
        try:
            _run(create, log, None, "InstallRequirementsError (creating the environment)", timeout)
            if not other:
                layer = "".join(f"import site; site.addsitedir({d!r})\n" for d in _site_dirs())
                (_venv_site_packages(python) / LAYER_FILE).write_text(layer, encoding="utf-8")
            install = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
            install += ["-r", str(requirements), *extra]
            _run(install, log, requirements.parent, "InstallRequirementsError", timeout)
        except BaseException:
            shutil.rmtree(venv, ignore_errors=True)
            raise
        (venv / COMPLETE_MARKER).write_text(str(requirements), encoding="utf-8")
    return python


def requirements_of(code: Path, program: str) -> Path | None:
    """``code/requirements.txt`` when the toolkit would install it: for Python entry points (scripts
    and ``setup.py`` packages), not for shell commands."""
    from . import contract

    requirements = code / "requirements.txt"
    if not requirements.is_file() or contract.entry_point_kind(program, os.listdir(code)) == "command":
        return None
    return requirements
