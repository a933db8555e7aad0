"""Each letter kind renders to a PDF/A whose text holds every mandatory mention, in French,
with amounts as ``12 345,67 €``; the fonts are the vendored ones named in the manifest."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from models.letter import LetterKind
from tests.letters.cases import issued
from vigie.letters.mentions import required
from vigie.letters.render import HERE, render_pdf
from vigie.letters.typography import french_text

FONTS = HERE / "fonts"


def words(text: str) -> str:
    """Text with every run of spaces (line breaks, non-breaking ones) made one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def pdf_text(pdf: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.mark.parametrize("kind", list(LetterKind), ids=lambda k: k.value)
def test_the_pdf_of_each_kind_holds_every_mandatory_mention(kind: LetterKind) -> None:
    _, letter = issued(kind)
    pdf = render_pdf(letter.html)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for mention in required(kind):
        value = words(french_text(letter.mentions[mention.key]))  # as typeset
        assert value in text, f"{mention.key} ({mention.label}) not found in the PDF"


def test_the_pdf_is_a_pdf_a_with_its_fonts_embedded() -> None:
    _, letter = issued(LetterKind.PAYMENT_NOTICE)
    reader = PdfReader(io.BytesIO(render_pdf(letter.html)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()  # type: ignore[index]
    assert b"pdfaid:part" in xmp and b"pdfaid:conformance" in xmp  # PDF/A-3b identification
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    # only the vendored faces (declared as "Vigie Serif"), embedded as subsets ("ABCDEF+")
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Vigie-Serif(-Bold)?", f) for f in fonts), fonts


def test_amounts_are_written_the_french_way() -> None:
    _, letter = issued(LetterKind.DIRECTOR_DECISION)
    assert "10,00\u00a0€" in letter.mentions["decision"]
    assert "10,00 €" in pdf_text(render_pdf(letter.html))


def test_the_vendored_fonts_are_the_ones_their_manifest_names() -> None:
    manifest = json.loads((FONTS / "MANIFEST.json").read_text())
    files = {p.name for p in FONTS.iterdir() if p.suffix == ".ttf"}
    assert files == set(manifest)
    for name, entry in manifest.items():
        assert hashlib.sha256((FONTS / name).read_bytes()).hexdigest() == entry["sha256"]
        assert entry["licence"] and entry["version"] and entry["origin"]
    assert (FONTS / "LICENSE").read_text().count("Bitstream") >= 2


def test_the_stored_html_names_no_path_of_this_machine() -> None:
    _, letter = issued(LetterKind.GRIEVANCES)
    assert str(Path.home()) not in letter.html and "file:" not in letter.html
    assert 'src: url("fonts/DejaVuSerif.ttf")' in letter.html
