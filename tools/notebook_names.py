"""Which names of the official ``sagemaker.*`` modules example notebooks use, and which we have.

Two steps, so the committed table is generated from the code and a test can regenerate it:

1. ``extract`` (needs a corpus): read every notebook (and ``.py`` file) of a git repository,
   parse each code cell with ``ast`` and record the ``sagemaker.*`` names it uses:
   ``from sagemaker.x import Name``, ``import sagemaker.x as y`` then ``y.Name``, and
   ``sagemaker.x.Name`` / ``sagemaker.Name`` attribute chains. Writes
   ``tests/data/notebook_names.json``: per name, how many notebooks use it, and per
   notebook the names it uses (facts about the corpus, no code from it).

       python tools/notebook_names.py extract /work/.mirror/aws+amazon-sagemaker-examples/repo

2. ``table`` (no corpus needed): classify every recorded name against ``sagemaker_lite``
   -- ``has`` (importable under the same path), ``refused`` (REFUSED below, with the
   reason), ``lacks`` -- and write ``docs/compatibility_names.md`` with the coverage
   figures. ``--check`` compares with the committed file instead (the test does this).

       python tools/notebook_names.py table [--check]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = REPO_ROOT / "tests" / "data" / "notebook_names.json"
TABLE_FILE = REPO_ROOT / "docs" / "compatibility_names.md"

#: official names we deliberately do not provide, and why (a user gets a clear error or a doc line)
REFUSED: dict[str, str] = {
    "sagemaker.workflow": "SageMaker Pipelines are out of scope: sagemaker_lite builds and runs jobs directly",
    "sagemaker.jumpstart": "JumpStart model hub: needs the hub's catalogue, out of scope",
    "sagemaker.hyperparameters": "a JumpStart catalogue lookup (retrieve_default), out of scope with JumpStart",
    "sagemaker.model_uris": "a JumpStart catalogue lookup, out of scope with JumpStart",
    "sagemaker.script_uris": "a JumpStart catalogue lookup, out of scope with JumpStart",
    "sagemaker.instance_types": "a JumpStart catalogue lookup, out of scope with JumpStart",
    "sagemaker.environment_variables": "a JumpStart catalogue lookup, out of scope with JumpStart",
    "sagemaker.metric_definitions": "a JumpStart catalogue lookup, out of scope with JumpStart",
    "sagemaker.feature_store": "Feature Store: a separate service API, out of scope",
    "sagemaker.experiments": "SageMaker Experiments: pass ExperimentConfig dicts instead",
    "sagemaker.serve": "ModelBuilder (sagemaker.serve) is a v2.2xx+ layer over Model; use Model/deploy",
    "sagemaker.remote_function": "@remote runs pickled functions in jobs; out of scope",
    "sagemaker.modules": "the SDK v3 ModelTrainer layer, not the v2 dialect",
    "sagemaker.core": "the SDK v3 resource layer, not the v2 dialect",
    "sagemaker.train": "the SDK v3 training layer, not the v2 dialect",
    "sagemaker.mlops": "the SDK v3 MLOps layer, not the v2 dialect",
}


# --- extract ------------------------------------------------------------------------------


def _cell_sources(path: str, text: str) -> list[str]:
    if path.endswith(".py"):
        return [text]
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError:
        return []
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        # IPython magics and shell escapes are not Python
        lines = ["" if line.lstrip().startswith(("%", "!", "?")) else line for line in source.splitlines()]
        sources.append("\n".join(lines))
    return sources


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def names_in(source: str) -> set[str]:
    """``sagemaker.*`` names a piece of code uses (``module.Name``), best effort per statement."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    aliases: dict[str, str] = {}  # local name -> dotted sagemaker path
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sagemaker":
            for alias in node.names:
                if alias.name == "*":
                    continue
                path = f"{node.module}.{alias.name}"
                found.add(path)
                aliases[alias.asname or alias.name] = path
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sagemaker":
                    aliases[alias.asname or alias.name.split(".")[0]] = (alias.asname and alias.name) or "sagemaker"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if not dotted:
                continue
            head, _, rest = dotted.partition(".")
            if head in aliases and rest and aliases[head].split(".")[0] == "sagemaker":
                full = f"{aliases[head]}.{rest}"
                # keep module.Name: stop at the first capitalised or function-like segment
                segments = full.split(".")
                for index in range(1, len(segments)):
                    if not _is_module(".".join(segments[: index + 1])):
                        found.add(".".join(segments[: index + 1]))
                        break
    return {name for name in found if name.count(".") >= 1}


