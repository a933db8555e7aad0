"""Recovery actions: what happens to a debt outside the sanction tracks (notification,
payments, appeals, formal notice, contrainte, instalment plans, write-offs, reversals).

Dates are the days things happened (a letter's receipt, a payment's value date): they may
be in the past (entered late), never in the future. Deadlines run from them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from models.action_base import ActionBase
from models.types import Money, WriteOffReason

ENTRY_REF = r"^\d+\.\d+$"


class NotifyDebts(ActionBase):
    """The notification of the amounts due (notification de payer / d'indu) was received."""

    action: Literal["notify_debts"] = "notify_debts"
    received_on: date = Field(description="the day the debtor received the notification")


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CARD = "card"
    OFFSET = "offset"
    GARNISHMENT = "garnishment"


class RecordPayment(ActionBase):
    """Money received (or withheld by offset) towards the case's debts. Without ``debt``,
    it settles the oldest outstanding debts first."""

    action: Literal["record_payment"] = "record_payment"
    amount: Money = Field(gt=0)
    paid_on: date = Field(description="value date of the payment or offset")
    method: PaymentMethod = PaymentMethod.TRANSFER
    debt: str | None = Field(default=None, max_length=40, description="e.g. debt-1")
    reference: str | None = Field(default=None, max_length=100, description="bank reference")
    source: Literal["action", "import"] = Field(
        default="action", description="import: from a payments file (`vigie payments import`)"
    )


class GrantInstalmentPlan(ActionBase):
    """Spread the outstanding balance over monthly instalments (at most the policy limit)."""

    action: Literal["grant_instalment_plan"] = "grant_instalment_plan"
    instalments: int = Field(ge=2, le=60)
    first_due_on: date
    granted_on: date | None = Field(
        default=None, description="when the plan was agreed (default: today)"
    )


class CancelInstalmentPlan(ActionBase):
    action: Literal["cancel_instalment_plan"] = "cancel_instalment_plan"


class RecordCraAppeal(ActionBase):
    """The debtor brought the amicable appeals board (CRA); its silence is a rejection."""

    action: Literal["record_cra_appeal"] = "record_cra_appeal"
    received_on: date = Field(description="the day the fund received the appeal")


class AppealDecision(StrEnum):
    REJECTED = "rejected"
    PARTLY_UPHELD = "partly_upheld"
    UPHELD = "upheld"


class RecordCraDecision(ActionBase):
    action: Literal["record_cra_decision"] = "record_cra_decision"
    decision: AppealDecision
    debt: str | None = Field(default=None, max_length=40, description="the debt it reduces")
    reduced_by: Money | None = Field(default=None, description="for partly_upheld")


class IssueFormalNotice(ActionBase):
    """The formal notice (mise en demeure) was received by the debtor."""

    action: Literal["issue_formal_notice"] = "issue_formal_notice"
    received_on: date


class IssueContrainte(ActionBase):
    """The contrainte was served on the debtor; 15 days to oppose it."""

    action: Literal["issue_contrainte"] = "issue_contrainte"
    received_on: date


class RecordOpposition(ActionBase):
    action: Literal["record_opposition"] = "record_opposition"
    received_on: date = Field(description="the day the court received the opposition")


class RecordOppositionJudgment(ActionBase):
    action: Literal["record_opposition_judgment"] = "record_opposition_judgment"
    decision: AppealDecision = Field(description="rejected: the contrainte stands")
    debt: str | None = Field(default=None, max_length=40)
    reduced_by: Money | None = None


class WriteOff(ActionBase):
    """Write a debt off (admission en non-valeur, remise, prescription): never silent, always
    with its reason; a manager's decision."""

    action: Literal["write_off"] = "write_off"
    debt: str | None = Field(
        default=None, max_length=40, description="default: the one debt with money outstanding"
    )
    write_off_reason: WriteOffReason
    amount: Money | None = Field(default=None, gt=0, description="default: all outstanding")


class ReverseEntry(ActionBase):
    """Cancel one payment, offset or write-off entry (a bounced cheque, a misallocated
    payment); the ledger keeps both entries."""

    action: Literal["reverse_entry"] = "reverse_entry"
    entry: str = Field(pattern=ENTRY_REF, description="'seq.line' of the entry, e.g. 14.0")


RECOVERY_ACTIONS = (
    NotifyDebts,
    RecordPayment,
    GrantInstalmentPlan,
    CancelInstalmentPlan,
    RecordCraAppeal,
    RecordCraDecision,
    IssueFormalNotice,
    IssueContrainte,
    RecordOpposition,
    RecordOppositionJudgment,
    WriteOff,
    ReverseEntry,
)
