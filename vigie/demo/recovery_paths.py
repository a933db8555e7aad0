"""Demo part 1b: money recovered. Letters and payments are entered late, with the dates they
happened, so deadlines that fell months ago have run when the demo records the next step:

- the nurse pays part of her fraud debt while the sanction tracks run;
- the transport firm pays part after the formal notice; the balance is offset;
- an insured person honours an instalment plan; another defaults on one;
- an old overpayment is prescribed and written off by the manager.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from models.case_messages import OpenCaseInput, TargetRef
from models.letter import LetterKind as K
from models.local_time import PARIS
from models.policy_snapshot import add_months
from models.types import ActorType
from vigie.demo.letter_steps import letter

Step = tuple[str, dict[str, Any]]


def _insured(identifier: str, stake: str, typology: str, request_id: str) -> OpenCaseInput:
    return OpenCaseInput(
        target=TargetRef(
            actor_type=ActorType.INSURED,
            identifier=identifier,
            display_name="Assuré (pseudonymisé)",
        ),
        period="2025",
        typology=typology,
        source="agent",
        estimated_stake=Decimal(stake),
        request_id=request_id,
    )


RECOVERY_ALERTS = [
    _insured("demo-insured-plan-ok", "1200.00", "undeclared_income", "demo-open-5"),
    _insured("demo-insured-plan-ko", "900.00", "undeclared_income", "demo-open-6"),
    _insured("demo-insured-old-debt", "650.00", "residence_condition", "demo-open-7"),
]


def today() -> date:
    return datetime.now(PARIS).date()


def months_ago(day: date, months: int) -> date:
    return add_months(datetime.combine(day, time(12), tzinfo=UTC), -months).date()


def _grievance(amount: str, paid_on: str, qualification: str = "fault") -> Step:
    return (
        "record_grievance",
        {
            "qualification": qualification,
            "description": "prestations versées alors que les conditions n'étaient pas remplies",
            "lines": [{"description": "prestations", "amount": amount, "paid_on": paid_on}],
        },
    )


def _to_recovery(grievance: Step) -> list[Step]:
    return [
        ("assign", {"assignee": "enqueteur2", "supervisor": "superviseur", "actor": "superviseur"}),
        ("open_investigation", {}),
        grievance,
        ("conclude_investigation", {}),
        ("decide_follow_ups", {"follow_ups": ["warning"]}),
    ]


def transport_recovery(day: date) -> list[Step]:
    """After the warning (a letter, never acknowledged: presumed received): the notification
    to pay received 5 months ago, the formal notice, a part paid, the contrainte, and the
    balance offset against the firm's next payments (4,210.00 EUR due). Letters all."""
    ago = lambda n: (day - timedelta(days=n)).isoformat()  # noqa: E731
    on = lambda n: day - timedelta(days=n)  # noqa: E731
    return [
        letter(K.WARNING, issued=on(165), sent=on(164)),
        letter(K.PAYMENT_NOTICE, issued=on(155), sent=on(153), received=on(150)),
        letter(K.FORMAL_NOTICE, issued=on(84), sent=on(83), received=on(80)),
        ("record_payment", {"amount": "1500.00", "paid_on": ago(70), "reference": "VIR-7731"}),
        letter(K.CONTRAINTE, issued=on(44), sent=on(43), received=on(40)),
        ("record_payment", {"amount": "2710.00", "paid_on": ago(10), "method": "offset"}),
        ("close", {"reason": "recovered: part paid after the formal notice, balance offset"}),
    ]


def grievances_letter(day: date) -> Step:
    """The nurse's notification of grievances, received 100 days ago: her month for
    observations ran out long ago."""
    return letter(
        K.GRIEVANCES,
        issued=day - timedelta(days=104),
        sent=day - timedelta(days=103),
        received=day - timedelta(days=100),
    )


def fraud_recovery(day: date) -> list[Step]:
    """The nurse's fraud debt (36,250.50 EUR) notified two months ago; a first transfer of
    12,000.00 EUR came in three weeks ago. The penalty procedure runs meanwhile: commission,
    the national director's opinion (fraud), then the director's decision, notified by letter."""
    ago = lambda n: (day - timedelta(days=n)).isoformat()  # noqa: E731
    penalty = "financial_penalty"
    return [
        letter(
            K.PAYMENT_NOTICE,
            issued=day - timedelta(days=64),
            sent=day - timedelta(days=63),
            received=day - timedelta(days=60),
        ),
        ("record_payment", {"amount": "12000.00", "paid_on": ago(20), "reference": "VIR-9120"}),
        (
            "record_procedure_event",
            {"track": penalty, "event": "director_decision", "outcome": "refer_to_commission"},
        ),
        ("record_procedure_event", {"track": penalty, "event": "commission_opinion"}),
        (
            "record_procedure_event",
            {"track": penalty, "event": "director_decision", "outcome": "request_national_opinion"},
        ),
        ("record_procedure_event", {"track": penalty, "event": "national_opinion"}),
        (
            "record_procedure_event",
            {
                "track": penalty,
                "event": "director_decision",
                "outcome": "penalty",
                "amount": "18000.00",
                "actor": "manager",
            },
        ),
        letter(K.DIRECTOR_DECISION, issued=day),
    ]


def insured_scripts(day: date) -> list[list[Step]]:
    """The three insured persons' cases, in the order of RECOVERY_ALERTS."""
    first_due = months_ago(day, 2)  # then one month later, then today
    granted = (first_due - timedelta(days=15)).isoformat()
    notified = (first_due - timedelta(days=50)).isoformat()
    before = lambda d: (d - timedelta(days=2)).isoformat()  # noqa: E731
    second_due = months_ago(day, 1)
    plan = {"instalments": 3, "first_due_on": first_due.isoformat(), "granted_on": granted}
    honoured = [
        *_to_recovery(_grievance("1200.00", "2025-04-30")),
        ("notify_debts", {"received_on": notified}),
        ("record_payment", {"amount": "400.00", "paid_on": before(first_due)}),
        ("record_payment", {"amount": "400.00", "paid_on": before(second_due)}),
        ("grant_instalment_plan", plan),
        letter(K.INSTALMENT_PLAN, issued=date.fromisoformat(granted)),
        ("record_payment", {"amount": "400.00", "paid_on": day.isoformat()}),
        ("close", {"reason": "instalment plan honoured"}),
    ]
    defaulted = [
        # paid 31 months ago: prescribed within the year unless recovered (money at risk)
        *_to_recovery(_grievance("900.00", months_ago(day, 31).isoformat())),
        ("notify_debts", {"received_on": notified}),
        ("record_payment", {"amount": "300.00", "paid_on": before(first_due)}),
        ("grant_instalment_plan", plan),
    ]
    prescribed = [
        *_to_recovery(_grievance("650.00", "2022-03-10")),
        ("write_off", {"write_off_reason": "prescription", "actor": "manager"}),
        ("close", {"reason": "prescribed before recovery: written off"}),
    ]
    return [honoured, defaulted, prescribed]
