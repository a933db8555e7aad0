"""Compose a letter's mentions from the case (its state, as the workflow holds it), the
policy (the lengths of the periods) and the fund. A value the case does not have is left
empty, and ``mentions.check`` refuses the letter naming it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from models.case_state import CaseState
from models.letter import LetterKind
from models.types import ActorType, Qualification
from vigie.letters.fund import Fund
from vigie.web.i18n import Formats
from workflows.penalty import penalty_cap
from workflows.procedure.legal_time import period_text

FR = Formats("fr")
FRENCH_UNITS = {"day": "jour", "days": "jours", "month": "mois", "months": "mois"}
QUALIFICATIONS = {
    Qualification.FRAUD: "fraude",
    Qualification.FAULT: "faute",
    Qualification.ABUSE: "abus",
}


def period_fr(state: CaseState, key: str, on: date) -> str:
    """A policy period in French words: "2 mois", "15 jours"."""
    record = state.policy.record(key, on)
    amount, unit = period_text(int(record.value), record.unit).split(" ", 1)
    return f"{amount} {FRENCH_UNITS[unit]}"


def day(value: date | datetime) -> str:
    """A date as a French letter writes it: "1er mai 2025", "14 avril 2026"."""
    text = FR.day(value)
    return "1er" + text[1:] if text.startswith("1 ") else text


def money(amount: Decimal | None) -> str:
    return "" if amount is None else FR.money(amount)


def _facts(state: CaseState) -> str:
    return " ; ".join(
        f"{g.description} ({QUALIFICATIONS[g.qualification]}, {money(g.total)})"
        for g in state.grievances
    )


def _payment_dates(state: CaseState) -> str:
    return " ; ".join(
        f"{day(line.paid_on)} : {money(line.amount)} ({line.description})"
        for g in state.grievances
        for line in g.lines
    )


def _outstanding(state: CaseState) -> Decimal | None:
    left = state.balance.outstanding
    return left if left > 0 else None


def _notified_on(state: CaseState) -> date | None:
    days = [d.notified_on for d in state.debts.values() if d.notified_on]
    return max(days) if days else None


def _formal_notice_received(state: CaseState) -> date | None:
    """When the formal notice letter was received (a formal notice recorded without its
    letter gives no date: the contrainte cannot cite it)."""
    days = [
        x.received_on
        for x in state.letters.values()
        if x.kind is LetterKind.FORMAL_NOTICE and x.received_on
    ]
    return max(days) if days else None


def _appeal(state: CaseState, fund: Fund, on: date) -> str:
    months = period_fr(state, "deadline.cra_silence", on)
    return (
        f"Vous pouvez contester cette décision devant la commission de recours amiable dans un "
        f"délai de {months} à compter de sa réception ; le silence gardé par la commission "
        f"pendant {months} vaut rejet, et vous pouvez alors saisir le {fund.court}."
    )


def compose(kind: LetterKind, state: CaseState, fund: Fund, on: date) -> dict[str, str]:
    """The mentions of a ``kind`` letter written on ``on`` for the case ``state``."""
    target = state.target
    m: dict[str, str] = {
        "organisme": f"{fund.name}, {fund.address}",
        "destinataire": target.display_name or "",
        "identifiant": target.identifier,
        "reference": state.case_id,
        "date_lettre": day(on),
        "signataire": fund.signatory,
    }
    facts = _facts(state)
    if kind is LetterKind.GRIEVANCES:
        fraud = any(g.qualification is Qualification.FRAUD for g in state.grievances)
        cap = penalty_cap(
            state.policy,
            fraud_sums=state.harm_by({Qualification.FRAUD}),
            other_sums=state.harm_by({Qualification.FAULT, Qualification.ABUSE}),
            fraud=fraud,
            repeat_offence=state.repeat_offence,
            on=on,
        )
        m |= {
            "faits": facts,
            "montant": money(state.harm_suffered) if state.grievances else "",
            "sanction_encourue": f"une pénalité financière d'un montant maximal de {money(cap)}"
            if cap > 0
            else "",
            "delai_observations": period_fr(state, "deadline.observations", on),
            "droit_audition": "Vous pouvez, dans le même délai, demander à être entendu.",
            "droit_assistance": "Vous pouvez vous faire assister ou représenter par la personne "
            "de votre choix.",
        }
    elif kind is LetterKind.WARNING:
        m |= {
            "faits": facts,
            "rappel_regles": "La facturation doit correspondre aux actes réellement effectués, "
            "dans le respect de la nomenclature et des conditions de prise en charge.",
            "consequences_recidive": "En cas de nouveau manquement, la caisse pourra engager "
            "une procédure de pénalité financière, dont le montant peut être doublé en cas de "
            "récidive.",
        }
    elif kind is LetterKind.PAYMENT_NOTICE:
        insured = target.actor_type is ActorType.INSURED
        m |= {
            "cause": facts,
            "nature": "prestations de l'assurance maladie versées à tort (indu)",
            "montant": money(_outstanding(state)),
            "dates_versements": _payment_dates(state),
            "delai_paiement": period_fr(state, "deadline.payment_notice", on),
            "voies_recours": _appeal(state, fund, on),
            "adresse_cra": fund.cra_address,
            "droit_observations": (
                "Vous pouvez demander la rectification de cette notification dans un délai de "
                f"{period_fr(state, 'deadline.insured_correction', on)}."
                if insured
                else "Vous pouvez présenter vos observations écrites avant l'expiration du "
                "délai de paiement."
            ),
        }
    elif kind is LetterKind.FORMAL_NOTICE:
        notified = _notified_on(state)
        m |= {
            "notification": f"notification de payer reçue le {day(notified)}" if notified else "",
            "montant": money(_outstanding(state)),
            "delai_paiement": period_fr(state, "deadline.formal_notice", on),
            "suite": "À défaut de paiement dans ce délai, la caisse délivrera une contrainte, "
            "qui a les effets d'un jugement.",
            "voies_recours": _appeal(state, fund, on),
            "adresse_cra": fund.cra_address,
        }
    elif kind is LetterKind.CONTRAINTE:
        notice = _formal_notice_received(state)
        m |= {
            "mise_en_demeure": f"mise en demeure reçue le {day(notice)}, restée sans effet"
            if notice
            else "",
            "montant": money(_outstanding(state)),
            "delai_opposition": period_fr(state, "deadline.contrainte_opposition", on),
            "juridiction": fund.court,
            "force_executoire": "À défaut d'opposition dans ce délai, la contrainte comporte "
            "tous les effets d'un jugement et peut être exécutée par voie d'huissier.",
        }
    elif kind is LetterKind.INSTALMENT_PLAN:
        plan = state.plan
        m |= {
            "montant": money(sum((i.amount for i in plan.instalments), Decimal(0))) if plan else "",
            "echeances": " ; ".join(
                f"{day(i.due_on)} : {money(i.amount)}" for i in plan.instalments
            )
            if plan
            else "",
            "defaillance": "Une échéance impayée rend exigible la totalité du solde, dont le "
            "recouvrement forcé reprend sans nouvel avis.",
        }
    elif kind is LetterKind.DIRECTOR_DECISION:
        track = state.tracks.get("financial_penalty")
        amount = track.penalty_amount if track else None
        m |= {
            "decision": f"une pénalité financière de {money(amount)}" if amount else "",
            "motifs": facts,
            "delai_paiement": period_fr(state, "deadline.payment_notice", on),
            "voies_recours": "Vous pouvez contester cette décision devant le tribunal "
            "judiciaire (pôle social) dans un délai de "
            f"{period_fr(state, 'deadline.penalty_appeal', on)} à compter de sa réception.",
            "juridiction": fund.court,
        }
    return m
