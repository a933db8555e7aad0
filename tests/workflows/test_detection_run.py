"""Detection runs on imported claims: partitions, alerts, cases; re-runs open no duplicate."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

import worker as vigie_worker
from activities.claims_import import import_claims
from detection.synth import generate_claims
from models import Alert, Case, DetectionRun, ProviderFeatures, ProviderScore
from models.detection_messages import DetectionRunInput, DetectionRunResult
from vigie.cli.detect import app as detect_app
from vigie.settings import Settings
from workflows.detection_run import DetectionRunWorkflow, previous_month

SYNTH = "synth"


@pytest.fixture(scope="module")
def january_claims(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp(SYNTH, numbered=False)
    summary = generate_claims(
        folder / "claims.csv", folder / "labels.csv", n_claims=30_000, fraud_share=0.1, seed=11
    )
    imported = import_claims(engine, folder / "claims.csv", "tests")
    assert imported.rows == summary.claims
    return imported.months[0]


async def run_detection(
    env: WorkflowEnvironment,
    task_queue: str,
    period: str,
    model: str | None = None,
    capacity: int = 3,
    min_score: float = 0.0,
    insured_capacity: int = 0,
) -> DetectionRunResult:
    return await env.client.execute_workflow(
        DetectionRunWorkflow.run,
        DetectionRunInput(
            period=period,
            capacity=capacity,
            min_score=min_score,
            model_path=model,
            insured_capacity=insured_capacity,
        ),
        id=f"detection:{period}:{uuid.uuid4().hex[:6]}",
        task_queue=task_queue,
    )


async def test_rerunning_detection_for_a_period_opens_no_duplicate_case(
    dev_env: WorkflowEnvironment, dev_worker: str, engine: Engine, january_claims: str
) -> None:
    first = await run_detection(dev_env, dev_worker, january_claims)
    assert first.partitions > 1 and first.alerts == 3
    assert (first.cases_opened, first.already_open) == (3, 0)

    again = await run_detection(dev_env, dev_worker, january_claims)
    assert (again.cases_opened, again.already_open) == (0, 3)

    with Session(engine) as s:
        cases = s.exec(
            select(func.count())
            .select_from(Case)
            .where(Case.source == "detection", Case.period == january_claims)
        ).one()
        run = s.get(DetectionRun, first.run_id)
        scored = s.exec(
            select(func.count())
            .select_from(ProviderScore)
            .where(ProviderScore.run_id == first.run_id)
        ).one()
        alerts = s.exec(select(Alert).where(Alert.run_id == again.run_id)).all()
    assert cases == 3
    assert run is not None and run.status == "done" and run.cases_opened == 3
    assert scored == run.providers > 0
    assert {a.outcome for a in alerts} == {"already_open"}
    with Session(engine) as s:
        stored = s.exec(
            select(ProviderFeatures).where(ProviderFeatures.run_id == first.run_id)
        ).all()
    beneficiaries = {h["beneficiary_id"] for f in stored for h in f.rule_hits} - {None}
    assert beneficiaries and all(b.startswith("ps_") for b in beneficiaries)
    assert all(a.explanation for a in alerts)


async def start_and_stop_worker(settings: Settings, engine: Engine) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(vigie_worker.run_worker(settings, engine, stop))
    await asyncio.sleep(1.0)
    stop.set()
    await running


async def test_the_monthly_schedule_exists_after_worker_start_and_a_restart_updates_it(
    dev_env: WorkflowEnvironment, engine: Engine
) -> None:
    client = dev_env.client
    address = client.service_client.config.target_host
    await start_and_stop_worker(Settings(temporal_address=address, task_queue="q-1"), engine)
    await start_and_stop_worker(Settings(temporal_address=address, task_queue="q-2"), engine)
    ids = [s.id async for s in await client.list_schedules()]
    assert ids.count(vigie_worker.DETECTION_SCHEDULE_ID) == 1
    handle = client.get_schedule_handle(vigie_worker.DETECTION_SCHEDULE_ID)
    description = await handle.describe()
    assert description.schedule.action.task_queue == "q-2"  # type: ignore[union-attr]
    assert description.schedule.policy.overlap.name == "SKIP"
    await handle.delete()


def test_a_scheduled_run_scores_the_previous_month() -> None:
    from datetime import UTC, datetime

    assert previous_month(datetime(2026, 1, 2, tzinfo=UTC)) == "2025-12"
    assert previous_month(datetime(2026, 7, 2, tzinfo=UTC)) == "2026-06"


async def test_a_detection_run_re_ranks_with_the_supervised_model_it_is_given(
    dev_env: WorkflowEnvironment,
    dev_worker: str,
    engine: Engine,
    january_claims: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.getbasetemp() / SYNTH
    model = folder / "ranker.joblib"
    trained = CliRunner().invoke(
        detect_app,
        [
            "train",
            "--claims",
            str(folder / "claims.csv"),
            "--labels",
            str(folder / "labels.csv"),
            "--model",
            str(model),
            "--min-positives",
            "3",
            "--min-negatives",
            "3",
        ],
    )
    assert trained.exit_code == 0, trained.output
    result = await run_detection(dev_env, dev_worker, january_claims, model=str(model))
    assert result.model == str(model) and result.alerts == 3
    with Session(engine) as s:
        run = s.get(DetectionRun, result.run_id)
    assert run is not None and run.model == str(model)


async def test_a_month_without_claims_gives_an_empty_finished_run(
    dev_env: WorkflowEnvironment, dev_worker: str, engine: Engine
) -> None:
    result = await run_detection(dev_env, dev_worker, "2019-02")
    assert (result.partitions, result.claims, result.alerts, result.cases_opened) == (0, 0, 0, 0)
    with Session(engine) as s:
        run = s.get(DetectionRun, result.run_id)
    assert run is not None and run.status == "done"


async def test_a_run_of_capacity_5_opens_no_case_below_the_floor_or_with_a_zero_stake(
    dev_env: WorkflowEnvironment, dev_worker: str, engine: Engine, january_claims: str
) -> None:
    floor = 0.9
    result = await run_detection(dev_env, dev_worker, january_claims, capacity=5, min_score=floor)
    with Session(engine) as s:
        alerts = s.exec(select(Alert).where(Alert.run_id == result.run_id)).all()
    assert len(alerts) == result.alerts <= 5
    assert all(a.score >= floor and a.estimated_stake > 0 for a in alerts), [
        (a.score, a.estimated_stake) for a in alerts
    ]
    with Session(engine) as s:
        scores = s.exec(select(ProviderScore).where(ProviderScore.run_id == result.run_id)).all()
    qualified = [p for p in scores if p.score >= floor and p.estimated_stake > 0]
    assert result.alerts == min(5, len(qualified)), "fewer only when fewer qualify"


async def test_a_run_with_insured_capacity_opens_insured_person_cases_with_their_explanation(
    dev_env: WorkflowEnvironment, dev_worker: str, engine: Engine, january_claims: str
) -> None:
    result = await run_detection(
        dev_env, dev_worker, january_claims, capacity=1, min_score=0.5, insured_capacity=2
    )
    assert result.insured > 1_000 and result.insured_alerts == 2
    assert result.alerts == 3 and result.cases_opened == 3 - result.already_open
    with Session(engine) as s:
        insured = s.exec(
            select(Alert).where(Alert.run_id == result.run_id, Alert.target_type == "insured")
        ).all()
        cases = {a.case_id: s.get(Case, a.case_id) for a in insured}
        ranked = s.exec(
            select(ProviderScore)
            .where(ProviderScore.run_id == result.run_id, ProviderScore.target_type == "insured")
            .order_by(ProviderScore.rank)
        ).all()
    assert all(a.score >= 0.5 and a.estimated_stake > 0 for a in insured)
    assert all(c is not None and c.id.startswith("case:insured:") for c in cases.values())
    assert all(c is not None and c.source == "detection" for c in cases.values())
    # explained against peers of the same age band and chronic status, with the stake
    assert all("peers' median" in a.explanation and "Stake" in a.explanation for a in insured)
    assert ranked[0].rank == 1 and "," in ranked[0].profession  # e.g. "60-74, chronic"
    assert "unknown" not in ranked[0].profession  # birth year and status read from Postgres
