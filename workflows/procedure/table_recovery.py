"""Which recovery action is possible at which step of the recovery track (rules version 2).

Read it as the procedure: notify; then the debtor pays, appeals to the CRA, or lets the
period run out; the fund issues the formal notice, then the contrainte, which the debtor may
oppose; then the fund enforces. An instalment plan can be agreed once the debt is notified.
Payments, write-offs and reversals are possible at every step while the track is open.
"""

from __future__ import annotations

NOTIFIED = frozenset(
    {
        "payment_period",
        "correction_period",
        "formal_notice_due",
        "cra_appeal",
        "formal_notice",
        "contrainte_due",
        "contrainte",
        "opposition",
        "enforcement",
    }
)

#: action -> the recovery steps in which it is possible
STEPS_FOR: dict[str, frozenset[str]] = {
    "notify_debts": frozenset({"to_notify"}),
    "record_cra_appeal": frozenset({"payment_period", "formal_notice_due"}),
    "record_cra_decision": frozenset({"cra_appeal"}),
    "issue_formal_notice": frozenset({"formal_notice_due"}),
    "issue_contrainte": frozenset({"contrainte_due"}),
    "record_opposition": frozenset({"contrainte"}),
    "record_opposition_judgment": frozenset({"opposition"}),
    "grant_instalment_plan": NOTIFIED,
    "cancel_instalment_plan": frozenset({"instalment_plan"}),
}
