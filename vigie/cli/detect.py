"""`vigie detect ...`: score claims, train the supervised re-ranker, evaluate a ranking."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from detection.claims_db import claims_rows, ignored_columns, open_claims
from detection.code_stats import code_stats
from detection.evaluation import compare_with_baselines, join_scores_labels
from detection.features import compute_features
from detection.insured import score_insured
from detection.insured_features import compute_insured_features
from detection.pipeline import RANK_BY, score_claims, supervised_inputs
from detection.ranker import InsufficientLabelsError, SupervisedRanker, load_model, save_model
from detection.rules import run_rules
from detection.schema import ClaimsFormatError
from vigie.cli.detect_files import read_labels, read_scores, write_scores
from vigie.cli.output import console, err_console, format_amount, refusal

app = typer.Typer(help="Detection: score providers' claims against peers, train, evaluate.")

logger = logging.getLogger(__name__)

ClaimsOpt = Annotated[Path, typer.Option("--claims", help="Claims file (.csv or .parquet)")]


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
    insured_out: Annotated[
        Path | None,
        typer.Option(
            "--insured-out",
            help="Also score the insured persons against their peers, into this file",
        ),
    ] = None,
) -> None:
    """Score every provider in a claims file, in ranking order (the `rank` column); with
    --insured-out, the insured persons too."""
    if rank_by not in RANK_BY:
        raise refusal("--rank-by", rank_by, f"one of {', '.join(RANK_BY)}")
    started = time.perf_counter()
    con = _open_claims(claims)
    timings = {"import": time.perf_counter() - started}
    insured = None
    try:
        ranker = load_model(model) if model is not None else None
        with console.status(f"scoring {claims_rows(con):,} claims") as status:
            result = score_claims(
                con,
                model=ranker,
                top_k=top_k,
                progress=status.update,
                rank_by=rank_by,
                timings=timings,
            )
            if insured_out is not None:
                started = time.perf_counter()
                status.update("insured-person features")
                features = compute_insured_features(con)
                status.update(f"scoring {len(features):,} insured persons against their peers")
                insured = score_insured(features, top_k=top_k, rank_by=rank_by)
                timings["insured persons"] = time.perf_counter() - started
    finally:
        con.close()
    started = time.perf_counter()
    write_scores(result, out)
    if insured is not None and insured_out is not None:
        write_scores(insured, insured_out)
    timings["write"] = time.perf_counter() - started
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
    if insured is not None and insured_out is not None:
        _print_insured(insured, rank_by, insured_out)
    left_out = result.attrs.get("excluded_features") or {}
    if left_out:
        console.print(
            f"{len(left_out)} feature(s) left out of the providers' score: "
            + "; ".join(f"{name} ({why})" for name, why in left_out.items())
        )
    # one line, read by bench/detection_scale.py as well
    console.print("stages: " + ", ".join(f"{name} {sec:.1f} s" for name, sec in timings.items()))


def _print_insured(insured: pd.DataFrame, rank_by: str, out: Path) -> None:
    table = Table(title=f"Top insured persons by {rank_by} ({len(insured):,} scored) -> {out}")
    columns = ("rank", "beneficiary_id", "peer class", "region", "score", "estimated_stake")
    for col in (*columns, "expected_recovery"):
        table.add_column(col)
    for row in insured.head(5).itertuples():
        table.add_row(
            str(row.rank),
            row.beneficiary_id,
            row.peer_class,
            row.region,
            f"{row.score:.3f}",
            format_amount(row.estimated_stake),
            format_amount(row.expected_recovery),
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
        with console.status("features, rules and stakes"):
            features = compute_features(con)
            hits = run_rules(con)
            codes = code_stats(con)
    finally:
        con.close()
    # the same inputs `detect score --model` feeds the model: z-scores, suspicion, size, stake
    inputs = supervised_inputs(features, hits, codes)
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
    labels: Annotated[
        Path, typer.Option("--labels", help="CSV provider_id,label (beneficiary_id,label)")
    ],
    k: Annotated[int, typer.Option("--k", help="Cut-off for precision/recall@K")] = 100,
) -> None:
    """ROC-AUC, average precision, precision@K, recall@K and euros captured in the top K of
    a scores file (providers' or insured persons'), against the size baselines."""
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
