"""Bad files and values given to `vigie detect ...`: one line naming the option, the value
and the reason, exit code 2, no traceback, and no server contacted."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.activities.test_claims_import import HEADER
from vigie.cli import detect_run
from vigie.cli.main import app

runner = CliRunner()


def one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def scores_file(tmp_path: Path) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text("provider_id,score\nP1,0.9\nP2,0.1\n")
    return path


def labels_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return path


def evaluate(tmp_path: Path, labels: Path, scores: Path | None = None) -> Any:
    scores = scores or scores_file(tmp_path)
    return runner.invoke(
        app, ["detect", "evaluate", "--scores", str(scores), "--labels", str(labels)]
    )


def test_evaluate_refuses_labels_without_a_label_column_in_one_line(tmp_path: Path) -> None:
    labels = labels_file(tmp_path, "provider_id,outcome\nP1,1\nP2,0\n")
    result = evaluate(tmp_path, labels)
    assert result.exit_code == 2
    line = one_error_line(result.output)
    assert f"--labels={labels}: no label column" in line and "provider_id,label" in line


def test_evaluate_refuses_labels_without_a_provider_id_column_in_one_line(
    tmp_path: Path,
) -> None:
    labels = labels_file(tmp_path, "provider,label\nP1,1\n")
    result = evaluate(tmp_path, labels)
    assert result.exit_code == 2
    assert f"--labels={labels}: no provider_id column" in one_error_line(result.output)


def test_evaluate_refuses_a_label_other_than_0_or_1_naming_its_line(tmp_path: Path) -> None:
    labels = labels_file(tmp_path, "provider_id,label\nP1,1\nP2,yes\n")
    result = evaluate(tmp_path, labels)
    assert result.exit_code == 2
    assert "line 3: label 'yes' is not 0 or 1" in one_error_line(result.output)


def test_evaluate_refuses_a_missing_labels_file_in_one_line(tmp_path: Path) -> None:
    result = evaluate(tmp_path, tmp_path / "nowhere.csv")
    assert result.exit_code == 2
    assert "nowhere.csv: no such file" in one_error_line(result.output)


def test_evaluate_refuses_scores_without_a_score_column_in_one_line(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("provider_id,atypicality\nP1,0.9\n")
    labels = labels_file(tmp_path, "provider_id,label\nP1,1\n")
    result = evaluate(tmp_path, labels, scores)
    assert result.exit_code == 2
    assert f"--scores={scores}: no score column" in one_error_line(result.output)


def test_train_refuses_a_bad_labels_file_in_one_line_before_reading_the_claims(
    tmp_path: Path,
) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(HEADER + "\nt-1,N1,nurse,bretagne,B1,AMI,2025-03-03,1,3.15,3.15\n")
    labels = labels_file(tmp_path, "provider_id,outcome\nN1,1\n")
    result = runner.invoke(
        app,
        [
            "detect",
            "train",
            "--claims",
            str(claims),
            "--labels",
            str(labels),
            "--model",
            str(tmp_path / "model.joblib"),
        ],
    )
    assert result.exit_code == 2
    assert f"--labels={labels}: no label column" in one_error_line(result.output)
    assert not (tmp_path / "model.joblib").exists()


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: a bad value is refused before."""

    async def no_temporal(*_args: object) -> None:
        pytest.fail("connected to Temporal")

    @contextmanager
    def no_database(*_args: object) -> Any:
        pytest.fail("connected to Postgres")
        yield

    monkeypatch.setattr(detect_run, "temporal_client", no_temporal)
    monkeypatch.setattr(detect_run, "database", no_database)


@pytest.mark.parametrize("period", ["2025-13", "abc", "2025-3", "2025-00"])
def test_a_bad_period_is_refused_with_one_line_naming_it(no_server: None, period: str) -> None:
    result = runner.invoke(app, ["detect", "run", "--period", period])
    assert result.exit_code == 2
    line = one_error_line(result.output)
    assert f"--period={period}: not a month YYYY-MM" in line


def test_a_bad_capacity_is_refused_with_one_line_naming_it(no_server: None) -> None:
    result = runner.invoke(app, ["detect", "run", "--period", "2025-03", "--capacity", "-1"])
    assert result.exit_code == 2
    assert "--capacity=-1: Input should be greater than or equal to 0" in one_error_line(
        result.output
    )


def test_a_missing_model_is_refused_with_one_line_naming_it(
    no_server: None, tmp_path: Path
) -> None:
    model = tmp_path / "none.joblib"
    result = runner.invoke(app, ["detect", "run", "--period", "2025-03", "--model", str(model)])
    assert result.exit_code == 2
    assert f"--model={model}: no such file" in one_error_line(result.output)
