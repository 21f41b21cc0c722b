"""What an instance type says about the image it needs: processor, Graviton, Trainium, p2.

SageMaker publishes one image per processor kind (``cpu``, ``gpu``, ``inf``, ``trn``,
sometimes a specific family such as ``inf2``), so the instance type picks the tag.
The rules mirror the official SDK so the same arguments give the same URI.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from ..errors import ValidationError

_FAMILY = re.compile(r"^ml[._]([a-z\d\-]+)\.?\w*$")
_PRICING = "see https://aws.amazon.com/sagemaker/pricing/ for instance types"
#: local mode runs the CPU image for "local" and the GPU image for "local_gpu"
LOCAL_PROCESSORS = {"local": "cpu", "local_gpu": "gpu"}


@functools.lru_cache(maxsize=256)
def family(instance_type: str | None) -> str:
    """``"ml.p3.2xlarge"`` -> ``"p3"``; ``""`` for ``None``, ``local`` or anything unrecognised."""
    if not isinstance(instance_type, str):
        return ""
    match = _FAMILY.match(instance_type)
    return match[1] if match else ""


def processor(
    instance_type: str | None,
    available: Sequence[str] | None,
    serverless: bool,
    what: str,
) -> str | None:
    """The processor part of the tag, or ``None`` when the image has no such part.

    ``local`` runs on the CPU image and ``local_gpu`` on the GPU one; a serverless
    endpoint always runs on CPU. ``what`` names the image for error messages.
    """
    if not available:
        return None
    if len(available) == 1 and not instance_type:
        return available[0]
    if serverless:
        chosen = "cpu"
    elif not instance_type:
        raise ValidationError(
            "instance_type",
            instance_type,
            f"an instance type such as ml.c5.xlarge or ml.p3.2xlarge ({_PRICING})",
            hint=f"{what} has one image per processor: {', '.join(available)}",
        )
    elif instance_type.startswith("local"):
        chosen = LOCAL_PROCESSORS.get(instance_type, "gpu")
    elif instance_type.startswith("neuron"):
        chosen = "neuron"
    else:
        fam = family(instance_type)
        if not fam:
            raise ValidationError(
                "instance_type",
                instance_type,
                f"'ml.<family>.<size>' such as ml.m5.xlarge, or 'local' / 'local_gpu' ({_PRICING})",
            )
        chosen = _processor_of_family(fam, available)
    if chosen not in available:
        raise ValidationError(
            "instance_type",
            instance_type if not serverless else "serverless inference",
            f"an instance type whose processor is one of: {', '.join(available)}",
            hint=f"{what} has no {chosen} image",
        )
    return chosen


def _processor_of_family(fam: str, available: Sequence[str]) -> str:
    if fam in available:  # a family-specific image, e.g. "inf2"
        return fam
    if fam.startswith("inf"):
        return "inf"
    if fam.startswith("trn"):
        return "trn"
    if fam[0] in ("g", "p"):
        return "gpu"
    return "cpu"


def version_tuple(version: str) -> tuple[int, ...]:
    """``"2.12.0"`` -> ``(2, 12)``: numeric parts, trailing zeros dropped, for comparisons."""
    parts: list[int] = []
    for piece in version.split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits[0]))
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)
