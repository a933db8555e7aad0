"""The body of ``POST /api/cases/{case_id}/actions``: one model per action, without the actor
(the signed-in user acts) and refusing a role, joined on ``action``. The OpenAPI schema thus
documents every action's fields, and a request is validated before anything is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from models.action_base import ActionBase
from models.case_actions import ACTION_TYPES

#: composed by the server from the case, never sent as fields (``vigie letters issue``)
SERVER_ONLY = ("issue_letter",)


class ActionRequestBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_identity(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if "actor" in data:
                raise ValueError("actor: the actor is the signed-in user")
            if "role" in data:
                raise ValueError("role: the role comes from the user registry, never a request")
        return data

    def command(self, actor: str) -> ActionBase:
        """The action, as the signed-in ``actor``."""
        return ACTION_TYPES[self.action].model_validate(  # type: ignore[attr-defined]
            {**self.model_dump(exclude_unset=True), "action": self.action, "actor": actor}  # type: ignore[attr-defined]
        )


def _request_model(name: str, cls: type[ActionBase]) -> type[ActionRequestBase]:
    fields: dict[str, Any] = {
        field: (info.annotation, info)
        for field, info in cls.model_fields.items()
        if field not in ("actor", "action")
    }
    # the action's name is required in a request (it chooses the schema)
    fields["action"] = (cls.model_fields["action"].annotation, Field(...))
    return create_model(
        f"{cls.__name__}Request", __base__=ActionRequestBase, __doc__=cls.__doc__, **fields
    )


REQUESTS = {
    name: _request_model(name, cls) for name, cls in ACTION_TYPES.items() if name not in SERVER_ONLY
}
if TYPE_CHECKING:
    ActionRequest = ActionRequestBase
else:  # the union FastAPI validates against and documents
    ActionRequest = Annotated[Union[tuple(REQUESTS.values())], Field(discriminator="action")]  # noqa: UP007
