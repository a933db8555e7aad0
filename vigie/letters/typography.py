"""French typography for letters: a non-breaking space before « : » and inside « », a narrow
one before « ; ! ? », applied to the text of an HTML document, never inside its tags."""

from __future__ import annotations

import html
import re

NBSP, NNBSP = "\u00a0", "\u202f"
TAG = re.compile(r"(<[^>]*>)")
RULES = (
    (re.compile(r"[ \u00a0\u202f]*([;!?])"), NNBSP + r"\1"),
    (re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)"), NBSP + ":"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NBSP + "»"),
    (re.compile(r"\"([^\"<>]*)\""), "«" + NBSP + r"\1" + NBSP + "»"),
    (re.compile(r"(?<=\w)'(?=\w)"), "\u2019"),  # the typographic apostrophe
)


def french_text(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def french_html(document: str) -> str:
    """French spacing in the text between tags (entities decoded first, so ``&#39;`` is not
    taken for a semicolon); tags, attributes and styles are left as they are."""
    parts = TAG.split(document)
    in_style = False
    for i, part in enumerate(parts):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].lower().rstrip(">") if len(part) > 2 else ""
            closing = name in ("/style", "/script")
            in_style = name in ("style", "script") or (in_style and not closing)
            continue
        if not in_style:
            parts[i] = html.escape(french_text(html.unescape(part)), quote=False)
    return "".join(parts)
