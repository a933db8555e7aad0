"""Bad input on the command line: one line naming the argument, the value and the reason,
exit code 2, no traceback, and nothing sent or written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from vigie.cli.main import app
from vigie.services.action_fields import fields_markdown
from vigie.services.users import find_user

runner = CliRunner()
CASE = "case:professional:X:2025"


def one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_a_misspelt_field_is_refused_naming_it_and_the_fields_allowed() -> None:
    result = runner.invoke(app, ["case", "act", CASE, "dismiss", "raison=x"])
    assert result.exit_code == 2
    line = one_error_line(result.output)
    assert "raison=x" in line and "unknown field for dismiss" in line and "reason" in line


def test_malformed_json_in_a_field_is_refused_naming_the_field() -> None:
    result = runner.invoke(
        app, ["case", "act", CASE, "record_grievance", 'lines=[{"amount": "12"', "x=1"]
    )
    assert result.exit_code == 2
    line = one_error_line(result.output)
    assert line.startswith("error lines=") and "not valid JSON" in line


def test_a_role_cannot_be_given_as_a_field() -> None:
    result = runner.invoke(app, ["case", "act", CASE, "waive_complaint", "role=manager"])
    assert result.exit_code == 2
    assert "role=manager: cannot be set as a field" in one_error_line(result.output)


def test_a_supervisor_who_does_not_exist_is_refused_in_one_line(
    configured: None, engine: Engine
) -> None:
    result = runner.invoke(
        app, ["users", "add", "paul-cli", "--name", "Paul", "--supervisor", "ghost"]
    )
    assert result.exit_code == 2
    assert "--supervisor=ghost: no such user" in one_error_line(result.output)
    assert find_user(engine, "paul-cli") is None


def test_case_act_help_lists_each_actions_fields_with_type_and_example() -> None:
    result = runner.invoke(app, ["case", "act", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for expected in (
        "add_investigation_action:",
        "due_at",
        "date or date-time (Paris)",
        "one of: document_request, patient_survey",
        "e.g. due_at=2026-12-22",
    ):
        assert expected in result.output


def test_case_fields_shows_one_action() -> None:
    result = runner.invoke(app, ["case", "fields", "take_protective_measure"])
    assert result.exit_code == 0
    assert "estimated_avoided  amount (EUR, 2 decimals), required" in result.output
    assert "record_grievance" not in result.output


def test_the_procedure_doc_shows_the_fields_the_models_accept() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "procedure.md").read_text()
    regenerate = "python -m vigie.services.action_fields docs/procedure.md"
    assert fields_markdown() in doc, f"regenerate it: {regenerate}"
