"""Offline, guarded and French: every static asset is the one its manifest names, every page
is in the pages' role table, every message shown has a French translation, and the charts,
tables and forms say what they should without a browser."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from fastapi.routing import APIRoute

from models.case_actions import ACTION_TYPES
from vigie.api.roles import WEB_PUBLIC, WEB_ROUTE_ROLES
from vigie.web import forms, labels, pages
from vigie.web.charts import vertical
from vigie.web.i18n import CATALOGS, Formats, translations
from vigie.web.labels import ACTIONS
from vigie.web.tables import Table, V, table_csv

WEB = Path(pages.__file__).parent


def test_every_static_asset_matches_its_manifest_with_origin_licence_and_version() -> None:
    manifest = json.loads((pages.STATIC / "MANIFEST.json").read_text())
    files = {p.name for p in pages.STATIC.iterdir() if p.name != "MANIFEST.json"}
    assert files == set(manifest), "an asset without a manifest entry, or the reverse"
    for name, entry in manifest.items():
        digest = hashlib.sha256((pages.STATIC / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{name} changed: update MANIFEST.json"
        assert entry["licence"] and entry["version"] and entry["origin"]


def test_every_page_is_in_the_role_table() -> None:
    routes = {
        (method, route.path)
        for router in pages.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert routes == set(WEB_ROUTE_ROLES) | WEB_PUBLIC


def test_every_message_of_the_pages_has_a_french_translation() -> None:
    keywords = {**DEFAULT_KEYWORDS, "PageError": (2,)}
    method_map = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    found = {
        m if isinstance(m, str) else m[0]
        for _f, _l, m, _c, _x in extract_from_dir(WEB, method_map, keywords=keywords)
    }
    found |= {*labels.every_message(), *forms.every_message()}
    assert "Take the next case from the triage queue" in found, "the extraction works"
    with (CATALOGS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source)
    missing = sorted(m for m in found if not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], f"messages without a French translation: {missing}"


def test_amounts_dates_and_labels_are_french_by_default_and_english_on_request() -> None:
    fr, en = Formats("fr"), Formats("en")
    assert fr.money(Decimal("12345.67")) == "12\u202f345,67\u00a0€"
    assert en.money(Decimal("12345.67")) == "€12,345.67"
    assert fr.percent(Decimal("0.331")) == "33,1\u00a0%"
    assert fr.score(0.875) == "0,88"
    assert translations("fr").gettext("My cases") == "Mes dossiers"
    assert translations("en").gettext("My cases") == "My cases"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("1250,40", "1250.40"),
        ("1\u202f250,40\u00a0€", "1250.40"),
        ("1 250.40", "1250.40"),
        ("12,34,5", "12,34,5"),  # not an amount: left for the model to refuse
        ("", ""),
    ],
)
def test_amounts_may_be_typed_the_french_way(typed: str, sent: str) -> None:
    assert forms.amount(typed) == sent


def test_a_field_error_is_in_french_and_belongs_to_its_input() -> None:
    fr = translations("fr").gettext
    payload = forms._payload("record_grievance", {"line_amount": "12,34,5"})
    try:
        forms.ACTION_TYPES["record_grievance"].model_validate(
            {**payload, "actor": "a", "request_id": "r", "qualification": "fraud"}
        )
    except forms.ValidationError as exc:
        errors = {
            forms._input_name("x", tuple(e["loc"])): forms.message(e, fr) for e in exc.errors()
        }
    assert errors["line_amount"] == "Montant invalide : écrivez-le comme 1250,40."
    assert errors["description"] == "Ce champ est obligatoire."


def test_a_table_exports_as_csv_for_a_french_spreadsheet() -> None:
    table = Table(
        "t",
        "T",
        ["Mois", "Taux", "Montant"],
        [
            [V("janv."), V(Decimal("0.5523"), "percent"), V(Decimal("1250.40"), "money")],
            [V("févr."), V(None, "percent"), V(Decimal(0), "money")],
        ],
    )
    text = table_csv(table, "fr")
    assert text.startswith("\ufeff")
    assert text[1:].splitlines() == ["Mois;Taux;Montant", "janv.;0,5523;1250,40", "févr.;;0"]


def test_a_chart_has_a_title_a_description_and_draws_no_bar_for_a_missing_value() -> None:
    svg = vertical(
        "c",
        "Taux <mensuel>",
        "une description",
        ["janv.", "févr."],
        [("cohorte", [Decimal("0.5"), None])],
        Formats("fr").percent,
    )
    assert '<title id="c-t">Taux &lt;mensuel&gt;</title>' in svg
    assert '<desc id="c-d">une description</desc>' in svg
    assert 'aria-labelledby="c-t c-d"' in svg
    assert svg.count("<rect") == 2  # the legend's swatch and January's bar


def test_every_action_has_a_form_title_and_a_timeline_phrase() -> None:
    assert set(ACTION_TYPES) <= set(ACTIONS), set(ACTION_TYPES) - set(ACTIONS)
