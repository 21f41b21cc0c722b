"""Mask AWS credentials (and other secrets) in text before it is printed or logged.

    from sagemaker_lite.redact import redact, redact_mapping
    redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    # 'AWS_SECRET_ACCESS_KEY=****'
    redact("key id AKIAIOSFODNN7EXAMPLE")
    # 'key id AKIA****************'
    redact_mapping({"epochs": "10", "api_token": "abc", "nested": {"password": "pw"}})
    # {'epochs': '10', 'api_token': '****', 'nested': {'password': '****'}}

What is masked, wherever it appears:

* access key ids: ``AKIA``/``ASIA`` (and ``ABIA``/``ACCA``) + 16 upper-case letters or digits; the
  4-letter prefix is kept (it says which kind of key it was), the rest becomes ``*``;
* STS session tokens, recognised by the prefixes every AWS session token starts with
  (``IQoJb3JpZ2lu``, ``FwoGZXIvYXdz``, ``FQoGZXIvYXdz``, ``AQoDYXdz``, ``AgoJb3JpZ2lu``);
* ``Bearer <token>`` (an HTTP Authorization header) keeps ``Bearer`` only, and after
  ``Authorization:`` / ``Proxy-Authorization:`` any scheme's credentials (``Basic <base64>``,
  ``token <token>``, ``AWS4-HMAC-SHA256 ...``) are masked, the scheme kept;
* the password of a URL's user information: ``https://user:pass@host`` -> ``https://user:****@host``;
* PEM private key blocks (``-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY-----`` up to the
  matching ``END`` line, or to the end of the text when it was cut off): the body becomes ``****``;
  ``LineRedactor`` does the same for text printed one line at a time (training logs);
* well-known token formats, the prefix kept: GitHub (``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_``,
  ``github_pat_``), Hugging Face (``hf_``), OpenAI/Anthropic-style (``sk-``, with mixed case and a
  digit), Slack (``xoxb-``/``xoxp-``/``xoxa-``/``xoxr-``/``xoxs-``), GitLab (``glpat-``), npm (``npm_``),
  PyPI (``pypi-``), Google API keys (``AIza``) and Stripe live/test keys (``sk_live_``, ``rk_test_``...);

and in a key/value context - ``name=value``, ``name: value``, ``"name": "value"`` (JSON or a
Python repr), ``--name value`` / ``--name=value`` (command lines) and ``"--name", "value"``
(a JSON list of arguments):

* any value whose NAME says it is secret: it contains ``secret``, ``password``/``passwd``,
  ``passphrase``, ``api_key``, ``private_key``, or ends in ``token`` - except pagination tokens
  (``nextToken``) and tokenizer settings (``pad_token``) - so ``aws_secret_access_key``,
  ``AWS_SESSION_TOKEN``, ``X-Amz-Security-Token``, ``db_password``, ``HF_TOKEN``, ``WANDB_API_KEY``;
* any value shaped like a secret access key whatever its name: exactly 40 characters of
  ``A-Z a-z 0-9 / +`` with upper- and lower-case letters and a digit, not starting with ``/``.

Masked values become ``****`` (their length is not kept). Not masked: hex digests (sha1's 40 hex
characters included: a secret key is mixed-case base64, never all-hex), UUIDs, ARNs, S3 URIs,
pagination tokens (``nextToken``) and a lone 40-character word outside a key/value context.

``redact`` is pure and idempotent (``redact(redact(s)) == redact(s)``). ``RedactingFilter`` is a
``logging.Filter`` applying it to every record of a logger or handler it is added to.
``redact_lines`` / ``LineRedactor`` redact a sequence of lines (a log tail) with the PEM state
carried from line to line, as ``fit()``'s log printer and ``JobFailedError`` need.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "MASK",
    "LineRedactor",
    "RedactingFilter",
    "is_secret_name",
    "looks_like_secret_key",
    "redact",
    "redact_lines",
    "redact_mapping",
]

MASK = "****"


class _LazyPattern:
    """A module-level regex compiled on first use: twenty patterns compiled at import cost
    milliseconds on every ``import sagemaker_lite.<framework>``, and most runs redact nothing."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def _pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    # typed as the compiled pattern it stands for: every attribute is delegated to it
    return _LazyPattern(pattern, flags)  # type: ignore[return-value]


