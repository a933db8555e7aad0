"""The policy is reconstructible: each version is kept whole and never changed (Postgres
refuses), a case records the version and hash it opened under, and folding its audit log
uses that version, not today's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg.errors
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from models.case_messages import OpenCaseInput, TargetRef
from models.types import ActorType
from tests.conftest import create_database, drop_database
from vigie.policy.loader import (
    RECORDS_FILE,
    PolicyFileError,
    read_snapshot,
    snapshot_from_file,
    sync_policy,
)
from vigie.runtime.db import make_engine
from vigie.runtime.migrate import upgrade_head
from workflows.procedure import open_case
from workflows.procedure.fold import fold

OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def policy_db(pg_server_url: str) -> Iterator[Engine]:
    """A database of its own: these tests load policy versions the others must not see."""
    url = create_database(pg_server_url)
    upgrade_head(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_database(pg_server_url, url)


def next_version(tmp_path: Path, old: str, new: str, bump: bool = True) -> Path:
    """The records file with one record's text changed, its version bumped or not."""
    source = RECORDS_FILE.read_text(encoding="utf-8")
    version = snapshot_from_file().version
    assert old in source
    changed = source.replace(old, new, 1)
    if bump:
        changed = changed.replace(f"version = {version}\n", f"version = {version + 1}\n", 1)
    path = tmp_path / "records.toml"
    path.write_text(changed, encoding="utf-8")
    return path


OBSERVATIONS = 'key = "deadline.observations"\nvalue = "1"'
LONGER = 'key = "deadline.observations"\nvalue = "2"'


def test_a_new_version_is_added_beside_the_old_one_which_reads_the_same(
    policy_db: Engine, tmp_path: Path
) -> None:
    sync_policy(policy_db)
    first = read_snapshot(policy_db)
    sync_policy(policy_db)  # the same version again: nothing added
    assert read_snapshot(policy_db) == first

    sync_policy(policy_db, next_version(tmp_path, OBSERVATIONS, LONGER))
    latest = read_snapshot(policy_db)
    assert latest.version == first.version + 1
    assert latest.record("deadline.observations", OPENED.date()).value == 2
    kept = read_snapshot(policy_db, first.version)
    assert kept.digest() == first.digest()
    assert kept.record("deadline.observations", OPENED.date()).value == 1


def test_the_same_version_with_other_records_is_refused(policy_db: Engine, tmp_path: Path) -> None:
    sync_policy(policy_db)
    with pytest.raises(PolicyFileError, match="already loaded with other records"):
        sync_policy(policy_db, next_version(tmp_path, OBSERVATIONS, LONGER, bump=False))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE policy_record SET value = 2 WHERE key = 'deadline.observations'",
        "DELETE FROM policy_record WHERE key = 'deadline.observations'",
        "TRUNCATE policy_record",
    ],
)
def test_postgres_refuses_to_change_a_loaded_policy(policy_db: Engine, statement: str) -> None:
    sync_policy(policy_db)
    with pytest.raises(DBAPIError) as refused:
        with policy_db.begin() as conn:
            conn.execute(text(statement))
    assert isinstance(refused.value.orig, psycopg.errors.RestrictViolation)


def test_a_case_is_folded_under_the_policy_it_opened_with_not_todays(
    policy_db: Engine, tmp_path: Path
) -> None:
    sync_policy(policy_db)
    opened_under = read_snapshot(policy_db)
    opening = OpenCaseInput(
        target=TargetRef(actor_type=ActorType.PROFESSIONAL, identifier="P1"),
        period="2025",
        request_id="open",
    )
    out = open_case(opening, opened_under, "case:professional:P1:2025", OPENED)
    rows = [(1, OPENED, "open", out.details)]
    assert out.details["policy_hash"] == opened_under.digest()

    sync_policy(policy_db, next_version(tmp_path, OBSERVATIONS, LONGER))  # a rule changes
    folded = fold(rows, "case:professional:P1:2025", lambda v: read_snapshot(policy_db, v))
    assert folded.policy == opened_under == out.state.policy

    # a version edited in place would change the past: the fold says so
    other = read_snapshot(policy_db)  # the new version, passed off as the old one
    with pytest.raises(ValueError, match="no longer reads the same"):
        fold(rows, "case:professional:P1:2025", lambda v: other)
