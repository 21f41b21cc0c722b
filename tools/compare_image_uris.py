#!/usr/bin/env python3
"""Check that ``sagemaker_lite.image_uris.retrieve`` agrees with the official SDK v2.

Runs inside the side venv that has the official ``sagemaker`` installed (re-executes
itself there when started with another interpreter), with this checkout on ``sys.path``.
It enumerates the lookups the official data supports and calls both implementations:

* phase A, in us-west-2: every framework x scope x version/alias x py version x
  base framework (Hugging Face) x instance type (None included for each), plus option
  variants (accelerator, distribution, container_version, serverless, inference_tool,
  training compiler, sdk_version);
* phase B: every distinct image found in phase A, in every region of our data and one
  that does not exist, and with each argument in turn replaced by a bad value;
* v1: ``get_image_uri`` for the first-party algorithms and xgboost in every region.

Outcomes: equal URIs, or both reject (ours must raise ``ValidationError``; anything else
is counted as a bad error). ``DIVERGENCES`` lists the cases where we refuse or differ on
purpose because the official result names an image that cannot exist.

Speed-up, not a change of behaviour: the official SDK re-parses botocore's endpoints.json
and its own JSON on every call (~50 ms). Both loaders are memoised here; at the end each
memoised config is compared with a fresh parse to prove nothing mutated it.

Usage: ``python tools/compare_image_uris.py [--json out.json] [--quick]``
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import logging
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tools"))

FIRST_PARTY = [
    "blazingtext",
    "factorization-machines",
    "forecasting-deepar",
    "image-classification",
    "ipinsights",
    "kmeans",
    "knn",
    "lda",
    "linear-learner",
    "ntm",
    "object-detection",
    "object2vec",
    "pca",
    "randomcutforest",
    "semantic-segmentation",
    "seq2seq",
]
INSTANCE_TYPES: list[str | None] = [
    None,
    "local",
    "local_gpu",
    "ml.c5.xlarge",
    "ml.m5.large",
    "ml.p3.2xlarge",
    "ml.g4dn.xlarge",
    "ml.g5.xlarge",
    "ml.p4d.24xlarge",
    "ml.p2.xlarge",
    "ml.inf1.xlarge",
    "ml.inf2.xlarge",
    "ml.trn1.2xlarge",
    "ml.c7g.xlarge",
    "ml.m6g.large",
    "c5.xlarge",
]
OPTION_INSTANCES: list[str | None] = [
    None,
    "ml.c5.xlarge",
    "ml.p3.2xlarge",
    "ml.p4d.24xlarge",
    "ml.inf2.xlarge",
    "ml.trn1.2xlarge",
]


class _Serverless:
    """Stands in for ServerlessInferenceConfig: only its presence matters."""


OPTIONS: list[dict[str, Any]] = [
    {"accelerator_type": "ml.eia2.medium"},
    {"accelerator_type": "ml.bogus"},
    {"distribution": {"smdistributed": {"dataparallel": {"enabled": True}}}},
    {"container_version": "cu110-ubuntu18.04"},
    {"serverless_inference_config": _Serverless()},
    {"inference_tool": "neuron"},
    {"inference_tool": "neuronx"},
    {"training_compiler_config": True},
    {"sdk_version": "sdk2.0.0"},
]
BAD_REGION = "xx-nowhere-1"
#: Phase B replaces one argument of each found image's call with one of these.
BAD_VALUES: dict[str, list[Any]] = {
    "framework": ["no-such-framework"],
    "version": ["0.0.bogus"],
    "py_version": ["py00"],
    "image_scope": ["bogus-scope"],
    "instance_type": ["c5.xlarge", "ml.c5"],
    "base_framework_version": ["pytorch0.0", "jax1.0"],
    "accelerator_type": ["ml.bogus"],
    "container_version": ["cu999"],
}


def _official_available() -> bool:
    try:
        import sagemaker  # noqa: F401
    except ImportError:
        return False
    return True


def _reexec_in_venv() -> None:
    from sync_image_uris import DEFAULT_VERSION, ensure_venv

    python = ensure_venv(os.environ.get("SAGEMAKER_OFFICIAL_VERSION", DEFAULT_VERSION))
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


# ----------------------------------------------------------------------------- divergences


def _hf_version_none(args: dict[str, Any], official: str | None, ours: str | None, err: Exception | None) -> bool:
    """Hugging Face with version=None: the official tag reads 'transformersNone'."""
    return (
        args.get("framework") == "huggingface"
        and args.get("version") is None
        and "transformersNone" in (official or "")
    )


def _serverless_without_cpu(
    args: dict[str, Any], official: str | None, ours: str | None, err: Exception | None
) -> bool:
    """Serverless inference for an image with no CPU build: official tags a non-existent '-cpu' image."""
    return args.get("serverless_inference_config") is not None and getattr(err, "parameter", "") == "instance_type"


DIVERGENCES: dict[str, Callable[[dict[str, Any], str | None, str | None, Exception | None], bool]] = {
    "huggingface version=None gives 'transformersNone' tags": _hf_version_none,
    "serverless inference with no CPU image": _serverless_without_cpu,
}


# ----------------------------------------------------------------------------- enumeration


def _config_values(raw: dict[str, Any]) -> tuple[list[str], list[str], list[str], list[str]]:
    """Scopes, versions+aliases, py versions and base frameworks mentioned in an official file."""
    scopes: list[str] = []
    versions: list[str] = []
    pys: set[str] = set()
    bases: set[str] = set()
    configs = [raw] if "scope" in raw else [v for v in raw.values() if isinstance(v, dict) and "versions" in v]
    scopes = list(raw["scope"]) if "scope" in raw else [k for k, v in raw.items() if isinstance(v, dict)]
    for cfg in configs:
        versions += [v for v in [*cfg["versions"], *cfg.get("version_aliases", {})] if v not in versions]
        for node in cfg["versions"].values():
            stack = [node]
            while stack:
                n = stack.pop()
                pys.update(n.get("py_versions", []))
                for k, v in n.items():
                    if k.startswith("py") and k != "py_versions" and isinstance(v, dict):
                        pys.add(k)
                        stack.append(v)
                    elif k.startswith(("pytorch", "tensorflow")):
                        bases.add(k)
                        stack.append(v)
                    elif k == "version_aliases":
                        bases.update(v)
    return scopes, versions, sorted(pys), sorted(bases)


def phase_a(config_dir: Path, frameworks: list[str], quick: bool) -> Iterator[dict[str, Any]]:
    for name in frameworks:
        raw = json.loads((config_dir / f"{name}.json").read_text())
        scopes, versions, pys, bases = _config_values(raw)
        if name == "huggingface":  # the variants' versions/bases are reached through huggingface
            for variant in ("huggingface-neuron", "huggingface-neuronx", "huggingface-training-compiler"):
                _, v2, p2, b2 = _config_values(json.loads((config_dir / f"{variant}.json").read_text()))
                versions += [v for v in v2 if v not in versions]
                pys = sorted(set(pys) | set(p2))
                bases = sorted(set(bases) | set(b2))
        scope_args: list[str | None] = [*scopes, None]
        version_args: list[str | None] = [*versions, None]
        py_args: list[str | None] = [None, *pys]
        base_args: list[str | None] = [None, *bases] if bases else [None]
        instances = INSTANCE_TYPES[:6] if quick else INSTANCE_TYPES
        for scope, version, py, base in itertools.product(scope_args, version_args, py_args, base_args):
            common = {
                "framework": name,
                "region": "us-west-2",
                "version": version,
                "py_version": py,
                "image_scope": scope,
            }
            if base is not None:
                common["base_framework_version"] = base
            for inst in instances:
                yield {**common, "instance_type": inst}
            if quick:
                continue
            for inst, opts in itertools.product(OPTION_INSTANCES, OPTIONS):
                yield {**common, "instance_type": inst, **opts}


# ----------------------------------------------------------------------------- running


def _call(fn: Callable[..., str], args: dict[str, Any]) -> tuple[str | None, Exception | None]:
    try:
        return fn(**args), None
    except Exception as exc:
        return None, exc


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}

    def add(self, kind: str, detail: str = "") -> None:
        self.counts[kind] += 1
        if detail and len(self.examples.setdefault(kind, [])) < 8:
            self.examples[kind].append(detail)


def compare_one(
    tally: Tally, official: Callable[..., str], ours: Callable[..., str], args: dict[str, Any]
) -> str | None:
    from sagemaker_lite.errors import ValidationError

    off_uri, off_err = _call(official, args)
    our_uri, our_err = _call(ours, args)
    shown = {k: v for k, v in args.items() if v is not None}
    if our_err is not None and not isinstance(our_err, ValidationError):
        tally.add("bad_error", f"{shown}: {type(our_err).__name__}: {our_err}")
    for label, rule in DIVERGENCES.items():
        if (off_uri != our_uri) and rule(args, off_uri, our_uri, our_err):
            tally.add("divergence:" + label, f"{shown}: official={off_uri} ours={our_uri or our_err}")
            return None
    if off_uri is not None and off_uri == our_uri:
        tally.add("match")
        return off_uri
    if off_err is not None and our_err is not None:
        tally.add("both_reject")
        return None
    tally.add("mismatch", f"{shown}: official={off_uri or repr(off_err)} ours={our_uri or repr(our_err)}")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write the summary here as JSON")
    parser.add_argument("--quick", action="store_true", help="fewer instance types, no option variants")
    args = parser.parse_args(argv)
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    if not _official_available():
        _reexec_in_venv()

    import sagemaker
    from sagemaker import image_uris as official_uris
    from sagemaker import utils as official_utils
    from sagemaker.amazon.amazon_estimator import get_image_uri as official_get_image_uri

    from sagemaker_lite import image_uris as ours
    from sagemaker_lite.amazon.amazon_estimator import get_image_uri as our_get_image_uri
    from sagemaker_lite.image_uris import _data

    official_utils._botocore_resolver = functools.lru_cache(maxsize=None)(official_utils._botocore_resolver)
    fresh_config = official_uris.config_for_framework
    cached_config = functools.lru_cache(maxsize=None)(fresh_config)
    official_uris.config_for_framework = cached_config

    config_dir = Path(sagemaker.__file__).parent / "image_uri_config"
    index = _data.index()
    frameworks = sorted(index["frameworks"])
    started = time.perf_counter()
    tally = Tally()
    distinct: dict[str, dict[str, Any]] = {}
    for call in phase_a(config_dir, frameworks, args.quick):
        uri = compare_one(tally, official_uris.retrieve, ours.retrieve, call)
        if uri is not None:
            distinct.setdefault(uri, call)
    phase_a_calls = sum(tally.counts.values())
    regions = [*sorted(index["regions"]), BAD_REGION]
    for call in distinct.values():
        for region in regions:
            if region != "us-west-2":
                compare_one(tally, official_uris.retrieve, ours.retrieve, {**call, "region": region})
        for key, values in BAD_VALUES.items():
            for value in values:
                compare_one(tally, official_uris.retrieve, ours.retrieve, {**call, key: value})

    v1 = Tally()
    v1_cases = [(algo, "1") for algo in FIRST_PARTY] + [(a, "latest") for a in FIRST_PARTY]
    v1_cases += [("xgboost", v) for v in ("1", "latest", "0.90-1", "0.90-2", "1.0-1", "1.2-1", "1.7-1", "bogus")]
    for (repo, version), region in itertools.product(v1_cases, regions):
        call = {"region_name": region, "repo_name": repo, "repo_version": version}
        compare_one(v1, official_get_image_uri, our_get_image_uri, call)

    mutated = [
        name for name in frameworks if cached_config(name) != json.loads((config_dir / f"{name}.json").read_text())
    ]
    if mutated:
        tally.add("mismatch", f"official configs mutated during the run: {mutated}")
    elapsed = time.perf_counter() - started
    summary = {
        "official_version": sagemaker.__version__,
        "frameworks": frameworks,
        "retrieve_calls": sum(tally.counts.values()),
        "phase_a_calls": phase_a_calls,
        "distinct_uris": len(distinct),
        "regions": len(regions) - 1,
        "retrieve": dict(tally.counts),
        "get_image_uri": dict(v1.counts),
        "examples": {**tally.examples, **{f"v1:{k}": v for k, v in v1.examples.items()}},
        "seconds": round(elapsed, 1),
    }
    print(json.dumps({k: v for k, v in summary.items() if k not in ("examples", "frameworks")}, indent=1))
    for kind, lines in summary["examples"].items():
        if kind.startswith(("mismatch", "bad_error", "v1:mismatch", "v1:bad_error")) or "divergence" in kind:
            print(f"--- {kind}")
            for line in lines:
                print("  ", line)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, default=str))
    bad = tally.counts["mismatch"] + tally.counts["bad_error"] + v1.counts["mismatch"] + v1.counts["bad_error"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