_MODULES: dict[str, bool] = {}


def _is_module(path: str) -> bool:
    """Whether ``path`` names a module of the official SDK's layout (lower-case package segments)."""
    if path not in _MODULES:
        last = path.rsplit(".", 1)[-1]
        _MODULES[path] = last.islower() and last in KNOWN_MODULE_SEGMENTS
    return _MODULES[path]


#: module segments of the official v2 SDK (so ``sagemaker.tensorflow.TensorFlow`` splits right)
KNOWN_MODULE_SEGMENTS = {
    "amazon",
    "amazon_estimator",
    "analytics",
    "estimator",
    "inputs",
    "session",
    "tensorflow",
    "pytorch",
    "sklearn",
    "xgboost",
    "huggingface",
    "mxnet",
    "chainer",
    "model",
    "predictor",
    "serializers",
    "deserializers",
    "image_uris",
    "processing",
    "tuner",
    "transformer",
    "s3",
    "utils",
    "debugger",
    "local",
    "network",
    "parameter",
    "workflow",
    "steps",
    "pipeline",
    "model_monitor",
    "clarify",
    "feature_store",
    "jumpstart",
    "experiments",
    "serve",
    "inference",
    "lineage",
    "model_metrics",
    "drift_check_baselines",
    "spark",
    "sparkml",
    "automl",
    "algorithm",
    "model_card",
    "predictor_async",
    "async_inference",
    "serverless",
    "multidatamodel",
    "pipeline_context",
    "parameters",
    "functions",
    "execution_variables",
    "properties",
    "conditions",
    "condition_step",
    "fail_step",
    "step_collections",
    "lambda_step",
    "callback_step",
    "emr_step",
    "check_job_config",
    "quality_check_step",
    "clarify_check_step",
    "notebook_job_step",
    "remote_function",
    "modules",
    "core",
    "train",
    "mlops",
    "rl",
    "sklearn_processing",
    "wrangler",
    "dataset_definition",
    "image_uri_config",
    "fw_utils",
    "s3_utils",
    "vpc_utils",
    "content_types",
    "accept_types",
    "config",
    "base_predictor",
    "base_serializers",
    "base_deserializers",
    "explainer",
    "compute_resource_requirements",
    "resource_requirements",
    "instance_group",
    "collection",
    "tensorboard",
    "profiler_config",
    "framework_profile",
    "rule_configs",
    "training_compiler",
    "djl_inference",
    "huggingface_llm",
    "environment_variables",
    "hyperparameters",
    "model_uris",
    "script_uris",
    "instance_types",
    "metric_definitions",
    "notebooks",
    "fw_registry",
    "lambda_helper",
    "linear_learner",
    "kmeans",
    "pca",
    "factorization_machines",
    "ntm",
    "lda",
    "randomcutforest",
    "knn",
    "ipinsights",
    "object2vec",
    "common",
    "record_pb2",
    "hyperparameter",
    "amazon_hyperparameters",
    "validation",
    "entities",
    "airflow",
    "cli",
    "apiutils",
    "asset",
    "batch_inference",
    "iterators",
    "logs",
    "metadata_properties",
    "mlflow",
    "partner_app",
    "spark_processing",
    "processing_job",
    "training",
    "job",
    "estimator_utils",
    "distributed",
    "smp",
    "smdistributed",
    "torch_distributed",
}


def _corpus_files(repo: Path) -> list[tuple[str, str]]:
    listing = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    files = []
    for path in listing:
        if not path.endswith(".ipynb"):
            continue
        text = subprocess.run(
            ["git", "--git-dir", str(repo), "show", f"HEAD:{path}"], capture_output=True, text=True, check=False
        ).stdout
        files.append((path, text))
    return files


