"""Upload the local source files of custom rules (the only Debugger step that does I/O).

The official SDK uploads a local ``source`` to ``s3://<default bucket>/[<prefix>/]<rule name>/<uuid4>/<file>``
on every ``fit()``. Here the uuid is the file's digest: the same source lands at the same key, so a
re-fit rewrites the same object instead of piling up copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from .rules import RuleBase


def check_local_sources(rules: Iterable[RuleBase] | None) -> None:
    """Every local rule source still exists (checked before any upload or call)."""
    for rule in rules or ():
        local = rule.local_source
        if local is not None and not Path(local).is_file():
            raise ValidationError("source", local, f"an existing local file (the source of rule {rule.name!r})")


def upload_rule_sources(session: Any, rules: Iterable[RuleBase] | None) -> dict[str, str]:
    """Upload each local rule source once; returns ``{local path: s3 URI}`` for the request builder."""
    uploaded: dict[str, str] = {}
    for rule in rules or ():
        local = rule.local_source
        if local is None or local in uploaded:
            continue
        digest = hashlib.sha256(Path(local).read_bytes()).hexdigest()[:16]
        uploaded[local] = str(session.upload_data(local, key_prefix=f"{rule.name}/{digest}"))
    return uploaded
