"""The framework version a job asked for, the one its interpreter has, and an environment with the former.

A framework estimator names its version in the image (``.../tensorflow-training:2.13-cpu-py310``);
on SageMaker that image *is* the version. Locally the script runs with an interpreter on
this machine, so every job's log says which interpreter and which framework version run it,
and what the job asked for. What happens when they differ is the session's choice
(``LocalSession(framework_versions=...)``):

* ``"installed"`` (default): run with the installed version, with a warning line in the log
  naming both versions and how to get the other. Why not build by default (a departure from
  the design's "the framework version the job asked for"): the installed framework is often
  newer than any published image (so no ``framework_version`` can match it), and building
  would silently download hundreds of MB on the first ``fit()`` of every notebook that names
  an older version; the log line makes the difference visible instead;
* ``"exact"``: build (once, then cached like a ``requirements.txt`` environment) an
  environment layered on the interpreter with ``<package>==<version>.*`` from the package
  index, and run the script with it; when the index has no such version for this Python,
  the job fails at once with ``ClientError`` naming the versions it does have.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .artifacts import JobSetupError

MODES = ("installed", "exact")
#: image repository -> (framework, the pip distributions that provide it, first preferred)
FRAMEWORK_IMAGES = {
    "tensorflow-training": ("tensorflow", ("tensorflow-cpu", "tensorflow")),
    "pytorch-training": ("torch", ("torch",)),
    "sagemaker-scikit-learn": ("scikit-learn", ("scikit-learn",)),
}


@dataclass(frozen=True)
class Requested:
    framework: str
    distributions: tuple[str, ...]
    version: str


def requested(image: str) -> Requested | None:
    """The framework and version an image names (``tensorflow-training:2.13-cpu-py310`` -> 2.13)."""
    repository, _, tag = image.rsplit("/", 1)[-1].partition(":")
    known = FRAMEWORK_IMAGES.get(repository)
    match = re.match(r"\d+(\.\d+)*", tag)
    if known is None or match is None:
        return None
    return Requested(known[0], known[1], match.group(0))


@functools.lru_cache(maxsize=32)
def installed(python: str, distributions: tuple[str, ...]) -> tuple[str, str] | None:
    """(distribution, version) of the first of ``distributions`` that ``python`` has, or None."""
    probe = (
        "import importlib.metadata as m,sys\n"
        "for d in sys.argv[1:]:\n"
        "    try:\n"
        "        print(d, m.version(d)); break\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
    )
    try:
        out = subprocess.run(
            [python, "-c", probe, *distributions], capture_output=True, text=True, timeout=60, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return (out[0], out[1]) if len(out) == 2 else None


def matches(asked: str, have: str) -> bool:
    return have == asked or have.startswith(asked + ".")


def python_version(python: str) -> str:
    if python == sys.executable:
        return sys.version.split()[0]
    try:
        command = [python, "-c", "import sys; print(sys.version.split()[0])"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return done.stdout.strip() or "?"


def describe(python: str, want: Requested | None) -> tuple[str, bool]:
    """(the log line naming interpreter and framework version, whether the version differs)."""
    line = f"sagemaker_lite: Python {python_version(python)} ({python})"
    if want is None:
        return line, False
    have = installed(python, want.distributions)
    if have is None:
        return f"{line}; {want.framework} is not installed (the job asked for {want.framework} {want.version})", True
    differs = not matches(want.version, have[1])
    line = f"{line}; {have[0]} {have[1]} (the job asked for {want.framework} {want.version})"
    if differs:
        line += (
            f" - a different version: LocalSession(framework_versions='exact') builds an environment with "
            f"{have[0]}=={want.version}.*, or pin it in requirements.txt"
        )
    return line, differs


def exact_environment(python: str, want: Requested, venvs_dir: Path, log_path: Path) -> str:
    """An interpreter with ``want``'s version: a cached environment built from the package index."""
    from .venvs import ensure_venv

    have = installed(python, want.distributions)
    distribution = have[0] if have else want.distributions[0]
    pin = f"{distribution}=={want.version}.*"
    requirements = venvs_dir / "frameworks" / f"{distribution}-{want.version}.txt"
    requirements.parent.mkdir(parents=True, exist_ok=True)
    requirements.write_text(pin + "\n", encoding="utf-8")
    with open(log_path, "ab", buffering=0) as log:
        try:
            return str(ensure_venv(requirements, venvs_dir, log, base=python))
        except JobSetupError:
            offered = _offered_versions(log_path)
            if offered is None:
                raise
    minor = sorted({".".join(v.split(".")[:2]) for v in offered}, key=_version_key)
    raise JobSetupError(
        f"framework_version={want.version!r}: {pin} cannot be installed for Python {python_version(python)}; "
        f"the package index has {distribution} {', '.join(minor) or 'no versions'} for it "
        "(pick one of those framework_version values, or run with a Python the version supports: "
        "LocalSession(python=...))"
    )


def _offered_versions(log_path: Path) -> list[str] | None:
    """The versions pip said the index has (``from versions: 2.12.0, 2.13.1``) in the log, or None."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    found = re.findall(r"\(from versions: ([^)]*)\)", text)
    if not found:
        return None
    return [v.strip() for v in found[-1].split(",") if v.strip() and v.strip() != "none"]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))
