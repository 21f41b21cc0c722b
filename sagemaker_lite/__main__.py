"""``python -m sagemaker_lite``: runs the ``sagemaker-lite`` command (useful where scripts are not on PATH)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
