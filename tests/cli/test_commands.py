"""The `vigie` command line: clear refusals with exit codes, nothing half-done."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.activities.test_claims_import import HEADER, counts
from vigie.cli.main import app
from vigie.settings import get_settings

runner = CliRunner()


def test_an_action_with_an_invalid_field_is_refused_before_anything_is_sent() -> None:
    result = runner.invoke(
        app,
        [
            "case",
            "act",
            "case:professional:X:2025",
            "take_protective_measure",
            "kind=payment_suspension",
            "estimated_avoided=-5",
        ],
    )
    assert result.exit_code == 2
    assert "estimated_avoided=-5: Input should be greater than or equal to 0" in result.output


def test_an_unknown_action_lists_the_known_ones() -> None:
    result = runner.invoke(app, ["case", "act", "case:professional:X:2025", "reopen"])
    assert result.exit_code == 2
    assert "ACTION=reopen: unknown action" in result.output and "record_grievance" in result.output


def test_claims_import_refuses_a_bad_file_with_line_and_field_and_exits_2(
    configured: None, engine: Engine, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\ncli-1,N1,nurse,bretagne,B1,AMI,2025-13-01,1,3.15,3.15\n")
    before = counts(engine)
    result = runner.invoke(app, ["claims", "import", str(bad)])
    assert result.exit_code == 2
    assert "line 2, field service_date" in result.output
    assert "nothing was loaded" in result.output
    assert counts(engine) == before


def test_claims_import_of_a_good_file_reports_rows_and_months(
    configured: None, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "\ncli-ok-1,N1,nurse,bretagne,B1,AMI,2025-06-02,1,3.15,3.15\n")
    result = runner.invoke(app, ["claims", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 1 claims" in result.output and "2025-06" in result.output


def test_status_says_what_runs_and_what_does_not(
    configured: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.runtime.test_up import free_port

    monkeypatch.setenv("VIGIE_TEMPORAL_PORT", str(free_port()))
    get_settings.cache_clear()
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    assert "postgres   external" in result.output
    assert "temporal   unreachable" in result.output
    assert "cases      " in result.output
