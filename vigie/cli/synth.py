"""`vigie synth ...`: generate synthetic claims with planted fraud and labels."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from detection.synth import generate_claims
from vigie.cli.output import console


class Regime(StrEnum):
    """Which providers are fraudulent (`detection.synth_regime`)."""

    uniform = "uniform"
    size = "size"


app = typer.Typer(help="Synthetic data: claims with planted fraud patterns and labels.")


@app.command()
def claims(
    out: Annotated[Path, typer.Option("--out", help="Claims file (.csv or .parquet)")],
    labels: Annotated[Path, typer.Option("--labels", help="Labels CSV provider_id,label,pattern")],
    n_claims: Annotated[int, typer.Option("--claims", help="Number of claims")] = 100_000,
    providers: Annotated[
        int | None, typer.Option("--providers", help="Providers (default claims/400)")
    ] = None,
    fraud_share: Annotated[float, typer.Option("--fraud-share", help="Share of fraudsters")] = 0.05,
    seed: Annotated[int, typer.Option("--seed", help="Random seed")] = 0,
    days: Annotated[int | None, typer.Option("--days", help="Period length in days")] = None,
    regime: Annotated[
        Regime, typer.Option("--regime", help="uniform: any provider; size: big ones likelier")
    ] = Regime.uniform,
    insured_fraud_share: Annotated[
        float,
        typer.Option("--insured-fraud-share", help="Share of beneficiaries who are fraudsters"),
    ] = 0.01,
    insured_labels: Annotated[
        Path | None,
        typer.Option("--insured-labels", help="Insured labels CSV beneficiary_id,label,pattern"),
    ] = None,
) -> None:
    """Write claims and ground-truth labels (same seed, same files)."""
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=n_claims < 200_000,
    ) as progress:
        task = progress.add_task("claims", total=n_claims)
        summary = generate_claims(
            out,
            labels,
            n_claims=n_claims,
            n_providers=providers,
            fraud_share=fraud_share,
            seed=seed,
            days=days,
            progress=lambda n: progress.advance(task, n),
            regime=regime.value,
            insured_fraud_share=insured_fraud_share,
            insured_labels_path=insured_labels,
        )
    written = ", ".join(str(p) for p in (out, labels, insured_labels) if p is not None)
    console.print(
        f"{summary.claims:,} claims, {summary.providers:,} providers "
        f"({summary.fraudulent_providers:,} fraudulent, {regime.value} regime), "
        f"{summary.beneficiaries:,} beneficiaries ({summary.insured_fraudsters:,} fraudulent), "
        f"{summary.days} days -> {written}"
    )
