"""`vigie letters` and `vigie letter show` as a user runs them: a real `vigie` process
against the Temporal dev server and Postgres."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from models.case_messages import TargetRef
from models.types import ActorType
from tests.cli.test_payments_cli import Cli, cli  # noqa: F401  (the fixture)
from tests.workflows.case_driver import CaseDriver

LETTER_ID = re.compile(r"issued (L\d{8}-[0-9a-f]{8})")


@pytest.fixture
async def warned(
    dev_env: WorkflowEnvironment, engine: Engine, dev_worker: str
) -> AsyncIterator[CaseDriver]:
    """A named professional's case: findings, a warning decided, recovery to notify."""
    target = TargetRef(
        actor_type=ActorType.PROFESSIONAL,
        identifier=f"LC{uuid.uuid4().hex[:10]}",
        display_name="Cabinet Durand",
    )
    case = await CaseDriver(dev_env, engine, dev_worker).open(target=target)
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    await case.do(
        "record_grievance",
        qualification="fault",
        description="actes facturés en double",
        lines=await case.recent_lines("842.10"),
    )
    await case.do("conclude_investigation")
    await case.do("decide_follow_ups", follow_ups=["warning"])
    yield case
    handle = dev_env.client.get_workflow_handle(case.case_id)
    if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
        await handle.terminate("test over")


async def test_a_payment_notice_is_issued_sent_received_listed_and_shown_as_pdf(
    cli: Cli,  # noqa: F811
    warned: CaseDriver,
    tmp_path: Path,
) -> None:
    code, out = await cli.run("letters", "issue", warned.case_id, "payment_notice")
    assert code == 0, out
    match = LETTER_ID.search(out)
    assert match, out
    letter_id = match.group(1)
    today = (await warned.today()).isoformat()

    code, out = await cli.run("letters", "send", letter_id, "--on", today)
    assert code == 0 and f"sent on {today}" in out, out
    code, out = await cli.run("letters", "receipt", letter_id, "--on", today)
    assert code == 0 and "debt(s) notified, received on" in out, out
    state = await warned.state()
    assert state.tracks["recovery"].step == "payment_period"

    code, out = await cli.run("letters", "list", warned.case_id)
    assert code == 0 and letter_id in out and "payment_notice" in out, out
    assert out.count(today) >= 3, out  # dated, sent and received today

    pdf = tmp_path / "lettre.pdf"
    code, out = await cli.run("letter", "show", letter_id, "--pdf", str(pdf))
    assert code == 0 and "(verified)" in out, out
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "NOTIFICATION DE PAYER" in text and "Cabinet Durand" in text
    assert "842,10" in text and "Commission de recours amiable" in text


async def test_a_letter_not_due_yet_is_refused_naming_the_rule_exit_2(
    cli: Cli,  # noqa: F811
    warned: CaseDriver,
) -> None:
    code, out = await cli.run("letters", "issue", warned.case_id, "contrainte")
    assert code == 2, out
    assert "letter_not_due" in out and "the contrainte due" in out
    assert "Traceback" not in out


async def test_a_letter_to_a_target_without_a_name_is_refused_naming_the_mention(
    cli: Cli,  # noqa: F811
    dev_env: WorkflowEnvironment,
    engine: Engine,
    dev_worker: str,
) -> None:
    case = await CaseDriver(dev_env, engine, dev_worker).open()  # no display name
    try:
        await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
        await case.do("open_investigation")
        await case.do(
            "record_grievance",
            qualification="fault",
            description="actes facturés en double",
            lines=await case.recent_lines("100.00"),
        )
        await case.do("conclude_investigation")
        await case.do("decide_follow_ups", follow_ups=["warning"])
        code, out = await cli.run("letters", "issue", case.case_id, "warning")
        assert code == 2, out
        assert "mandatory mention missing or empty: destinataire (le destinataire)" in out
        code, out = await cli.run("letters", "list", case.case_id)
        assert "0 letter(s)" in out, out
    finally:
        await dev_env.client.get_workflow_handle(case.case_id).terminate("test over")


async def test_an_unknown_letter_is_one_line_exit_4(cli: Cli) -> None:  # noqa: F811
    code, out = await cli.run("letter", "show", "L20260101-00000000")
    assert code == 4 and out.strip() == "error no letter L20260101-00000000", out
