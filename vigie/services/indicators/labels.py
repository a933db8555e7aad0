"""Labels and definitions, in French (the default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]

#: key -> (French label, English label)
LABELS: dict[str, tuple[str, str]] = {
    "recovery_rate_fraudulent_cohort": (
        "Taux de recouvrement des indus frauduleux (cohorte)",
        "Recovery rate of fraudulent overpayments (cohort)",
    ),
    "recovery_rate_fraudulent_flow": (
        "Taux de recouvrement des indus frauduleux (flux)",
        "Recovery rate of fraudulent overpayments (flow)",
    ),
    "recovery_rate_non_fraudulent_cohort": (
        "Taux de recouvrement des indus non frauduleux (cohorte)",
        "Recovery rate of non-fraudulent overpayments (cohort)",
    ),
    "recovery_rate_non_fraudulent_flow": (
        "Taux de recouvrement des indus non frauduleux (flux)",
        "Recovery rate of non-fraudulent overpayments (flow)",
    ),
    "harm_suffered": (
        "Préjudices frauduleux et/ou fautifs constatés ou subis",
        "Fraudulent and/or faulty harm established or suffered",
    ),
    "harm_avoided": (
        "Préjudices frauduleux et/ou fautifs évités",
        "Fraudulent and/or faulty harm avoided",
    ),
    "detected_and_stopped": ("Préjudices détectés et stoppés", "Harm detected and stopped"),
    "litigation_actions": ("Actions contentieuses engagées", "Litigation actions"),
    "fraud_cases_with_litigation": (
        "Part des fraudes avec suites contentieuses",
        "Share of fraud cases with a litigation follow-up",
    ),
    "delay_detection_notification": (
        "Délai détection - notification de l'indu (médiane)",
        "Delay from detection to notification (median)",
    ),
    "cases_by_stage": ("Dossiers en cours par étape", "Open cases by stage"),
    "ageing_by_stage": (
        "Ancienneté dans l'étape (médiane, jours)",
        "Time in current stage (median, days)",
    ),
    "cases_opened": ("Dossiers ouverts", "Cases opened"),
    "cases_closed": ("Dossiers clôturés", "Cases closed"),
    "overdue_tasks": ("Tâches en retard", "Overdue tasks"),
    "detection_yield": (
        "Rendement de la détection (dossiers avec grief qualifié)",
        "Detection yield (cases with a qualified grievance)",
    ),
    "prescribed_within_3_months": (
        "Restant dû des créances prescrites d'ici 3 mois",
        "Outstanding on debts prescribed within 3 months",
    ),
    "prescribed_within_6_months": (
        "Restant dû des créances prescrites d'ici 6 mois",
        "Outstanding on debts prescribed within 6 months",
    ),
    "prescribed_within_12_months": (
        "Restant dû des créances prescrites d'ici 12 mois",
        "Outstanding on debts prescribed within 12 months",
    ),
    "already_prescribed": (
        "Restant dû des créances déjà prescrites (non admises en non-valeur)",
        "Outstanding on debts already prescribed (not written off)",
    ),
    "instalment_plans_behind": (
        "Échéanciers en retard : montant des échéances impayées",
        "Instalment plans behind: instalments unpaid",
    ),
    "late_notifications": (
        "Notifications en retard : préjudice subi non notifié",
        "Late notifications: harm suffered not yet notified",
    ),
}

#: key -> (French definition, English definition)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "cohort": (
        "Indus notifiés dans l'année : part de leur montant (dû net des réductions) recouvrée "
        "à ce jour (payé + compensé ; admis en non-valeur à part).",
        "Overpayments notified in the year: share of their amount (due less reductions) "
        "recovered to date (paid + offset; written off shown apart).",
    ),
    "flow": (
        "Recouvré dans l'année (date de valeur, payé + compensé) sur les indus de cette nature "
        "/ montant des indus notifiés dans l'année.",
        "Recovered in the year (value date, paid + offset) on overpayments of this kind / "
        "amount of the overpayments notified in the year.",
    ),
    "harm_suffered": (
        "Préjudice subi des griefs qualifiés fraude, faute ou abus, compté l'année de son "
        "enregistrement (les erreurs sont montrées à part, non comptées).",
        "Harm suffered of the grievances qualified fraud, fault or abuse, counted in the year "
        "it was recorded (errors shown apart, not counted).",
    ),
    "harm_avoided": (
        "Préjudice évité par les mesures conservatoires, l'année de leur enregistrement.",
        "Harm avoided by protective measures, in the year they were recorded.",
    ),
    "detected_and_stopped": ("Subi (49) + évité (50).", "Suffered (49) + avoided (50)."),
    "litigation_actions": (
        "Suites décidées dans l'année : pénalités, plaintes pénales, sanctions "
        "conventionnelles, plaintes ordinales, avertissements (MSAP non comptée).",
        "Follow-ups decided in the year: penalties, criminal complaints, conventional "
        "sanctions, disciplinary complaints, warnings (MSAP not counted).",
    ),
    "fraud_cases_with_litigation": (
        "Dossiers dont la première fraude a été qualifiée dans l'année : part avec une pénalité, "
        "une plainte ou une sanction décidée (un avertissement seul n'est pas contentieux).",
        "Cases whose first fraud was qualified in the year: share with a penalty, a complaint "
        "or a sanction decided (a warning alone is not litigation).",
    ),
    "delay_detection_notification": (
        "Jours entre la réception du signalement et la première notification d'un indu, pour "
        "les dossiers notifiés dans l'année : médiane (p90 et nombre à part).",
        "Days from the alert received to the first notification of an overpayment, for the "
        "cases notified in the year: median (p90 and count apart).",
    ),
    "cases_by_stage": (
        "Dossiers non clôturés à la date d'arrêté, par étape (historique des étapes).",
        "Cases not closed at the as-of date, by stage (stage history).",
    ),
    "ageing_by_stage": (
        "Jours depuis l'entrée dans l'étape actuelle, à la date d'arrêté.",
        "Days since entering the current stage, at the as-of date.",
    ),
    "cases_opened": ("Dossiers ouverts dans l'année.", "Cases opened in the year."),
    "cases_closed": ("Dossiers clôturés dans l'année.", "Cases closed in the year."),
    "overdue_tasks": (
        "Tâches échues et non faites à la date d'arrêté, par enquêteur du dossier.",
        "Tasks past due and not done at the as-of date, by the case's investigator.",
    ),
    "detection_yield": (
        "Par campagne de détection de l'année : part des dossiers ouverts qui ont un grief "
        "qualifié ; montants détectés et recouvrés.",
        "Per detection run of the year: share of the cases opened that have a qualified "
        "grievance; amounts detected and recovered.",
    ),
}

STAGES: dict[str, tuple[str, str]] = {
    "alert": ("Signalement", "Alert"),
    "triage": ("Ciblage", "Triage"),
    "investigation": ("Investigation", "Investigation"),
    "findings": ("Constat", "Findings"),
    "follow_ups": ("Suites", "Follow-ups"),
    "recovery": ("Recouvrement", "Recovery"),
    "closed": ("Clôturé", "Closed"),
}

WORDS: dict[str, tuple[str, str]] = {
    "financial_penalty": ("Pénalités financières", "Financial penalties"),
    "criminal_complaint": ("Plaintes pénales", "Criminal complaints"),
    "conventional_sanction": ("Sanctions conventionnelles", "Conventional sanctions"),
    "disciplinary_complaint": ("Plaintes ordinales", "Disciplinary complaints"),
    "warning": ("Avertissements", "Warnings"),
    "month": ("mois", "month"),
    "quarter": ("trimestre", "quarter"),
    "year": ("année", "year"),
    "actor_type": ("type d'acteur", "actor type"),
    "profession": ("profession", "profession"),
    "region": ("région", "region"),
    "investigator": ("enquêteur", "investigator"),
    "stage": ("étape", "stage"),
    "kind": ("nature", "kind"),
    "detection_run": ("campagne de détection", "detection run"),
    "professional": ("Professionnel de santé", "Health professional"),
    "establishment": ("Établissement", "Establishment"),
    "insured": ("Assuré", "Insured person"),
    "employer": ("Employeur", "Employer"),
    "none": ("(non renseigné)", "(none)"),
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "fr" else pair[1]


def label(key: str, lang: Lang) -> str:
    return _pick(LABELS[key], lang)


def definition(key: str, variant: str | None, lang: Lang) -> str:
    return _pick(DEFINITIONS[variant or key], lang)


def word(key: str | None, lang: Lang) -> str:
    """A group key or a term, translated when known, as is otherwise."""
    if key is None:
        return _pick(WORDS["none"], lang)
    pair = STAGES.get(key) or WORDS.get(key)
    return _pick(pair, lang) if pair else key
