"""Packing speed of ``sagemaker_lite.code.pack_source`` beside ``tar czf`` on the same tree.

Why: every script-mode ``fit()`` packs ``source_dir`` before anything starts, so packing must
cost no more than the obvious alternative. The tree (about 200 MB, generated from a fixed
seed) mixes what real source dirs hold: a few large binary files of random-ish data (half
incompressible, half low-entropy, like model weights) and thousands of small ``.py``/``.txt``
files. Runs alternate between contenders, in rotating order, after one warm-up each (so both
read from the page cache); medians are reported.

Usage::

    python benchmarks/bench_code_packing.py [--runs 5] [--output benchmarks/results/code_packing.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sagemaker_lite.code import pack_source  # noqa: E402

DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "code_packing.md"
MB = 1_000_000


def make_tree(root: Path, *, large_files: int = 3, large_mb: int = 50, small_bytes: int = 50 * MB) -> int:
    """Write the benchmark tree under ``root``; returns its total size in bytes."""
    rng = random.Random(20240501)
    (root / "model").mkdir(parents=True)
    low_entropy = bytes.maketrans(bytes(range(256)), bytes(i % 16 for i in range(256)))
    for index in range(large_files):
        with open(root / "model" / f"weights-{index}.bin", "wb") as handle:
            for _ in range(large_mb * 2):  # 512 kB blocks: random, then low-entropy
                handle.write(rng.randbytes(256 * 1024))
                handle.write(rng.randbytes(256 * 1024).translate(low_entropy))
    words = [rng.choice("abcdefghijklmnopqrstuvwxyz_") * rng.randint(1, 3) for _ in range(400)]
    words += ["def", "return", "import", "self", "for", "in", "if", "else", "=", "(", ")", ":", "0", "1", "None"]
    lines = [" " * rng.choice((0, 4, 8)) + " ".join(rng.choices(words, k=rng.randint(2, 12))) for _ in range(5000)]
    written, index = 0, 0
    while written < small_bytes:
        folder = root / "src" / f"pkg{index % 40}" / f"sub{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n".join(rng.choices(lines, k=rng.randint(20, 600))) + "\n"
        name = f"module_{index}.py" if index % 3 else f"notes_{index}.txt"
        (folder / name).write_text(text)
        written += len(text)
        index += 1
    (root / "train.py").write_text("print('training')\n")
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def machine_info() -> list[str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tar_version = subprocess.run(["tar", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    gzip_version = subprocess.run(["gzip", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return [
        f"- date (UTC): {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
        f"- platform: {platform.platform()}",
        f"- CPU: {cpu or 'unknown'}, {os.cpu_count()} logical CPUs",
        f"- Python: {platform.python_version()}, zlib {zlib.ZLIB_RUNTIME_VERSION}",
        f"- {tar_version}; {gzip_version}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-code-packing-"))
    try:
        tree, out = work / "tree", work / "out"
        out.mkdir()
        total = make_tree(tree)
        files = sum(1 for p in tree.rglob("*") if p.is_file())

        def ours(level: int) -> Callable[[], int]:
            def run() -> int:
                output = out / f"ours{level}"
                return pack_source(
                    "train.py", tree, output_dir=output, compresslevel=level, size_warning_bytes=10**12
                ).size

            return run

        def tar(level: int) -> Callable[[], int]:
            def run() -> int:
                target = out / f"tar{level}.tar.gz"
                command = ["tar", "czf", str(target), "-C", str(tree), "."]
                if level != 6:
                    command = ["tar", "-I", f"gzip -{level}", "-cf", str(target), "-C", str(tree), "."]
                subprocess.run(command, check=True)
                return target.stat().st_size

            return run

        contenders: dict[str, Callable[[], int]] = {
            "sagemaker_lite pack_source (level 6, default)": ours(6),
            "tar czf (gzip -6)": tar(6),
            "sagemaker_lite pack_source (compresslevel=1)": ours(1),
            "tar -I 'gzip -1' -cf": tar(1),
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        sizes: dict[str, int] = {}
        for name, run in contenders.items():  # warm-up: page cache, imports
            sizes[name] = run()
        names = list(contenders)
        for rep in range(args.runs):
            for name in names[rep % len(names) :] + names[: rep % len(names)]:
                start = time.perf_counter()
                contenders[name]()
                times[name].append(time.perf_counter() - start)
                print(f"run {rep + 1}: {name}: {times[name][-1]:.2f} s", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in times.items()}
    rows = [
        "| packer | median s | MB/s | archive MB | runs (s) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name in names:
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        rows.append(
            f"| {name} | {medians[name]:.2f} | {total / MB / medians[name]:.1f} | {sizes[name] / MB:.1f} | {runs} |"
        )
    ratio6 = medians[names[0]] / medians[names[1]]
    ratio1 = medians[names[2]] / medians[names[3]]
    # each round ran every packer back to back, so per-round ratios cancel slow drift in machine load
    paired = statistics.median(a / b for a, b in zip(times[names[0]], times[names[1]], strict=True))
    text = "\n".join(
        [
            "# Packing sourcedir.tar.gz: sagemaker_lite vs tar czf",
            "",
            f"One run of `benchmarks/bench_code_packing.py`: a generated tree of {total / MB:.0f} MB in {files} files "
            f"(3 x 52 MB random-ish binaries, the rest small .py/.txt files), {args.runs} alternating runs per packer "
            "after a warm-up each, page cache warm. MB/s = source bytes / wall seconds.",
            "",
            *rows,
            "",
            f"Time ratio at the default level 6 (ours / tar czf): **{ratio6:.2f}x** of medians, "
            f"{paired:.2f}x as the median of per-round ratios; at level 1: {ratio1:.2f}x.",
            "",
            "Wall times vary with other load on the machine (it was shared during this run); the per-round ratio",
            "is the steadier figure.",
            "",
            "Both spend nearly all their time in deflate (zlib in-process for us, gzip in a second process",
            "for tar, which overlaps reading with compressing). Our archive is deterministic (sorted",
            "members, fixed metadata, gzip mtime 0) and its sha256 is computed while it is written.",
            "",
            "## Machine",
            "",
            *machine_info(),
            "",
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
