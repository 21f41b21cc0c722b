"""Built-in XGBoost in local mode: fit wall time vs ``xgboost.train`` in process, and predict latency.

Why: local mode plays the algorithm container so that a notebook can iterate on the built-in
XGBoost workflow without Docker or AWS; that is only worth it if a local ``fit`` costs about
what training in the notebook's own process costs. Goal: local fit <= 1.3 x in-process + 0.3 s.

Data: a synthetic binary-classification CSV (label first, no header), ``--rows`` x 20
features, 80/20 train/validation split, the issue's hyperparameters (max_depth=5, eta=0.2,
gamma=4, min_child_weight=6, subsample=0.8, binary:logistic, eval_metric=auc, ``--rounds``).

* local fit: ``Estimator(image_uris.retrieve("xgboost", region, "1.7-1"), instance_type="local")``
  ``.fit({"train": ..., "validation": ...})`` wall time, end to end (job directory, the job
  process starting and importing xgboost, reading the CSV, training, model.tar.gz, the
  estimator's wait loop). One untimed fit first, so the image's xgboost environment exists.
* in process: ``numpy.loadtxt`` of the same files + ``DMatrix`` + ``xgboost.train`` with the
  same parameters and evaluation sets, xgboost already imported, in a child process: with the
  job's xgboost (the image's version, so the ratio compares like with like) and with this
  interpreter's. Local and in-process runs alternate, so load on the machine hits both alike.
* predict: ``deploy(1, "local", serializer=CSVSerializer())`` then ``predictor.predict(rows)``
  for 1 and 100 rows, sequential, after a warm-up; for scale ``booster.predict`` in process.

Usage::

    python benchmarks/bench_builtin_xgboost.py [--rows 5000] [--rounds 50] [--fits 3] [--calls 500]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "builtin_xgboost.md"
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

PARAMS = {"max_depth": 5, "eta": 0.2, "gamma": 4, "min_child_weight": 6, "subsample": 0.8}
OBJECTIVE = "binary:logistic"

IN_PROCESS = """
import json, sys, time
import numpy as np, xgboost as xgb
train, validation, params, rounds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
def once():
    started = time.perf_counter()
    t = np.loadtxt(train, delimiter=",", dtype=np.float32, ndmin=2)
    v = np.loadtxt(validation, delimiter=",", dtype=np.float32, ndmin=2)
    dtrain, dval = xgb.DMatrix(t[:, 1:], label=t[:, 0]), xgb.DMatrix(v[:, 1:], label=v[:, 0])
    xgb.train(params, dtrain, rounds, evals=[(dtrain, "train"), (dval, "validation")], verbose_eval=False)
    return time.perf_counter() - started
