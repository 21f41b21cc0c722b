#!/usr/bin/env python3
"""Regenerate ``sagemaker_lite/image_uris/data/*.json`` from the official SDK's published facts.

Why a tool: the official SageMaker Python SDK v2 ships the account/repository/tag facts of
every prebuilt image as JSON (``sagemaker/image_uri_config/*.json``) inside its PyPI
package. We do not depend on that package at run time; instead this tool reads those
files once and writes them in our own compact layout (one shared table of per-region
account maps referenced by index, one small file per framework, region -> ECR domain
resolved with the botocore release the official SDK was installed with).

A handful of facts live in the official SDK's *code* rather than its JSON (arm64 tags
for Graviton XGBoost/scikit-learn, CUDA suffixes for p4d/smdistributed jobs, which
repositories carry a Neuron SDK version in their tags, ...). They are listed once in
``CODE_FACTS`` below and turned into data flags, so the runtime stays generic.

Usage::

    python tools/sync_image_uris.py                       # venv + sagemaker==2.257.7, rewrite data
    python tools/sync_image_uris.py --version 2.258.0     # another release
    python tools/sync_image_uris.py --from-dir /x/image_uri_config   # no venv; local botocore
        [--version 2.257.7]        # name the release the folder came from (recorded in headers)
    python tools/sync_image_uris.py --check               # exit 1 if the shipped data differs
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import subprocess
import sys
import tempfile
import venv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

DEFAULT_VERSION = "2.257.7"
REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "sagemaker_lite" / "image_uris" / "data"
FORMAT = 1

#: Official files that are not retrievable image configs (``retrieve`` cannot use them).
SKIPPED_FILES = {
    "instance_gpu_info": "GPU counts per instance type, not an image config",
    "sagemaker-base-python": "read only by get_base_python_image_uri(); retrieve() fails on its layout",
}

#: Facts that the official SDK keeps in code, not JSON (values copied as facts, by name).
CODE_FACTS: dict[str, Any] = {
    # Instance families that select the Graviton (arm64) inference images.
    "graviton_instance_families": ["m6g", "m6gd", "c6g", "c6gd", "c6gn", "c7g", "r6g", "r6gd"],
    "graviton_frameworks": ["pytorch", "sklearn", "tensorflow", "xgboost"],
    "trainium_frameworks": ["pytorch"],
    # Frameworks whose inf*/trn* instances (or inference_tool) route to "<framework>-<tool>".
    "neuron_routed_frameworks": ["huggingface", "pytorch"],
    "training_compiler_frameworks": ["huggingface", "pytorch"],
    # Frameworks whose tags take a caller-supplied container_version.
    "container_version_frameworks": ["huggingface", "pytorch-smp", "spark"],
    # With no image_scope these default to training (their training/inference images agree).
    "default_scope": {"xgboost": "training", "sklearn": "training"},
    "py_version_optional": ["spark"],
    "gpu_processor_not_in_tag": ["sagemaker-tritonserver"],
    # p2 instances are refused from these framework versions on.
    "p2_deprecated_from": {"pytorch": "1.13", "tensorflow": "2.12"},
    # Graviton tags of XGBoost / scikit-learn, which do not follow the usual tag pattern.
    "arm64_tags": {
        "xgboost": {"1.5-1": "1.5-1-arm64", "1.3-1": "1.3-1-arm64"},
        "sklearn": {"1.0-1": "1.0-1-arm64-cpu-py3"},
    },
    # Tag suffix appended on p4d instances or smdistributed jobs: framework -> tag -> suffix.
    "distributed_tag_suffixes": {
        "tensorflow": {
            "2.3-gpu-py37": "cu110-ubuntu18.04-v3",
            "2.3.1-gpu-py37": "cu110-ubuntu18.04",
            "2.3.2-gpu-py37": "cu110-ubuntu18.04",
            "1.15-gpu-py37": "cu110-ubuntu18.04-v8",
            "1.15.4-gpu-py37": "cu110-ubuntu18.04",
            "1.15.5-gpu-py37": "cu110-ubuntu18.04",
        },
        "mxnet": {"1.8-gpu-py37": "cu110-ubuntu16.04-v1", "1.8.0-gpu-py37": "cu110-ubuntu16.04"},
        "pytorch": {
            "1.6-gpu-py36": "cu110-ubuntu18.04-v3",
            "1.6.0-gpu-py36": "cu110-ubuntu18.04",
            "1.6-gpu-py3": "cu110-ubuntu18.04-v3",
            "1.6.0-gpu-py3": "cu110-ubuntu18.04",
        },
    },
    # Repositories whose tag carries "<neuron sdk version>-" before the container version.
    "sdk_version_repositories": [
        "pytorch-training-neuron",
        "pytorch-training-neuronx",
        "huggingface-vllm-inference-neuronx",
        "huggingface-pytorch-inference-neuron",
        "huggingface-pytorch-inference-neuronx",
    ],
    # Hugging Face repositories whose tag uses the full (de-aliased) versions.
    "full_version_tag_repositories": ["huggingface-pytorch-inference-neuron", "huggingface-pytorch-inference-neuronx"],
    # Hugging Face repositories whose tag uses the validated (defaulted) version.
    "validated_version_tag_repositories": [
        "huggingface-pytorch-trcomp-training",
        "huggingface-tensorflow-trcomp-training",
    ],
    # Configs reachable only through framework="huggingface" (their layout nests base frameworks).
    "huggingface_variants": ["huggingface-neuron", "huggingface-neuronx", "huggingface-training-compiler"],
}

_PY_KEY = re.compile(r"^py\d*$")
_BASE_KEY = re.compile(r"^(pytorch|tensorflow)")

# Run with the interpreter that has the botocore the official SDK uses: region -> endpoint.
_RESOLVER_SCRIPT = """
import json, sys
import botocore, botocore.loaders, botocore.regions
resolver = botocore.regions.EndpointResolver(botocore.loaders.create_loader().load_data("endpoints"))
out = {}
for region in json.load(sys.stdin):
    data = resolver.construct_endpoint("ecr", region)
    out[region] = None if not data else {"hostname": data["hostname"], "partition": data["partition"],
                                         "dnsSuffix": data["dnsSuffix"]}
