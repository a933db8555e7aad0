"""Render PDF pages as PNG, for docs/letters: ``python -m tests.letters.pages OUT PDF...``
writes ``OUT/<pdf name>-<page>.png`` for each page (pypdfium2, no external program)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pypdfium2

log = logging.getLogger(__name__)


def to_png(pdf: Path, out: Path, scale: float = 1.4) -> list[Path]:
    written = []
    document = pypdfium2.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        target = out / f"{pdf.stem}-{number}.png"
        page.render(scale=scale).to_pil().save(target, optimize=True)
        written.append(target)
    return written


def main(argv: list[str]) -> None:
    out, *pdfs = (Path(a) for a in argv)
    out.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        for path in to_png(pdf, out):
            log.info("written %s", path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(sys.argv[1:])