print(json.dumps({"version": xgb.__version__, "seconds": [once() for _ in range(int(sys.argv[5]))]}))
"""


def make_data(workdir: Path, rows: int) -> tuple[Path, Path]:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((rows, 20))
    y = ((x[:, 0] + 0.5 * x[:, 1] + 0.3 * rng.random(rows)) > 0.95).astype(int)
    split = int(rows * 0.8)
    paths = []
    for name, part in (("train", slice(0, split)), ("validation", slice(split, rows))):
        path = workdir / "data" / name / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savetxt(path, np.column_stack([y[part], x[part]]), delimiter=",", fmt="%.6f")
        paths.append(path)
    return paths[0], paths[1]


def in_process(python: str, train: Path, validation: Path, rounds: int, repeats: int) -> dict[str, Any]:
    params = {**PARAMS, "objective": OBJECTIVE, "eval_metric": "auc"}
    out = subprocess.run(
        [python, "-c", IN_PROCESS, str(train), str(validation), json.dumps(params), str(rounds), str(repeats)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def timings(call: Callable[[], Any], calls: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def measure(workdir: Path, rows: int, rounds: int, fits: int, calls: int) -> dict[str, Any]:
    import contextlib

    import numpy as np

    from sagemaker_lite import TrainingInput, image_uris
    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite.local import LocalSession, algorithms
    from sagemaker_lite.serializers import CSVSerializer

    train, validation = make_data(workdir, rows)
    image = image_uris.retrieve("xgboost", "us-west-2", "1.7-1")
    session = LocalSession(root=workdir / "root")
    inputs = {
        "train": TrainingInput(f"file://{train.parent}", content_type="text/csv"),
        "validation": TrainingInput(f"file://{validation.parent}", content_type="text/csv"),
    }

    def fit() -> tuple[float, Any]:
        estimator = Estimator(image, None, 1, "local", output_path=f"file://{workdir}/out", sagemaker_session=session)
        estimator.set_hyperparameters(**PARAMS, objective=OBJECTIVE, eval_metric="auc", num_round=rounds)
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            estimator.fit(inputs)
        return time.perf_counter() - started, estimator

    fit()  # untimed: builds (or finds) the image's xgboost environment
    algorithm = algorithms.for_image(image)
    assert algorithm is not None
    job_python = algorithm.python(io.BytesIO())  # type: ignore[arg-type]
    local: list[float] = []
    same_version: dict[str, Any] = {"seconds": []}
    this_python: dict[str, Any] = {"seconds": []}
    estimator = None
    for _ in range(fits):  # interleaved, so that a busy moment of the machine hits both sides alike
        seconds, estimator = fit()
        local.append(seconds)
        for python, into in ((job_python, same_version), (sys.executable, this_python)):
            run = in_process(python, train, validation, rounds, 1)
            into["version"] = run["version"]
            into["seconds"] += run["seconds"]
    assert estimator is not None

    predictor = estimator.deploy(1, "local", serializer=CSVSerializer())
    results: dict[str, Any] = {"local": local, "same": same_version, "this": this_python, "image": image}
    try:
        data = np.loadtxt(validation, delimiter=",", ndmin=2)[:, 1:]
        serializer = CSVSerializer()
        for count in (1, 100):
            batch = data[:count]
            results[f"predict-{count}"] = timings(lambda b=batch: predictor.predict(b), calls)
            results[f"serialize-{count}"] = timings(lambda b=batch: serializer.serialize(b), calls)
    finally:
        predictor.delete_endpoint()
    return results


def main() -> None:
    from _machine import machine_lines

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--fits", type=int, default=3)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sagemaker-lite-xgb-") as tmp:
        r = measure(Path(tmp), args.rows, args.rounds, args.fits, args.calls)
    local = statistics.median(r["local"])
    same = statistics.median(r["same"]["seconds"])
    this = statistics.median(r["this"]["seconds"])

    def pct(samples: list[float], fraction: float) -> float:
        ordered = sorted(samples)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    goal_same = 1.3 * same + 0.3
    lines = [
        "# Built-in XGBoost in local mode: fit wall time and predict latency",
        "",
        f"Workflow of issue 15 on {args.rows} rows x 20 features (80/20 train/validation CSV), {args.rounds} rounds,",
        f"image `{r['image'].rsplit('/', 1)[-1]}`; median of {args.fits} runs after one untimed run, local and",
        "in-process runs interleaved (each in-process run in a fresh process, its import not timed).",
        "Goal: local fit <= 1.3 x in-process + 0.3 s.",
        "",
        "| what | seconds (median) | ratio to in-process (same xgboost) |",
        "| --- | ---: | ---: |",
        f"| local `Estimator.fit()` (job process, xgboost {r['same']['version']}) | {local:.2f} "
        f"| {local / same:.2f}x |",
        f"| in process: loadtxt + DMatrix + `xgboost.train`, xgboost {r['same']['version']} | {same:.2f} | 1.00x |",
        f"| in process, this interpreter's xgboost {r['this']['version']} | {this:.2f} | {this / same:.2f}x |",
        "",
        f"Goal for this data: {goal_same:.2f} s (1.3 x {same:.2f} + 0.3); local fit took {local:.2f} s "
        f"({'within' if local <= goal_same else 'over'} the goal).",
        "",
        '## Predict latency: `predictor.predict(rows)` against `deploy(1, "local", serializer=CSVSerializer())`',
        "",
        f"{args.calls} sequential calls per row after 20 warm-up calls, one thread.",
        "",
        "| rows per request | p50 ms | p99 ms | mean ms |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for count in (1, 100):
        samples = r[f"predict-{count}"]
        lines.append(
            f"| {count} | {pct(samples, 0.5):.2f} | {pct(samples, 0.99):.2f} | {statistics.fmean(samples) * 1000:.2f} |"
        )
    lines += [
        "",
        "Of which the client's `CSVSerializer().serialize(rows)` alone (p50): "
        + ", ".join(f"{count} row(s) {pct(r[f'serialize-{count}'], 0.5):.2f} ms" for count in (1, 100))
        + "; the server parses, predicts (one thread, as the container) and encodes.",
    ]
    lines += ["", *machine_lines()]
    lines.append(
        "- load average at the end (1, 5, 15 min): "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (other work on the machine slows both sides; the runs alternate so it hits both alike)"
    )
    lines.append("")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
