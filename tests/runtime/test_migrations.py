"""Schema: the migrations and the models describe exactly the same database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from tests.conftest import create_database, drop_database
from vigie.runtime.migrate import upgrade_head


def test_alembic_upgrade_head_on_empty_database_produces_exactly_the_models_schema(
    pg_server_url: str,
) -> None:
    url = create_database(pg_server_url)
    try:
        upgrade_head(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
            tables = set(inspect(conn).get_table_names())
        engine.dispose()
        assert diff == [], f"migrations and models differ: {diff}"
        assert set(SQLModel.metadata.tables) <= tables
    finally:
        drop_database(pg_server_url, url)
