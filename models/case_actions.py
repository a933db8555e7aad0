"""Investigator and manager actions on a case: the payloads of the workflow updates.

Each action carries a ``request_id``: a retried call with the same id is applied once.
``CaseAction`` is the tagged union of all of them (tag: ``action``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from models.action_base import ActionBase
from models.letter_actions import IssueLetter, RecordLetterReceipt, SendLetter
from models.local_time import LocalDateTime
from models.recovery_actions import (
    CancelInstalmentPlan,
    GrantInstalmentPlan,
    IssueContrainte,
    IssueFormalNotice,
    NotifyDebts,
    RecordCraAppeal,
    RecordCraDecision,
    RecordOpposition,
    RecordOppositionJudgment,
    RecordPayment,
    ReverseEntry,
    WriteOff,
)
from models.types import Money, Qualification


class Assign(ActionBase):
    action: Literal["assign"] = "assign"
    assignee: str = Field(min_length=1, max_length=60)
    supervisor: str | None = Field(default=None, max_length=60)


class OpenInvestigation(ActionBase):
    action: Literal["open_investigation"] = "open_investigation"


class Dismiss(ActionBase):
    action: Literal["dismiss"] = "dismiss"


class Merge(ActionBase):
    action: Literal["merge"] = "merge"
    into_case_id: str = Field(min_length=1)


class InvestigationKind(StrEnum):
    DOCUMENT_REQUEST = "document_request"
    PATIENT_SURVEY = "patient_survey"
    HEARING = "hearing"
    ON_SITE_CHECK = "on_site_check"
    BANK_DATA_REQUEST = "bank_data_request"


class AddInvestigationAction(ActionBase):
    action: Literal["add_investigation_action"] = "add_investigation_action"
    kind: InvestigationKind
    due_at: LocalDateTime = Field(
        description="a date (end of that day, Paris time) or a time (Paris time if no offset)"
    )
    description: str | None = Field(default=None, max_length=400)


class CompleteInvestigationAction(ActionBase):
    action: Literal["complete_investigation_action"] = "complete_investigation_action"
    key: str
    result: str = Field(min_length=1, max_length=400)


class GrievanceLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=200)
    amount: Money
    paid_on: date = Field(description="date the undue amount was paid (starts prescription)")


class RecordGrievance(ActionBase):
    action: Literal["record_grievance"] = "record_grievance"
    qualification: Qualification
    description: str = Field(min_length=1, max_length=400)
    lines: list[GrievanceLine]


class MeasureKind(StrEnum):
    PAYMENT_SUSPENSION = "payment_suspension"
    PRIOR_APPROVAL = "prior_approval"
    URGENT_DELISTING = "urgent_delisting"


class TakeProtectiveMeasure(ActionBase):
    action: Literal["take_protective_measure"] = "take_protective_measure"
    kind: MeasureKind
    estimated_avoided: Money


class LiftProtectiveMeasure(ActionBase):
    action: Literal["lift_protective_measure"] = "lift_protective_measure"
    key: str


class ConcludeInvestigation(ActionBase):
    action: Literal["conclude_investigation"] = "conclude_investigation"


class FollowUp(StrEnum):
    WARNING = "warning"
    FINANCIAL_PENALTY = "financial_penalty"
    CRIMINAL_COMPLAINT = "criminal_complaint"
    CONVENTIONAL_SANCTION = "conventional_sanction"
    DISCIPLINARY_COMPLAINT = "disciplinary_complaint"
    MSAP = "msap"


class DecideFollowUps(ActionBase):
    action: Literal["decide_follow_ups"] = "decide_follow_ups"
    follow_ups: list[FollowUp]
    repeat_offence: bool = False


class WaiveComplaint(ActionBase):
    """A manager's recorded, justified waiver of the mandatory criminal complaint."""

    action: Literal["waive_complaint"] = "waive_complaint"
    justification: str = Field(min_length=10, max_length=400)


class ProcedureEventKind(StrEnum):
    GRIEVANCES_NOTIFIED = "grievances_notified"
    OBSERVATIONS_RECEIVED = "observations_received"
    HEARING_HELD = "hearing_held"
    DIRECTOR_DECISION = "director_decision"
    COMMISSION_EXTENDED = "commission_extended"
    COMMISSION_OPINION = "commission_opinion"
    NATIONAL_OPINION = "national_opinion"
    PENALTY_NOTIFIED = "penalty_notified"
    COMPLAINT_FILED = "complaint_filed"
    PROSECUTOR_UPDATE = "prosecutor_update"
    JUDGMENT = "judgment"
    APPEAL = "appeal"
    SANCTION_DECIDED = "sanction_decided"
    RECOVERY_ENDED = "recovery_ended"
    RECOVERY_TRANSFERRED = "recovery_transferred"


class DirectorOutcome(StrEnum):
    DROP = "drop"
    WARNING = "warning"
    REFER_TO_COMMISSION = "refer_to_commission"
    REQUEST_NATIONAL_OPINION = "request_national_opinion"
    PENALTY = "penalty"


class RecordProcedureEvent(ActionBase):
    action: Literal["record_procedure_event"] = "record_procedure_event"
    track: FollowUp | Literal["recovery"]
    event: ProcedureEventKind
    outcome: DirectorOutcome | None = None
    amount: Money | None = Field(default=None, description="penalty amount, or damages")
    note: str | None = Field(default=None, max_length=400)
    occurred_on: date | None = Field(
        default=None,
        description="the day it happened (a letter: the day it was received); default today."
        " May be in the past (entered late), never in the future; deadlines run from it",
    )


class Close(ActionBase):
    action: Literal["close"] = "close"


CaseAction = Annotated[
    Assign
    | OpenInvestigation
    | Dismiss
    | Merge
    | AddInvestigationAction
    | CompleteInvestigationAction
    | RecordGrievance
    | TakeProtectiveMeasure
    | LiftProtectiveMeasure
    | ConcludeInvestigation
    | DecideFollowUps
    | WaiveComplaint
    | RecordProcedureEvent
    | Close
    | NotifyDebts
    | RecordPayment
    | GrantInstalmentPlan
    | CancelInstalmentPlan
    | RecordCraAppeal
    | RecordCraDecision
    | IssueFormalNotice
    | IssueContrainte
    | RecordOpposition
    | RecordOppositionJudgment
    | WriteOff
    | ReverseEntry
    | IssueLetter
    | SendLetter
    | RecordLetterReceipt,
    Field(discriminator="action"),
]

#: action name -> its model, derived from the union (one list to maintain)
ACTION_TYPES: dict[str, type[ActionBase]] = {
    cls.model_fields["action"].default: cls for cls in get_args(get_args(CaseAction)[0])
}