print(json.dumps({"botocore": botocore.__version__, "regions": out}))
"""


# --------------------------------------------------------------------------- sources


def cache_root() -> Path:
    """Where throwaway venvs live: outside the repository, shared with benchmarks/sidevenv.py."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sagemaker_lite"


def ensure_venv(version: str) -> Path:
    """Return the python of a venv holding ``sagemaker==version`` (created on first use)."""
    env_dir = cache_root() / f"official-sdk-{version}"
    python = env_dir / "bin" / "python"
    probe = f"import importlib.metadata as m, sys; sys.exit(m.version('sagemaker') != {version!r})"
    if python.exists() and subprocess.run([str(python), "-c", probe], capture_output=True).returncode == 0:
        return python
    print(f"creating {env_dir} with sagemaker=={version} ...", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, f"sagemaker=={version}"], check=True)
    return python


def official_config_dir(python: Path) -> Path:
    """Locate ``sagemaker/image_uri_config`` inside the venv without importing sagemaker."""
    code = "import importlib.util as u, os; print(os.path.dirname(u.find_spec('sagemaker').origin))"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip()) / "image_uri_config"


def resolve_regions(python: str, regions: Iterable[str]) -> dict[str, Any]:
    """Ask botocore (in ``python``'s environment) for each region's ECR endpoint."""
    out = subprocess.run(
        [python, "-c", _RESOLVER_SCRIPT],
        input=json.dumps(sorted(regions)),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


# --------------------------------------------------------------------------- conversion


def _version_key(version: str) -> Any:
    from packaging.version import Version  # tool-only dependency

    return Version(version)


def latest_version(raw: Mapping[str, Any], image_scope: str | None) -> str | None:
    """The version the official SDK picks when none is given, for one requested scope.

    It looks at the *first and last* listed versions only (not all of them), takes a
    ``latest`` alias of the requested scope first, and handles ``N.x`` style keys.
    """
    if image_scope is not None and isinstance(raw.get(image_scope), dict):
        latest = raw[image_scope].get("version_aliases", {}).get("latest")
        if latest:
            return str(latest)
    versions: list[str]
    if "versions" in raw:
        versions = list(raw["versions"])
        if len(versions) == 1:
            return versions[0]
        if "latest" in (versions[0], versions[-1]):
            return None
    elif image_scope is not None and isinstance(raw.get(image_scope), dict) and "versions" in raw[image_scope]:
        versions = list(raw[image_scope]["versions"])
    elif isinstance(raw.get("processing"), dict) and "versions" in raw["processing"]:
        versions = list(raw["processing"]["versions"])
    else:
        return None
    top, bottom = versions[0], versions[-1]
    try:
        if top.endswith(".x") or bottom.endswith(".x"):
            return f"{max(int(top[:-2]), int(bottom[:-2]))}.x"
        return top if _version_key(top) >= _version_key(bottom) else bottom
    except ValueError:
        return None


class Converter:
    """Turns official config files into our layout, interning account maps as it goes."""

    def __init__(self) -> None:
        self.tables: list[dict[str, str]] = []
        self._table_ids: dict[str, int] = {}
        self.regions: set[str] = set()

    def account_table(self, registries: Mapping[str, str]) -> int:
        key = json.dumps(registries, sort_keys=True)
        if key not in self._table_ids:
            self._table_ids[key] = len(self.tables)
            self.tables.append(dict(sorted(registries.items())))
            self.regions.update(registries)
        return self._table_ids[key]

    def leaf(self, framework: str, scope: str, version: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        repo = raw["repository"]
        out: dict[str, Any] = {"repository": repo, "accounts": self.account_table(raw["registries"])}
        for src, dst in (
            ("py_versions", "py_versions"),
            ("processors", "processors"),
            ("tag_prefix", "tag_prefix"),
            ("container_version", "container_versions"),
            ("sdk_versions", "sdk_versions"),
        ):
            if src in raw:
                out[dst] = raw[src]
        unknown = set(raw) - {
            "repository",
            "registries",
            "py_versions",
            "processors",
            "tag_prefix",
            "container_version",
            "sdk_versions",
        }
        if unknown:
            raise SystemExit(f"{framework}/{scope}/{version}: unknown keys {sorted(unknown)}")
        if repo in CODE_FACTS["sdk_version_repositories"]:
            out["sdk_version_in_tag"] = True
        if repo in CODE_FACTS["full_version_tag_repositories"]:
            out["tag_uses_full_versions"] = True
        if repo in CODE_FACTS["validated_version_tag_repositories"]:
            out["tag_uses_validated_version"] = True
        if repo == f"{framework}-inference-graviton":
            out["container_version_suffix"] = "-sagemaker"
        if "neuron" in repo or repo == f"{framework}-inference-graviton":
            out["accepts_container_version"] = True
        if scope == "inference_graviton" and framework in CODE_FACTS["arm64_tags"]:
            out["fixed_tag"] = CODE_FACTS["arm64_tags"][framework][version]
        return out

    def node(self, framework: str, scope: str, version: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        if "repository" in raw:
            return self.leaf(framework, scope, version, raw)
        bases = [k for k in raw if k != "version_aliases"]
        if "version_aliases" in raw or all(_BASE_KEY.match(k) for k in bases):
            return {
                "base_framework_aliases": raw.get("version_aliases", {}),
                "by_base_framework": {b: self.leaf(framework, scope, version, raw[b]) for b in bases},
            }
        if not all(_PY_KEY.match(k) for k in raw):
            raise SystemExit(f"{framework}/{scope}/{version}: unrecognised layout {sorted(raw)}")
        return {"by_py_version": {py: self.leaf(framework, scope, version, raw[py]) for py in raw}}

    def config(self, framework: str, scope: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if raw.get("processors"):
            out["processors"] = raw["processors"]
        if raw.get("version_aliases"):
            out["version_aliases"] = raw["version_aliases"]
        out["versions"] = {v: self.node(framework, scope, v, n) for v, n in raw["versions"].items()}
        return out

    def framework(self, name: str, raw: Mapping[str, Any], source: Mapping[str, str]) -> dict[str, Any]:
        shared = "scope" in raw
        scopes = list(raw["scope"]) if shared else list(raw)
        configs = {"*": self.config(name, "*", raw)} if shared else {s: self.config(name, s, raw[s]) for s in scopes}
        latest: dict[str, str | None] = {"": latest_version(raw, None)}
        for key in raw:
            if isinstance(raw[key], dict):
                value = latest_version(raw, key)
                if value != latest[""]:
                    latest[key] = value
        out: dict[str, Any] = {
            "generated_from": {**source, "file": f"sagemaker/image_uri_config/{name}.json"},
            "framework": name,
            "scopes": scopes,
            "shared_config": shared,
            "latest_version": latest,
        }
        rules = {
            "default_scope": CODE_FACTS["default_scope"].get(name),
            "py_version_optional": name in CODE_FACTS["py_version_optional"],
            "omit_gpu_processor": name in CODE_FACTS["gpu_processor_not_in_tag"],
            "accepts_container_version": name in CODE_FACTS["container_version_frameworks"],
            "runs_on_graviton": name in CODE_FACTS["graviton_frameworks"],
            "runs_on_trainium": name in CODE_FACTS["trainium_frameworks"],
            "routes_neuron": name in CODE_FACTS["neuron_routed_frameworks"],
            "routes_training_compiler": name in CODE_FACTS["training_compiler_frameworks"],
            "p2_deprecated_from": CODE_FACTS["p2_deprecated_from"].get(name),
            "distributed_tag_suffixes": CODE_FACTS["distributed_tag_suffixes"].get(name),
        }
        out["rules"] = {k: v for k, v in rules.items() if v not in (None, False)}
        out["configs"] = configs
        return out


def build(config_dir: Path, python_for_botocore: str, package_version: str) -> dict[str, str]:
    """Return {file name: text} for the whole data folder."""
    source = {"package": "sagemaker", "version": package_version}
    conv = Converter()
    frameworks: dict[str, dict[str, Any]] = {}
    for path in sorted(config_dir.glob("*.json")):
        name = path.stem
        if name in SKIPPED_FILES:
            continue
        frameworks[name] = conv.framework(name, json.loads(path.read_text()), source)
    resolved = resolve_regions(python_for_botocore, conv.regions)
    regions: dict[str, dict[str, str]] = {}
    for region, data in sorted(resolved["regions"].items()):
        if data is None:  # botocore predates the region: the commercial partition's pattern
            data = {"hostname": f"ecr.{region}.amazonaws.com", "partition": "aws", "dnsSuffix": "amazonaws.com"}
        if data["hostname"] != f"ecr.{region}.{data['dnsSuffix']}":
            raise SystemExit(f"{region}: unexpected ECR hostname {data['hostname']}")
        regions[region] = {"partition": data["partition"], "domain": data["dnsSuffix"]}
    index = {
        "format": FORMAT,
        "generated_from": {**source, "botocore": resolved["botocore"]},
        "skipped": SKIPPED_FILES,
        "frameworks": sorted(n for n in frameworks if n not in CODE_FACTS["huggingface_variants"]),
        "internal_frameworks": {
            n: "reachable only through framework='huggingface'" for n in CODE_FACTS["huggingface_variants"]
        },
        "graviton_instance_families": CODE_FACTS["graviton_instance_families"],
        "regions": regions,
        "account_tables": conv.tables,
    }
    files = {"index.json": _dump_index(index)}
    for name, data in frameworks.items():
        files[f"{name}.json"] = json.dumps(data, indent=1) + "\n"
    return files


def _dump_index(index: Mapping[str, Any]) -> str:
    """One account table per line: compact, yet a changed account shows as a one-line diff."""
    head = {k: v for k, v in index.items() if k != "account_tables"}
    text = json.dumps(head, indent=1)[:-2]
    rows = ",\n".join("  " + json.dumps(t, separators=(",", ":")) for t in index["account_tables"])
    return f'{text},\n "account_tables": [\n{rows}\n ]\n}}\n'


def write(files: Mapping[str, str], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.json"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (out_dir / name).write_text(text)


def compare(expected_dir: Path, actual_dir: Path) -> list[str]:
    """Names of files that differ between the two folders (added, removed or changed)."""
    want = {p.name for p in expected_dir.glob("*.json")}
    have = {p.name for p in actual_dir.glob("*.json")}
    diffs = [f"missing: {n}" for n in sorted(want - have)] + [f"extra: {n}" for n in sorted(have - want)]
    for name in sorted(want & have):
        if filecmp.cmp(expected_dir / name, actual_dir / name, shallow=False):
            continue
        if name == "index.json" and _without_provenance(expected_dir / name) == _without_provenance(actual_dir / name):
            continue  # only the resolver's botocore release differs: the side venv's, not the data
        diffs.append(f"changed: {name}")
    return diffs


def _without_provenance(path: Path) -> Any:
    """index.json without ``generated_from.botocore`` (which botocore resolved the regions; the
    resolved endpoints themselves are in the data files and still compared)."""
    data = json.loads(path.read_text())
    data.get("generated_from", {}).pop("botocore", None)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default=DEFAULT_VERSION, help="official sagemaker release to read")
    parser.add_argument("--from-dir", type=Path, help="an extracted image_uri_config folder (no venv)")
    parser.add_argument(
        "--botocore-python",
        help="with --from-dir: interpreter whose botocore resolves regions (default: this one)",
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="data folder to write or check")
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on differences")
    args = parser.parse_args(argv)

    if args.from_dir:
        config_dir, python = args.from_dir, args.botocore_python or sys.executable
    else:
        venv_python = ensure_venv(args.version)
        config_dir, python = official_config_dir(venv_python), str(venv_python)
    files = build(config_dir, python, args.version)
    if not args.check:
        write(files, args.out)
        print(f"wrote {len(files)} files to {args.out}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        write(files, Path(tmp))
        diffs = compare(Path(tmp), args.out)
    for line in diffs:
        print(line)
    print("image URI data is up to date" if not diffs else f"{len(diffs)} file(s) differ; rerun without --check")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
