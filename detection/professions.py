"""Profession names as real extracts spell them, mapped to Vigie's known values.

The catalogue (care minutes, expensive acts, typologies) is keyed by `nurse, gp,
physiotherapist, transport, dentist, hearing_aid, pharmacy`. Extracts from the fund's
information system say "Infirmier", "Médecin généraliste" or "Masseur-kinésithérapeute";
they are folded (lower case, no accents, words joined by "_") and looked up here. A name that
is not listed stays as folded and is scored against its own peers, never against another
profession.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

ALIASES: dict[str, str] = {
    # nurses
    "infirmier": "nurse",
    "infirmiere": "nurse",
    "infirmier_liberal": "nurse",
    "infirmiere_liberale": "nurse",
    "ide": "nurse",
    "idel": "nurse",
    "nurses": "nurse",
    # general practitioners
    "general_practitioner": "gp",
    "generaliste": "gp",
    "medecin_generaliste": "gp",
    "medecin_generaliste_liberal": "gp",
    "omnipraticien": "gp",
    "mg": "gp",
    # physiotherapists
    "physio": "physiotherapist",
    "physiotherapy": "physiotherapist",
    "kine": "physiotherapist",
    "kinesitherapeute": "physiotherapist",
    "masseur_kinesitherapeute": "physiotherapist",
    "mk": "physiotherapist",
    # patient transport
    "taxi": "transport",
    "taxis": "transport",
    "ambulance": "transport",
    "ambulancier": "transport",
    "transporteur": "transport",
    "transport_sanitaire": "transport",
    "transports_sanitaires": "transport",
    "vsl": "transport",
    "patient_transport": "transport",
    # dentists
    "dentiste": "dentist",
    "chirurgien_dentiste": "dentist",
    "dental": "dentist",
    # hearing-aid suppliers
    "audioprothesiste": "hearing_aid",
    "hearing_aid_supplier": "hearing_aid",
    "hearing_aids": "hearing_aid",
    "audiologist": "hearing_aid",
    # pharmacies
    "pharmacie": "pharmacy",
    "pharmacien": "pharmacy",
    "pharmacist": "pharmacy",
    "officine": "pharmacy",
}

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """Lower case, accents removed, runs of other characters turned into one "_"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub("_", text.lower()).strip("_")


def canonical_profession(name: str) -> str:
    folded = fold(name)
    if not folded:  # nothing left once folded ("???"): keep the name as written
        return str(name).strip()
    return ALIASES.get(folded, folded)


def canonical_professions(names: pd.Series) -> pd.Series:
    """Vectorised over the distinct values (a claims file has a handful of professions)."""
    mapping = {value: canonical_profession(value) for value in names.unique()}
    return names.map(mapping)
