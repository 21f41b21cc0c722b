"""Capture the members of the official SDK's ``sourcedir.tar.gz`` for a tree with empty directories.

Why: ``sagemaker_lite`` must pack what the official SDK packs (directory entries included, so
an empty ``checkpoints/`` a script expects survives), while staying deterministic. The request
fixtures (``capture_official_requests.py``) record member names only; this records every member's
name, type and mode for a tree that has empty and nested directories, an executable file and a
dependency directory, built from the ``tree`` in the fixture file.

Run with the side venv's interpreter (the official SDK is not a dependency of this repo)::

    $(python benchmarks/sidevenv.py) tools/capture_official_archive.py

It packs exactly as ``sagemaker.fw_utils.tar_and_upload_dir`` does (``_list_files_to_compress``
plus the dependencies, then ``sagemaker.utils.create_tar_file``) and rewrites ``official`` in
``tests/data/official/sourcedir-archive.json``; ``tests/unit/test_code.py`` compares ours with it.
"""

from __future__ import annotations

import json
import os
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "data" / "official" / "sourcedir-archive.json"


def build_tree(root: Path, tree: dict[str, Any]) -> None:
    """Directories (mode 0o755) and files (content, mode) under ``root``, as the fixture lists them."""
    for directory in tree["directories"]:
        (root / directory).mkdir(parents=True, exist_ok=True)
    for name, spec in tree["files"].items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(spec["content"])
        path.chmod(int(spec["mode"], 8))
    for path in sorted(root.rglob("*")):
        if path.is_dir():
            path.chmod(0o755)


def members(archive: str) -> list[list[str]]:
    with tarfile.open(archive) as tar:
        return sorted([m.name, "dir" if m.isdir() else "file", oct(m.mode)] for m in tar.getmembers())


def main() -> int:
    import sagemaker
    from sagemaker import fw_utils, utils

    data = json.loads(FIXTURE.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_tree(root, data["tree"])
        source_dir = str(root / data["tree"]["source_dir"])
        dependencies = [str(root / d) for d in data["tree"]["dependencies"]]
        files = fw_utils._list_files_to_compress(os.path.join(source_dir, data["tree"]["entry_point"]), source_dir)
        target = utils.create_tar_file(files + dependencies, os.path.join(tmp, "sourcedir.tar.gz"))
        data["official"] = {"sdk": f"sagemaker {sagemaker.__version__}", "members": members(target)}
    FIXTURE.write_text(json.dumps(data, indent=2) + "\n")
    print(f"{FIXTURE}: {len(data['official']['members'])} members", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
