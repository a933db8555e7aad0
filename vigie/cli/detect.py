"""`vigie detect ...`: score claims, train the supervised re-ranker, evaluate a ranking."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.table import Table

from detection.evaluation import evaluate as evaluate_ranking
from detection.evaluation import join_scores_labels
from detection.features import compute_features
from detection.pipeline import fit_scorer, ranker_inputs, score_claims
from detection.ranker import InsufficientLabelsError, SupervisedRanker, load_model, save_model
from detection.schema import ClaimsFormatError, read_claims
from vigie.cli.output import console

app = typer.Typer(help="Detection: score providers' claims against peers, train, evaluate.")

logger = logging.getLogger(__name__)

ClaimsOpt = Annotated[Path, typer.Option("--claims", help="Claims file (.csv or .parquet)")]


def _load_claims(path: Path) -> pd.DataFrame:
    """Scoring reads extracts as they come: columns outside the format are named and left
    out (an import, which stores claims, refuses them instead)."""
    try:
        with console.status(f"reading and validating {path}"):
            frame = read_claims(path, unknown="ignore")
    except ClaimsFormatError as exc:
        console.print(f"[red]{path}: claims file refused ({exc.total} error(s))[/red]")
        for err in exc.errors[:50]:
            console.print(f"  {err}")
        raise typer.Exit(code=2) from exc
    ignored = frame.attrs.get("ignored_columns") or []
    if ignored:
        console.print(
            f"[yellow]{path}: ignoring {len(ignored)} column(s) outside the claims format: "
            f"{', '.join(ignored)}[/yellow]"
        )
    return frame


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
) -> None:
    """Score every provider in a claims file; most suspicious first."""
    df = _load_claims(claims)
    ranker = load_model(model) if model is not None else None
    with console.status(f"scoring {len(df):,} claims") as status:
        result = score_claims(df, model=ranker, top_k=top_k, progress=status.update)
    write_scores(result, out)
    table = Table(title=f"Top providers ({len(result):,} scored) -> {out}")
    for col in ("provider_id", "profession", "region", "score", "estimated_stake", "rule_hits"):
        table.add_column(col)
    for row in result.head(10).itertuples():
        table.add_row(
            row.provider_id,
            row.profession,
            row.region,
            f"{row.score:.3f}",
            str(row.estimated_stake),
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
    df = _load_claims(claims)
    features = compute_features(df)
    scorer = fit_scorer(features)
    inputs = ranker_inputs(scorer.transform(features), scorer.score_samples(features))
    lab = pd.read_csv(labels, dtype={"provider_id": str}).set_index("provider_id")["label"]
    known = inputs.index.intersection(lab.index)
    ranker = SupervisedRanker(min_positives=min_positives, min_negatives=min_negatives)
    try:
        ranker.fit(inputs.loc[known], lab.loc[known].astype(int))
    except InsufficientLabelsError as exc:
        console.print(f"[red]not trained: {exc}[/red]")
        raise typer.Exit(code=2) from exc
    save_model(ranker, model)
    console.print(
        f"trained on {len(known):,} labelled providers: cross-validated ROC-AUC "
        f"{ranker.cv_roc_auc_:.4f}, AP {ranker.cv_average_precision_:.4f} -> {model}"
    )


@app.command()
def evaluate(
    scores: Annotated[Path, typer.Option("--scores", help="Output of `detect score`")],
    labels: Annotated[Path, typer.Option("--labels", help="CSV provider_id,label")],
    k: Annotated[int, typer.Option("--k", help="Cut-off for precision/recall@K")] = 100,
) -> None:
    """ROC-AUC, average precision, precision@K and recall@K of a scores file."""
    if scores.suffix.lower() in (".parquet", ".pq"):
        scored = pd.read_parquet(scores, columns=["provider_id", "score"])
    else:
        scored = pd.read_csv(scores, usecols=["provider_id", "score"], dtype={"provider_id": str})
    lab = pd.read_csv(labels, dtype={"provider_id": str})
    merged = join_scores_labels(scored, lab)
    metrics = evaluate_ranking(merged["label"].to_numpy(), merged["score"].to_numpy(), k)
    table = Table(title=f"Evaluation of {scores.name} against {labels.name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in metrics.items():
        shown = f"{value:,.0f}" if name in ("n", "positives") else f"{value:.4f}"
        table.add_row(name, shown)
    console.print(table)
