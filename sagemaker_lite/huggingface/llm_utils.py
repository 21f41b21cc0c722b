"""``get_huggingface_llm_image_uri``: the image of Hugging Face's LLM serving containers (TGI, TEI).

    from sagemaker_lite.huggingface import get_huggingface_llm_image_uri
    image = get_huggingface_llm_image_uri("huggingface", region="us-west-2", version="2.0.0")

A backend name maps to an image-registry framework; without ``version`` the newest version
the registry lists is taken (the official SDK's "latest"), so the tag always exists.
"""

from __future__ import annotations

from typing import Any

from ..errors import ValidationError

#: backend -> (registry framework, inference_tool)
BACKENDS: dict[str, tuple[str, str | None]] = {
    "huggingface": ("huggingface-llm", None),
    "huggingface-neuronx": ("huggingface-llm-neuronx", "neuronx"),
    "huggingface-vllm-neuronx": ("huggingface-vllm-neuronx", "neuronx"),
    "huggingface-tei": ("huggingface-tei", None),
    "huggingface-tei-cpu": ("huggingface-tei-cpu", None),
    "lmi": ("djl-lmi", None),
}


def get_huggingface_llm_image_uri(
    backend: str, session: Any = None, region: str | None = None, version: str | None = None
) -> str:
    """The inference image URI for ``backend`` (``"huggingface"`` is TGI; ``"huggingface-tei"``, ``"lmi"``, ...)."""
    from .. import image_uris
    from ..image_uris._instances import version_tuple

    if backend not in BACKENDS:
        raise ValidationError("backend", backend, "one of " + ", ".join(repr(b) for b in BACKENDS))
    framework, tool = BACKENDS[backend]
    if framework not in image_uris.frameworks():
        raise ValidationError("backend", backend, "a backend whose images the registry lists")
    if region is None and session is not None:
        region = session.boto_region_name
    if version is None:
        known = image_uris.versions(framework, "inference")
        numeric = [v for v in known if all(part.isdigit() for part in v.split("."))]
        version = max(numeric or known, key=lambda v: version_tuple(v) if v in numeric else (0,))
    return image_uris.retrieve(framework, region, version, image_scope="inference", inference_tool=tool)
