"""Suite-wide fixtures: an isolated AWS environment, a real moto server, scripted doubles, markers.

``tests/`` is put on ``sys.path`` here so test modules can ``from support.moto_server import ...``
whatever pytest's import mode (no ``tests/__init__.py``; no ini ``pythonpath`` needed).

Fixtures
  * ``aws_env`` (autouse): no test can reach real AWS or read the developer's credentials.
  * ``aws_region``: sets AWS_DEFAULT_REGION=us-west-2 (it is unset otherwise), yields the region.
  * ``moto_server`` (session): one ``MotoServer`` subprocess, started by the first test that asks.
  * ``moto``: resets the server, points AWS_ENDPOINT_URL at it, yields a ``MotoHandle``
    (``.url``, ``.region``, ``.boto_session()``, ``.client(service)``, ``.server``).
  * ``fast_retries``: botocore's standard-mode backoff sleeps 0 s; yields the delays it computed.
  * ``scripted``: a ``ScriptedAWS`` (SageMaker + CloudWatch Logs doubles behind real botocore clients).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from support.moto_server import MotoHandle, MotoServer  # noqa: E402
from support.scripted import ScriptedAWS, instant_backoff  # noqa: E402

AWS_OPT_IN_VAR = "SAGEMAKER_LITE_AWS_TESTS"
#: comparisons that run the official SDK from its side venv (minutes): opt in, not in default CI
OFFICIAL_OPT_IN_VAR = "SAGEMAKER_LITE_OFFICIAL_TESTS"  # kept for old scripts: the tier now always runs
#: leave the slow and official-SDK tiers out of a local run (never set in CI)
QUICK_VAR = "SAGEMAKER_LITE_QUICK"
#: Marker registry; the lead may move these lines into setup.cfg's ``[tool:pytest] markers``.
MARKERS: dict[str, str] = {
    "integration": "needs the moto server subprocess (added automatically to tests using moto_server/moto)",
    "local": "runs containers or processes in local mode",
    "tensorflow": "needs TensorFlow installed",
    "slow": "takes more than a few seconds",
    "official": "compared against the official SageMaker Python SDK",
    "aws": f"talks to real AWS; skipped unless {AWS_OPT_IN_VAR}=1",
}
REGION = "us-west-2"
_NOWHERE = TESTS_DIR / ".no-such-dir"  # never created: config/credentials files that do not exist
_LOCAL_HOSTS = ("127.0.0.1", "localhost")


def pytest_configure(config: pytest.Config) -> None:
    declared = {line.split(":", 1)[0].split("(", 1)[0].strip() for line in config.getini("markers")}
    for name, doc in MARKERS.items():
        if name not in declared:  # setup.cfg may already declare it (--strict-markers)
            config.addinivalue_line("markers", f"{name}: {doc}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark moto users ``integration``; skip real-AWS tests unless opted in; run every other tier.

    A skipped test is no test, and what installs here runs: the ``slow`` variants and the
    ``official`` comparisons (the official SDK in its side venv, built once by the
    ``official_sdk`` fixture) run by default. ``SAGEMAKER_LITE_QUICK=1`` leaves both tiers
    out for a quick local iteration (deselected, and the run says so); CI never sets it.
    """
    aws_enabled = os.environ.get(AWS_OPT_IN_VAR) == "1"
    skip_aws = pytest.mark.skip(reason=f"{AWS_SKIP_PREFIX}: set {AWS_OPT_IN_VAR}=1 to run it")
    quick = os.environ.get(QUICK_VAR) == "1"
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if ("moto_server" in fixtures or "moto" in fixtures) and item.get_closest_marker("integration") is None:
            item.add_marker(pytest.mark.integration)
        if item.get_closest_marker("aws") is not None and not aws_enabled:
            item.add_marker(skip_aws)
        tiered = item.get_closest_marker("official") is not None or item.get_closest_marker("slow") is not None
        if quick and tiered:
            left_out.append(item)
            continue
        if item.get_closest_marker("official") is not None and "official_sdk" not in fixtures:
            item.fixturenames.append("official_sdk")  # type: ignore[attr-defined]
        kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config.stash[_OPT_IN_LEFT_OUT] = (
            f"{len(left_out)} slow and official-SDK tests left out by {QUICK_VAR}=1 (CI runs them)"
        )


@pytest.fixture(scope="session")
def official_sdk() -> Path:
    """The side venv's python with the official SDK (created on first use, then reused from the cache)."""
    sys.path.insert(0, str(TESTS_DIR.parent / "benchmarks"))
    try:
        from sidevenv import official_python
    finally:
        sys.path.pop(0)
    return Path(official_python())


