"""Reads an actor's role from the user registry for the case workflow: the role an action is
judged with comes from here, never from the caller."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity

from models.user import ActorProfile, AppUser


class UserActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="actor_profile")
    def actor_profile(self, user_id: str) -> ActorProfile:
        """Read at each action (not cached): a deactivated user stops acting at once."""
        with Session(self.engine) as session:
            user = session.get(AppUser, user_id)
        if user is None:
            return ActorProfile(user_id=user_id, registered=False)
        return ActorProfile(user_id=user_id, registered=True, active=user.active, role=user.role)
