"""Warnings that point at the user's line, however deep inside the SDK they are raised.

``warn_user("...")`` walks out of the ``sagemaker_lite`` package before attributing the
warning, so ``est.fit()`` and ``est.prepare_training_job()`` both point at the caller
(a fixed ``stacklevel`` is right for one call path only).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent)


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    frame = sys._getframe(1)
    level = 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level + 1)  # 1 would name warn_user itself
