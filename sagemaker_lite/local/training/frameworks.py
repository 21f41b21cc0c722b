"""The framework version a job asked for, the one its interpreter has, and an environment with the former.

A framework estimator names its version in the image (``.../tensorflow-training:2.13-cpu-py310``);
on SageMaker that image *is* the version. Locally the script runs with an interpreter on
this machine, so every job's log says which interpreter and which framework version run it,
and what the job asked for.

When they differ, local mode by default gives the job the version it asked for, like the image
would (``framework_versions="exact"``):

* at ``CreateTrainingJob`` - before any job directory or process exists - it asks the package
  index (``pip index versions``, bounded by ``INDEX_TIMEOUT``) whether a wheel of that version
  exists for the interpreter's Python. If none does, the call fails at once with
  ``LocalModeError`` naming the versions that would work (and any index error, e.g. no network);
* the job then builds (once; cached like a ``requirements.txt`` environment, under
  ``<root>/venvs``) an environment layered on the interpreter with ``<package>==<version>.*``,
  and runs the script with it; a cached environment needs no index at all.

Local endpoints and batch transform of framework models follow the same rule for the model
server's interpreter (checked at ``CreateModel``/``CreateEndpoint``, built when the server starts),
so a model trained with the version it asked for is served with it. Built-in algorithm images
(``sagemaker-xgboost`` without a script) have their own rule (local/algorithms/packages.py).

The opt-out, ``LocalSession(framework_versions="installed")`` or the environment variable
``SAGEMAKER_LITE_FRAMEWORK_VERSIONS=installed`` (for notebooks; the argument wins), runs the
installed version, with one warning line in the job's log naming both versions.

"Differs" compares the version's release numbers at the precision the image names them:
framework images are published per ``major.minor`` (TensorFlow ``2.19``, SKLearn ``1.2-1``,
XGBoost ``1.7-1`` - the ``-1`` is the container's revision, not the library's), so ``2.21``
matches an installed 2.21.0 or 2.21.3, ``2.19`` does not match 2.21.0, and a full version
(PyTorch ``2.0.1``, HuggingFace's ``pytorch_version``) must match all three numbers. Local
build labels (``2.13.0+cpu``) are ignored.

A HuggingFace image names two versions (``huggingface-pytorch-training:2.0.0-transformers4.28.1-...``),
and the job asks for both: an image is a list of pins (``requested``), each checked, logged and
built by the rules above. The one environment holds every pin of the image (the matching ones
too, so that pip's single resolution - with ``requirements.txt`` - keeps them), the index is
asked only about the ones that differ, and a missing transformers wheel fails at once naming
``transformers_version`` and the transformers versions the index has. A ``requirements.txt`` that
names a pin's package (``transformers==4.30.0``, ``torch``) decides that one itself.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ...errors import LocalModeError, ValidationError
from .artifacts import JobSetupError

MODES = ("exact", "installed")
DEFAULT_MODE = "exact"
MODE_ENV = "SAGEMAKER_LITE_FRAMEWORK_VERSIONS"
#: seconds the package index query may take (pip's own network timeout is a fraction of it)
INDEX_TIMEOUT = 120.0
#: image repository -> (framework, the pip distributions that provide it, first preferred)
FRAMEWORK_IMAGES = {
    "tensorflow-training": ("tensorflow", ("tensorflow-cpu", "tensorflow")),
    "pytorch-training": ("torch", ("torch",)),
    "sagemaker-scikit-learn": ("scikit-learn", ("scikit-learn",)),
    "sagemaker-xgboost": ("xgboost", ("xgboost",)),
    "huggingface-pytorch-training": ("torch", ("torch",)),
    "huggingface-tensorflow-training": ("tensorflow", ("tensorflow-cpu", "tensorflow")),
    # local endpoints and batch transform of framework models (serving/endpoint.py): the same rule
    "tensorflow-inference": ("tensorflow", ("tensorflow-cpu", "tensorflow")),
    "pytorch-inference": ("torch", ("torch",)),
    "huggingface-pytorch-inference": ("torch", ("torch",)),
    "huggingface-tensorflow-inference": ("tensorflow", ("tensorflow-cpu", "tensorflow")),
}
OPT_OUT = f"LocalSession(framework_versions='installed') or {MODE_ENV}=installed"


#: libraries a tag names beside the framework (``2.0.0-transformers4.28.1-gpu-...``) -> the parameter that picks it
TAGGED_LIBRARIES = {"transformers": "transformers_version"}


@dataclass(frozen=True)
class Requested:
    """One version an image asks for: ``torch 2.0.0`` (from ``framework_version``), ``transformers 4.28.1``..."""

    framework: str
    distributions: tuple[str, ...]
    version: str
    parameter: str = "framework_version"


def resolve_mode(explicit: str | None) -> str:
    """The mode a job runs with: the session's argument, else ``$SAGEMAKER_LITE_FRAMEWORK_VERSIONS``, else exact."""
    if explicit is not None:
        if explicit not in MODES:
            raise ValidationError("framework_versions", explicit, " or ".join(repr(m) for m in MODES))
        return explicit
    configured = os.environ.get(MODE_ENV, "").strip()
    if configured and configured not in MODES:
        raise ValidationError(MODE_ENV, configured, " or ".join(repr(m) for m in MODES) + " (or unset)")
    return configured or DEFAULT_MODE


