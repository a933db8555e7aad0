"""The SQLAlchemy engine and sessions. Only activities and read-side code use them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session, create_engine


def make_engine(url: str, pool_size: int = 10) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=5)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session, one transaction: committed on success, rolled back on any error."""
    with Session(engine) as session, session.begin():
        yield session