# --- skip policy: a skipped test is no test; only real-AWS tests may skip ----------------

AWS_SKIP_PREFIX = "real-AWS test"
_OPT_IN_LEFT_OUT = pytest.StashKey[str]()
_FORBIDDEN_SKIPS = pytest.StashKey[list[str]]()


def _allowed_skip(report: pytest.TestReport) -> bool:
    """Only a test marked ``aws`` (real AWS, opt-in) may be skipped."""
    return "aws" in report.keywords


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not _allowed_skip(report):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if hasattr(report, "wasxfail"):
            reason = f"xfail: {report.wasxfail}"
        _forbidden.append(f"{report.nodeid}: {reason}")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A whole module skipped at import (``pytest.importorskip``) is as forbidden as a skipped test."""
    if report.skipped:  # an aws-marked module skips its tests one by one, not at import
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _forbidden.append(f"{report.nodeid}: {reason}")


_forbidden: list[str] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when anything but a real-AWS test was skipped (a missing dependency hides regressions)."""
    session.config.stash[_FORBIDDEN_SKIPS] = list(_forbidden)
    if _forbidden and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    forbidden = config.stash.get(_FORBIDDEN_SKIPS, [])
    if forbidden:
        terminalreporter.section("skip policy: FAILED", red=True)
        terminalreporter.line(
            f"{len(forbidden)} tests were skipped for a reason other than needing real AWS; install what they "
            "need (.ci/run installs every test dependency) or fix them:"
        )
        for line in forbidden:
            terminalreporter.line(f"  {line}")
    left_out = config.stash.get(_OPT_IN_LEFT_OUT, "")
    if left_out:
        terminalreporter.line(left_out)


@pytest.fixture(autouse=True)
def aws_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrub every ``AWS_*`` variable, then install fake keys and files that do not exist.

    Region variables are removed too (tests check the "no region" error); use ``aws_region``.
    Tests marked ``aws`` (real AWS, opt-in) keep the developer's environment.
    """
    if request.node.get_closest_marker("aws") is not None:
        return
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(_NOWHERE / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(_NOWHERE / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for var in ("NO_PROXY", "no_proxy"):  # the local moto server must never be reached through a proxy
        present = [h for h in os.environ.get(var, "").split(",") if h.strip()]
        monkeypatch.setenv(var, ",".join(present + [h for h in _LOCAL_HOSTS if h not in present]))
    import boto3

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # no session cached with other credentials


@pytest.fixture
def aws_region(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """AWS_DEFAULT_REGION=us-west-2 for this test; returns the region."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    return REGION


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server subprocess for the whole session (per xdist worker), stopped at the end."""
    server = MotoServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(moto_server: MotoServer, aws_env: None, monkeypatch: pytest.MonkeyPatch) -> MotoHandle:
    """A reset moto server; every boto3 client made during the test goes to it (AWS_ENDPOINT_URL)."""
    if not moto_server.is_running():  # it crashed in an earlier test: start a fresh one
        moto_server.start()
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    return MotoHandle(moto_server, region=REGION)


@pytest.fixture
def fast_retries() -> Iterator[list[float]]:
    """botocore standard-mode retries without sleeping; yields the backoff delays botocore computed."""
    with instant_backoff() as delays:
        yield delays


@pytest.fixture
def scripted(aws_env: None) -> Iterator[ScriptedAWS]:
    """Scripted SageMaker + Logs doubles; ``scripted.boto_session()`` gives sessions wired to them."""
    bundle = ScriptedAWS(region=REGION)
    try:
        yield bundle
    finally:
        bundle.uninstall()


@pytest.fixture(scope="module")
def installed_framework_versions() -> Iterator[None]:
    """Opt out of the framework version a local job asks for: run the installed one (one warning in the log).

    Why: a local framework job (TensorFlow, PyTorch, SKLearn, XGBoost script mode) by default gets
    the ``framework_version`` it names, built from the package index when the installed one differs.
    The frameworks installed for the tests (TensorFlow 2.21, PyTorch 2.13, scikit-learn 1.9,
    XGBoost 3.2) are newer than every image the registry has (TensorFlow 2.19, PyTorch 2.8,
    SKLearn 1.4-2, XGBoost 3.0-5), so no version a test can name matches, and the default would
    download a whole framework per version. Tests that use this are about something else; the
    default itself is tested in tests/local/test_local_framework_versions.py with a local index.
    Use it as ``pytestmark = pytest.mark.usefixtures("installed_framework_versions")``; module-scoped,
    so that module-scoped endpoints and jobs are created with it too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAGEMAKER_LITE_FRAMEWORK_VERSIONS", "installed")
        yield
