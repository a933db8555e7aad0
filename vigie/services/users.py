"""The user registry: who may act, with which role, and who escalations go to. The case
workflow reads an actor's role from here (a local activity), never from the caller."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from models import AppUser
from vigie.runtime.db import transaction
from vigie.services.errors import InvalidInputError, NotFoundError

Role = Literal["investigator", "supervisor", "manager", "auditor", "admin"]
ROLES: tuple[Role, ...] = ("investigator", "supervisor", "manager", "auditor", "admin")


def find_user(engine: Engine, user_id: str) -> AppUser | None:
    with Session(engine) as session:
        user = session.get(AppUser, user_id)
        if user is not None:
            session.expunge(user)
        return user


def set_active(engine: Engine, user_id: str, *, active: bool) -> None:
    """Deactivate (or reactivate) a user: a deactivated user can no longer act."""
    with transaction(engine) as session:
        user = session.get(AppUser, user_id)
        if user is None:
            raise NotFoundError(f"no user {user_id!r}")
        user.active = active
        session.add(user)


def upsert_user(
    engine: Engine, user_id: str, name: str, role: Role, supervisor: str | None = None
) -> None:
    if role not in ROLES:
        raise InvalidInputError("--role", role, f"must be one of {', '.join(ROLES)}")
    if supervisor is not None and supervisor != user_id and find_user(engine, supervisor) is None:
        raise InvalidInputError(
            "--supervisor", supervisor, "no such user: register the supervisor first"
        )
    values = {"id": user_id, "display_name": name, "role": role, "supervisor_id": supervisor}
    with transaction(engine) as session:
        stmt = insert(AppUser).values(**values)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["id"],
                set_={k: stmt.excluded[k] for k in ("display_name", "role", "supervisor_id")},
            )
        )


def list_users(engine: Engine) -> list[AppUser]:
    with Session(engine) as session:
        return list(session.exec(select(AppUser).order_by(col(AppUser.id))).all())
