"""The "Machine" section every benchmark table ends with: when and where the figures were taken."""

from __future__ import annotations

import datetime as dt
import os
import platform


def machine_lines() -> list[str]:
    """Markdown lines: date, platform, CPUs and Python, so a table can be read on its own."""
    return [
        "## Machine",
        "",
        f"- date (UTC): {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
        f"- platform: {platform.platform()}",
        f"- CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs",
        f"- Python: {platform.python_version()}",
        "",
    ]
