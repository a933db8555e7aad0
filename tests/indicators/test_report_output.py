"""The targets file, the on-track rule, and the report as the command writes it: JSON in its
documented shape, CSV for a French spreadsheet, tables in French or English."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.indicators.world import Rows
from vigie.cli.report import report_app
from vigie.services.indicators import build_report, load_targets
from vigie.services.indicators.catalogue import sql_markdown
from vigie.services.indicators.export import report_csv, report_json
from vigie.services.indicators.model import Indicator, Scope
from vigie.services.indicators.targets import check
from vigie.settings import get_settings

NOW = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
INDICATOR_KEYS = {
    "id",
    "key",
    "variant",
    "label",
    "definition",
    "value",
    "unit",
    "target",
    "gap",
    "on_track",
    "projected",
    "target_source",
    "target_official",
    "parts",
    "breakdown_by",
    "breakdown",
}


def test_targets_are_the_official_series_with_their_sources() -> None:
    book = load_targets()
    assert book.default_series == "cnam" and book.series == ["cnam", "cnmss"]
    cnam = book.for_indicator("cnam", "recovery_rate_fraudulent_flow", 2026)
    assert cnam is not None and cnam.value == Decimal("0.62") and "annexe 5" in cnam.source
    cnmss = book.for_indicator("cnmss", "recovery_rate_fraudulent_cohort", 2021)
    assert cnmss is not None and cnmss.value == Decimal("0.88") and "CNMSS" in cnmss.source
    # detected and stopped: 49 + 50, the national targets of 380 and 500 MEUR
    stopped = [book.for_indicator("cnam", "detected_and_stopped", y) for y in (2023, 2024)]
    assert [t.value for t in stopped if t] == [Decimal("380000000"), Decimal("500000000")]
    assert book.for_indicator("cnmss", "harm_suffered", 2026) is None  # the series ended
    local = book.for_indicator("cnmss", "delay_detection_notification", 2026)
    assert local is not None and not local.official and local.direction == "at_most"


def test_an_amount_is_on_track_when_today_s_pace_reaches_the_target() -> None:
    book = load_targets()
    scope = Scope(2026, date(2026, 7, 1), NOW)  # 182 days of 365 gone by
    target = book.for_indicator("cnam", "harm_suffered", 2026)
    assert target is not None
    ahead = check(Indicator("harm_suffered", "49", "EUR", Decimal("187500000")), target, scope)
    # 187.5 M x 365 / 182 = 376,030,219.78: above the 375 M target
    assert (ahead.gap, ahead.projected, ahead.on_track) == (
        Decimal("-187500000"),
        Decimal("376030219.78"),
        True,
    )
    behind = check(Indicator("harm_suffered", "49", "EUR", Decimal("186000000")), target, scope)
    assert behind.on_track is False
    rate_target = book.for_indicator("cnam", "recovery_rate_fraudulent_cohort", 2026)
    assert rate_target is not None
    rate = check(
        Indicator("recovery_rate_fraudulent_cohort", "47", "ratio", Decimal("0.6")),
        rate_target,
        scope,
    )
    assert (rate.gap, rate.on_track, rate.projected) == (Decimal("-0.02"), False, None)


@pytest.fixture(scope="module")
def filled(own_engine: Engine) -> Engine:
    rows = Rows()
    opened = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    c = rows.case(f"out-{uuid.uuid4().hex[:8]}", opened, region="IDF", assignee="alice")
    c.debt("debt-1", qualification="fraud", notified_on=date(2026, 3, 1), established_at=opened)
    c.post(
        opened,
        {"kind": "harm_suffered", "amount": "3000.00", "qualification": "fraud"},
        {"kind": "harm_avoided", "amount": "1200.00"},
        {"kind": "due", "amount": "3000.00", "debt": "debt-1", "qualification": "fraud"},
    )
    c.post(
        opened,
        {
            "kind": "payment",
            "amount": "1000.00",
            "debt": "debt-1",
            "effective_on": date(2026, 4, 1),
        },
    )
    rows.insert(own_engine)
    return own_engine


def test_json_has_the_documented_shape(filled: Engine) -> None:
    data = report_json(build_report(filled, year=2026, now=NOW), "en")
    assert data.keys() == {
        "year",
        "as_of",
        "lang",
        "breakdown_by",
        "target_series",
        "indicators",
        "money_at_risk",
    }
    assert all(i.keys() == INDICATOR_KEYS for i in data["indicators"])
    by_key = {i["key"]: i for i in data["indicators"]}
    assert by_key["recovery_rate_fraudulent_cohort"]["value"] == "0.3333"
    assert by_key["recovery_rate_fraudulent_cohort"]["id"] == "47"
    assert by_key["harm_suffered"] | {"breakdown": None} == by_key["harm_suffered"] | {
        "breakdown": None,
        "id": "49",
        "value": "3000.00",
        "target": "375000000",
        "gap": "-374997000.00",
        "unit": "EUR",
        "on_track": False,
    }
    assert data["money_at_risk"].keys() == {
        "as_of",
        "prescriptions",
        "instalment_plans",
        "late_notifications",
    }
    json.dumps(data)  # JSON as is


def test_csv_opens_in_a_french_spreadsheet(filled: Engine) -> None:
    text = report_csv(build_report(filled, year=2026, now=NOW), "fr")
    assert text.startswith("\ufeffn°;clé;variante;indicateur;")
    lines = text.splitlines()
    cohort = next(line for line in lines if line.startswith("47;recovery_rate_fraudulent_cohort;"))
    assert ";0,3333;ratio;0,62;-0,2867;non" in cohort


@pytest.fixture
def cli_database(
    own_database: str, filled: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", own_database)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def vigie() -> typer.Typer:
    """The `vigie` app with `report` registered as vigie/cli/main.py registers it."""
    app = typer.Typer()
    app.add_typer(report_app, name="report")
    return app


def test_the_command_writes_json_csv_and_tables(cli_database: None) -> None:
    runner, app = CliRunner(), vigie()
    out = runner.invoke(app, ["report", "indicators", "--format", "json", "--year", "2026"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["year"] == 2026
    table = runner.invoke(app, ["report", "indicators", "--by", "region", "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert "Recovery rate of fraudulent overpayments (cohort)" in table.output
    french = runner.invoke(app, ["report", "indicators", "--targets", "cnmss", "--year", "2023"])
    assert french.exit_code == 0 and "Taux de recouvrement des indus frauduleux" in french.output
    csv = runner.invoke(app, ["report", "indicators", "--format", "csv"])
    assert csv.exit_code == 0 and csv.stdout_bytes.startswith("\ufeff".encode())
    wrong = runner.invoke(app, ["report", "indicators", "--targets", "nowhere"])
    assert wrong.exit_code == 2


def test_the_doc_shows_the_sql_the_indicators_run() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "indicators.md").read_text(encoding="utf-8")
    regenerate = "python -m vigie.services.indicators.catalogue docs/indicators.md"
    assert sql_markdown() in doc, f"regenerate it: {regenerate}"
