"""Personal identifiers: NIRs are validated and never enter a case or a detection output raw."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.case_messages import TargetRef
from models.identifiers import InvalidIdentifierError, nir_key, pseudonymise_nir, validate_nir
from models.types import ActorType

VALID_NIR = "185057512345673"
CORSICAN_NIR = "2850" + "52A" + "123456"


def test_a_nir_with_a_wrong_check_key_is_refused() -> None:
    with pytest.raises(InvalidIdentifierError, match="check key"):
        validate_nir(VALID_NIR[:13] + "00")


def test_a_corsican_nir_uses_the_19_and_18_department_codes_for_its_key() -> None:
    nir = CORSICAN_NIR + f"{nir_key(CORSICAN_NIR):02d}"
    assert validate_nir(nir) == nir
    assert nir_key(CORSICAN_NIR) == 97 - int(CORSICAN_NIR.replace("2A", "19")) % 97


def test_a_raw_nir_never_becomes_a_case_target() -> None:
    with pytest.raises(ValidationError, match="raw NIR"):
        TargetRef(actor_type=ActorType.INSURED, identifier=VALID_NIR)


def test_a_pseudonym_is_stable_keyed_and_hides_the_nir() -> None:
    first = pseudonymise_nir(VALID_NIR, "key-1")
    assert first == pseudonymise_nir("1 85 05 75 123 456 73", "key-1")
    assert first != pseudonymise_nir(VALID_NIR, "key-2")
    assert VALID_NIR not in first
    target = TargetRef(actor_type=ActorType.INSURED, identifier=first)
    assert target.key == f"insured:{first}"
