"""Strip outputs from notebooks before committing them (the notebook tests refuse outputs).

    python tests/notebooks/strip_outputs.py notebooks/*.ipynb

Clears every code cell's outputs, execution count and timing metadata (and the interpreter
version in the notebook's ``language_info``), and writes the file the way Jupyter does
(one-space JSON indent, UTF-8, trailing newline). Needs only the standard library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def strip(path: Path) -> bool:
    """Strip ``path`` in place; True when something changed."""
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    if "language_info" in notebook.get("metadata", {}):
        notebook["metadata"]["language_info"] = {"name": "python"}  # no interpreter version churn
    stripped = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    if stripped == text:
        return False
    path.write_text(stripped, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for name in argv:
        if strip(Path(name)):
            print(f"stripped {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
