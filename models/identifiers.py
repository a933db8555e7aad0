"""Personal identifiers: NIR validation, and pseudonyms for detection outputs and logs."""

from __future__ import annotations

import hashlib
import hmac
import re

NIR_RE = re.compile(r"^[12378]\d{2}(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2A|2B)\d{6}\d{2}$")


class InvalidIdentifierError(ValueError):
    """An identifier that fails its format or check key."""


def nir_key(nir13: str) -> int:
    """The NIR check key: 97 - (the 13 digits mod 97), Corsica 2A/2B mapped to 19/18."""
    digits = nir13.upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(digits) % 97


def validate_nir(nir: str) -> str:
    """Return the NIR without spaces, or raise ``InvalidIdentifierError`` saying why."""
    compact = nir.replace(" ", "").upper()
    if not NIR_RE.match(compact):
        raise InvalidIdentifierError("a NIR has 15 characters: sex, year, month, place, order, key")
    if nir_key(compact[:13]) != int(compact[13:]):
        raise InvalidIdentifierError("the NIR check key does not match")
    return compact


def looks_like_nir(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    return len(compact) == 15 and compact[:5].isdigit()


def pseudonymise(value: str, key: str) -> str:
    """A stable pseudonym (keyed HMAC-SHA256): same input, same pseudonym; not reversible
    without the key."""
    digest = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"ps_{digest[:20]}"


def pseudonymise_nir(nir: str, key: str) -> str:
    """Validate a NIR, then return its pseudonym: what a case and detection outputs carry."""
    return pseudonymise(validate_nir(nir), key)