def extract(repo: Path) -> dict[str, Any]:
    notebooks: dict[str, list[str]] = {}
    for path, text in _corpus_files(repo):
        used: set[str] = set()
        for source in _cell_sources(path, text):
            used |= names_in(source)
        if used:
            notebooks[path] = sorted(used)
    counts = Counter(name for names in notebooks.values() for name in names)
    head = subprocess.run(
        ["git", "--git-dir", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        "corpus": f"aws/amazon-sagemaker-examples@{head[:12]} (every .ipynb that uses a sagemaker.* name)",
        "names": dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
        "notebooks": notebooks,
    }


# --- table ---------------------------------------------------------------------------------


def status(name: str) -> tuple[str, str]:
    """(``has`` | ``refused`` | ``lacks``, detail) for an official ``sagemaker.x.Name``."""
    for prefix, reason in REFUSED.items():
        if name == prefix or name.startswith(prefix + "."):
            return "refused", reason
    module, _, attribute = name.rpartition(".")
    ours = "sagemaker_lite" + module[len("sagemaker") :]
    try:
        loaded = importlib.import_module(ours)
    except ImportError:
        try:  # a submodule used as a name: sagemaker.image_uris
            importlib.import_module(f"{ours}.{attribute}")
            return "has", ""
        except ImportError:
            return "lacks", ""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # v1 names warn when touched
        try:
            getattr(loaded, attribute)
        except AttributeError:
            try:
                importlib.import_module(f"{ours}.{attribute}")
            except ImportError:
                return "lacks", ""
    return "has", ""


def render(data: dict[str, Any]) -> str:
    names: dict[str, int] = data["names"]
    statuses = {name: status(name) for name in names}
    has = [n for n in names if statuses[n][0] == "has"]
    refused = [n for n in names if statuses[n][0] == "refused"]
    notebooks: dict[str, list[str]] = data["notebooks"]
    covered = [nb for nb, used in notebooks.items() if all(statuses[n][0] == "has" for n in used)]
    uses = sum(names.values())
    covered_uses = sum(names[n] for n in has)
    lines = [
        "# Official `sagemaker.*` names used by example notebooks, and ours",
        "",
        "Generated by `python tools/notebook_names.py table` from the code and",
        f"`tests/data/notebook_names.json` (extracted from {data['corpus']}). Do not edit by hand:",
        "`tests/unit/test_compatibility_names.py` regenerates it and fails when it is stale.",
        "",
        f"- Distinct names used: {len(names)}; this SDK has {len(has)}, refuses {len(refused)} on purpose,"
        f" lacks {len(names) - len(has) - len(refused)}.",
        f"- Name uses (a name counted once per notebook): {uses}; {covered_uses} of them"
        f" ({100.0 * covered_uses / max(uses, 1):.1f} %) are names this SDK has.",
        f"- Notebooks that use only names this SDK has: {len(covered)} of {len(notebooks)}"
        f" ({100.0 * len(covered) / max(len(notebooks), 1):.1f} %).",
        "",
        "| Name | Notebooks | Here | Note |",
        "| --- | ---: | --- | --- |",
    ]
    for name, count in names.items():
        state, note = statuses[name]
        lines.append(f"| `{name}` | {count} | {state} | {note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extract")
    ext.add_argument("repo", type=Path, help="a git directory of the corpus (e.g. a fetched mirror)")
    tab = sub.add_parser("table")
    tab.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "extract":
        data = extract(args.repo)
        DATA_FILE.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
        print(f"{len(data['names'])} names from {len(data['notebooks'])} notebooks -> {DATA_FILE}")
        return 0
    table = render(json.loads(DATA_FILE.read_text()))
    if args.check:
        if TABLE_FILE.read_text() != table:
            print(f"{TABLE_FILE} is stale: run python tools/notebook_names.py table")
            return 1
        return 0
    TABLE_FILE.write_text(table)
    print(table.split("\n\n")[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
