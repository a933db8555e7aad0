"""Users and their roles. The role an action carries comes from here, never from the caller:
a manager's waiver can only be recorded by a registered manager."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from models import AppUser
from vigie.runtime.db import transaction

Role = Literal["investigator", "manager"]
ROLES: tuple[Role, ...] = ("investigator", "manager")


def role_of(engine: Engine, user_id: str) -> Role:
    """The stored role of ``user_id``; an unknown user acts as an investigator."""
    with Session(engine) as session:
        user = session.get(AppUser, user_id)
    return "manager" if user is not None and user.role == "manager" else "investigator"


def upsert_user(
    engine: Engine, user_id: str, name: str, role: Role, supervisor: str | None = None
) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
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