def requested(image: str) -> tuple[Requested, ...]:
    """The versions an image asks for (``tensorflow-training:2.13-cpu-py310`` -> tensorflow 2.13); none: ``()``.

    ``huggingface-pytorch-training:2.0.0-transformers4.28.1-gpu-py310-cu118-ubuntu20.04`` ->
    torch 2.0.0 and transformers 4.28.1.
    """
    repository, _, tag = image.rsplit("/", 1)[-1].partition(":")
    known = FRAMEWORK_IMAGES.get(repository)
    match = re.match(r"\d+(\.\d+)*", tag)
    if known is None or match is None:
        return ()
    pins = [Requested(known[0], known[1], match.group(0))]
    for library, parameter in TAGGED_LIBRARIES.items():
        named = re.search(rf"-{library}(\d+(?:\.\d+)*)(?:-|$)", tag)
        if named is not None:
            pins.append(Requested(library, (library,), named.group(1), parameter))
    return tuple(pins)


@functools.lru_cache(maxsize=32)
def installed(python: str, distributions: tuple[str, ...]) -> tuple[str, str] | None:
    """(distribution, version) of the first of ``distributions`` that ``python`` has, or None."""
    if python == sys.executable:
        for distribution in distributions:
            try:
                return distribution, importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                continue
        return None
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
    """Whether ``have`` is the version ``asked`` names, at the precision it names it (module docstring)."""
    from packaging.version import InvalidVersion, Version

    try:
        want, got = Version(asked).release, Version(have).release
    except InvalidVersion:
        return have == asked or have.startswith(asked + ".")
    return got[: len(want)] == want


