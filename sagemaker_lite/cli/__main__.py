"""``python -m sagemaker_lite.cli``: the same command as the ``sagemaker-lite`` console script."""

from __future__ import annotations

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
