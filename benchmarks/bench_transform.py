"""Local batch transform throughput vs predicting in process with the same model.

Why: local batch transform goes through the model's serving runtime over HTTP, as the
service does; it should stay within 2x of calling the model in process (goal: >= 0.5x the
in-process rows per second) on a 10,000-line CSV.

The built-in XGBoost model is trained locally; the transform is ``split_type="Line"``,
``strategy="MultiRecord"``, ``assemble_with="Line"`` (time: ``transform()`` called ->
output written, server start-up included and also shown apart); in process: parse the
same CSV text with numpy and ``booster.predict`` in the job's interpreter (xgboost of the
image version), timed inside that interpreter.

Usage::

    python benchmarks/bench_transform.py [--output benchmarks/results/transform.md]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "transform.md"
sys.path.insert(0, str(REPO_ROOT))
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
ROWS = 10_000

IN_PROCESS = """import sys, time, numpy as np, xgboost as xgb, io
booster = xgb.Booster(); booster.load_model(sys.argv[1])
text = open(sys.argv[2]).read()
start = time.perf_counter()
rows = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float32)
predictions = booster.predict(xgb.DMatrix(rows))
out = "\\n".join(repr(float(p)) for p in predictions)
print(time.perf_counter() - start)
"""


def main(argv: list[str] | None = None) -> int:
    import io
    import tarfile

    import numpy as np
    from _machine import machine_lines

    from sagemaker_lite import TrainingInput
    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite.local import LocalSession, algorithms

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-transform-") as tmp:
        root = Path(tmp)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(ROWS, 4))
        y = x @ np.array([1.0, -2.0, 0.5, 3.0])
        (root / "train").mkdir()
        np.savetxt(root / "train/train.csv", np.column_stack([y[:2000], x[:2000]]), delimiter=",", fmt="%.6f")
        (root / "batch").mkdir()
        np.savetxt(root / "batch/rows.csv", x, delimiter=",", fmt="%.6f")
        session = LocalSession(root=root / "local")
        est = Estimator(
            IMAGE,
            None,
            instance_count=1,
            instance_type="local",
            sagemaker_session=session,
            output_path=f"file://{root / 'out'}",
        )
        est.set_hyperparameters(objective="reg:squarederror", num_round=50)
        est.fit({"train": TrainingInput(f"file://{root / 'train'}", content_type="csv")}, logs=False)
        with tarfile.open(est.model_data[len("file://") :]) as tar:
            tar.extractall(root / "model", filter="data")
        python = algorithms.for_image(IMAGE).python(io.BytesIO())  # type: ignore[union-attr,arg-type]
        in_process = min(
            float(
                subprocess.run(
                    [python, "-c", IN_PROCESS, str(root / "model/xgboost-model"), str(root / "batch/rows.csv")],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(3)
        )
        runs = []
        for i in range(3):
            transformer = est.transformer(
                1,
                "local",
                strategy="MultiRecord",
                assemble_with="Line",
                accept="text/csv",
                output_path=f"file://{root / f'scores{i}'}",
            )
            start = time.perf_counter()
            transformer.transform(f"file://{root / 'batch'}", content_type="text/csv", split_type="Line", logs=False)
            total = time.perf_counter() - start
            description = transformer.describe()
            serving = (description["TransformEndTime"] - description["TransformStartTime"]).total_seconds()
            runs.append((total, serving))
        total, serving = min(runs)
    lines = [
        "# Local batch transform throughput",
        "",
        f"Produced by `benchmarks/bench_transform.py`: {ROWS:,} CSV lines, built-in XGBoost (50 rounds), best of 3.",
        "",
        *machine_lines(),
        "",
        "| what | seconds | rows/s | ratio to in process |",
        "| --- | ---: | ---: | ---: |",
        f"| in process: parse + `booster.predict` + format | {in_process:.3f} | {ROWS / in_process:,.0f} | 1.00x |",
        f"| local transform, after the server is up | {serving:.3f} | {ROWS / serving:,.0f} | "
        f"{in_process / serving:.2f}x |",
        f"| local transform, `transform()` end to end (server start-up included) | {total:.3f} | {ROWS / total:,.0f} | "
        f"{in_process / total:.2f}x |",
        "",
    ]
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
