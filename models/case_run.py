"""The input of a FraudCaseWorkflow run: a new case, or a state carried by continue-as-new."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.case_messages import OpenCaseInput
from models.case_state import CaseState


class CaseRunOptions(BaseModel):
    max_history_events: int = Field(
        default=10_000,
        ge=50,
        description="continue-as-new past this many history events, or when the server says",
    )


class CaseRunInput(BaseModel):
    opening: OpenCaseInput | None = None
    state: CaseState | None = None
    options: CaseRunOptions = Field(default_factory=CaseRunOptions)
    runs: int = Field(default=1, description="how many runs this case has had")
