"""Local PyTorch serving latency: ``predictor.predict(x)`` on a ``deploy(1, "local")`` endpoint vs in process.

Why: the handler runtime (``model_fn``/``input_fn``/``predict_fn``/``output_fn`` behind
``/invocations``) is where people iterate on inference code; a local prediction should cost
about what the model costs. Goal: p50 for one row within 1 ms of calling ``predict_fn`` in
process.

A small PyTorch MLP (13 -> 64 -> 32 -> 1) is saved as ``model.pth`` with an ``inference.py``
(``model_fn`` + ``predict_fn``; the toolkit's default NPY ``input_fn``/``output_fn``), packed
into ``model.tar.gz`` and deployed with ``PyTorchModel(...).deploy(1, "local")``. In one
thread, after a warm-up, each ``PyTorchPredictor.predict(x)`` is timed end to end (NPY
encoding, the local runtime client, HTTP on a kept-alive 127.0.0.1 connection, the server's
NPY -> tensor -> ``predict_fn`` -> NPY, decoding) for 1 and 100 rows, side by side with the
same ``input_fn`` -> ``predict_fn`` -> ``output_fn`` chain called in this process (both with
one torch thread, the local runtime's default).

Usage::

    python benchmarks/bench_pytorch_serving.py [--calls 1000] [--output benchmarks/results/pytorch_serving.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import statistics
import sys
import tarfile
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "pytorch_serving.md"
sys.path.insert(0, str(REPO_ROOT))

INFERENCE = textwrap.dedent(
    """
    import os, torch

    def build():
        return torch.nn.Sequential(torch.nn.Linear(13, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32),
                                   torch.nn.ReLU(), torch.nn.Linear(32, 1))

    def model_fn(model_dir):
        model = build()
        model.load_state_dict(torch.load(os.path.join(model_dir, "model.pth")))
        return model.eval()

    def predict_fn(data, model):
        with torch.no_grad():
            return model(data)
    """
)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


def timed(call: Callable[[], Any], calls: int) -> list[float]:
    for _ in range(min(50, calls)):
        call()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    import numpy as np
    import torch

    from sagemaker_lite.local import LocalSession
    from sagemaker_lite.local.serving import defaults
    from sagemaker_lite.pytorch import PyTorchModel

    torch.set_num_threads(1)  # as the endpoint's runtime does (handlers._one_torch_thread): like for like
    work = Path(tempfile.mkdtemp(prefix="bench-pytorch-"))
    namespace: dict[str, Any] = {}
    exec(INFERENCE, namespace)  # the same inference.py, in process
    torch.manual_seed(0)
    model = namespace["build"]().eval()
    weights = io.BytesIO()
    torch.save(model.state_dict(), weights)
    archive = work / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("model.pth", weights.getvalue()), ("code/inference.py", INFERENCE.encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    # the installed PyTorch serves (not a built 2.5): this measures serving, not the framework
    session = LocalSession(root=work / "root", stop_timeout=2.0, framework_versions="installed")
    predictor = PyTorchModel(
        f"file://{archive}", framework_version="2.5", py_version="py311", sagemaker_session=session
    ).deploy(1, "local")
    rows: dict[str, Any] = {}
    try:
        for count in (1, 100):
            x = np.random.default_rng(count).random((count, 13), dtype=np.float32)
            expected = namespace["predict_fn"](torch.from_numpy(x), model).numpy()
            np.testing.assert_allclose(predictor.predict(x), expected, rtol=1e-6)

            def in_process(x: Any = x) -> Any:
                buffer = io.BytesIO()
                np.save(buffer, x)
                data = defaults.pytorch_input_fn(buffer.getvalue(), "application/x-npy")
                return defaults.pytorch_output_fn(namespace["predict_fn"](data, model), "application/x-npy")

            rows[f"{count} row{'s' if count > 1 else ''}"] = (
                percentiles(timed(lambda x=x: predictor.predict(x), args.calls)),
                percentiles(timed(in_process, args.calls)),
            )
    finally:
        predictor.delete_endpoint()

    lines = [
        "# Local PyTorch serving latency",
        "",
        f"Run: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, torch {torch.__version__}, "
        f"{args.calls} timed calls per row after a warm-up (one thread).",
        "",
        '`benchmarks/bench_pytorch_serving.py`: `PyTorchPredictor.predict(x)` on `deploy(1, "local")` '
        "(NPY over HTTP to the handler runtime) vs the same NPY input_fn -> predict_fn -> output_fn in process.",
        "",
        "| request | local endpoint p50 (ms) | p99 (ms) | in process p50 (ms) | p99 (ms) | p50 overhead (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, ((p50, p99), (i50, i99)) in rows.items():
        lines.append(f"| {label} | {p50:.3f} | {p99:.3f} | {i50:.3f} | {i99:.3f} | {p50 - i50:.3f} |")
    lines += ["", "Goal: p50 for 1 row within 1 ms of in process."]
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
