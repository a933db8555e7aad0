"""Roles come from the users table, never from the caller."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine

from vigie.services.users import role_of, upsert_user


def test_a_registered_manager_acts_as_manager_and_an_unknown_user_as_investigator(
    engine: Engine,
) -> None:
    boss = f"boss-{uuid.uuid4().hex[:6]}"
    upsert_user(engine, boss, "Boss", "manager")
    assert role_of(engine, boss) == "manager"
    assert role_of(engine, f"nobody-{uuid.uuid4().hex[:6]}") == "investigator"


def test_a_demoted_manager_loses_the_manager_role(engine: Engine) -> None:
    user = f"u-{uuid.uuid4().hex[:6]}"
    upsert_user(engine, user, "U", "manager")
    upsert_user(engine, user, "U", "investigator")
    assert role_of(engine, user) == "investigator"
