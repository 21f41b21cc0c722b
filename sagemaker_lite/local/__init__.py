"""Local mode: run SageMaker training jobs on this machine, as processes, without Docker.

    from sagemaker_lite.local import LocalSession

    est = Estimator(..., instance_type="local", sagemaker_session=LocalSession())
    est.fit({"train": "file:///data/train"})

``LocalSession`` swaps the SageMaker and CloudWatch Logs clients for local backends
(``LocalSageMakerClient``, ``LocalLogsClient``) that take the same requests and return
the same shapes, so estimators run unchanged. See docs/local_mode.md for the ``/opt/ml``
layout, the ``SM_*`` variables, Pipe mode and the limits. Names load on first use: importing
this package starts nothing and touches no file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .api.logs import LocalLogsClient as LocalLogsClient
    from .api.training import LocalSageMakerClient as LocalSageMakerClient
    from .session import LocalSession as LocalSession

_LAZY = {"LocalSession": "session", "LocalSageMakerClient": "api.training", "LocalLogsClient": "api.logs"}
__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
