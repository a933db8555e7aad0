"""The words people read for the code's names: actions (as a form's title and as a past
verb in the timeline), action fields, choices, stages and timeline kinds. Written here in
English, as message ids the catalog translates (French by default)."""

from __future__ import annotations

from collections.abc import Callable

from vigie.services.indicators.labels import Lang, word

#: action -> (form title, what the timeline says someone did)
ACTIONS: dict[str, tuple[str, str]] = {
    "open": ("Open a case", "opened the case"),
    "deadline_expired": ("Deadline expired", "noted that a deadline expired"),
    "assign": ("Assign the case", "assigned the case"),
    "open_investigation": ("Open the investigation", "opened the investigation"),
    "dismiss": ("Dismiss the case", "dismissed the case"),
    "merge": ("Merge into another case", "merged the case into another"),
    "add_investigation_action": ("Plan an investigation step", "planned an investigation step"),
    "complete_investigation_action": (
        "Complete an investigation step",
        "completed an investigation step",
    ),
    "record_grievance": ("Record a grievance", "recorded a grievance"),
    "take_protective_measure": ("Take a protective measure", "took a protective measure"),
    "lift_protective_measure": ("Lift a protective measure", "lifted a protective measure"),
    "conclude_investigation": ("Conclude the investigation", "concluded the investigation"),
    "decide_follow_ups": ("Decide the follow-ups", "decided the follow-ups"),
    "waive_complaint": ("Waive the complaint, with a justification", "waived the complaint"),
    "record_procedure_event": ("Record a procedure event", "recorded a procedure event"),
    "close": ("Close the case", "closed the case"),
    "notify_debts": ("Notify the debts", "notified the debts"),
    "record_payment": ("Record a payment", "recorded a payment"),
    "grant_instalment_plan": ("Grant an instalment plan", "granted an instalment plan"),
    "cancel_instalment_plan": ("Cancel the instalment plan", "cancelled the instalment plan"),
    "record_cra_appeal": ("Record an appeal to the CRA", "recorded an appeal to the CRA"),
    "record_cra_decision": ("Record the CRA's decision", "recorded the CRA's decision"),
    "issue_formal_notice": ("Issue a formal notice", "issued a formal notice"),
    "issue_contrainte": ("Issue a contrainte", "issued a contrainte"),
    "record_opposition": ("Record an opposition", "recorded an opposition"),
    "record_opposition_judgment": (
        "Record the opposition judgment",
        "recorded the opposition judgment",
    ),
    "write_off": ("Write off", "wrote off"),
    "reverse_entry": ("Reverse a ledger entry", "reversed a ledger entry"),
    "issue_letter": ("Issue a letter", "issued a letter"),
    "send_letter": ("Record the posting of a letter", "recorded the posting of a letter"),
    "record_letter_receipt": ("Record a letter's receipt", "recorded a letter's receipt"),
}

FIELDS: dict[str, str] = {
    "assignee": "Assignee",
    "reason": "Reason",
    "supervisor": "Supervisor",
    "into_case_id": "Case to merge into",
    "kind": "Kind",
    "due_at": "Due on",
    "description": "Description",
    "key": "Step or measure",
    "result": "Result",
    "qualification": "Qualification",
    "line_description": "Line: description",
    "line_amount": "Line: amount (€)",
    "line_paid_on": "Line: paid on",
    "estimated_avoided": "Estimated harm avoided (€)",
    "follow_ups": "Follow-ups",
    "repeat_offence": "Repeat offence",
    "justification": "Justification",
    "track": "Track",
    "event": "Event",
    "outcome": "Outcome",
    "amount": "Amount (€)",
    "note": "Note",
    "received_on": "Received on",
    "paid_on": "Paid on",
    "method": "Method",
    "debt": "Debt",
    "reference": "Reference",
    "source": "Source",
    "instalments": "Number of instalments",
    "first_due_on": "First instalment due on",
    "granted_on": "Granted on",
    "decision": "Decision",
    "reduced_by": "Reduced by (€)",
    "write_off_reason": "Write-off reason",
    "entry": "Ledger entry",
}

CHOICES: dict[str, str] = {
    "document_request": "Document request",
    "patient_survey": "Patient survey",
    "hearing": "Hearing",
    "on_site_check": "On-site check",
    "bank_data_request": "Bank data request",
    "fraud": "Fraud",
    "fault": "Fault",
    "abuse": "Abuse",
    "error": "Error",
    "payment_suspension": "Payment suspension",
    "prior_approval": "Prior approval",
    "urgent_delisting": "Urgent delisting",
    "warning": "Warning",
    "financial_penalty": "Financial penalty",
    "criminal_complaint": "Criminal complaint",
    "conventional_sanction": "Conventional sanction",
    "disciplinary_complaint": "Disciplinary complaint",
    "msap": "Prior approval (MSAP)",
    "recovery": "Recovery",
    "grievances_notified": "Grievances notified",
    "observations_received": "Observations received",
    "hearing_held": "Hearing held",
    "director_decision": "Director's decision",
    "commission_extended": "Commission extended",
    "commission_opinion": "Commission's opinion",
    "drop": "Drop",
    "refer_to_commission": "Refer to the commission",
    "request_national_opinion": "Request the national opinion",
    "penalty": "Penalty",
    "transfer": "Transfer",
    "cheque": "Cheque",
    "card": "Card",
    "offset": "Offset",
    "garnishment": "Garnishment",
    "action": "Entered by hand",
    "import": "Payment file",
    "rejected": "Rejected",
    "partly_upheld": "Partly upheld",
    "upheld": "Upheld",
    "prescription": "Prescription",
    "insolvency": "Insolvency",
    "remission": "Remission",
    "decision_cancelled": "Decision cancelled",
}

