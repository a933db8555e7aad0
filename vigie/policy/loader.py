"""Load the versioned policy records file into Postgres, and read snapshots back."""

from __future__ import annotations

import itertools
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col

from models.policy import PolicyRecord, PolicyRecordBase
from models.policy_snapshot import PolicySnapshot, PolicyValue

RECORDS_FILE = Path(__file__).with_name("records.toml")
UNITS = {"EUR", "ratio", "multiplier", "pmss", "days", "months", "flag"}


class PolicyFileError(ValueError):
    """The policy records file is invalid; the message names the record and the field."""


def parse_policy_file(path: Path = RECORDS_FILE) -> tuple[int, list[PolicyRecordBase]]:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise PolicyFileError(f"{path}: 'version' must be a positive integer")
    records: list[PolicyRecordBase] = []
    for index, raw in enumerate(data.get("record", []), start=1):
        where = f"{path.name}: record #{index} ({raw.get('key', '?')})"
        try:
            raw = {**raw, "value": Decimal(str(raw.get("value")))}
            rec = PolicyRecordBase.model_validate(raw)
        except (InvalidOperation, ValidationError) as exc:
            raise PolicyFileError(f"{where}: {exc}") from exc
        if rec.unit not in UNITS:
            raise PolicyFileError(f"{where}: unit {rec.unit!r} not in {sorted(UNITS)}")
        if rec.effective_to is not None and rec.effective_to < rec.effective_from:
            raise PolicyFileError(f"{where}: effective_to is before effective_from")
        records.append(rec)
    _check_no_overlap(records)
    return version, records


def _check_no_overlap(records: list[PolicyRecordBase]) -> None:
    by_key: dict[str, list[PolicyRecordBase]] = {}
    for rec in records:
        by_key.setdefault(rec.key, []).append(rec)
    for key, recs in by_key.items():
        recs.sort(key=lambda r: r.effective_from)
        for prev, nxt in itertools.pairwise(recs):
            if prev.effective_to is None or prev.effective_to >= nxt.effective_from:
                raise PolicyFileError(
                    f"policy {key!r}: period from {prev.effective_from} overlaps the one "
                    f"from {nxt.effective_from}"
                )


def sync_policy(engine: Engine, path: Path = RECORDS_FILE) -> int:
    """Load the file's version, whole, unless it is loaded already. Versions are insert-only
    (Postgres refuses any change, migration 0014): a case keeps reading the version it
    opened under. The same version number with other records is refused: bump ``version``."""
    version, records = parse_policy_file(path)
    fresh = PolicySnapshot(
        version=version, records=[PolicyValue.model_validate(r.model_dump()) for r in records]
    )
    with Session(engine) as session, session.begin():
        loaded = _rows(session, version)
        if loaded:
            if _snapshot(version, loaded).digest() != fresh.digest():
                raise PolicyFileError(
                    f"{path.name}: version {version} is already loaded with other records; "
                    "a changed policy needs a new `version` (cases keep the one they opened under)"
                )
            return len(records)
        for rec in records:
            session.execute(insert(PolicyRecord).values(**rec.model_dump(), version=version))
    return len(records)


def _rows(session: Session, version: int | None) -> list[PolicyRecord]:
    if version is None:
        latest = session.execute(select(func.max(PolicyRecord.version))).scalar()
        if latest is None:
            return []
        version = int(latest)
    query = select(PolicyRecord).where(col(PolicyRecord.version) == version)
    return list(session.execute(query).scalars().all())


def _snapshot(version: int, rows: list[PolicyRecord]) -> PolicySnapshot:
    return PolicySnapshot(
        version=version,
        records=[PolicyValue.model_validate(r, from_attributes=True) for r in rows],
    )


def read_snapshot(engine: Engine, version: int | None = None) -> PolicySnapshot:
    """The policy of ``version`` (default: the latest loaded)."""
    with Session(engine) as session:
        rows = _rows(session, version)
    if not rows:
        which = "no policy records" if version is None else f"no policy version {version}"
        raise PolicyFileError(f"{which} in the database: run `vigie migrate`")
    return _snapshot(rows[0].version, rows)


def snapshot_from_file(path: Path = RECORDS_FILE) -> PolicySnapshot:
    """The snapshot straight from the file (for pure tests and tools without a database)."""
    version, records = parse_policy_file(path)
    return PolicySnapshot(
        version=version,
        records=[PolicyValue.model_validate(r.model_dump()) for r in records],
    )


__all__ = ["PolicyFileError", "parse_policy_file", "read_snapshot", "sync_policy"]
