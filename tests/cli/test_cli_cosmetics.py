"""What the CLI prints looks right: amounts with two decimals, explanations cut between
words, import refusals said once and without "line 0", live workers only."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from models import Alert
from models.detection_messages import DetectionRunInput, DetectionRunResult
from tests.activities.test_claims_import import HEADER
from tests.conftest import running_worker
from vigie.cli import detect_run, services
from vigie.cli.main import app
from vigie.cli.output import format_amount, shorten
from vigie.settings import get_settings

runner = CliRunner()

#: 155 characters of short words, then a word across the 160th character
LONG_EXPLANATION = "word " * 31 + "supercalifragilistic and more"


@pytest.fixture
def one_alert_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """`vigie detect run` against a stand-in server that selects one alert."""

    async def follow(_settings: object, inp: DetectionRunInput) -> DetectionRunResult:
        return DetectionRunResult(run_id="run-1", period=inp.period, alerts=1, cases_opened=1)

    @contextmanager
    def no_database(*_args: object) -> Any:
        yield None

    alert = Alert(
        run_id="run-1",
        provider_id="N42",
        period="2025-03",
        score=0.93,
        estimated_stake=Decimal("31400.00000000"),
        expected_recovery=Decimal("29202.00"),
        explanation=LONG_EXPLANATION,
        outcome="opened",
    )
    monkeypatch.setattr(detect_run, "start_and_follow", follow)
    monkeypatch.setattr(detect_run, "database", no_database)
    monkeypatch.setattr(detect_run, "run_alerts", lambda _engine, _run: [alert])


def test_alert_stakes_print_with_two_decimals(one_alert_run: None) -> None:
    result = runner.invoke(app, ["detect", "run", "--period", "2025-03"])
    assert result.exit_code == 0, result.output
    assert "31400.00" in result.output and "31400.000" not in result.output


def test_alert_explanations_are_cut_between_words(one_alert_run: None) -> None:
    result = runner.invoke(app, ["detect", "run", "--period", "2025-03"])
    assert result.exit_code == 0, result.output
    assert "word…" in result.output
    assert "super" not in result.output, "a word cut in the middle"


def test_amounts_are_written_with_two_decimals_rounding_only_the_display() -> None:
    assert format_amount(Decimal("31400.00000000")) == "31400.00"
    assert format_amount(Decimal("31400")) == "31400.00"
    assert format_amount(Decimal("0.125")) == "0.12"  # half-even, for display only
    assert format_amount(Decimal("-3.5")) == "-3.50"


def test_shortened_text_keeps_whole_words_on_one_line() -> None:
    assert shorten("aaa bbb ccc", 8) == "aaa bbb…"
    assert shorten("aaa bbb ccc", 7) == "aaa…"
    assert shorten("first line\nsecond  line", 100) == "first line second line"
    assert shorten("peers; median 6.1 h", 8) == "peers…"
    assert shorten("abcdefghij", 5) == "abcd…"  # one word longer than the width
    assert shorten("abc def", 0) == ""


def import_file(path: Path) -> Any:
    return runner.invoke(app, ["claims", "import", str(path)])


def test_a_file_level_import_error_prints_no_line_number(configured: None, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text(HEADER + "\n")
    result = import_file(empty)
    assert result.exit_code == 2
    assert "refused: no claims in the file; nothing was loaded" in result.output
    assert "line 0" not in result.output and "<file>" not in result.output


def test_a_file_not_in_utf8_is_refused_with_the_line_of_its_first_bad_byte(
    configured: None, tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.csv"
    rows = [
        "u8-1,N1,nurse,bretagne,B1,AMI,2025-03-03,1,3.15,3.15",
        "u8-2,N1,Infirmière,bretagne,B1,AMI,2025-03-04,1,3.15,3.15",
    ]
    latin1.write_bytes("\n".join([HEADER, *rows]).encode("latin-1") + b"\n")
    result = import_file(latin1)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "refused: line 3: not UTF-8: re-save it as UTF-8 (CSV UTF-8 in a spreadsheet); "
        "nothing was loaded"
    ], result.output


def test_importing_a_file_again_says_once_when_it_was_imported(
    configured: None, tmp_path: Path
) -> None:
    path = tmp_path / "twice.csv"
    rows = [f"tw-{i},N1,nurse,bretagne,B1,AMI,2025-03-0{i},1,3.15,3.15" for i in range(1, 6)]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    first = import_file(path)
    assert first.exit_code == 0, first.output
    number = first.output.split("import #")[1].split(")")[0]

    again = import_file(path)
    assert again.exit_code == 2
    lines = [line for line in again.output.splitlines() if line.strip()]
    assert len(lines) == 1, again.output
    assert "this file was imported on " in lines[0] and f"as import #{number}" in lines[0]
    assert "already imported" not in again.output, "one error per claim"


async def test_status_counts_only_live_workers(
    dev_env: WorkflowEnvironment,
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server keeps listing a stopped worker's pollers for minutes; status must not
    count it. The live window is shortened so the test need not wait a minute."""
    queue = f"status-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VIGIE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("VIGIE_TASK_QUEUE", queue)
    monkeypatch.setattr(services, "LIVE_WORKER_WINDOW", timedelta(seconds=3), raising=False)
    get_settings.cache_clear()
    try:
        async with running_worker(dev_env.client, engine, queue):
            await asyncio.sleep(0.5)  # its first poll
            live = await asyncio.to_thread(runner.invoke, app, ["status"])
        await asyncio.sleep(4)
        stopped = await asyncio.to_thread(runner.invoke, app, ["status"])
    finally:
        get_settings.cache_clear()
    assert f"workers    1 polling {queue}" in live.output, live.output
    assert f"workers    0 polling {queue}" in stopped.output, stopped.output
