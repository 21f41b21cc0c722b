"""Import-time and memory benchmark: ``sagemaker_lite`` versus the official SageMaker SDK v2.

Why: a main selling point of ``sagemaker_lite`` is that importing it is cheap (the official SDK
pulls in pandas, numpy, pydantic, sagemaker-core, ... on ``import sagemaker``). This script
measures that claim side by side in one run, on the same machine, with the same interpreter
version: each import runs in a fresh child process, the ``python -c pass`` start-up cost of
the same interpreter is subtracted, runs alternate between the two SDKs so drift (thermal,
other load) hits both equally, and the median is reported with the child's peak RSS.

Usage::

    python benchmarks/bench_import.py [--runs 15] [--output benchmarks/results/import.md]

The official SDK comes from the side venv built by ``benchmarks/sidevenv.py`` (created on
first use). Rows whose ``sagemaker_lite`` module does not exist yet are reported as skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "import.md"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sidevenv  # noqa: E402 - sibling module, importable only after the path tweak above


@dataclass
class Runner:
    """One interpreter plus the environment it runs in (ours: repo on PYTHONPATH; official: side venv)."""

    label: str
    python: str
    cwd: str
    env: dict[str, str]


@dataclass
class Sample:
    """Wall times (seconds) and peak RSS values (KiB) of repeated runs of one command."""

    walls: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    inside: list[float] = field(default_factory=list)  # seconds the import took, timed inside the child


@dataclass
class Row:
    """One comparison: a statement for our package and the equivalent for the official SDK."""

    title: str
    lite_code: str
    official_code: str
    lite: Sample = field(default_factory=Sample)
    official: Sample = field(default_factory=Sample)
    skipped: str | None = None


INSIDE = (
    "import time as _t, sys as _s\n_t0 = _t.perf_counter()\n{code}\n"
    "_s.stderr.write('IMPORT_SECONDS %r' % (_t.perf_counter() - _t0))"
)


def run_once(runner: Runner, code: str) -> tuple[float, int, float]:
    """Run ``python -c code``; return (wall seconds, child peak RSS in KiB, seconds timed inside the child).

    ``os.wait4`` gives the rusage of exactly this child; ``RUSAGE_CHILDREN`` would report the
    maximum over every child ever waited for, which hides smaller processes.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [runner.python, "-c", INSIDE.format(code=code)],
        cwd=runner.cwd,
        env=runner.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{runner.label}: `{code}` failed ({proc.returncode}): {stderr.decode(errors='replace')}")
    rss = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024  # macOS reports bytes
    inside = float(stderr.decode(errors="replace").rsplit("IMPORT_SECONDS ", 1)[1])
    return wall, rss, inside


def probe(runner: Runner, code: str) -> str | None:
    """Return None when ``code`` runs fine under the runner, else a one-line reason to skip."""
    proc = subprocess.run(
        [runner.python, "-c", code], cwd=runner.cwd, env=runner.env, capture_output=True, text=True, check=False
    )
    if proc.returncode == 0:
        return None
    last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
    return f"`{code}` fails under {runner.label}: {last}"


