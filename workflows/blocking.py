"""A case blocked by a change Postgres will never accept (a mixin of ``FraudCaseWorkflow``).

The projection refuses such a change for good after a few attempts. The workflow then keeps
its state as it was (state and Postgres move together), records the case in the
administrators' list, refuses new actions with ``case_blocked``, and waits: an administrator
fixes the cause and sends ``unblock``, and the change is tried again. Other cases go on.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.case_blocked import BLOCKING_ERRORS, Blocked, Unblock
    from models.user import ActorProfile
    from workflows.procedure import InvalidAction, Outcome

TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
UNBLOCKERS = ("admin",)


class CaseIsBlocked(Exception):  # noqa: N818 - a state, not an error of the caller
    pass


def blocking_reason(exc: ActivityError | ApplicationError) -> str | None:
    """The reason, when the activity refused the change for good; None for other failures.
    An activity's failure arrives wrapped in an ``ActivityError``; a local activity's, as
    the activity raised it."""
    cause = exc.cause if isinstance(exc, ActivityError) else exc
    if isinstance(cause, ApplicationError) and cause.type in BLOCKING_ERRORS:
        return cause.message
    return None


class Blocking:
    blocked: Blocked | None
    wake: bool

    async def _block(self, outcome: Outcome, reason: str) -> None:
        self.blocked = Blocked(
            case_id=outcome.state.case_id,
            action=outcome.action,
            seq=outcome.state.seq,
            reason=reason,
            since=workflow.now(),
        )
        await workflow.execute_activity(
            "record_case_blocked", self.blocked, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )

    def _refuse_if_blocked(self) -> None:
        if self.blocked is not None:
            raise blocked_refusal(self.blocked)

    async def _wait_unblocked(self) -> None:
        await workflow.wait_condition(lambda: self.blocked is None)

    @workflow.query
    def blocked_reason(self) -> Blocked | None:
        """Why the case is blocked, since when, on which change; None when it is not."""
        return self.blocked

    @workflow.update
    async def unblock(self, request: Unblock) -> str:
        """An administrator, the cause fixed, has the blocked change tried again."""
        profile = await workflow.execute_local_activity(
            "actor_profile",
            request.actor,
            result_type=ActorProfile,
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        if not (profile.registered and profile.active and profile.role in UNBLOCKERS):
            raise ApplicationError(
                f"only an administrator unblocks a case ({request.actor} is not one)",
                "role_not_allowed",
                type="InvalidAction",
                non_retryable=True,
            )
        blocked = self.blocked
        if blocked is None:
            raise not_blocked()
        await workflow.execute_activity(
            "record_case_unblocked",
            args=[blocked.case_id, request],
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        self.blocked, self.wake = None, True
        return f"unblocked: change #{blocked.seq} ({blocked.action}) will be tried again"

    @unblock.validator
    def _check_unblock(self, request: Unblock) -> None:
        if self.blocked is None:
            raise not_blocked()


def not_blocked() -> ApplicationError:
    return ApplicationError(
        "the case is not blocked", "not_blocked", type="InvalidAction", non_retryable=True
    )


def blocked_refusal(blocked: Blocked) -> InvalidAction:
    return InvalidAction(
        "case_blocked",
        f"the case is blocked since {blocked.since:%Y-%m-%d %H:%M} UTC: change #{blocked.seq} "
        f"({blocked.action}) was refused ({blocked.reason}); an administrator must fix the "
        "cause and unblock it (vigie case unblock)",
    )
