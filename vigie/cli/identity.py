"""Who is acting on the command line: a registered, active user, never a default.

Until the API's authentication lands, the command line acts as ``--as USER`` or the
``VIGIE_USER`` environment variable, and only as a user of the registry (`vigie users`).
The role is not decided here: the case workflow reads it from the registry.
"""

from __future__ import annotations

import os

from sqlalchemy import Engine

from vigie.services.errors import InvalidInputError
from vigie.services.users import find_user

HOW_TO_SET = (
    "set VIGIE_USER to your user id (export VIGIE_USER=alice) or pass --as USER; "
    "a manager registers users with `vigie users add USER --name ... --role ...`"
)


def current_user() -> str | None:
    """The user named by ``VIGIE_USER``; None when unset (no fallback to the OS user)."""
    return os.environ.get("VIGIE_USER") or None


def acting_user(engine: Engine, given: str | None = None) -> str:
    """The registered, active user who acts; refused with how to set it otherwise."""
    user_id = given or current_user()
    if not user_id:
        raise InvalidInputError("VIGIE_USER", "(unset)", f"no user given: {HOW_TO_SET}")
    user = find_user(engine, user_id)
    if user is None:
        raise InvalidInputError("user", user_id, f"not a registered user: {HOW_TO_SET}")
    if not user.active:
        raise InvalidInputError("user", user_id, "this user is deactivated and cannot act")
    return user_id
