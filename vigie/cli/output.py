"""Shared consoles for command output (never `print`), and how values are written in it.

Piped or captured output (CI logs, `make demo | tee`) gets a wide fixed width, so tables
with case ids stay readable instead of folding at 80 columns.
"""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_EVEN, Decimal

import typer
from rich.console import Console
from rich.markup import escape

from vigie.services.errors import VigieError

CENTS = Decimal("0.01")
ELLIPSIS = "…"

PIPED_WIDTH = 160

console = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else PIPED_WIDTH)


def format_amount(amount: Decimal) -> str:
    """An amount in euros for display, with two decimals (``31400.00``, never
    ``31400.00000000``). Only the display is rounded (half-even, to the cent); the value
    itself stays exact."""
    return f"{amount.quantize(CENTS, rounding=ROUND_HALF_EVEN):.2f}"


def shorten(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters, cut between words with "…".

    Runs of whitespace (newlines included) become one space. Only a single word longer
    than ``width`` is cut inside, as nothing else would fit."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    if width <= 1:
        return ELLIPSIS[:width]
    head = flat[: width - 1]
    if flat[width - 1] != " ":  # the cut falls inside a word: leave that word out
        head = head.rpartition(" ")[0] or head
    return head.rstrip(" ,;:") + ELLIPSIS


def refusal(option: str, value: object, reason: str) -> typer.Exit:
    """Print the one-line refusal of a bad argument (``error --period=2025-13: reason``) on
    stderr and return the exit (code 2) to raise."""
    err_console.print(f"[red]error[/] {escape(f'{option}={value}: {reason}')}", soft_wrap=True)
    return typer.Exit(2)


def fail(exc: VigieError) -> typer.Exit:
    """A known refusal: its one line on stderr, and the exit code its type carries."""
    err_console.print(f"[red]error[/] {escape(str(exc))}")
    return typer.Exit(exc.exit_code)
