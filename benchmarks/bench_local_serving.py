"""Local TensorFlow Serving latency: ``predictor.predict(rows)`` against a ``deploy(1, "local")`` endpoint.

Why: a local endpoint is where people iterate on request formats and inference code; if a
prediction costs tens of milliseconds, loops over a test set become slow and the local
figures say nothing about the model. Goal: p50 <= 2 ms for one row.

A Keras regression model shaped like the Boston housing one (13 features, Dense 64-32-1)
is saved as ``1/saved_model.pb``, packed into ``model.tar.gz`` and deployed with
``TensorFlowModel(...).deploy(1, "local")``. Then, in one thread, after a warm-up, each
``TensorFlowPredictor.predict({"instances": rows})`` is timed end to end (JSON encoding,
the local runtime client, HTTP over a kept-alive 127.0.0.1 connection, the server's
JSON -> tensor -> signature call -> JSON, decoding) for 1 and 100 rows. For scale: the same
signature called in process (the model's own cost), and a ``GET /ping`` round trip on a
kept-alive connection (the transport floor).

Usage::

    python benchmarks/bench_local_serving.py [--calls 2000] [--output benchmarks/results/local_serving.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import statistics
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "local_serving.md"
sys.path.insert(0, str(REPO_ROOT))


def timings(call: Callable[[], Any], calls: int, warmup: int = 50) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def build_model(workdir: Path) -> tuple[Path, Any]:
    import numpy as np
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((13,)),
            tf.keras.layers.Dense(64, activation="relu"),
            tf.keras.layers.Dense(32, activation="relu"),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.rand(256, 13), np.random.rand(256), epochs=1, verbose=0)
    tf.saved_model.save(model, str(workdir / "saved" / "1"))
    archive = workdir / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(str(workdir / "saved" / "1"), arcname="1")
    return archive, tf.saved_model.load(str(workdir / "saved" / "1")).signatures["serving_default"]


def measure(calls: int, workdir: Path) -> dict[str, Any]:
    import numpy as np
    import tensorflow as tf

    from sagemaker_lite.local import LocalSession
    from sagemaker_lite.tensorflow import TensorFlowModel

    archive, signature = build_model(workdir)
    (input_name,) = signature.structured_input_signature[1]
    # the installed TensorFlow serves (not a built 2.13): this measures serving, not the framework
    session = LocalSession(root=workdir / "root", framework_versions="installed")
    started = time.perf_counter()
    predictor = TensorFlowModel(
        model_data=f"file://{archive}", framework_version="2.13", sagemaker_session=session
    ).deploy(1, "local")
    deploy_seconds = time.perf_counter() - started
    results: dict[str, Any] = {"deploy": deploy_seconds}
    try:
        for count in (1, 100):
            rows = np.random.default_rng(count).random((count, 13), dtype=np.float32)
            payload = {"instances": rows.tolist()}
            results[f"predict-{count}"] = timings(lambda payload=payload: predictor.predict(payload), calls)
            tensor = tf.constant(rows)
            results[f"inprocess-{count}"] = timings(lambda t=tensor: signature(**{input_name: t}), calls)
        port = int(session.sagemaker_client.endpoint_url(predictor.endpoint_name).rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port)

        def ping() -> None:
            connection.request("GET", "/ping")
            connection.getresponse().read()

        results["ping"] = timings(ping, calls)
        connection.close()
    finally:
        predictor.delete_endpoint()
        predictor.delete_model()
    return results


def machine() -> list[str]:
    import boto3
    import botocore
    import tensorflow as tf

    return [
        f"- date (UTC): {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
        f"- platform: {platform.platform()}",
        f"- CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs",
        f"- Python: {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"- TensorFlow {tf.__version__}, boto3 {boto3.__version__}, botocore {botocore.__version__}",
        "- load average at the end (1, 5, 15 min): "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (other work on the machine shows up in p99)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sagemaker-lite-serving-") as tmp:
        results = measure(args.calls, Path(tmp))

    def row(label: str, key: str) -> str:
        samples = results[key]
        ms = [f"{value * 1000:.2f}" for value in (percentile(samples, 0.5), percentile(samples, 0.99))]
        return f"| {label} | {ms[0]} | {ms[1]} | {statistics.fmean(samples) * 1000:.2f} |"

    lines = [
        '# Local TensorFlow Serving latency: predictor.predict() against deploy(1, "local")',
        "",
        f"{args.calls} sequential calls per row after 50 warm-up calls, one thread; goal: p50 <= 2 ms for one row.",
        "Model: Keras Dense 64-32-1 on 13 float features (the Boston housing shape), SavedModel `1/`.",
        "",
        "| what | p50 ms | p99 ms | mean ms |",
        "| --- | ---: | ---: | ---: |",
        row('`predict({"instances": 1 row})`', "predict-1"),
        row('`predict({"instances": 100 rows})`', "predict-100"),
        row("for scale: the signature called in process, 1 row", "inprocess-1"),
        row("for scale: the signature called in process, 100 rows", "inprocess-100"),
        row("for scale: `GET /ping` on a kept-alive connection", "ping"),
        "",
        f'`deploy(1, "local")` -> InService took {results["deploy"]:.2f} s (mostly the server process importing '
        "TensorFlow).",
        "",
        "`predict` covers JSON encoding, the local runtime client (request validation against botocore's",
        "model), HTTP on a kept-alive 127.0.0.1 connection with TCP_NODELAY, the server's JSON -> tensor ->",
        "signature -> JSON, and decoding; the rows below it separate the model's own cost and the transport.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
