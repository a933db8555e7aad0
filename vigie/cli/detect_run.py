"""`vigie detect run --period YYYY-MM`: detection on imported claims, opening cases.

Registered on the `vigie detect` app next to the file-based `score`, `train`, `evaluate`.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import typer
from pydantic import ValidationError

from models.detection_messages import DetectionRunInput, DetectionRunResult
from vigie.cli.connections import database, temporal_client
from vigie.cli.detect import app
from vigie.cli.output import console, err_console, refusal
from vigie.cli.tables import alerts_table
from vigie.services.detection_queries import run_alerts
from vigie.services.outcome_labels import outcome_labels
from vigie.settings import Settings, get_settings
from workflows.detection_run import DetectionRunWorkflow

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
OPTIONS = {
    "period": "--period",
    "capacity": "--capacity",
    "min_score": "--min-score",
    "rank_by": "--rank-by",
    "insured_capacity": "--insured-capacity",
}


def run_input(
    period: str,
    capacity: int,
    min_score: float,
    model: Path | None,
    rank_by: str = "recovery",
    insured_capacity: int = 0,
) -> DetectionRunInput:
    """The run's input from the options, checked before connecting to anything: a bad value
    is refused in one line naming the option, the value and the reason."""
    if not MONTH.fullmatch(period):
        raise refusal("--period", period, "not a month YYYY-MM (e.g. 2025-03)")
    if model is not None and not model.is_file():
        raise refusal("--model", model, "no such file (train one with `vigie detect train`)")
    try:
        return DetectionRunInput(
            period=period,
            capacity=capacity,
            min_score=min_score,
            model_path=str(model.resolve()) if model else None,
            rank_by=rank_by,  # checked by the model: one of recovery, suspicion
            insured_capacity=insured_capacity,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else "period"
        raise refusal(OPTIONS.get(name, name), err.get("input", ""), err["msg"]) from None


async def start_and_follow(settings: Settings, inp: DetectionRunInput) -> DetectionRunResult:
    client = await temporal_client(settings)
    run_id = f"detection:{inp.period}:{uuid.uuid4().hex[:8]}"
    handle = await client.start_workflow(
        DetectionRunWorkflow.run, inp, id=run_id, task_queue=settings.task_queue
    )
    console.print(f"started {run_id} (see it in the Temporal UI)")
    shown = ""
    while True:
        done, _ = await asyncio.wait({asyncio.ensure_future(handle.result())}, timeout=1.0)
        if done:
            return done.pop().result()
        progress = await handle.query(DetectionRunWorkflow.progress)
        line = (
            f"  {progress['stage']}: {progress['partitions_done']}/"
            f"{progress['partitions_total']} partitions"
        )
        if line != shown:
            console.print(line)
            shown = line


@app.command("run")
def run_command(
    period: str = typer.Option(..., "--period", help="the month of claims, YYYY-MM"),
    capacity: int = typer.Option(20, "--capacity", help="alerts investigators can take"),
    min_score: float = typer.Option(
        0.5, "--min-score", help="the score floor: no target below it is selected"
    ),
    model: Path | None = typer.Option(None, "--model", help="supervised re-ranker (detect train)"),
    rank_by: str = typer.Option(
        "recovery", "--rank-by", help="recovery: suspicion x stake (default); suspicion alone"
    ),
    insured_capacity: int = typer.Option(
        5,
        "--insured-capacity",
        help="insured-person alerts investigators can take as well (0: providers only)",
    ),
) -> None:
    """Run detection on the imported claims of a month; selected alerts open cases."""
    inp = run_input(period, capacity, min_score, model, rank_by, insured_capacity)
    settings = get_settings()
    result = asyncio.run(start_and_follow(settings, inp))
    insured = f", {result.insured} insured persons" if insured_capacity else ""
    console.print(
        f"{result.claims} claims, {result.partitions} partitions, {result.providers} "
        f"providers{insured} scored; {result.alerts} alerts: {result.cases_opened} cases "
        f"opened, {result.already_open} already open"
    )
    slots = (
        ("provider", capacity, result.alerts - result.insured_alerts),
        ("insured-person", insured_capacity, result.insured_alerts),
    )
    for kind, room, taken in slots:
        if taken < room:
            console.print(
                f"{room - taken} of {room} {kind} slots left unused: only {taken} "
                f"target(s) score at least {min_score} with money at stake"
            )
    with database(settings) as engine:
        alerts = run_alerts(engine, result.run_id)
    if alerts:
        console.print(alerts_table(alerts))
    else:
        err_console.print("no alert selected")


@app.command("labels")
def labels_command(
    out: Path = typer.Option(..., "--out", help="CSV provider_id,label for `detect train`"),
) -> None:
    """Export labels learned from closed cases: confirmed fraud (1) vs nothing found (0)."""
    settings = get_settings()
    with database(settings) as engine:
        labels = outcome_labels(engine)
    labels.to_csv(out, index=False)
    positives = int(labels["label"].sum())
    console.print(
        f"wrote {len(labels)} labels to {out}: {positives} confirmed fraud, "
        f"{len(labels) - positives} closed with nothing found"
    )
