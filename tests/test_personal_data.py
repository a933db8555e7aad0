"""Personal data: NIRs never reach a log, payloads are encrypted in Temporal's history, and
Vigie refuses to start outside development with the development keys."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.identifiers import InvalidIdentifierError, nir_key, validate_nir
from vigie.logs import MASK, configure
from vigie.runtime.secrets import check_secrets
from vigie.runtime.stack import Stack
from vigie.services.errors import InvalidInputError
from vigie.settings import Settings

NIR13 = "1850578006084"
NIR = f"{NIR13}{nir_key(NIR13):02d}"


@pytest.fixture
def logging_to(tmp_path: Path) -> Iterator[Path]:
    """Vigie's own logging set-up, writing to a file; the test run's set-up put back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure(log_dir=tmp_path)
    yield tmp_path / "vigie.log"
    for handler in root.handlers:
        handler.close()
    root.handlers[:], root.level = saved


def test_a_nir_in_a_message_or_a_traceback_never_reaches_the_log(logging_to: Path) -> None:
    log = logging.getLogger("vigie.test")
    log.warning("claim refused for beneficiary %s", NIR)
    log.info("spaced: 1 85 05 78 006 084 %s", NIR[-2:])
    try:
        raise ValueError(f"no case for {NIR13}")
    except ValueError:
        log.exception("lookup failed")
    written = logging_to.read_text(encoding="utf-8")
    assert NIR not in written and NIR13 not in written and "006 084" not in written
    assert written.count(MASK) == 3  # two messages and the exception line of the traceback
    assert "lookup failed" in written and "ValueError" in written


def test_a_nir_is_checked_against_its_key_and_the_refusal_does_not_repeat_it() -> None:
    assert validate_nir(NIR) == NIR
    wrong = f"{NIR13}{(nir_key(NIR13) + 1) % 97:02d}"
    with pytest.raises(InvalidIdentifierError) as refused:
        validate_nir(wrong)
    assert "check key" in str(refused.value) and NIR13 not in str(refused.value)


def test_outside_development_the_development_keys_are_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_secrets(Settings(env="production"))
    assert "VIGIE_PSEUDONYM_KEY and VIGIE_PAYLOAD_KEY" in str(refused.value)
    with pytest.raises(InvalidInputError, match="VIGIE_PAYLOAD_KEY"):
        check_secrets(Settings(env="production", pseudonym_key="x" * 32))
    check_secrets(Settings(env="production", pseudonym_key="x" * 32, payload_key="y" * 32))
    check_secrets(Settings())  # development: the defaults are fine


async def test_the_stack_does_not_start_outside_development_with_the_default_keys(
    tmp_path: Path,
) -> None:
    settings = Settings(env="production", home=tmp_path / "home")
    with pytest.raises(InvalidInputError):
        async with Stack(settings):
            pytest.fail("the stack started")
    assert not (tmp_path / "home" / "pgdata").exists(), "nothing was started"