_ACCESS_KEY_ID = _pattern(r"(?<![A-Za-z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])")
_SESSION_TOKEN = _pattern(
    r"(?<![A-Za-z0-9/+=])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AQoDYXdz|AgoJb3JpZ2lu)[A-Za-z0-9/+=]{16,}"
)
_SECRET_NAME = _pattern(r"secret|passw(?:or)?d|passphrase|api[_\-.]?key|private[_\-.]?key", re.IGNORECASE)
_TOKEN_NAME = _pattern(r"token$", re.IGNORECASE)
#: names ending in "token" that are not credentials: pagination tokens, tokenizer settings
_NOT_SECRET_TOKEN = _pattern(
    r"(?:next|continuation|forward|backward|page|pagination|pad|eos|bos|unk|sep|cls|mask|start|end|special)"
    r"[_\-.]?token$",
    re.IGNORECASE,
)
_BEARER = _pattern(r"(?<![A-Za-z])(?P<scheme>[Bb]earer\s+)[A-Za-z0-9\-._~+/]+=*")
_SECRET_KEY_SHAPE = _pattern(r"[A-Za-z0-9/+]{40}")
# Authorization: <scheme> <credentials> (HTTP headers, curl -H, requests' repr of headers)
_AUTHORIZATION = _pattern(
    r"(?P<lead>(?<![\w-])(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:[A-Za-z][\w.+-]*\s+)?)"
    r"(?P<value>(?!\*\*\*\*)[^\s\"',;}]+(?:,\s*[A-Za-z]+=[^\s\"',;}]+)*)(?![^\s\"',;}]|\s+\*\*\*\*)",
    re.IGNORECASE,
)
_BASIC = _pattern(r"(?<![A-Za-z])(?P<scheme>[Bb]asic\s+)(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])")
# scheme://user:password@host (the password may be empty; "****" is left alone, so this is idempotent)
_URL_PASSWORD = _pattern(r"(?P<lead>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@\"'<>]*:)(?P<value>[^\s/?#@\"'<>]+)(?=@)")
_PEM_BEGIN = _pattern(r"-----BEGIN (?P<kind>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----")
_PEM_BLOCK = _pattern(
    r"(?P<begin>-----BEGIN (?P<kind>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----)"
    r"(?P<body>.*?)(?P<end>-----END (?P=kind)-----|\Z)",
    re.DOTALL,
)
# well-known token formats: the prefix stays (it says what kind of token leaked), the rest goes
_TOKENS = _pattern(
    r"(?<![A-Za-z0-9_\-])(?P<prefix>"
    r"gh[pousr]_(?=[A-Za-z0-9]{30,})"
    r"|github_pat_(?=[A-Za-z0-9_]{30,})"
    r"|hf_(?=[A-Za-z0-9]{30,})"
    r"|xox[abprs]-(?=[A-Za-z0-9\-]{10,})"
    r"|glpat-(?=[A-Za-z0-9_\-]{20,})"
    r"|npm_(?=[A-Za-z0-9]{36})"
    r"|pypi-(?=AgE[A-Za-z0-9_\-]{50,})"
    r"|AIza(?=[0-9A-Za-z_\-]{35})"
    r"|[sr]k_(?:live|test)_(?=[A-Za-z0-9]{16,})"
    r"|sk-(?=(?:[a-z]+-)*[A-Za-z0-9_\-]*?[A-Z][A-Za-z0-9_\-]*?[0-9]|(?:[a-z]+-)*[A-Za-z0-9_\-]*?[0-9][A-Za-z0-9_\-]*?[A-Z])"
    r"(?:[a-z]+-)*(?=[A-Za-z0-9_\-]{20,})"
    r")(?P<value>[A-Za-z0-9_\-]+)"
)
_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
# "name": "value" / 'name': 'value' / name = "value" (JSON, Python reprs, quoted assignments)
_QUOTED_VALUE = r"""(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q))[^\\])*)(?P=q)"""
# (a key starts only where a name can start: without the lookbehind every position inside a long
# word would be tried as a key start, quadratic in the word's length)
_QUOTED = _pattern(
    rf"""(?P<kq>["']?)(?<![A-Za-z0-9_.\-])(?P<key>{_NAME})(?P=kq)(?P<sep>\s*(?::|=>|=)\s*)""" + _QUOTED_VALUE
)
# name=value / name: value with a bare value (environment lines, query strings, headers). Only names that
# may be secret are matched as keys here, so that "note: HF_TOKEN=x" is not consumed as note's value.
_SECRETISH_NAME = (
    r"[A-Za-z0-9_.\-]*(?i:secret|passw(?:or)?d|passphrase|api[_\-.]?key|private[_\-.]?key)[A-Za-z0-9_.\-]*"
    r"|[A-Za-z0-9_.\-]*(?i:token)"
)
_BARE = _pattern(
    rf"""(?<![\w.\-])(?P<kq>["']?)(?P<key>{_SECRETISH_NAME})(?P=kq)(?![\w.\-])(?P<sep>\s*(?:=|:)\s*)(?!//)"""
    r"""(?P<value>[^\s"',;&)}\]]+)"""
)
# name=<40 base64 characters> under any name (the secret access key shape), value ending at a delimiter
_SHAPED = _pattern(
    rf"""(?<![\w.\-])(?P<kq>["']?)(?P<key>{_NAME})(?P=kq)(?P<sep>\s*(?:=|:)\s*)(?P<value>[A-Za-z0-9/+]{{40}})"""
    r"""(?![A-Za-z0-9/+=])"""
)
# --name value / --name=value (a command line), "--name", "value" (SM_USER_ARGS)
_ARGUMENT = _pattern(
    r"""(?P<lead>(?<![\w-])--?)(?P<key>[A-Za-z0-9_][A-Za-z0-9_.\-]*)(?P<sep>=|\s+)(?P<value>(?!-)[^\s"']+)"""
)
_LISTED_ARGUMENT = _pattern(
    r"""(?P<kq>["'])--?(?P<key>[A-Za-z0-9_][A-Za-z0-9_.\-]*)(?P=kq)(?P<sep>\s*,\s*)""" + _QUOTED_VALUE
)


