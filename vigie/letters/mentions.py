"""The mandatory mentions of each letter kind, and the check that refuses a letter missing
one. A notification missing a mandatory mention is void (it voids the procedure), so a
letter is never issued with a mention absent or empty.

Sources: notification of grievances and the director's decision, R147-2 CSS; notification
to pay, R133-9-1 (professionals) and R133-9-2 (insured persons) CSS; formal notice,
R133-9-1 II; contrainte, R133-3 CSS; warning, L114-17-1 CSS; instalment plan, the fund's
agreement with the debtor.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.letter import LetterKind
from vigie.services.errors import InvalidInputError


@dataclass(frozen=True)
class Mention:
    key: str
    label: str  # in French: the letters are always French


COMMON = (
    Mention("organisme", "l'organisme qui écrit"),
    Mention("destinataire", "le destinataire"),
    Mention("reference", "la référence du dossier"),
    Mention("date_lettre", "la date de la lettre"),
    Mention("signataire", "le signataire"),
)

#: kind -> its mandatory mentions, beyond the common ones
MENTIONS: dict[LetterKind, tuple[Mention, ...]] = {
    LetterKind.GRIEVANCES: (
        Mention("faits", "les faits reprochés"),
        Mention("montant", "le montant des sommes en cause"),
        Mention("sanction_encourue", "la pénalité encourue"),
        Mention("delai_observations", "le délai pour présenter des observations"),
        Mention("droit_audition", "le droit d'être entendu"),
        Mention("droit_assistance", "le droit d'être assisté"),
    ),
    LetterKind.WARNING: (
        Mention("faits", "les faits reprochés"),
        Mention("rappel_regles", "le rappel des règles"),
        Mention("consequences_recidive", "les conséquences d'une récidive"),
    ),
    LetterKind.PAYMENT_NOTICE: (
        Mention("cause", "la cause de l'indu"),
        Mention("nature", "la nature des sommes"),
        Mention("montant", "le montant réclamé"),
        Mention("dates_versements", "les dates des versements indus"),
        Mention("delai_paiement", "le délai de paiement"),
        Mention("voies_recours", "les voies et délais de recours"),
        Mention("adresse_cra", "l'adresse de la commission de recours amiable"),
        Mention("droit_observations", "le droit de présenter des observations"),
    ),
    LetterKind.FORMAL_NOTICE: (
        Mention("notification", "la notification de payer restée sans effet"),
        Mention("montant", "le montant restant dû"),
        Mention("delai_paiement", "le délai pour payer"),
        Mention("suite", "la suite en l'absence de paiement"),
        Mention("voies_recours", "les voies et délais de recours"),
        Mention("adresse_cra", "l'adresse de la commission de recours amiable"),
    ),
    LetterKind.CONTRAINTE: (
        Mention("mise_en_demeure", "la mise en demeure restée sans effet"),
        Mention("montant", "le montant restant dû"),
        Mention("delai_opposition", "le délai d'opposition"),
        Mention("juridiction", "la juridiction compétente et son adresse"),
        Mention("force_executoire", "les effets d'une contrainte non contestée"),
    ),
    LetterKind.INSTALMENT_PLAN: (
        Mention("montant", "le montant échelonné"),
        Mention("echeances", "les échéances et leurs montants"),
        Mention("defaillance", "les conséquences d'une échéance impayée"),
    ),
    LetterKind.DIRECTOR_DECISION: (
        Mention("decision", "la décision et le montant de la pénalité"),
        Mention("motifs", "les motifs de la décision"),
        Mention("delai_paiement", "le délai de paiement"),
        Mention("voies_recours", "les voies et délais de recours"),
        Mention("juridiction", "la juridiction compétente et son adresse"),
    ),
}

#: the title each letter carries
TITLES: dict[LetterKind, str] = {
    LetterKind.GRIEVANCES: "Notification des griefs",
    LetterKind.WARNING: "Avertissement",
    LetterKind.PAYMENT_NOTICE: "Notification de payer",
    LetterKind.FORMAL_NOTICE: "Mise en demeure",
    LetterKind.CONTRAINTE: "Contrainte",
    LetterKind.INSTALMENT_PLAN: "Échéancier de paiement",
    LetterKind.DIRECTOR_DECISION: "Décision du directeur",
}


def required(kind: LetterKind) -> tuple[Mention, ...]:
    return COMMON + MENTIONS[kind]


class MissingMentionsError(InvalidInputError):
    """A letter lacks a mandatory mention: it is not issued."""

    def __init__(self, kind: LetterKind, missing: list[Mention]) -> None:
        names = ", ".join(f"{m.key} ({m.label})" for m in missing)
        reason = f"missing or empty: {names}; a {kind.value} letter is not issued without them"
        super().__init__("mentions", names, reason)
        self.args = (f"mandatory mention {reason}",)
        self.missing = [m.key for m in missing]


def check(kind: LetterKind, mentions: dict[str, str]) -> None:
    """Refuse a letter with any mandatory mention absent or blank."""
    missing = [m for m in required(kind) if not (mentions.get(m.key) or "").strip()]
    if missing:
        raise MissingMentionsError(kind, missing)