#: steps of the tracks and kinds of deadlines
#: procedure letters (vigie/letters), by kind
LETTERS: dict[str, str] = {
    "grievances": "Notification of grievances",
    "warning": "Warning letter",
    "payment_notice": "Notification to pay",
    "formal_notice": "Formal notice",
    "contrainte": "Contrainte",
    "instalment_plan": "Instalment plan",
    "director_decision": "Director's decision",
}

STEPS: dict[str, str] = {
    "letter_receipt": "acknowledgement of receipt",
    "ended": "ended",
    "to_notify": "grievances to notify",
    "observations": "observations period",
    "director_decision": "director's decision",
    "final_decision": "final decision",
    "commission": "commission",
    "national_opinion": "national opinion",
    "to_decide": "to decide",
    "to_file": "complaint to file",
    "filed": "complaint filed",
    "prosecution": "prosecution",
    "payment_period": "payment period",
    "correction_period": "correction period",
    "formal_notice_due": "formal notice due",
    "cra_appeal": "appeal to the CRA",
    "formal_notice": "formal notice",
    "contrainte_due": "contrainte due",
    "contrainte": "contrainte",
    "opposition": "opposition",
    "enforcement": "enforcement",
    "instalment_plan": "instalment plan",
    "triage": "triage",
    "action": "investigation step",
    "complaint": "complaint",
    "debt_prescribed": "debt prescribed",
    "debt_prescription_warning": "debt prescription warning",
    "instalment_due": "instalment due",
    "instalment_reminder": "instalment reminder",
    "msap_end": "end of prior approval",
    "penalty": "penalty",
    "prescription": "prescription",
    "prosecutor_call": "call to the prosecutor",
    "prosecutor_check": "check with the prosecutor",
    "recovery": "recovery",
    "warning": "warning",
    "cra_silence": "CRA silent",
    "contrainte_opposition": "opposition period",
    "insured_correction": "correction by the insured person",
}

ROLES: dict[str, str] = {
    "investigator": "investigator",
    "supervisor": "supervisor",
    "manager": "manager",
    "auditor": "auditor",
    "admin": "administrator",
}

#: timeline kinds (a filter of the case page) and the actions of each
KINDS: dict[str, str] = {
    "case": "Case handling",
    "investigation": "Investigation",
    "sanctions": "Sanctions",
    "money": "Money",
    "deadlines": "Deadlines",
}
_KIND_OF: dict[str, str] = {
    **dict.fromkeys(("open", "assign", "open_investigation", "dismiss", "merge", "close"), "case"),
    **dict.fromkeys(
        (
            "add_investigation_action",
            "complete_investigation_action",
            "record_grievance",
            "take_protective_measure",
            "lift_protective_measure",
            "conclude_investigation",
        ),
        "investigation",
    ),
    **dict.fromkeys(
        ("decide_follow_ups", "waive_complaint", "record_procedure_event"), "sanctions"
    ),
    "deadline_expired": "deadlines",
}


def kind_of(action: str) -> str:
    """The timeline kind of an action; every recovery action is about money."""
    return _KIND_OF.get(action, "money")


def every_message() -> list[str]:
    """Every message id this module shows (a test checks each has a French translation)."""
    return [
        *(m for pair in ACTIONS.values() for m in pair),
        *FIELDS.values(),
        *CHOICES.values(),
        *KINDS.values(),
        *ROLES.values(),
        *STEPS.values(),
    ]


class Labels:
    """The templates' access to these words, in one language."""

    def __init__(self, gettext: Callable[[str], str], lang: str) -> None:
        self._, self.lang = gettext, lang

    def action(self, name: str) -> str:
        pair = ACTIONS.get(name)
        return self._(pair[0]) if pair else name.replace("_", " ")

    def did(self, name: str) -> str:
        pair = ACTIONS.get(name)
        return self._(pair[1]) if pair else name.replace("_", " ")

    def field(self, name: str) -> str:
        label = FIELDS.get(name)
        return self._(label) if label else name.replace("_", " ").capitalize()

    def choice(self, value: str | None) -> str:
        if value is None:
            return "\u2013"
        label = CHOICES.get(value)
        return self._(label) if label else value.replace("_", " ")

    def stage(self, value: str | None) -> str:
        language: Lang = "fr" if self.lang == "fr" else "en"
        return word(getattr(value, "value", value), language)

    def step(self, value: str | None) -> str:
        """A track's step, a deadline's kind or a track's outcome."""
        if value is None:
            return "\u2013"
        if value in STEPS:
            return self._(STEPS[value])
        return self.choice(value)

    def letter(self, kind: str) -> str:
        return self._(LETTERS[kind]) if kind in LETTERS else kind

    def role(self, name: str) -> str:
        return self._(ROLES.get(name, name))

    def kind(self, name: str) -> str:
        return self._(KINDS[name]) if name in KINDS else name