def make_runners(official_python: Path) -> tuple[Runner, Runner]:
    """Build our runner (current interpreter, repo importable) and the side-venv runner."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    lite_env = dict(base_env, PYTHONPATH=str(REPO_ROOT))
    # The official SDK runs from an empty directory so nothing from this checkout shadows it.
    official_cwd = tempfile.mkdtemp(prefix="bench-import-")
    lite = Runner("sagemaker_lite", sys.executable, str(REPO_ROOT), lite_env)
    official = Runner(f"sagemaker {sidevenv.OFFICIAL_VERSION}", str(official_python), official_cwd, dict(base_env))
    return lite, official


def measure(rows: list[Row], lite: Runner, official: Runner, runs: int) -> tuple[Sample, Sample]:
    """Warm up, then alternate runs of every command; return the two ``pass`` baselines."""
    base_lite, base_official = Sample(), Sample()
    jobs: list[tuple[Runner, str, Sample]] = [(lite, "pass", base_lite), (official, "pass", base_official)]
    for row in rows:
        if row.skipped is None:
            jobs += [(lite, row.lite_code, row.lite), (official, row.official_code, row.official)]
    for runner, code, _ in jobs:  # warm-up: compile .pyc files and fill the OS page cache
        run_once(runner, code)
    for i in range(runs):
        # Alternate the order every round so neither side always runs right after the other.
        ordered = jobs if i % 2 == 0 else jobs[::-1]
        for runner, code, sample in ordered:
            wall, rss, inside = run_once(runner, code)
            sample.walls.append(wall)
            sample.rss_kib.append(rss)
            sample.inside.append(inside)
    return base_lite, base_official


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def _ratio(official: float, lite: float) -> str:
    return f"{official / lite:.1f}x" if lite > 0 else "n/a"


def versions(lite: Runner, official: Runner) -> dict[str, str]:
    """Package versions as each runner sees them (for the results header)."""
    code = (
        "import importlib.metadata as m\n"
        "for p in {pkgs!r}:\n"
        "    try: print(p, m.version(p))\n"
        "    except m.PackageNotFoundError: print(p, '-')\n"
    )
    out: dict[str, str] = {}
    for runner, pkgs in ((official, ("sagemaker", "boto3", "botocore")), (lite, ("boto3", "botocore"))):
        proc = subprocess.run(
            [runner.python, "-c", code.format(pkgs=pkgs)],
            cwd=runner.cwd,
            env=runner.env,
            capture_output=True,
            text=True,
            check=False,
        )
        for line in proc.stdout.splitlines():
            name, _, ver = line.partition(" ")
            out[f"{name} ({runner.label})"] = ver
    proc = subprocess.run(
        [lite.python, "-c", "import sagemaker_lite as s; print(getattr(s, '__version__', 'unknown'))"],
        cwd=lite.cwd,
        env=lite.env,
        capture_output=True,
        text=True,
        check=False,
    )
    out["sagemaker_lite"] = proc.stdout.strip() if proc.returncode == 0 else "not importable"
    return out


def render(rows: list[Row], base_lite: Sample, base_official: Sample, runs: int, info: dict[str, str]) -> str:
    """Render the results (medians minus baseline, ratios, peak RSS) as markdown."""
    bl, bo = statistics.median(base_lite.walls), statistics.median(base_official.walls)
    lines = [
        "# Import time: sagemaker_lite vs official SageMaker Python SDK",
        "",
        f'{runs} alternating runs per command, each in a fresh process. "in-process" is the import statement '
        'timed inside the child (perf_counter around it: the figure to compare); "wall" is the child\'s whole '
        "run minus the same interpreter's `python -c pass` median (it includes start-up noise); RSS is the "
        "median of the child's peak RSS (ru_maxrss).",
        "",
        "| what | lite in-process ms | official in-process ms | official / lite | lite wall ms | official wall ms "
        "| lite peak RSS MiB | official peak RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| `python -c pass` (baseline, not subtracted) | | | | {_ms(bl)} | {_ms(bo)} | "
        f"{_mib(statistics.median(base_lite.rss_kib))} | {_mib(statistics.median(base_official.rss_kib))} |",
    ]
    for row in rows:
        if row.skipped:
            lines.append(f"| {row.title} | skipped | | | | | | |")
            continue
        lite_ms = statistics.median(row.lite.walls) - bl
        off_ms = statistics.median(row.official.walls) - bo
        lite_in = statistics.median(row.lite.inside)
        off_in = statistics.median(row.official.inside)
        lines.append(
            f"| {row.title} | {_ms(lite_in)} | {_ms(off_in)} | {_ratio(off_in, lite_in)} | {_ms(lite_ms)} | "
            f"{_ms(off_ms)} | {_mib(statistics.median(row.lite.rss_kib))} | "
            f"{_mib(statistics.median(row.official.rss_kib))} |"
        )
    skipped = [f"- {row.title}: {row.skipped}" for row in rows if row.skipped]
    if skipped:
        lines += ["", "Skipped:", *skipped]
    lines += ["", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the markdown table and write it to --output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="alternating runs per command (>= 10 recommended)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="markdown file to write")
    parser.add_argument("--official-python", type=Path, default=None, help="python with sagemaker installed")
    args = parser.parse_args(argv)

    official_python = args.official_python or sidevenv.official_python()
    lite, official = make_runners(official_python)
    rows = [
        Row("`import sagemaker_lite` / `import sagemaker`", "import sagemaker_lite", "import sagemaker"),
        Row(
            "`from ….tensorflow import TensorFlow`",
            "from sagemaker_lite.tensorflow import TensorFlow",
            "from sagemaker.tensorflow import TensorFlow",
        ),
        Row(
            "`from ….pytorch import PyTorch`",
            "from sagemaker_lite.pytorch import PyTorch",
            "from sagemaker.pytorch import PyTorch",
        ),
    ]
    for row in rows:
        row.skipped = probe(lite, row.lite_code) or probe(official, row.official_code)
    base_lite, base_official = measure(rows, lite, official, args.runs)

    info = {
        "date (UTC)": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "platform": platform.platform(),
        "CPU count": str(os.cpu_count()),
        "CPU": platform.processor() or platform.machine(),
        "Python (sagemaker_lite)": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "Python (official)": subprocess.run(
            [str(official_python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        + f" ({official_python})",
        **versions(lite, official),
    }
    report = render(rows, base_lite, base_official, args.runs, info)
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
