"""Shared consoles for command output (never `print`).

Piped or captured output (CI logs, `make demo | tee`) gets a wide fixed width, so tables
with case ids stay readable instead of folding at 80 columns.
"""

from __future__ import annotations

import sys

from rich.console import Console

PIPED_WIDTH = 160

console = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else PIPED_WIDTH)
