"""Code bytes uploaded by a first fit and a re-fit with unchanged code: sagemaker_lite vs official v2.

    python benchmarks/bench_refit_upload.py

Same source tree (about 5 MB: code plus a data file), same moto server, one run. Results:
benchmarks/results/refit_upload.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from _machine import machine_lines  # noqa: E402
from sidevenv import OFFICIAL_VERSION, official_python  # noqa: E402
from support.moto_server import MotoServer  # noqa: E402

RESULT = HERE / "results" / "refit_upload.md"


def probe(python: Path | str, which: str, server: MotoServer, source: Path) -> list[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    out = subprocess.run(
        [str(python), str(HERE / "refit_probe.py"), which, server.url, str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    line = next(x for x in reversed(out.stdout.splitlines()) if x.startswith("RESULT "))
    return [int(n) for n in json.loads(line[len("RESULT ") :])]


def main() -> None:
    official = official_python()
    with tempfile.TemporaryDirectory(prefix="refit-") as tmp, MotoServer() as server:
        source = Path(tmp) / "src"
        source.mkdir()
        (source / "train.py").write_text("print('train')\n")
        (source / "requirements.txt").write_text("numpy\n")
        (source / "lookup.bin").write_bytes(os.urandom(5 * 1024 * 1024))
        lite = probe(sys.executable, "lite", server, source)
        theirs = probe(official, "official", server, source)
    lines = [
        "# Code upload on re-fit: sagemaker_lite vs official SDK v2",
        "",
        "TensorFlow script mode, the same ~5 MB source_dir fitted twice unchanged, against one moto server.",
        "",
        "| SDK | first fit bytes | re-fit bytes |",
        "| --- | ---: | ---: |",
        f"| sagemaker_lite | {lite[0]:,} | {lite[1]:,} |",
        f"| sagemaker {OFFICIAL_VERSION} | {theirs[0]:,} | {theirs[1]:,} |",
        "",
        "sagemaker_lite finds the digest-named copy of the archive (HeadObject) and copies it server-side",
        "(CopyObject) to `<job>/source/sourcedir.tar.gz`, so the request still points at a valid archive.",
        "",
        *machine_lines(),
    ]
    RESULT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
