"""`vigie deadline KEY --from DATE`: the due date and the rules applied, read from the policy
records file (no database); an unknown or non-duration key is one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from vigie.cli.deadline import deadline_command

runner = CliRunner()

# the command on its own app (a second command keeps `deadline` a named sub-command, as in
# the `vigie` app)
app = typer.Typer()
app.command("deadline")(deadline_command)


@app.command("other")
def _other() -> None:
    """Unused."""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["deadline", *args])
    return result.exit_code, result.output


def test_the_payment_notice_deadline_prints_the_due_date_and_the_rules() -> None:
    code, out = run("deadline.payment_notice", "--from", "2026-04-14")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == (
        "deadline.payment_notice: 2 months from 2026-04-14 → 2026-06-14 (Sunday) "
        "→ next working day 2026-06-15"
    )
    assert "due 2026-06-15 (Monday)" in lines[1]
    assert "the timer fires at 2026-06-16 00:00 +02:00" in lines[1]
    assert "R133-9-1 CSS" in out  # the policy record's source
    assert "(CPC art. 641)" in out and "(CPC art. 642)" in out


def test_1_month_of_observations_from_2026_04_14_moves_past_ascension_day() -> None:
    code, out = run("deadline.observations", "--from", "2026-04-14")
    assert code == 0, out
    assert "→ 2026-05-14 (Ascension Day) → next working day 2026-05-15" in out
    assert "policy: 1 month in force on 2026-04-14" in out


def test_alsace_moselle_counts_26_december_as_a_holiday() -> None:
    args = ("deadline.contrainte_opposition", "--from", "2025-12-11")
    code, out = run(*args)
    assert code == 0, out
    assert out.splitlines()[0].endswith("15 days from 2025-12-11 → 2025-12-26")
    code, out = run(*args, "--alsace-moselle")
    assert code == 0, out
    assert "2025-12-26 (St Stephen's Day (Alsace-Moselle)) → next working day 2025-12-29" in out
    assert "public holidays: France, Alsace-Moselle" in out


def test_an_unknown_key_is_one_line_naming_it_and_the_keys_available_exit_2() -> None:
    code, out = run("deadline.nope", "--from", "2026-04-14")
    assert code == 2
    assert out.count("\n") == 1
    assert out.startswith("error KEY=deadline.nope: no such policy record; duration keys: ")
    assert "deadline.payment_notice" in out and "deadline.observations" in out
    assert "pmss" not in out


def test_a_record_that_is_not_a_duration_is_refused_naming_its_unit_exit_2() -> None:
    code, out = run("pmss", "--from", "2026-04-14")
    assert code == 2
    assert out.count("\n") == 1
    assert out.startswith("error KEY=pmss: a policy record in EUR, not a duration; duration keys:")


def test_a_key_with_no_record_in_force_on_the_date_says_when_it_is_in_force(
    tmp_path: Path,
) -> None:
    records = tmp_path / "records.toml"
    records.write_text(
        "version = 1\n\n[[record]]\n"
        'key = "deadline.observations"\nvalue = "1"\nunit = "months"\n'
        "effective_from = 2025-01-01\neffective_to = 2025-12-31\n"
        'source = "test"\n'
    )
    args = ("deadline.observations", "--policy-file", str(records))
    code, out = run(*args, "--from", "2026-01-05")
    assert code == 2
    assert "no record in force on 2026-01-05 (in force: 2025-01-01 to 2025-12-31)" in out
    code, out = run(*args, "--from", "2025-01-05")
    assert code == 0, out
    assert "1 month from 2025-01-05 → 2025-02-05" in out


def test_an_uncertain_record_says_so() -> None:
    code, out = run("prescription.fraud", "--from", "2026-01-05")
    assert code == 0, out
    assert "60 months from 2026-01-05 → 2031-01-05" in out
    assert "not yet checked against the official text" in out


def test_an_invalid_date_is_refused_by_the_option_exit_2() -> None:
    code, out = run("deadline.triage", "--from", "2026-13-01")
    assert code == 2
    assert "'2026-13-01' is not a date YYYY-MM-DD" in out


def test_the_date_is_required() -> None:
    code, out = run("deadline.triage")
    assert code == 2
    assert "--from" in out
