"""The fraud-case procedure as pure functions: the transition table, the decision rules, the
deadlines, and the fold that rebuilds a case from its audit log. No I/O, no Temporal calls:
the workflow calls these and then persists what they return.
"""

from workflows.procedure.actions import already_applied, decide, open_case, refuse_claimed_role
from workflows.procedure.deadlines import on_deadline
from workflows.procedure.errors import InvalidAction
from workflows.procedure.outcome import Outcome

__all__ = [
    "InvalidAction",
    "Outcome",
    "already_applied",
    "decide",
    "on_deadline",
    "open_case",
    "refuse_claimed_role",
]
