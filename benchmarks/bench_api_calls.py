"""AWS calls and client time for a first fit(): sagemaker_lite vs the official SDK v2, one run.

    python benchmarks/bench_api_calls.py

Both SDKs run the same first fit (default bucket not yet created, wait=True, logs="All")
against the same moto server on 127.0.0.1, each in a fresh process (fit_calls_probe.py).
Results: benchmarks/results/api_calls.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from _machine import machine_lines  # noqa: E402
from sidevenv import OFFICIAL_VERSION, official_python  # noqa: E402
from support.moto_server import MotoServer  # noqa: E402

RESULT = HERE / "results" / "api_calls.md"


def probe(python: Path | str, which: str, server: MotoServer, flow: str = "fit") -> dict[str, Any]:
    server.reset()
    server.queue_invoke_endpoint_results([{"Body": "4.2", "ContentType": "text/csv"}] * 2, region="us-west-2")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ENDPOINT_URL": server.url,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }
    )
    out = subprocess.run(
        [str(python), str(HERE / "fit_calls_probe.py"), which, server.url, flow],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    line = next(x for x in reversed(out.stdout.splitlines()) if x.startswith("RESULT "))
    return dict(json.loads(line[len("RESULT ") :]))


def main() -> None:
    official = official_python()
    with MotoServer() as server:
        lite = probe(sys.executable, "lite", server)
        theirs = probe(official, "official", server)
        lite_full = probe(sys.executable, "lite", server, "full")
        theirs_full = probe(official, "official", server, "full")
    rows = []
    for name, result in (("sagemaker_lite", lite), (f"sagemaker {OFFICIAL_VERSION}", theirs)):
        counts = Counter(result["calls"])
        rows.append(
            (
                name,
                len(result["calls"]),
                ", ".join(f"{op} x{n}" for op, n in counts.items()),
                result["seconds"],
                sum(result["sleeps"]),
                len(result["sleeps"]),
                len(result["http_gets"]),
            )
        )
    lines = [
        "# AWS calls for a first fit(): sagemaker_lite vs official SDK v2",
        "",
        "One run, both SDKs against the same moto server on 127.0.0.1: generic Estimator (xgboost image),",
        'default bucket not yet created, `fit("s3://in-bucket/train")` with wait and logs. Sleeps are recorded,',
        "not slept, so client seconds exclude them; they are reported separately.",
        "",
        "| SDK | AWS calls | calls by operation | client seconds (no sleeps) | seconds it would sleep | sleeps "
        "| other HTTP (telemetry) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, total, ops, seconds, slept, n_sleeps, gets in rows:
        lines.append(f"| {name} | {total} | {ops} | {seconds:.3f} | {slept:.1f} | {n_sleeps} | {gets} |")
    lines += [
        "",
        "## The whole flow: fit -> wait -> deploy -> predict -> delete_model -> delete_endpoint",
        "",
        "| SDK | AWS calls | client seconds (no sleeps) | seconds it would sleep | sleeps |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, result in (("sagemaker_lite", lite_full), (f"sagemaker {OFFICIAL_VERSION}", theirs_full)):
        lines.append(
            f"| {name} | {len(result['calls'])} | {result['seconds']:.3f} | {sum(result['sleeps']):.1f} "
            f"| {len(result['sleeps'])} |"
        )
    lines += [
        "",
        f"Whole flow, official / lite: {len(theirs_full['calls']) / len(lite_full['calls']):.2f}x calls, "
        f"{theirs_full['seconds'] / lite_full['seconds']:.2f}x client time; official sleeps "
        f"{sum(theirs_full['sleeps']):.0f} s more.",
        "",
    ]
    lines += [
        "",
        f"Ratio of calls (official / lite): {rows[1][1] / rows[0][1]:.2f}x; "
        f"client time (official / lite): {rows[1][3] / rows[0][3]:.2f}x",
        "",
        "sagemaker_lite's calls: STS (account id, once per Session), CreateBucket (which doubles as the existence",
        "check), CreateTrainingJob, then status and log polling. moto completes the job at once, so polling",
        "is one DescribeTrainingJob here.",
        "",
        *machine_lines(),
    ]
    RESULT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
