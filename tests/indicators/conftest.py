"""Each test module of the indicators gets its own database: the indicators add up every
case, so figures written in a test only hold on a database nobody else writes to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.conftest import create_database, drop_database
from vigie.runtime.db import make_engine
from vigie.runtime.migrate import upgrade_head


@pytest.fixture(scope="module")
def own_database(pg_server_url: str) -> Iterator[str]:
    url = create_database(pg_server_url)
    upgrade_head(url)
    yield url
    drop_database(pg_server_url, url)


@pytest.fixture(scope="module")
def own_engine(own_database: str) -> Iterator[Engine]:
    engine = make_engine(own_database, pool_size=2)
    yield engine
    engine.dispose()