@functools.lru_cache(maxsize=8)
def python_version(python: str) -> str:
    if python == sys.executable:
        return sys.version.split()[0]
    try:
        command = [python, "-c", "import sys; print(sys.version.split()[0])"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return done.stdout.strip() or "?"


def describe(python: str, wants: tuple[Requested, ...], mode: str) -> tuple[str, bool]:
    """(the log line naming interpreter and the versions it has, whether any differs from what the job asked for)."""
    line = f"sagemaker_lite: Python {python_version(python)} ({python})"
    differences: list[str] = []
    for want in wants:
        asked = f"{want.framework} {want.version}"
        have = installed(python, want.distributions)
        if have is None:
            line += f"; {want.framework} is not installed (the job asked for {asked})"
            differences.append(f"{want.framework} is not installed, not the {asked} the job asked for")
        else:
            line += f"; {have[0]} {have[1]} (the job asked for {asked})"
            if not matches(want.version, have[1]):
                differences.append(f"running {have[0]} {have[1]}, not the {asked} the job asked for")
    if differences and mode == "installed":
        pins = " and ".join(_pin(python, want) for want in wants if not _matches_installed(python, want))
        line += (
            f"\nsagemaker_lite: WARNING: {'; '.join(differences)}, because framework_versions='installed' (from "
            f"LocalSession or {MODE_ENV}); without it the job gets {pins} or fails at once naming the versions "
            "there are"
        )
    return line, bool(differences)


def _matches_installed(python: str, want: Requested) -> bool:
    have = installed(python, want.distributions)
    return have is not None and matches(want.version, have[1])


def _distribution(python: str, want: Requested) -> str:
    have = installed(python, want.distributions)
    return have[0] if have else want.distributions[0]


def _pin(python: str, want: Requested) -> str:
    return f"{_distribution(python, want)}=={want.version}.*"


def check_available(python: str, wants: tuple[Requested, ...], venvs_dir: Path, mode: str) -> None:
    """Raise ``LocalModeError`` now when the job could not get a version it asked for.

    Called before the job exists. Nothing to check when the installed versions match, the
    mode is ``installed``, or an environment with the versions is already cached; otherwise
    the index is asked about each version that differs.
    """
    if mode == "installed":
        return
    differing = [want for want in wants if not _matches_installed(python, want)]
    if not differing:
        return
    from .venvs import cached_venv

    if cached_venv("".join(_pin(python, want) + "\n" for want in wants).encode(), venvs_dir, base=python) is not None:
        return
    for want in differing:
        distribution = _distribution(python, want)
        offered, problem = index_versions(python, distribution)
        if not any(matches(want.version, version) for version in offered):
            raise LocalModeError(unavailable_message(python, want, distribution, offered, problem))


def unavailable_message(
    python: str, want: Requested, distribution: str, offered: list[str], problem: str | None
) -> str:
    minors = sorted({".".join(v.split(".")[:2]) for v in offered}, key=_version_key)
    asked_minor = ".".join(want.version.split(".")[:2])
    if want.version != asked_minor and asked_minor in minors:  # a full version: the ones of its minor there are
        full = sorted((v for v in offered if ".".join(v.split(".")[:2]) == asked_minor), key=_version_key)
        minors[minors.index(asked_minor)] = f"{asked_minor} ({', '.join(full)})"
    have = installed(python, want.distributions)
    message = (
        f"{want.parameter}={want.version!r}: the package index has no {distribution}=={want.version}.* wheel for "
        f"Python {python_version(python)} ({python}); "
        + (f"it has {distribution} {', '.join(minors)} for it" if minors else f"it has no {distribution} for it")
        + f". Pick one of those {want.parameter} values, run with a Python that version supports "
        f"(LocalSession(python=...)), or run the installed "
        f"{f'{have[0]} {have[1]}' if have else want.framework + ' (not installed)'}: {OPT_OUT}"
    )
    if problem:
        message += f". The package index query had a problem: {problem}"
    return message


def index_versions(python: str, distribution: str, timeout: float = INDEX_TIMEOUT) -> tuple[list[str], str | None]:
    """The versions of ``distribution`` with a wheel for ``python`` on pip's index, and any problem asking.

    pip's own configuration applies (``PIP_INDEX_URL``, ``PIP_FIND_LINKS``, ``PIP_NO_INDEX``...);
    the query reads index pages only, it downloads no wheel.
    """
    if importlib.util.find_spec("pip") is None:
        return [], f"pip is not installed for {sys.executable}, so the index cannot be asked"
    command = [sys.executable, "-m", "pip", "index", "versions", distribution, "--only-binary=:all:"]
    network_timeout = str(max(1, int(timeout / 8)))
    command += ["--disable-pip-version-check", "--no-input", "--timeout", network_timeout, "--retries", "1"]
    if python != sys.executable:
        major_minor = ".".join(python_version(python).split(".")[:2])
        if re.fullmatch(r"\d+\.\d+", major_minor):
            command += ["--python-version", major_minor]
    try:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return [], f"no answer within {timeout:.0f} s ({' '.join(command)})"
    except OSError as exc:
        return [], f"could not run pip: {exc}"
    found = re.search(r"^Available versions: (.*)$", done.stdout, re.MULTILINE)
    versions = [v.strip() for v in found.group(1).split(",") if v.strip()] if found else []
    unreachable = [
        line.strip()
        for line in done.stderr.splitlines()
        if "Could not fetch URL" in line or "connection broken" in line or "Retrying" in line
    ]
    if unreachable:
        return versions, f"the index could not be reached: {unreachable[-1][:300]}"
    if done.returncode != 0 and "No matching distribution" not in done.stderr:
        tail = " ".join(done.stderr.strip().splitlines()[-2:])[:300]
        return versions, f"pip index versions exited with {done.returncode}: {tail}"
    return versions, None


def interpreter(
    base: str, wants: tuple[Requested, ...], mode: str, requirements: Path | None, venvs_dir: Path, log_path: Path
) -> str:
    """The python a script-mode job runs with: ``base``, plus its ``requirements.txt`` and the versions asked for.

    One environment holds both (pip resolves them together): a venv made from another venv
    would not see the first one's packages. A ``requirements.txt`` that names a package the job
    asked for itself decides its version (the log then says which one runs).
    """
    from .venvs import ensure_venv

    ours = tuple(want for want in wants if requirements is None or not _names_framework(requirements, want))
    if mode == "exact" and any(not _matches_installed(base, want) for want in ours):
        return exact_environment(base, ours, venvs_dir, log_path, requirements)
    if requirements is None:
        return base
    with open(log_path, "ab", buffering=0) as log:
        return str(ensure_venv(requirements, venvs_dir, log, base=base))


def _names_framework(requirements: Path, want: Requested) -> bool:
    text = requirements.read_text(encoding="utf-8", errors="replace")
    names = "|".join(re.escape(name) for name in (*want.distributions, want.framework))
    return re.search(rf"^\s*({names})\s*($|[=<>!~;\[ ])", text, re.MULTILINE | re.IGNORECASE) is not None


def exact_environment(
    python: str, wants: tuple[Requested, ...], venvs_dir: Path, log_path: Path, requirements: Path | None = None
) -> str:
    """An interpreter with ``wants``' versions (and ``requirements``): a cached environment from the package index."""
    from .venvs import ensure_venv

    pins = tuple(_pin(python, want) for want in wants)
    extra = pins
    if requirements is None:
        name = "+".join(f"{_distribution(python, want)}-{want.version}" for want in wants)
        requirements = venvs_dir / "frameworks" / f"{name}.txt"
        requirements.parent.mkdir(parents=True, exist_ok=True)
        requirements.write_text("".join(pin + "\n" for pin in pins), encoding="utf-8")
        extra = ()
    asked = " and ".join(f"{want.framework} {want.version}" for want in wants)
    with open(log_path, "ab", buffering=0) as log:
        log.write(f"sagemaker_lite: the job asked for {asked}: {' '.join(pins)}\n".encode())
        try:
            return str(ensure_venv(requirements, venvs_dir, log, base=python, extra=extra))
        except JobSetupError:
            refused = _offered_versions(log_path)
            for want in wants:  # a version the index does not have: say which ones it has
                distribution = _distribution(python, want)
                if refused is not None and _same_name(refused[0], distribution):
                    raise JobSetupError(unavailable_message(python, want, distribution, refused[1], None)) from None
            raise


def _offered_versions(log_path: Path) -> tuple[str, list[str]] | None:
    """The distribution pip could not find and the versions it said the index has, from the log, or None.

    (``... satisfies the requirement tensorflow-cpu==2.2.* (from versions: 2.13.0, 2.14.0)``)
    """
    text = log_path.read_text(encoding="utf-8", errors="replace")
    found = re.findall(r"requirement ([A-Za-z0-9._-]+)[^(\n]*\(from versions: ([^)]*)\)", text)
    if not found:
        return None
    distribution, versions = found[-1]
    return distribution, [v.strip() for v in versions.split(",") if v.strip() and v.strip() != "none"]


def _same_name(one: str, other: str) -> bool:
    from packaging.utils import canonicalize_name

    return canonicalize_name(one) == canonicalize_name(other)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))
