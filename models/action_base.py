"""What every case action carries, whatever the action."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)

#: a field that histories recorded before roles came from the user registry still carry
LEGACY_ROLE_FIELD = "role"
#: the role such an action was judged with when its payload carried none
LEGACY_DEFAULT_ROLE = "investigator"


class ActionBase(BaseModel):
    """What every action carries. The actor's role is *not* here: the workflow reads it from
    the user registry. Unknown fields are refused, so a misspelt field is never ignored."""

    model_config = ConfigDict(extra="forbid")

    request_id: str = Field(min_length=1, max_length=100)
    actor: str = Field(min_length=1, max_length=60)
    reason: str | None = Field(default=None, max_length=400)

    _claimed_role: str | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _set_aside_claimed_role(
        cls, data: Any, handler: ModelWrapValidatorHandler[ActionBase]
    ) -> ActionBase:
        """A payload that claims a role is decoded, the claim set aside: the workflow refuses
        it for every new action, and only replays it for histories recorded before."""
        claimed = None
        if isinstance(data, dict) and LEGACY_ROLE_FIELD in data:
            data = dict(data)
            claimed = data.pop(LEGACY_ROLE_FIELD)
        model = handler(data)
        model._claimed_role = None if claimed is None else str(claimed)
        return model

    @property
    def claimed_role(self) -> str | None:
        """The role a payload claimed (never trusted; see ``_set_aside_claimed_role``)."""
        return self._claimed_role

    def digest(self) -> str:
        """Fingerprint of what is asked (all fields but the request id): the same request id
        sent again with another payload is a different request, and is refused."""
        payload = self.model_dump(mode="json", exclude={"request_id"})
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]
