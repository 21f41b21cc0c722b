"""Record every AWS request the SDK sends during a pytest run, per test, as normalised JSON.

The reshaping work (issue 12) must leave every request byte-for-byte the same. This plugin
is the yardstick: run the request-building tests with it on the old commit and on the new
one, and compare the two files::

    export PYTHONPATH=$PWD:$PWD/tests   # the plugin loads before conftest puts tests/ on sys.path
    SAGEMAKER_LITE_CAPTURE=/tmp/after.json python -m pytest -p support.request_capture \
        -q -p no:cacheprovider $(python tests/support/request_capture.py --tests)
    python tests/support/request_capture.py --compare tests/data/requests_741adbe.json /tmp/after.json

It wraps ``botocore.client.BaseClient._make_api_call`` (every boto3 client, whatever double
answers it: Stubber, RecordingAWS, ScriptedAWS, moto) and the public methods of the local
SageMaker and Logs clients. Values that change from run to run are replaced by placeholders
(timestamps in generated names, temporary directories, uuids); streams are recorded by type.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import tarfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

ENV = "SAGEMAKER_LITE_CAPTURE"
#: the tests whose requests are the contract: official parity, request tests, attach round trips
TESTS = ("tests/unit",)

#: tests whose number of polls depends on thread timing (a rate limit under concurrency, a log
#: tailer beside the poller, a local job's thread): compared as sets of distinct requests
TIMING_DEPENDENT = (
    "tests/unit/test_waiting.py::test_describe_log_streams_stays_under_the_account_limit",
    "tests/unit/test_cli_scripted.py::test_follow_a_failed_job_exits_1_with_its_reason",
    "tests/unit/test_hostile_archives.py::test_local_mode_refuses_a_hostile_sourcedir_archive",
)
_VOLATILE = (
    (re.compile(r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}(-[a-z0-9]{4}\b)?"), "<TIMESTAMP>"),
    (re.compile(r"<TIMESTAMP>-[a-z0-9]{4}\b"), "<TIMESTAMP>"),  # generated names' random suffix
    (re.compile(r"/tmp/pytest-of-[^/]+/pytest-\d+/[^/\s\"']+"), "<TMP>"),
    (re.compile(r"/tmp/tmp[a-z0-9_]{6,}"), "<TMP>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<UUID>"),
)


def normalise(value: Any) -> Any:
    """A JSON-ready copy with run-dependent parts replaced (see module doc)."""
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return _bytes(bytes(value))
    if isinstance(value, str):
        for pattern, placeholder in _VOLATILE:
            value = pattern.sub(placeholder, value)
        return value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if hasattr(value, "isoformat"):
        return {"__datetime__": value.isoformat()}
    return {"__type__": type(value).__name__}


def _bytes(data: bytes) -> Any:
    """Text as text; a gzipped tar as its members (names, sizes, content digests), not its mtimes."""
    if data[:2] == b"\x1f\x8b":
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
                return {
                    "__tar.gz__": [
                        [
                            member.name,
                            member.type.decode(),
                            member.size,
                            member.linkname,
                            hashlib.sha256(extracted.read()).hexdigest()
                            if member.isfile() and (extracted := archive.extractfile(member))
                            else None,
                        ]
                        for member in archive.getmembers()
                    ]
                }
        except (tarfile.TarError, OSError, EOFError):
            pass
    return {"__bytes__": data.decode("utf-8", "backslashreplace")}


class Capture:
    def __init__(self) -> None:
        self.current = "<collection>"
        self.requests: dict[str, list[Any]] = {}
        self._undo: list[Callable[[], None]] = []

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        self.requests.setdefault(self.current, []).append([service, operation, normalise(params)])

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        capture = self

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            capture.record(client.meta.service_model.service_name, operation_name, api_params)
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = _make_api_call  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(BaseClient, "_make_api_call", original))
        import sagemaker_lite.local as local

        for class_name, service in (("LocalSageMakerClient", "local-sagemaker"), ("LocalLogsClient", "local-logs")):
            cls = getattr(local, class_name)
            for name in dir(cls):
                if name.startswith("_") or not callable(getattr(cls, name)):
                    continue
                self._wrap(cls, name, service)

    def _wrap(self, cls: type, name: str, service: str) -> None:
        original = cls.__dict__.get(name)
        inherited = getattr(cls, name)
        capture = self
        operation = "".join(part.title() for part in name.split("_"))

        def method(client: Any, *args: Any, **kwargs: Any) -> Any:
            if not args:
                capture.record(service, operation, kwargs)
            return inherited(client, *args, **kwargs)

        setattr(cls, name, method)
        if original is None:
            self._undo.append(lambda: delattr(cls, name))
        else:
            self._undo.append(lambda: setattr(cls, name, original))

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()


_CAPTURE = Capture()


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(ENV):
        _CAPTURE.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Any) -> Iterator[None]:
    _CAPTURE.current = item.nodeid
    yield
    _CAPTURE.current = "<between tests>"


def pytest_unconfigure(config: pytest.Config) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    _CAPTURE.uninstall()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(_CAPTURE.requests, handle, indent=1, sort_keys=True)
        handle.write("\n")


def compare(before_path: str, after_path: str) -> int:
    """Print every test whose requests differ; 0 when all tests in ``before`` match."""
    with open(before_path, encoding="utf-8") as handle:
        before = json.load(handle)
    with open(after_path, encoding="utf-8") as handle:
        after = json.load(handle)
    before, after = normalise(before), normalise(after)  # files written by an older normaliser
    differing = 0
    for test, calls in sorted(before.items()):
        if test.startswith("<"):
            continue
        if test in TIMING_DEPENDENT:
            if {json.dumps(c) for c in after.get(test) or []} != {json.dumps(c) for c in calls}:
                differing += 1
                print(f"DIFFERS (as a set): {test}")
            continue
        if after.get(test) != calls:
            if after.get(test) is not None and sorted(map(json.dumps, after[test])) == sorted(map(json.dumps, calls)):
                print(f"same requests, another order (threads): {test}")
                continue
            differing += 1
            print(f"DIFFERS: {test}")
            theirs = after.get(test)
            if theirs is None:
                print("    missing after")
                continue
            for index, (old, new) in enumerate(zip(calls, theirs, strict=False)):
                if old != new:
                    print(f"    call {index}: {json.dumps(old)[:400]}\n         -> {json.dumps(new)[:400]}")
                    break
            if len(calls) != len(theirs):
                print(f"    {len(calls)} calls before, {len(theirs)} after")
    total = sum(len(c) for t, c in before.items() if not t.startswith("<"))
    print(f"{len(before)} tests, {total} requests compared, {differing} tests differ")
    return 1 if differing else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--tests"]:
        print(" ".join(TESTS))
    elif sys.argv[1:2] == ["--compare"] and len(sys.argv) == 4:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
