"""`vigie detect ...`: score claims, train the supervised re-ranker, evaluate a ranking."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.markup import escape
from rich.table import Table

from detection.claims_db import claims_rows, ignored_columns, open_claims
from detection.evaluation import compare_with_baselines, join_scores_labels
from detection.features import compute_features
from detection.pipeline import RANK_BY, fit_scorer, ranker_inputs, score_claims
from detection.ranker import InsufficientLabelsError, SupervisedRanker, load_model, save_model
from detection.schema import ClaimsFormatError
from vigie.cli.output import console, err_console, format_amount, refusal

app = typer.Typer(help="Detection: score providers' claims against peers, train, evaluate.")

logger = logging.getLogger(__name__)

ClaimsOpt = Annotated[Path, typer.Option("--claims", help="Claims file (.csv or .parquet)")]
LABEL_COLUMNS = ("provider_id", "label")
SCORE_COLUMNS = ["provider_id", "score"]
#: what pandas raises on a file it cannot read as a table
UNREADABLE = (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pa.ArrowException)


def _read_csv(option: str, path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise refusal(option, path, "no such file")
    try:
        return pd.read_csv(path, dtype={"provider_id": str})
    except pd.errors.EmptyDataError:
        raise refusal(option, path, "the file is empty") from None
    except UNREADABLE as exc:
        raise refusal(option, path, f"not a readable CSV file ({_first_line(exc)})") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _require_columns(option: str, path: Path, frame: pd.DataFrame, needed: list[str]) -> None:
    for name in needed:
        if name not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise refusal(
                option, path, f"no {name} column (columns: {found}); expected {','.join(needed)}"
            )


def read_labels(path: Path) -> pd.DataFrame:
    """``--labels``: CSV ``provider_id,label`` (more columns allowed), label 0 or 1, each
    provider once. Anything else is refused in one line naming the file and the reason."""
    frame = _read_csv("--labels", path)
    _require_columns("--labels", path, frame, list(LABEL_COLUMNS))
    line = _first_bad_label_line(frame)
    if line is not None:
        value = frame["label"].iloc[line - 2]
        shown = "empty" if pd.isna(value) else f"'{value}'"
        raise refusal("--labels", path, f"line {line}: label {shown} is not 0 or 1")
    ids = frame["provider_id"]
    if ids.isna().any():
        raise refusal("--labels", path, f"line {int(ids.isna().argmax()) + 2}: no provider_id")
    if ids.duplicated().any():
        twice = int(ids.duplicated().argmax())
        raise refusal(
            "--labels", path, f"line {twice + 2}: provider_id {ids.iloc[twice]} labelled twice"
        )
    return frame.assign(label=pd.to_numeric(frame["label"]).astype(int))


def _first_bad_label_line(frame: pd.DataFrame) -> int | None:
    """The file line (header = 1) of the first label that is not 0 or 1."""
    numbers = pd.to_numeric(frame["label"], errors="coerce")
    bad = ~numbers.isin([0, 1])
    return int(bad.argmax()) + 2 if bad.any() else None


def read_scores(path: Path) -> pd.DataFrame:
    """``--scores``: the output of ``detect score`` (CSV or Parquet); its provider_id and
    score columns."""
    if path.suffix.lower() not in (".parquet", ".pq"):
        frame = _read_csv("--scores", path)
    elif not path.is_file():
        raise refusal("--scores", path, "no such file")
    else:
        try:
            frame = pd.read_parquet(path)
        except UNREADABLE as exc:
            raise refusal("--scores", path, f"not a Parquet file ({_first_line(exc)})") from None
    _require_columns("--scores", path, frame, SCORE_COLUMNS)
    scores = pd.to_numeric(frame["score"], errors="coerce")
    if scores.isna().any():
        line = int(scores.isna().argmax()) + 2
        raise refusal("--scores", path, f"line {line}: score is not a number")
    return frame[SCORE_COLUMNS].assign(provider_id=frame["provider_id"].astype(str), score=scores)


def _open_claims(path: Path) -> duckdb.DuckDBPyConnection:
    """Scoring reads extracts as they come: columns outside the format are named and left
    out (an import, which stores claims, refuses them instead). The file is read and
    validated in DuckDB, never loaded whole into pandas; the caller closes the connection."""
    try:
        with console.status(f"reading and validating {path}"):
            con = open_claims(path, unknown="ignore")
    except ClaimsFormatError as exc:
        if exc.total == 1 and exc.errors:  # e.g. not UTF-8, no such file: one line
            raise refusal("--claims", path, str(exc.errors[0])) from None
        err_console.print(f"[red]{escape(str(path))}: claims file refused ({exc.total} error(s))")
        for err in exc.errors[:50]:
            err_console.print(f"  {escape(str(err))}", soft_wrap=True)
        raise typer.Exit(code=2) from None
    ignored = ignored_columns(con)
    if ignored:
        console.print(
            f"[yellow]{path}: ignoring {len(ignored)} column(s) outside the claims format: "
            f"{', '.join(ignored)}[/yellow]"
        )
    return con


def write_scores(frame: pd.DataFrame, out: Path) -> None:
    """CSV or Parquet by extension; stake as exact decimal, explanation items as JSON."""
    data = frame.copy()
    data["explanation_items"] = [json.dumps(items) for items in data["explanation_items"]]
    if out.suffix.lower() in (".parquet", ".pq"):
        stake = pa.array(list(data.pop("estimated_stake")), pa.decimal128(18, 2))
        table = pa.Table.from_pandas(data, preserve_index=False)
        table = table.add_column(
            table.schema.get_field_index("score") + 2, "estimated_stake", stake
        )
        pq.write_table(table, out)
    else:
        data["estimated_stake"] = data["estimated_stake"].map(str)
        data.to_csv(out, index=False)


@app.command()
def score(
    claims: ClaimsOpt,
    out: Annotated[Path, typer.Option("--out", help="Scores file (.csv or .parquet)")],
    model: Annotated[Path | None, typer.Option("--model", help="Trained re-ranker")] = None,
    top_k: Annotated[int, typer.Option("--top-k", help="Explanation items per provider")] = 3,
    rank_by: Annotated[
        str,
        typer.Option(
            "--rank-by",
            help="recovery: suspicion x stake, in euros (default); suspicion: atypicality alone",
        ),
    ] = "recovery",
) -> None:
    """Score every provider in a claims file, in ranking order (the `rank` column)."""
    if rank_by not in RANK_BY:
        raise refusal("--rank-by", rank_by, f"one of {', '.join(RANK_BY)}")
    con = _open_claims(claims)
    try:
        ranker = load_model(model) if model is not None else None
        with console.status(f"scoring {claims_rows(con):,} claims") as status:
            result = score_claims(
                con, model=ranker, top_k=top_k, progress=status.update, rank_by=rank_by
            )
    finally:
        con.close()
    write_scores(result, out)
    table = Table(title=f"Top providers by {rank_by} ({len(result):,} scored) -> {out}")
    columns = ("rank", "provider_id", "profession", "region", "score", "estimated_stake")
    for col in (*columns, "expected_recovery", "rule_hits"):
        table.add_column(col)
    for row in result.head(10).itertuples():
        table.add_row(
            str(row.rank),
            row.provider_id,
            row.profession,
            row.region,
            f"{row.score:.3f}",
            format_amount(row.estimated_stake),
            format_amount(row.expected_recovery),
            str(row.rule_hits),
        )
    console.print(table)


@app.command()
def train(
    claims: ClaimsOpt,
    labels: Annotated[Path, typer.Option("--labels", help="CSV provider_id,label[,pattern]")],
    model: Annotated[Path, typer.Option("--model", help="Where to write the model")],
    min_positives: Annotated[int, typer.Option(help="Minimum positive labels")] = 30,
    min_negatives: Annotated[int, typer.Option(help="Minimum negative labels")] = 30,
) -> None:
    """Learn the supervised re-ranker from past outcomes; reports cross-validated metrics."""
    lab = read_labels(labels).set_index("provider_id")["label"]  # refused before the claims
    con = _open_claims(claims)
    try:
        features = compute_features(con)
    finally:
        con.close()
    scorer = fit_scorer(features)
    inputs = ranker_inputs(scorer.transform(features), scorer.score_samples(features))
    known = inputs.index.intersection(lab.index)
    ranker = SupervisedRanker(min_positives=min_positives, min_negatives=min_negatives)
    try:
        ranker.fit(inputs.loc[known], lab.loc[known].astype(int))
    except InsufficientLabelsError as exc:
        console.print(f"[red]not trained: {exc}[/red]")
        raise typer.Exit(code=2) from exc
    save_model(ranker, model)
    console.print(f"trained on {len(known):,} labelled providers ({ranker.cv}-fold, stratified):")
    for name, cv in ranker.candidates_.items():
        mark = "kept" if name == ranker.kept_ else "    "
        console.print(
            f"  {mark} {name:<9} cross-validated ROC-AUC {cv['roc_auc']:.4f}, "
            f"AP {cv['average_precision']:.4f}"
        )
    console.print(f"kept {ranker.kept_} (better out-of-fold AP), calibrated -> {model}")


@app.command()
def evaluate(
    scores: Annotated[Path, typer.Option("--scores", help="Output of `detect score`")],
    labels: Annotated[Path, typer.Option("--labels", help="CSV provider_id,label")],
    k: Annotated[int, typer.Option("--k", help="Cut-off for precision/recall@K")] = 100,
) -> None:
    """ROC-AUC, average precision, precision@K and recall@K of a scores file."""
    if k < 1:
        raise refusal("--k", k, "must be at least 1")
    scored = read_scores(scores)
    lab = read_labels(labels)
    merged = join_scores_labels(scored, lab)
    compared = compare_with_baselines(merged, k)
    table = Table(title=f"Evaluation of {scores.name} against {labels.name}, with baselines")
    table.add_column("metric")
    for name in compared.index:
        table.add_column(str(name), justify="right")
    for metric in compared.columns:
        cells = []
        for value in compared[metric]:
            money = metric.startswith("euros") or metric in ("n", "positives")
            cells.append(f"{value:,.0f}" if money else f"{value:.4f}")
        table.add_row(metric, *cells)
    console.print(table)
