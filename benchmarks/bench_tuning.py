"""Local hyperparameter tuning: parallel wall time, and Bayesian vs Random search quality.

Why: a local tuning job must actually run ``max_parallel_jobs`` training jobs at once (goal:
wall time <= 1.15 x (sum of job times / 2) + 1 s for 6 jobs, 2 at a time), and the Bayesian
strategy must be worth choosing (goal: a 10-job Bayesian tuner beats the median of Random
tuners over 5 seeds on the same objective).

The training script sleeps ``SLEEP`` seconds (a stand-in for real work, so the parallelism
is measured rather than the 2-core machine's contention) and prints the synthetic objective
score = -(x - 2)^2 - (y + 1)^2 (best 0 at x=2, y=-1), which the tuning job reads from its
log through the metric definition. Job times are TrainingStartTime -> TrainingEndTime of
each training job's DescribeTrainingJob.

Usage::

    python benchmarks/bench_tuning.py [--output benchmarks/results/tuning.md]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "tuning.md"
sys.path.insert(0, str(REPO_ROOT))

SLEEP = 2.0
SCRIPT = f"""import json, os, time
hps = json.loads(os.environ["SM_HPS"])
x, y = float(hps["x"]), float(hps["y"])
time.sleep({SLEEP})
print(f"score: {{-(x - 2.0) ** 2 - (y + 1.0) ** 2:.6f}}")
"""


def tune(root: Path, strategy: str, jobs: int, parallel: int, seed: int) -> tuple[float, float, float]:
    """(wall seconds, sum of training seconds, best objective) of one local tuning job."""
    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite.local import LocalSession
    from sagemaker_lite.tuner import ContinuousParameter, HyperparameterTuner

    code = root / "code"
    code.mkdir(parents=True, exist_ok=True)
    (code / "train.py").write_text(SCRIPT)
    session = LocalSession(root=root / "local")
    est = Estimator(
        "local-script",
        None,
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        output_path=f"file://{root / 'out'}",
        metric_definitions=[{"Name": "score", "Regex": "score: (-?[0-9.]+)"}],
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
    )
    tuner = HyperparameterTuner(
        est,
        "score",
        {"x": ContinuousParameter(-5, 5), "y": ContinuousParameter(-5, 5)},
        strategy=strategy,
        max_jobs=jobs,
        max_parallel_jobs=parallel,
        random_seed=seed,
    )
    name = f"{strategy[:4].lower()}-{seed}-{int(time.time() * 1000) % 10**8}"
    started = time.perf_counter()
    tuner.fit(job_name=name, wait=False)
    description = tuner.latest_tuning_job.wait(logs=False)  # type: ignore[union-attr]
    wall = time.perf_counter() - started
    summaries = tuner.latest_tuning_job.training_job_summaries()  # type: ignore[union-attr]
    busy = sum((s["TrainingEndTime"] - s["TrainingStartTime"]).total_seconds() for s in summaries)
    best = description["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
    return wall, busy, float(best)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    from _machine import machine_lines

    with tempfile.TemporaryDirectory(prefix="bench-tuning-") as tmp:
        root = Path(tmp)
        cold_wall, cold_busy, _ = tune(root / "cold", "Random", 6, 2, seed=0)
        wall, busy, _ = tune(root / "parallel", "Random", 6, 2, seed=0)
        bound = 1.15 * busy / 2 + 1.0
        cold_bound = 1.15 * cold_busy / 2 + 1.0
        bayes, random_ = [], []
        for seed in range(5):
            bayes.append(tune(root / f"b{seed}", "Bayesian", 10, 2, seed)[2])
            random_.append(tune(root / f"r{seed}", "Random", 10, 2, seed)[2])
    lines = [
        "# Local hyperparameter tuning",
        "",
        f"Produced by `benchmarks/bench_tuning.py`. Jobs sleep {SLEEP:g} s and print the synthetic objective.",
        "",
        *machine_lines(),
        "",
        "## Parallelism: Random, 6 jobs, max_parallel_jobs=2",
        "",
        "`fit()` called -> tuning job waited for. The first tuning job of a process also loads botocore's",
        "SageMaker service model (request validation, ~1 s here); the second one is the steady state.",
        "",
        "| run | wall time (s) | sum of job times (s) | goal: 1.15 x sum/2 + 1 s | wall / (sum/2) |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| first in the process | {cold_wall:.2f} | {cold_busy:.2f} | {cold_bound:.2f} | "
        f"{cold_wall / (cold_busy / 2):.2f}x |",
        f"| second | {wall:.2f} | {busy:.2f} | {bound:.2f} | {wall / (busy / 2):.2f}x |",
        "",
        "## Search quality: best objective after 10 jobs (max 0; higher is better)",
        "",
        "| seed | Bayesian | Random |",
        "| ---: | ---: | ---: |",
        *[f"| {s} | {b:.4f} | {r:.4f} |" for s, (b, r) in enumerate(zip(bayes, random_, strict=True))],
        f"| median | {statistics.median(bayes):.4f} | {statistics.median(random_):.4f} |",
        "",
    ]
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
