"""Apply Alembic migrations, then load the versioned policy records."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_head(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def schema_behind(engine: Engine) -> str | None:
    """Why the database cannot serve this version of Vigie (its schema is not the newest
    migration), or None when it is up to date."""
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return None
    found = f"at migration {current}" if current else "not initialised"
    return f"the database is {found}, this Vigie needs {head}: run `vigie migrate` (or `vigie up`)"