def is_secret_name(name: str) -> bool:
    """True for names such as ``aws_secret_access_key``, ``AWS_SESSION_TOKEN``, ``db_password``, ``api_key``,
    ``HF_TOKEN``; false for ``nextToken``, ``pad_token``, ``max_tokens``, ``kms_key``."""
    if _SECRET_NAME.search(name):
        return True
    return bool(_TOKEN_NAME.search(name)) and not _NOT_SECRET_TOKEN.search(name)


def looks_like_secret_key(value: str) -> bool:
    """True for a 40-character base64 word with upper- and lower-case letters and a digit.

    That is the shape of an AWS secret access key. Not: a 40-character hex digest (sha1: one
    letter case only), a 40-character identifier without digits, an absolute path or the
    ``//bucket/key`` of a URI (a leading ``/``).
    """
    return (
        _SECRET_KEY_SHAPE.fullmatch(value) is not None
        and not value.startswith("/")
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


def _masked(key: str, value: str) -> bool:
    if not value or value == MASK:
        return False
    return is_secret_name(key) or looks_like_secret_key(value)


def _pair(match: re.Match[str]) -> str:
    if not _masked(match.group("key"), match.group("value")):
        return match.group(0)
    start, end = match.span("value")
    offset = match.start()
    text = match.group(0)
    return text[: start - offset] + MASK + text[end - offset :]


def _pem(match: re.Match[str]) -> str:
    body, end = match.group("body"), match.group("end") or ""
    if body == MASK or body.strip() == MASK:
        return match.group(0)
    lead = "\n" if body.startswith(("\n", "\r")) else ""
    trail = "\n" if end and body.endswith("\n") else ""
    return f"{match.group('begin')}{lead}{MASK}{trail}{end}"


def _authorization(match: re.Match[str]) -> str:
    return match.group("lead") + MASK


def redact(text: str) -> str:
    """``text`` with credentials and secret values replaced (see the module docstring)."""
    if not text:
        return text
    text = _PEM_BLOCK.sub(_pem, text)
    text = _SESSION_TOKEN.sub(MASK, text)
    text = _BEARER.sub(lambda m: m.group("scheme") + MASK, text)
    text = _AUTHORIZATION.sub(_authorization, text)
    text = _BASIC.sub(lambda m: m.group("scheme") + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("lead") + MASK, text)
    text = _TOKENS.sub(lambda m: m.group("prefix") + MASK, text)
    text = _ACCESS_KEY_ID.sub(lambda m: m.group(1) + "*" * 16, text)
    text = _LISTED_ARGUMENT.sub(_pair, text)
    text = _QUOTED.sub(_pair, text)
    text = _BARE.sub(_pair, text)
    text = _SHAPED.sub(_pair, text)
    return _ARGUMENT.sub(_pair, text)


def _redact_value(key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return redact_mapping(value)
    if isinstance(value, str):
        return MASK if _masked(key, value) else redact(value)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_redact_value(key, item) for item in value]
    if value is not None and not isinstance(value, bool) and is_secret_name(key):
        return MASK
    return value


def redact_mapping(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    """A copy of ``mapping`` (hyperparameters, environment, a request) with secret values masked.

    Values under secret-looking names become ``****`` (whatever their type, booleans and None
    excepted), secret-shaped
    strings under any name too, other strings go through ``redact``; nested mappings and lists
    are handled the same way. Keys are kept.
    """
    return {key: _redact_value(str(key), value) for key, value in mapping.items()}


class RedactingFilter(logging.Filter):
    """``logger.addFilter(RedactingFilter())``: every record's message is redacted before output."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# a line inside a PEM block: base64 (after an optional "[algo-2] " host prefix), a header or blank
_PEM_BODY_LINE = _pattern(r"(?:\[[^\]]*\]\s*)?(?:[A-Za-z0-9+/=]*|[A-Za-z-]+: .*)\s*")
_PEM_END = _pattern(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")


class LineRedactor:
    """``redact`` for text that arrives one line at a time, remembering an open PEM block.

        out = LineRedactor()
        for line in log_lines:
            show(out(line))

    A private key printed by a training script spans many log lines; ``redact`` on each line
    alone would mask only the ``BEGIN`` line. After a ``BEGIN ... PRIVATE KEY`` line without its
    ``END``, the following lines that look like a PEM body (base64, ``Proc-Type:`` headers) are
    masked, up to the ``END`` line; any other line closes the block, so a cut-off key never
    hides the rest of the log.
    """

    def __init__(self) -> None:
        self.in_private_key = False

    def __call__(self, line: str) -> str:
        if self.in_private_key:
            end = _PEM_END.search(line)
            if end is not None:
                self.in_private_key = False
                return MASK + redact(line[end.start() :])
            if _PEM_BODY_LINE.fullmatch(line):
                return MASK if line.strip() else line
            self.in_private_key = False
        begin = _PEM_BEGIN.search(line)
        if begin is not None and _PEM_END.search(line, begin.end()) is None:
            self.in_private_key = True
        return redact(line)


def redact_lines(lines: Iterable[str]) -> list[str]:
    """Each line redacted, PEM blocks followed across lines (``LineRedactor``)."""
    redactor = LineRedactor()
    return [redactor(line) for line in lines]
