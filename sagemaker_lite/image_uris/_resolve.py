"""The lookup behind ``image_uris.retrieve``: arguments -> (account, region, repository, tag).

Steps, each raising ``ValidationError`` that lists what would have worked:

1. route: some frameworks have variant configs (Neuron images picked by ``ml.inf*`` /
   ``ml.trn*`` or ``inference_tool``; Training Compiler images);
2. scope: ``training`` / ``inference`` / ``eia`` / ... (defaulted when unambiguous);
3. version: exact, an alias (``"2.11"`` -> ``"2.11.0"``, ``"latest"``), or the default;
4. base framework (Hugging Face only) and Python version;
5. processor from the instance type, then the tag from its parts.

The rules are those of the official SDK v2 so both give the same URI; the data they run
on comes from ``_data`` (see ``tools/sync_image_uris.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ValidationError
from . import _data, _instances
from ._data import FrameworkData, Node, ScopeConfig

logger = logging.getLogger("sagemaker_lite.image_uris")

_BASE_FRAMEWORK = re.compile(r"^(pytorch|tensorflow)(.*)$")
_GRAVITON_SCOPE = "inference_graviton"
_TAG_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
INFERENCE_TOOLS = ("neuron", "neuronx")


def choices(options: Iterable[str]) -> str:
    return "one of: " + ", ".join(repr(o) for o in options)


def check_free_text(inference_tool: str | None, container_version: str | None, sdk_version: str | None) -> None:
    """Arguments copied into the tag verbatim must be tag-shaped (and tools known)."""
    if inference_tool and inference_tool not in INFERENCE_TOOLS:
        raise ValidationError("inference_tool", inference_tool, f"None or {choices(INFERENCE_TOOLS)}")
    for name, value in (("container_version", container_version), ("sdk_version", sdk_version)):
        if value and not _TAG_PART.match(value):
            raise ValidationError(name, value, "letters, digits, '.', '_' and '-' (an image tag part)")


def load_framework(framework: str) -> FrameworkData:
    """The data of a framework a caller named, or a ``ValidationError`` listing the names."""
    if framework in _data.public_frameworks():
        return _data.framework(framework)
    internal = _data.index()["internal_frameworks"]
    if framework in internal:
        raise ValidationError(
            "framework",
            framework,
            "a public framework name",
            hint=f"{framework} is {internal[framework]}: use an ml.inf*/ml.trn* instance type, "
            "inference_tool='neuron'/'neuronx' or training_compiler_config",
        )
    raise ValidationError("framework", framework, choices(sorted(_data.public_frameworks())))


def route(
    framework: str,
    data: FrameworkData,
    instance_type: str | None,
    image_scope: str | None,
    inference_tool: str | None,
    training_compiler: bool,
) -> tuple[FrameworkData, str | None, str | None]:
    """Pick the config file, the scope to ask for and the inference tool for the tag."""
    rules = data["rules"]
    if training_compiler and rules.get("routes_training_compiler"):
        return _data.framework(f"{framework}-training-compiler"), image_scope, inference_tool
    fam = _instances.family(instance_type)
    name = framework
    if rules.get("routes_neuron"):
        if not inference_tool and fam.startswith(("inf", "trn")):
            inference_tool = "neuron"
        if inference_tool in INFERENCE_TOOLS:
            name = f"{framework}-{inference_tool}"
            if name not in _data.known_frameworks():
                raise ValidationError(
                    "inference_tool", inference_tool, f"a Neuron variant {framework} has", hint=f"no {name} images"
                )
    if instance_type is not None and "trn" in instance_type and not rules.get("runs_on_trainium"):
        raise ValidationError(
            "instance_type",
            instance_type,
            f"a non-Trainium instance type for {framework}",
            hint="Trainium (ml.trn*) images exist for: pytorch",
        )
    graviton = fam in _data.graviton_families()
    if graviton and not rules.get("runs_on_graviton"):
        raise ValidationError(
            "instance_type",
            instance_type,
            f"a non-Graviton instance type for {framework}",
            hint="Graviton images exist for: pytorch, sklearn, tensorflow, xgboost",
        )
    if graviton:
        image_scope = _GRAVITON_SCOPE
    elif image_scope is None:
        image_scope = rules.get("default_scope")
    return (data if name == framework else _data.framework(name)), image_scope, inference_tool


def select_scope(data: FrameworkData, image_scope: str | None, accelerator_type: str | None) -> ScopeConfig:
    """Resolve the scope (``eia`` when an accelerator is attached) and return its config."""
    if accelerator_type:
        if not accelerator_type.startswith("ml.eia") and accelerator_type != "local_sagemaker_notebook":
            raise ValidationError(
                "accelerator_type", accelerator_type, "an Elastic Inference type such as 'ml.eia2.medium'"
            )
        if image_scope not in ("eia", "inference"):
            logger.warning("Elastic Inference is for inference only; ignoring image_scope=%r", image_scope)
        image_scope = "eia"
    scopes = data["scopes"]
    if len(scopes) == 1:
        if image_scope and image_scope != scopes[0]:
            logger.warning("%s only has %s images; ignoring image_scope=%r", data["framework"], scopes[0], image_scope)
        image_scope = scopes[0]
    if not image_scope and data["shared_config"] and set(scopes) == {"training", "inference"}:
        image_scope = scopes[0]  # the same images serve both
    if image_scope not in scopes:
        raise ValidationError(
            "accelerator_type" if accelerator_type else "image_scope",
            accelerator_type or image_scope,
            choices(scopes),
            hint=f"{data['framework']} images exist for these scopes",
        )
    return data["configs"]["*" if data["shared_config"] else image_scope]


def select_version(
    version: str | None, config: ScopeConfig, data: FrameworkData, image_scope: str | None, what: str
) -> tuple[str, Node]:
    """Return the version as the caller will see it in the tag, and its entry."""
    versions = config["versions"]
    aliases = config.get("version_aliases", {})
    if len(versions) == 1 and version not in aliases:
        # One image only: any version names it, as in the official SDK, so v1 code passing
        # get_image_uri(..., repo_version="latest") still gets the algorithm's ":1" image.
        only = next(iter(versions))
        return only, versions[only]
    if not version:
        latest = data["latest_version"]
        version = latest.get(image_scope or "", latest.get(""))
    if version is None or aliases.get(version, version) not in versions:
        raise ValidationError("version", version, choices([*versions, *aliases]), hint=f"for {what}")
    return version, versions[aliases.get(version, version)]


def select_base(node: Node, base_framework_version: str | None, what: str) -> tuple[str, Node]:
    """Hugging Face images also depend on the PyTorch/TensorFlow version underneath."""
    bases = node.get("by_base_framework", {})
    aliases = node.get("base_framework_aliases", {})
    full = aliases.get(base_framework_version, base_framework_version) if base_framework_version else None
    if full is None or full not in bases or not _BASE_FRAMEWORK.match(base_framework_version or ""):
        raise ValidationError(
            "base_framework_version", base_framework_version, choices([*bases, *aliases]), hint=f"for {what}"
        )
    return full, bases[full]


def select_py(py_version: str | None, node: Node, optional: bool, what: str) -> tuple[str | None, Node]:
    """Resolve the Python version (defaulted when only one exists) and return the leaf."""
    branches = node.get("by_py_version")
    available = list(branches) if branches is not None else node.get("py_versions", [])
    if not available:
        return None, node  # the image has no Python-specific variants; ignore what was given
    if py_version is None and optional and branches is None:
        return None, node
    if py_version is None and len(available) == 1:
        py_version = available[0]
    if py_version not in available:
        raise ValidationError("py_version", py_version, choices(available), hint=f"for {what}")
    return py_version, (branches[py_version] if branches is not None else node)


def account_and_domain(leaf: Node, region: str, what: str) -> tuple[str, str]:
    index = _data.index()
    table = index["account_tables"][leaf["accounts"]]
    account = table.get(region)
    if account is None:
        raise ValidationError("region", region, choices(table), hint=f"{what} images are published in these regions")
    return account, index["regions"][region]["domain"]


def container_version_part(
    leaf: Node,
    rules_accept: bool,
    processor: str | None,
    requested: str | None,
    sdk_version: str | None,
    what: str,
) -> str | None:
    """The tag's trailing build part: from the data, or what the caller passed when allowed."""
    part = requested
    table = leaf.get("container_versions")
    if table:
        if processor not in table:
            raise ValidationError("instance_type", processor, choices(table), hint=f"{what} has no such build")
        part = table[processor]
    elif requested is not None and not (rules_accept or leaf.get("accepts_container_version")):
        raise ValidationError(
            "container_version",
            requested,
            "None for this framework (its tags have no container-version part)",
            hint="pass the full framework version instead",
        )
    if leaf.get("sdk_version_in_tag"):
        sdk = sdk_version or max(leaf.get("sdk_versions", []), default=None)
        if sdk is None or part is None:
            raise ValidationError("sdk_version", sdk_version, "a Neuron SDK version such as 'sdk2.20.0'", hint=what)
        part = f"{sdk}-{part}"
    suffix = leaf.get("container_version_suffix")
    if suffix:
        if part is None:
            raise ValidationError("container_version", requested, "a container version", hint=what)
        part += suffix
    return part


