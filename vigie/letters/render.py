"""A letter's HTML (one Jinja template per kind, French typography) and its PDF/A.

The stored content of a letter is its HTML: the PDF is rendered from it by WeasyPrint with
the fonts vendored beside the templates, so a stored letter gives the same text on any
machine. Fonts are referenced relatively (``fonts/…``): the HTML holds no machine path.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models.letter import LetterKind
from vigie.letters.mentions import TITLES, check
from vigie.letters.typography import french_html

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
#: PDF/A-3b: archivable, fonts embedded; the variant WeasyPrint writes and validates against
PDF_VARIANT = "pdf/a-3b"

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_version(kind: LetterKind) -> str:
    """The kind and a digest of its template and the base it extends: any edit to either
    gives letters issued afterwards another version."""
    digest = hashlib.sha256()
    for name in ("base.html", f"{kind.value}.html"):
        digest.update((TEMPLATES / name).read_bytes())
    return f"{kind.value}-{digest.hexdigest()[:12]}"


def render_html(kind: LetterKind, mentions: dict[str, str]) -> str:
    """The letter as HTML; refused (``MissingMentionsError``) if a mandatory mention is
    missing or empty."""
    check(kind, mentions)
    template = _environment().get_template(f"{kind.value}.html")
    return french_html(template.render(m=mentions, title=TITLES[kind], fonts="fonts"))


def render_pdf(html: str) -> bytes:
    """The PDF/A of a letter's HTML (WeasyPrint: no browser, no network)."""
    from weasyprint import HTML  # a heavy import, paid only when a PDF is asked for

    pdf: bytes = HTML(string=html, base_url=str(HERE)).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
