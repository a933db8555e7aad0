"""Errors no command expected: a database behind the code's migrations is refused with what
to run, and anything else prints one line naming a file that holds the traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from typer.testing import CliRunner

from tests.conftest import create_database, drop_database
from vigie.cli.main import app, unexpected
from vigie.runtime.migrate import alembic_config

runner = CliRunner()


def test_a_database_behind_the_migrations_is_refused_with_the_command_to_run(
    pg_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = create_database(pg_server_url)
    try:
        command.upgrade(alembic_config(url), "0009")
        monkeypatch.setenv("DATABASE_URL", url)
        result = runner.invoke(app, ["report", "indicators"])
    finally:
        drop_database(pg_server_url, url)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert "the database is at migration 0009, this Vigie needs" in lines[0]
    assert "run `vigie migrate`" in lines[0]


def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_the_log_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_HOME", str(tmp_path))
    try:
        raise ValueError("boom\nsecond line")
    except ValueError as exc:
        line = unexpected(exc)
    log = tmp_path / "logs" / "cli-errors.log"
    assert line == f"unexpected ValueError: boom (details in {log})"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "second line" in text