def huggingface_prefix(
    leaf: Node,
    config: ScopeConfig,
    requested_version: str | None,
    validated_version: str,
    base_framework_version: str,
) -> str:
    """``<pytorch/tensorflow version>-transformers<version>``, as Hugging Face tags read."""
    base_match = _BASE_FRAMEWORK.match(base_framework_version)
    base_number = base_match[2] if base_match else base_framework_version
    version = validated_version if requested_version is None else requested_version
    if leaf.get("tag_uses_validated_version"):
        version = validated_version
    if leaf.get("tag_uses_full_versions"):
        version = config.get("version_aliases", {}).get(version, version)
        node = config["versions"].get(version, {})
        full_base = node.get("base_framework_aliases", {}).get(base_framework_version)
        full_match = _BASE_FRAMEWORK.match(full_base) if full_base else None
        if full_match:
            base_number = full_match[2]
    return f"{base_number}-transformers{version}"


def join_tag(*parts: str | None) -> str:
    return "-".join(p for p in parts if p)


def distributed_suffix(
    rules_table: Mapping[str, str] | None, tag: str, instance_family: str, distribution: Mapping[str, Any] | None
) -> str:
    """Some older GPU images have a dedicated build for p4d instances / smdistributed jobs."""
    if not rules_table:
        return tag
    if instance_family != "p4d" and not (distribution and "smdistributed" in distribution):
        return tag
    suffix = rules_table.get(tag)
    return f"{tag}-{suffix}" if suffix else tag
