"""Letters follow French typography: a non-breaking space before a colon and inside
guillemets, a narrow one before ; ! ?, straight quotes become guillemets; never inside tags,
styles or character references."""

from __future__ import annotations

import pytest

from vigie.letters.typography import NBSP, NNBSP, french_html, french_text


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Objet : indu", f"Objet{NBSP}: indu"),
        ("Objet: indu", f"Objet{NBSP}: indu"),
        ("payez ; merci !", f"payez{NNBSP}; merci{NNBSP}!"),
        ("vraiment ?", f"vraiment{NNBSP}?"),
        ("« indu »", f"«{NBSP}indu{NBSP}»"),
        ("«indu»", f"«{NBSP}indu{NBSP}»"),
        ('dit "indu"', f"dit «{NBSP}indu{NBSP}»"),
        ("à 10:30", "à 10:30"),  # a time is not a colon of punctuation
        ("l'indu", "l\u2019indu"),
    ],
)
def test_french_spacing(typed: str, printed: str) -> None:
    assert french_text(typed) == printed


def test_tags_styles_and_character_references_are_left_alone() -> None:
    html = '<p style="margin:0">l&#39;objet : A &amp; B</p><style>p { margin: 0; }</style>'
    assert french_html(html) == (
        f'<p style="margin:0">l\u2019objet{NBSP}: A &amp; B</p><style>p {{ margin: 0; }}</style>'
    )


def test_text_that_looks_like_a_tag_stays_escaped() -> None:
    assert french_html("<p>&lt;b&gt; : x</p>") == f"<p>&lt;b&gt;{NBSP}: x</p>"
