"""Temporal stores every payload in its history: Vigie's are encrypted before they leave the
process, so a case's names and grievances are never in the server's database in clear,
while Vigie itself reads them back."""

from __future__ import annotations

import uuid

from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryRequest

from models.case_messages import TargetRef
from models.types import ActorType
from tests.workflows.conftest import CaseFactory
from vigie.runtime.codec import ENCODING

NAME = "Jeanne Martin-Personnelle"
GRIEVANCE = "soins facturés à Mme Dupont-Confidentielle"


async def test_a_case_history_holds_no_name_or_grievance_in_clear(new_case: CaseFactory) -> None:
    target = TargetRef(
        actor_type=ActorType.PROFESSIONAL,
        identifier=f"PD{uuid.uuid4().hex[:10]}",
        display_name=NAME,
    )
    case = await new_case(target=target)
    await case.do("assign", assignee="alice", supervisor="marc", actor="marc")
    await case.do("open_investigation")
    state = await case.do(
        "record_grievance",
        qualification="fault",
        description=GRIEVANCE,
        lines=await case.recent_lines("100.00"),
    )
    assert state.target.display_name == NAME  # Vigie decrypts what it wrote

    client = case.env.client
    raw = await client.workflow_service.get_workflow_execution_history(
        GetWorkflowExecutionHistoryRequest(
            namespace=client.namespace,
            execution={"workflow_id": case.case_id},  # type: ignore[arg-type]
        )
    )
    stored = raw.SerializeToString()
    for secret in (NAME, GRIEVANCE, "Dupont"):
        assert secret.encode() not in stored, f"{secret!r} is in the history in clear"
    assert stored.count(ENCODING) >= 4  # the opening, the actions, the projection inputs
