"""What every command gets: parsed arguments, the Output, and a Session made only on demand.

The Session is built the first time a command asks for it, by a ``SessionFactory``. That
keeps boto3 out of commands that do not talk to AWS (``image-uri``, ``--help``) and gives
tests one narrow seam: ``main(argv, session_factory=...)`` hands the CLI a Session wired to
a moto server or to the scripted doubles, with no environment hooks or monkeypatching.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from ..errors import ConfigurationError
from ._output import Output

#: one page of a List* call: botocore's upper bound for MaxResults on every list we use
PAGE_SIZE = 100
REGION_FLAG = "--region"
NO_REGION_HINT = "no AWS region is configured: pass --region us-west-2, or set AWS_DEFAULT_REGION"


class AwsOptions(NamedTuple):
    """The global options that decide where requests go (``--region``, ``--profile``, ``--endpoint-url``)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


SessionFactory = Callable[[AwsOptions], Any]


def default_session_factory(options: AwsOptions) -> Any:
    """A ``sagemaker_lite.Session`` for the options; errors name the CLI flag to fix, not the Python keyword."""
    from ..session import Session

    boto_session = None
    if options.profile:
        import boto3
        from botocore.exceptions import ProfileNotFound

        try:
            boto_session = boto3.Session(profile_name=options.profile, region_name=options.region)
        except ProfileNotFound as exc:
            raise ConfigurationError("--profile", str(exc)) from exc
    try:
        return Session(boto_session=boto_session, region_name=options.region, endpoint_url=options.endpoint_url)
    except ConfigurationError as exc:
        if exc.parameter != "region":
            raise
        raise ConfigurationError(REGION_FLAG, NO_REGION_HINT) from exc


class Context:
    """One command invocation: ``args``, ``out`` and the lazily created ``session``."""

    def __init__(self, args: argparse.Namespace, out: Output, session_factory: SessionFactory) -> None:
        self.args = args
        self.out = out
        self._factory = session_factory
        self._session: Any = None

    @property
    def options(self) -> AwsOptions:
        return AwsOptions(self.args.region, self.args.profile, self.args.endpoint_url)

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = self._factory(self.options)
        return self._session


def paginate(session: Any, call: Callable[..., Any], key: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Follow ``NextToken`` until ``limit`` items are collected or the listing ends.

    Each page asks only for what is still missing, so ``--max 5`` costs one small request.
    A page may come back short or even empty with a token (filters applied after paging,
    as moto does): paging continues until the token runs out, never by page length.
    A token seen twice ends the loop, so a misbehaving backend cannot make it spin forever.
    """
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    token: str | None = None
    polling = getattr(session, "polling", None)
    while len(items) < limit:
        request = dict(params, MaxResults=min(PAGE_SIZE, limit - len(items)))
        if token:
            request["NextToken"] = token
        fetch = functools.partial(call, **request)
        page = polling.call(fetch) if polling is not None else fetch()
        items.extend(page.get(key) or [])
        token = page.get("NextToken")
        if not token or token in seen:
            break
        seen.add(token)
    return items[:limit]


def positive_int(text: str) -> int:
    """argparse type for ``--max``: a bad value is a usage error (exit 2) before any request."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value
