"""v1's ``sagemaker.amazon.amazon_estimator``: only ``get_image_uri`` lives here.

Old notebooks call ``get_image_uri(region, "xgboost")``; it still works, warns once per
call site, and answers exactly what the official v2 shim answers (it forwards to
``image_uris.retrieve(framework, region, version)``)::

    from sagemaker_lite.amazon.amazon_estimator import get_image_uri
    get_image_uri("us-west-2", "pca")      # '174872318107.dkr.ecr.us-west-2.amazonaws.com/pca:1'
"""

from __future__ import annotations

from ..compat import warn_deprecated

__all__ = ["get_image_uri"]


def get_image_uri(region_name: str, repo_name: str, repo_version: str = "1") -> str:
    """Deprecated v1 spelling of ``sagemaker_lite.image_uris.retrieve(repo_name, region_name, repo_version)``.

    First-party algorithms have a single version, so any ``repo_version`` gives their
    ``:1`` image; for xgboost ``"1"`` is the legacy image, ``"latest"`` its ``:latest``
    tag, and ``"1.7-1"``-style versions the framework image.
    """
    warn_deprecated(
        "sagemaker_lite.amazon.amazon_estimator.get_image_uri(region_name, repo_name, repo_version)",
        "sagemaker_lite.image_uris.retrieve(framework, region, version)",
    )
    from .. import image_uris
    from ..errors import ValidationError

    try:
        return image_uris.retrieve(framework=repo_name, region=region_name, version=repo_version)
    except ValidationError as exc:
        names = {"framework": "repo_name", "region": "region_name", "version": "repo_version"}
        if exc.parameter not in names:
            raise
        raise ValidationError(names[exc.parameter], exc.value, exc.allowed, hint=exc.hint) from None
