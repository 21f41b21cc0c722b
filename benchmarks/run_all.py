"""Every benchmark in one command, then a summary of the headline figures.

    python benchmarks/run_all.py            # all of them (about 10 minutes on 2 cores)
    python benchmarks/run_all.py import api_calls

Each benchmark compares side by side in one run and writes its own table under
benchmarks/results/; this script runs them in turn and writes benchmarks/results/README.md,
an index of the tables with the machine they were measured on. Figures, never pass/fail.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

BENCHMARKS = {
    "import": ("bench_import.py", "import.md", "import time and peak RSS vs `import sagemaker`"),
    "image_uris": ("bench_image_uris.py", "image_uris.md", "image URI lookup vs the official retrieve()"),
    "api_calls": (
        "bench_api_calls.py",
        "api_calls.md",
        "AWS calls and client time: first fit, and fit -> deploy -> predict -> delete, vs official",
    ),
    "footprint": ("bench_footprint.py", "footprint.md", "installed packages and site-packages size vs official"),
    "code_packing": ("bench_code_packing.py", "code_packing.md", "sourcedir.tar.gz packing MB/s vs `tar czf`"),
    "refit_upload": ("bench_refit_upload.py", "refit_upload.md", "code bytes uploaded on a re-fit vs official"),
    "local_latency": ("bench_local_latency.py", "local_latency.md", "local mode: fit() -> script's first line"),
    "local_distributed": (
        "bench_local_distributed.py",
        "local_distributed.md",
        "local mode: 2-host MultiWorkerMirroredStrategy job vs the same script run by hand",
    ),
    "local_pipe": ("bench_local_pipe.py", "local_pipe.md", "local Pipe mode throughput vs a raw FIFO pump"),
    "local_serving": ("bench_local_serving.py", "local_serving.md", "local TF Serving latency p50/p99, 1 and 100 rows"),
    "tuning": ("bench_tuning.py", "tuning.md", "local tuning: parallel wall time; Bayesian vs Random over 5 seeds"),
    "transform": ("bench_transform.py", "transform.md", "local batch transform rows/s vs in-process predict"),
    "builtin_xgboost": (
        "bench_builtin_xgboost.py",
        "builtin_xgboost.md",
        "built-in XGBoost locally: fit vs xgboost.train in process, predict p50 for 1 and 100 rows",
    ),
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for name in chosen:
        script = BENCHMARKS[name][0]
        print(f"== {name}: {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE.parent).returncode != 0:
            failed.append(name)
    lines = [
        "# Benchmark results",
        "",
        "Each table compares side by side in one run (the official SDK v2 from a side venv the",
        "benchmarks build themselves); `python benchmarks/run_all.py` regenerates all of them.",
        "",
        "| benchmark | what it measures |",
        "| --- | --- |",
    ]
    for name, (_, result, what) in BENCHMARKS.items():
        if (RESULTS / result).exists():
            lines.append(f"| [{name}]({result}) | {what} |")
    lines += [
        "",
        f"Index written {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC after running {', '.join(chosen)} "
        f"on {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; each table "
        "names its own date and machine.",
        "",
    ]
    (RESULTS / "README.md").write_text("\n".join(lines))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
