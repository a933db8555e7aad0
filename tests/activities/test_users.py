"""The user registry: the case workflow reads each actor's role from it, never from the caller."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine

from activities.users import UserActivities
from vigie.services.errors import InvalidInputError
from vigie.services.users import find_user, set_active, upsert_user


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_the_workflow_reads_a_registered_managers_role_from_the_registry(engine: Engine) -> None:
    boss = new_id("boss")
    upsert_user(engine, boss, "Boss", "manager")
    profile = UserActivities(engine).actor_profile(boss)
    assert (profile.registered, profile.active, profile.role) == (True, True, "manager")


def test_an_unknown_user_is_reported_unregistered_not_given_a_default_role(
    engine: Engine,
) -> None:
    profile = UserActivities(engine).actor_profile(new_id("nobody"))
    assert not profile.registered and not profile.active


def test_a_demoted_manager_loses_the_manager_role(engine: Engine) -> None:
    user = new_id("u")
    upsert_user(engine, user, "U", "manager")
    upsert_user(engine, user, "U", "investigator")
    assert UserActivities(engine).actor_profile(user).role == "investigator"


def test_a_deactivated_user_is_reported_inactive(engine: Engine) -> None:
    user = new_id("leaver")
    upsert_user(engine, user, "Leaver", "investigator")
    set_active(engine, user, active=False)
    assert not UserActivities(engine).actor_profile(user).active


def test_a_supervisor_who_is_not_registered_is_refused_and_nothing_is_written(
    engine: Engine,
) -> None:
    user = new_id("paul")
    with pytest.raises(InvalidInputError) as refused:
        upsert_user(engine, user, "Paul", "investigator", supervisor="ghost")
    assert refused.value.field == "--supervisor" and "register" in refused.value.reason
    assert find_user(engine, user) is None
