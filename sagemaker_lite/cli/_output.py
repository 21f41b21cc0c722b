"""How the CLI writes: tables and YAML-ish documents for people, JSON for programs.

Results go to stdout and everything else (notes, status transitions, errors) to stderr,
so ``sagemaker-lite jobs logs NAME | grep loss`` and ``... --json | jq`` see only the result.
``sys.stdout`` / ``sys.stderr`` are looked up at every write rather than captured once, so
tests that swap them (pytest's ``capsys``) and ``main()`` called in-process both work.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

PROG = "sagemaker-lite"
MAX_ERROR_CHARS = 1000


def json_default(value: Any) -> Any:
    """datetimes as ISO 8601 strings (botocore returns them as aware datetimes), bytes as base64."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def to_json(value: Any, *, indent: int | None = 2) -> str:
    separators = None if indent else (",", ":")
    return json.dumps(value, indent=indent, default=json_default, ensure_ascii=False, separators=separators)


def without_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    """A boto3 response minus ``ResponseMetadata``: request ids are noise in a description."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def format_time(value: Any) -> str:
    """``2024-05-01 13:02:11`` in the local timezone (aware values), or as given; ``-`` for none."""
    if value is None or value == "":
        return "-"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    return str(value)


def format_epoch_ms(milliseconds: int) -> str:
    """A CloudWatch event timestamp (ms since the epoch) as ISO 8601 in UTC."""
    moment = datetime.fromtimestamp(milliseconds / 1000.0, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart; the last column is not padded (no trailing blanks)."""
    widths = [len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [list(headers), *rows]:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("  ".join(cells))
    return lines


_PLAIN_SPECIALS = frozenset(":#{}[],&*!|>'\"%@`")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    needs_quotes = (
        not text
        or text != text.strip()
        or "\n" in text
        or text[0] in "-?"
        or text.lower() in ("null", "true", "false", "yes", "no", "~")
        or any(ch in _PLAIN_SPECIALS for ch in text if ch not in ":/")
        or ": " in text
        or text.endswith(":")
    )
    return json.dumps(text, ensure_ascii=False) if needs_quotes else text


def render_yamlish(value: Any, indent: int = 0) -> list[str]:
    """A readable, YAML-like rendering of a describe response (nested dicts and lists).

    Not a YAML emitter: it exists so a person can scan a description; programs use ``--json``.
    Strings that YAML would misread are JSON-quoted, so the output still parses as YAML.
    """
    pad = " " * indent
    if isinstance(value, Mapping):
        if not value:
            return [pad + "{}"]
        lines: list[str] = []
        for key, item in value.items():
            if isinstance(item, (Mapping, list, tuple)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(render_yamlish(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {_empty_or_scalar(item)}")
        return lines
    if isinstance(value, (list, tuple)):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            nested = render_yamlish(item, indent + 2)
            if isinstance(item, (Mapping, list, tuple)) and item:
                lines.append(f"{pad}- {nested[0].lstrip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_empty_or_scalar(item)}")
        return lines
    return [pad + _scalar(value)]


def _empty_or_scalar(item: Any) -> str:
    if isinstance(item, Mapping):
        return "{}"
    if isinstance(item, (list, tuple)):
        return "[]"
    return _scalar(item)


def one_line(message: str, limit: int | None = MAX_ERROR_CHARS) -> str:
    """An error message on one line, bounded (an HTML error page must not flood the terminal)."""
    text = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


class Output:
    """Writes results to stdout (JSON when ``json_mode``) and notes and errors to stderr."""

    def __init__(self, *, json_mode: bool = False) -> None:
        self.json_mode = json_mode

    def line(self, text: str = "") -> None:
        """One line of result, flushed at once (log lines must appear while a job runs)."""
        stream = sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def note(self, text: str) -> None:
        """Progress and status for a person; never part of the result."""
        stream = sys.stderr
        stream.write(text + "\n")
        stream.flush()

    def error(self, message: str) -> None:
        """``sagemaker-lite: error: ...`` on one line (``message`` is already bounded by the caller)."""
        self.note(f"{PROG}: error: {one_line(message, limit=None)}")

    def emit_json(self, value: Any, *, compact: bool = False) -> None:
        self.line(to_json(value, indent=None if compact else 2))

    def document(self, value: Mapping[str, Any]) -> None:
        """A describe result: JSON with ``--json``, else the YAML-ish rendering."""
        if self.json_mode:
            self.emit_json(value)
        else:
            for text in render_yamlish(value):
                self.line(text)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], *, empty: str) -> None:
        """A list result for people; ``empty`` goes to stderr when there are no rows (stdout stays empty)."""
        if not rows:
            self.note(empty)
            return
        for text in render_table(headers, rows):
            self.line(text)
