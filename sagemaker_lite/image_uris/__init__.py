"""ECR URIs of the prebuilt SageMaker images: built-in algorithms, framework containers, tools.

Same call, same answer as the official SDK v2::

    from sagemaker_lite import image_uris

    image_uris.retrieve("pca", "us-west-2")
    # '174872318107.dkr.ecr.us-west-2.amazonaws.com/pca:1'
    image_uris.retrieve("xgboost", "us-west-2", "1.7-1")
    # '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1'
    image_uris.retrieve("tensorflow", "us-east-1", "2.11", py_version="py39",
                        instance_type="ml.p3.2xlarge", image_scope="training")
    # '763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.11-gpu-py39'

The facts (accounts per region, repositories, tags) are shipped with the package, taken
from the official SDK's published JSON by ``tools/sync_image_uris.py``; no AWS call is
made. Data files load lazily on first use, and a lookup afterwards is a few dict reads.
A bad argument raises ``ValidationError`` (a ``ValueError``) listing what is available.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigurationError, ValidationError
from . import _data, _instances, _resolve

__all__ = ["frameworks", "retrieve", "versions"]


def retrieve(
    framework: str,
    region: str | None = None,
    version: str | None = None,
    py_version: str | None = None,
    instance_type: str | None = None,
    accelerator_type: str | None = None,
    image_scope: str | None = None,
    container_version: str | None = None,
    distribution: Mapping[str, Any] | None = None,
    base_framework_version: str | None = None,
    training_compiler_config: object | None = None,
    model_id: str | None = None,
    model_version: str | None = None,
    sdk_version: str | None = None,
    inference_tool: str | None = None,
    serverless_inference_config: object | None = None,
    config_name: str | None = None,
) -> str:
    """Return the ECR URI of the SageMaker image matching the arguments.

    ::

        retrieve("kmeans", "eu-west-1")
        retrieve("pytorch", "us-west-2", "2.1", py_version="py310",
                 instance_type="ml.g5.xlarge", image_scope="inference")
        retrieve("huggingface", "us-east-1", "4.28", base_framework_version="pytorch2.0",
                 py_version="py310", instance_type="ml.p3.2xlarge", image_scope="training")

    Args:
        framework: algorithm or framework name (``"xgboost"``, ``"tensorflow"``, ``"pca"``...).
        region: AWS region; ``None`` reads ``AWS_REGION`` / ``AWS_DEFAULT_REGION``.
        version: framework/algorithm version or alias (``"2.11"``, ``"latest"``); needed
            when more than one exists and no default applies.
        py_version: ``"py310"`` etc.; needed when the version has several.
        instance_type: picks the processor (``ml.p3.2xlarge`` -> gpu, ``ml.inf1.*`` -> inf,
            ``ml.trn1.*`` -> trn, ``local`` -> cpu, ``local_gpu`` -> gpu) and Graviton images.
        accelerator_type: an Elastic Inference type; selects the ``eia`` scope.
        image_scope: ``"training"``, ``"inference"``, ``"eia"``, ``"inference_graviton"``...
        container_version: build suffix, only for images whose tags take one.
        distribution: the estimator's distribution dict (smdistributed picks special builds).
        base_framework_version: Hugging Face only, e.g. ``"pytorch2.0"``.
        training_compiler_config: when truthy, the Training Compiler image (HF, PyTorch).
        model_id, model_version, config_name: JumpStart; not supported (raises).
        sdk_version: Neuron SDK version in Neuron image tags (default: newest known).
        inference_tool: ``"neuron"`` / ``"neuronx"`` to select Neuron images explicitly.
        serverless_inference_config: when given, the CPU image is used.

    Raises:
        ValidationError: an argument has no matching image; the message lists what exists.
        ConfigurationError: ``region`` is ``None`` and the environment names none.
    """
    for name, value in (
        ("framework", framework),
        ("region", region),
        ("version", version),
        ("py_version", py_version),
        ("instance_type", instance_type),
        ("accelerator_type", accelerator_type),
        ("image_scope", image_scope),
        ("container_version", container_version),
        ("base_framework_version", base_framework_version),
        ("sdk_version", sdk_version),
        ("inference_tool", inference_tool),
    ):
        if value is not None and not isinstance(value, str):
            raise ValidationError(name, value, "a string" + (" (or None)" if name != "framework" else ""))
    if distribution is not None and not isinstance(distribution, Mapping):
        raise ValidationError("distribution", distribution, "the estimator's distribution dict, or None")
    if model_id is not None or model_version is not None:
        raise ValidationError(
            "model_id",
            model_id,
            "None: JumpStart model images are resolved from the JumpStart catalogue, "
            "which sagemaker_lite does not include",
            hint="pass image_uri explicitly for JumpStart models",
        )
    region = _region(region)
    _resolve.check_free_text(
        inference_tool=inference_tool, container_version=container_version, sdk_version=sdk_version
    )
    data = _resolve.load_framework(framework)
    rules = data["rules"]
    routed, scope, tool = _resolve.route(
        framework, data, instance_type, image_scope, inference_tool, bool(training_compiler_config)
    )
    config = _resolve.select_scope(routed, scope, accelerator_type)
    what = f"{framework} {scope or ''}".rstrip()
    validated, node = _resolve.select_version(version, config, data, image_scope, what)
    what = f"{framework} {validated} {scope or ''}".rstrip()
    base: str | None = None
    if "by_base_framework" in node:
        base, node = _resolve.select_base(node, base_framework_version, what)
    py, leaf = _resolve.select_py(py_version, node, bool(rules.get("py_version_optional")), what)
    if "repository" not in leaf:
        raise ValidationError("py_version", py_version, "a Python version", hint=f"required for {what}")
    account, domain = _resolve.account_and_domain(leaf, region, what)
    processors = config.get("processors") or leaf.get("processors")
    processor = _instances.processor(instance_type, processors, serverless_inference_config is not None, what)
    part = _resolve.container_version_part(
        leaf, bool(rules.get("accepts_container_version")), processor, container_version, sdk_version, what
    )
    fam = _instances.family(instance_type)
    p2_from = rules.get("p2_deprecated_from")
    if fam == "p2" and p2_from and _instances.version_tuple(validated) >= _instances.version_tuple(p2_from):
        raise ValidationError(
            "instance_type",
            instance_type,
            f"a non-p2 instance type for {framework} {p2_from} and later",
            hint="p2 instances are deprecated for these versions",
        )

    fixed = leaf.get("fixed_tag")
    if fixed is not None:
        if fam and fam not in _data.graviton_families():
            raise ValidationError(
                "instance_type",
                instance_type,
                _resolve.choices(sorted(_data.graviton_families())),
                hint=f"{what} runs on Graviton instances only",
            )
        tag = fixed
    else:
        if base is not None and base_framework_version is not None:
            prefix = _resolve.huggingface_prefix(leaf, config, version, validated, base_framework_version)
        else:
            prefix = leaf.get("tag_prefix", validated)
        tag = _resolve.join_tag(prefix, tool or processor, py, part)
        if instance_type is not None:
            tag = _resolve.distributed_suffix(rules.get("distributed_tag_suffixes"), tag, fam, distribution)
    if processor == "gpu" and rules.get("omit_gpu_processor"):
        tag = tag.removesuffix("-gpu")
    uri = f"{account}.dkr.ecr.{region}.{domain}/{leaf['repository']}"
    return f"{uri}:{tag}" if tag else uri


def frameworks() -> list[str]:
    """Names ``retrieve`` accepts as ``framework``: ``image_uris.frameworks()``."""
    return sorted(_data.public_frameworks())


def versions(framework: str, image_scope: str | None = None) -> list[str]:
    """Versions and aliases of a framework's images: ``image_uris.versions("xgboost", "training")``."""
    data = _resolve.load_framework(framework)
    config = _resolve.select_scope(data, image_scope or data["rules"].get("default_scope"), None)
    return [*config["versions"], *config.get("version_aliases", {})]


def _region(region: str | None) -> str:
    if region:
        return region
    from_env = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if from_env:
        return from_env
    raise ConfigurationError(
        "region",
        "no region given and neither AWS_REGION nor AWS_DEFAULT_REGION is set; "
        "pass region='us-west-2' (for example) or set AWS_DEFAULT_REGION",
    )
