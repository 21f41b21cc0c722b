"""Installed footprint: packages and site-packages size of sagemaker_lite vs the official SDK v2.

    python benchmarks/bench_footprint.py

Each SDK is installed into its own fresh venv (pip, from the registry or pip's cache) in the
same run; the venvs' own pip/setuptools/wheel are not counted. Results:
benchmarks/results/footprint.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _machine import machine_lines  # noqa: E402
from sidevenv import OFFICIAL_VERSION  # noqa: E402

RESULT = HERE / "results" / "footprint.md"
BASELINE = {"pip", "setuptools", "wheel"}


def measure(requirement: str, workdir: Path) -> tuple[list[str], int]:
    env_dir = workdir / requirement.split("=")[0].split("/")[-1].replace(".", "_")
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", requirement],
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    listing = json.loads(
        subprocess.run(
            [str(python), "-m", "pip", "list", "--format", "json"], check=True, capture_output=True, text=True
        ).stdout
    )
    packages = sorted(p["name"] for p in listing if p["name"].lower() not in BASELINE)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    total = 0
    for path in site.rglob("*"):
        if path.is_file() and not path.is_symlink():
            top = path.relative_to(site).parts[0].lower()
            if not any(top.startswith(b) for b in BASELINE) and not top.startswith(("_distutils_hack", "distutils")):
                total += path.stat().st_size
    return packages, total


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="footprint-") as tmp:
        lite_packages, lite_bytes = measure(str(ROOT), Path(tmp))
        official_packages, official_bytes = measure(f"sagemaker=={OFFICIAL_VERSION}", Path(tmp))
    lines = [
        "# Installed footprint: sagemaker_lite vs official SDK v2",
        "",
        "Fresh venv each, `pip install <sdk>`; packages and on-disk size of site-packages, not counting",
        "pip/setuptools/wheel.",
        "",
        "| SDK | installed packages | site-packages MB |",
        "| --- | ---: | ---: |",
        f"| sagemaker_lite | {len(lite_packages)} | {lite_bytes / 1e6:.1f} |",
        f"| sagemaker {OFFICIAL_VERSION} | {len(official_packages)} | {official_bytes / 1e6:.1f} |",
        "",
        f"Ratio (official / lite): {len(official_packages) / len(lite_packages):.1f}x packages, "
        f"{official_bytes / lite_bytes:.1f}x bytes",
        "",
        f"sagemaker_lite's packages: {', '.join(lite_packages)}",
        "",
        *machine_lines(),
    ]
    RESULT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
