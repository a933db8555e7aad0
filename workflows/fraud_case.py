"""FraudCaseWorkflow: one long-lived workflow per case, the single writer of that case.

The procedure's rules are pure functions (``workflows.procedure``); this class only
sequences them: validate an action, apply it under a lock, persist the change through an
activity, and sleep until the next legal deadline. Each action is a workflow update with a
validator, so a bad action is refused synchronously and nothing is written.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.blocking import Blocking, CaseIsBlocked, blocked_refusal, blocking_reason
from workflows.letter_updates import LetterUpdates
from workflows.recovery_updates import RecoveryUpdates

with workflow.unsafe.imports_passed_through():
    from models.action_base import LEGACY_DEFAULT_ROLE, ActionBase
    from models.case_actions import (
        AddInvestigationAction,
        Assign,
        Close,
        CompleteInvestigationAction,
        ConcludeInvestigation,
        DecideFollowUps,
        Dismiss,
        LiftProtectiveMeasure,
        Merge,
        OpenInvestigation,
        RecordGrievance,
        RecordProcedureEvent,
        TakeProtectiveMeasure,
        WaiveComplaint,
    )
    from models.case_run import CaseRunInput
    from models.case_state import RULES_VERSION, CaseState
    from models.policy_snapshot import PolicySnapshot
    from models.user import ActorProfile
    from workflows.procedure import (
        InvalidAction,
        Outcome,
        already_applied,
        decide,
        open_case,
        refuse_claimed_role,
    )
    from workflows.procedure.deadlines import catch_up

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
INVALID_ACTION = "InvalidAction"
POLICY_LOCAL_ACTIVITY = "policy-local-activity"
ACTOR_FROM_REGISTRY = "actor-role-from-registry"
RULES_V2 = "rules-version-2"
RULES_V3 = "rules-version-3"
RULES_V4 = "rules-version-4"
#: a run that records this marker opens under the current rules, reads the policy and the
#: actor's role by local activities, and projects every change by a local activity: a change
#: costs no activity round trip through the server, and the opening one workflow task
LOCAL_PROJECTION = "projection-local-activity"
OPENING = "the case is still opening"


def refusal(exc: InvalidAction) -> ApplicationError:
    return ApplicationError(exc.message, exc.rule, type=INVALID_ACTION, non_retryable=True)


#: Not sandboxed: the sandbox re-imports this module and re-applies ``workflow.defn`` to the
#: class (its ~40 handlers) for every workflow instance, a third of the worker's CPU when
#: cases open (py-spy, docs/scaling.md), while the procedure it runs (``workflows.procedure``,
#: the models) was already passed through, unchecked. Determinism is held by the replay
#: tests of the captured histories (tests/workflows/test_replay.py) instead.
@workflow.defn(sandboxed=False)
class FraudCaseWorkflow(RecoveryUpdates, LetterUpdates, Blocking):
    @workflow.init
    def __init__(self, inp: CaseRunInput) -> None:
        self.case: CaseState | None = inp.state
        self.options = inp.options
        self.runs = inp.runs
        self.lock = asyncio.Lock()
        self.wake = False
        self.blocked = None

    @workflow.run
    async def run(self, inp: CaseRunInput) -> str:
        if self.case is None:
            if inp.opening is None:
                raise ApplicationError("a case run needs an opening or a state", non_retryable=True)
            # read the clock before the local activity: a query reaching the cached workflow
            # while it runs moves the live clock, and a replay never sees that query
            opened_at = workflow.now()
            if workflow.patched(LOCAL_PROJECTION):
                # the current code path in full: one marker instead of one per older patch
                rules_version = RULES_VERSION
                policy = await self._policy_by_local_activity()
            else:
                rules_version = self._rules_version()
                policy = await self._load_policy()
            async with self.lock:
                case_id = workflow.info().workflow_id
                try:
                    outcome = open_case(inp.opening, policy, case_id, opened_at, rules_version)
                except InvalidAction as exc:
                    raise refusal(exc) from None  # fails this run cleanly: no case is opened
                while True:  # an opening Postgres refuses waits for an administrator
                    try:
                        await self._commit(outcome)
                        break
                    except CaseIsBlocked:
                        await self._wait_unblocked()
        while not self.current.closed:
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    CaseRunInput(state=self.current, options=self.options, runs=self.runs + 1)
                )
            await self._sleep_until_next_deadline()
            try:
                async with self.lock:
                    for due in catch_up(self.current, workflow.now()):
                        await self._commit(due)
            except CaseIsBlocked:
                await self._wait_unblocked()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.current.close_reason or "closed"

    @staticmethod
    def _rules_version() -> int:
        """The procedure rules a new case follows for life; cases opened under an older
        version replay it (each version has its patch marker, checked newest first)."""
        if workflow.patched(RULES_V4):
            return RULES_VERSION
        if workflow.patched(RULES_V3):
            return 3
        return 2 if workflow.patched(RULES_V2) else 1

    async def _load_policy(self) -> PolicySnapshot:
        """The policy snapshot, read by a local activity (no server round trip: it is a
        read the worker caches). Cases opened before this change replay the old path."""
        if workflow.patched(POLICY_LOCAL_ACTIVITY):
            return await self._policy_by_local_activity()
        return await workflow.execute_activity(
            "load_policy",
            result_type=PolicySnapshot,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )

    @staticmethod
    async def _policy_by_local_activity() -> PolicySnapshot:
        return await workflow.execute_local_activity(
            "load_policy",
            result_type=PolicySnapshot,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )

    @property
    def current(self) -> CaseState:
        if self.case is None:
            raise ApplicationError(OPENING, non_retryable=True)
        return self.case

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self.options.max_history_events
        )

    async def _sleep_until_next_deadline(self) -> None:
        self.wake = False
        deadlines = self.current.deadlines
        timeout = None
        if deadlines:
            earliest = min(d.due_at for d in deadlines)
            timeout = max((earliest - workflow.now()).total_seconds(), 0.001)
        try:
            await workflow.wait_condition(lambda: self.wake, timeout=timeout)
        except TimeoutError:
            pass

    async def _commit(self, outcome: Outcome) -> None:
        """Persist the change, then take the new state: state and Postgres move together.
        A change Postgres refuses for good blocks the case (``workflows.blocking``)."""
        try:
            await self._project(outcome)
        except (ActivityError, ApplicationError) as exc:
            reason = blocking_reason(exc)
            if reason is None:
                raise
            await self._block(outcome, reason)
            raise CaseIsBlocked from None
        self.case = outcome.state
        self.wake = True

    @staticmethod
    async def _project(outcome: Outcome) -> None:
        """The projection activity (idempotent on ``(case_id, seq)``). Runs since
        ``LOCAL_PROJECTION`` run it as a local activity, inside the workflow task that
        decided the change; earlier runs replay the activity they scheduled."""
        if workflow.patched(LOCAL_PROJECTION):
            await workflow.execute_local_activity(
                "apply_case_change",
                outcome.to_change(),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRY,
            )
            return
        await workflow.execute_activity(
            "apply_case_change",
            outcome.to_change(),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )

    def _validate(self, cmd: ActionBase) -> None:
        """Early, synchronous refusal (nothing reaches the history). The actor's role is not
        known here (validators cannot read the registry): the handler checks it."""
        try:
            refuse_claimed_role(cmd)
            if self.case is None:
                return  # still opening: the handler waits, then judges the action
            self._refuse_if_blocked()
            state = self.case
            if already_applied(state, cmd):
                return  # a retry: accepted, applied once
            for due in catch_up(state, workflow.now()):
                state = due.state
            decide(state, cmd, workflow.now(), role=None)
        except InvalidAction as exc:
            raise refusal(exc) from None

    async def _act(self, cmd: ActionBase) -> CaseState:
        await workflow.wait_condition(lambda: self.case is not None)
        async with self.lock:
            try:
                if already_applied(self.current, cmd):
                    return self.current
                self._refuse_if_blocked()
                role = await self._actor_role(cmd)
                for due in catch_up(self.current, workflow.now()):
                    await self._commit(due)
                outcome = decide(self.current, cmd, workflow.now(), role)
                await self._commit(outcome)
            except InvalidAction as exc:
                raise refusal(exc) from None
            except CaseIsBlocked:
                assert self.blocked is not None
                raise refusal(blocked_refusal(self.blocked)) from None
            return self.current

    async def _actor_role(self, cmd: ActionBase) -> str:
        """The actor's role, read from the user registry by a local activity: a caller never
        states its own role. Histories recorded before this change replay the role their
        payload carried."""
        if not (workflow.patched(LOCAL_PROJECTION) or workflow.patched(ACTOR_FROM_REGISTRY)):
            return cmd.claimed_role or LEGACY_DEFAULT_ROLE
        refuse_claimed_role(cmd)
        profile = await workflow.execute_local_activity(
            "actor_profile",
            cmd.actor,
            result_type=ActorProfile,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )
        if not profile.registered or not profile.active:
            state = "not registered" if not profile.registered else "deactivated"
            raise InvalidAction(
                "unknown_actor",
                f"user {cmd.actor!r} is {state}: only a registered, active user can act "
                "(a manager registers users with `vigie users add`)",
            )
        return profile.role

    @workflow.query
    def state(self) -> CaseState:
        """The full current state of the case."""
        return self.current

    @workflow.query
    def run_count(self) -> int:
        return self.runs

    # --- one update per action, each with its validator ------------------------------------

    @workflow.update
    async def assign(self, cmd: Assign) -> CaseState:
        return await self._act(cmd)

    @assign.validator
    def _check_assign(self, cmd: Assign) -> None:
        self._validate(cmd)

    @workflow.update
    async def open_investigation(self, cmd: OpenInvestigation) -> CaseState:
        return await self._act(cmd)

    @open_investigation.validator
    def _check_open_investigation(self, cmd: OpenInvestigation) -> None:
        self._validate(cmd)

    @workflow.update
    async def dismiss(self, cmd: Dismiss) -> CaseState:
        return await self._act(cmd)

    @dismiss.validator
    def _check_dismiss(self, cmd: Dismiss) -> None:
        self._validate(cmd)

    @workflow.update
    async def merge(self, cmd: Merge) -> CaseState:
        return await self._act(cmd)

    @merge.validator
    def _check_merge(self, cmd: Merge) -> None:
        self._validate(cmd)

    @workflow.update
    async def add_investigation_action(self, cmd: AddInvestigationAction) -> CaseState:
        return await self._act(cmd)

    @add_investigation_action.validator
    def _check_add_investigation_action(self, cmd: AddInvestigationAction) -> None:
        self._validate(cmd)

    @workflow.update
    async def complete_investigation_action(self, cmd: CompleteInvestigationAction) -> CaseState:
        return await self._act(cmd)

    @complete_investigation_action.validator
    def _check_complete_investigation_action(self, cmd: CompleteInvestigationAction) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_grievance(self, cmd: RecordGrievance) -> CaseState:
        return await self._act(cmd)

    @record_grievance.validator
    def _check_record_grievance(self, cmd: RecordGrievance) -> None:
        self._validate(cmd)

    @workflow.update
    async def take_protective_measure(self, cmd: TakeProtectiveMeasure) -> CaseState:
        return await self._act(cmd)

    @take_protective_measure.validator
    def _check_take_protective_measure(self, cmd: TakeProtectiveMeasure) -> None:
        self._validate(cmd)

    @workflow.update
    async def lift_protective_measure(self, cmd: LiftProtectiveMeasure) -> CaseState:
        return await self._act(cmd)

    @lift_protective_measure.validator
    def _check_lift_protective_measure(self, cmd: LiftProtectiveMeasure) -> None:
        self._validate(cmd)

    @workflow.update
    async def conclude_investigation(self, cmd: ConcludeInvestigation) -> CaseState:
        return await self._act(cmd)

    @conclude_investigation.validator
    def _check_conclude_investigation(self, cmd: ConcludeInvestigation) -> None:
        self._validate(cmd)

    @workflow.update
    async def decide_follow_ups(self, cmd: DecideFollowUps) -> CaseState:
        return await self._act(cmd)

    @decide_follow_ups.validator
    def _check_decide_follow_ups(self, cmd: DecideFollowUps) -> None:
        self._validate(cmd)

    @workflow.update
    async def waive_complaint(self, cmd: WaiveComplaint) -> CaseState:
        return await self._act(cmd)

    @waive_complaint.validator
    def _check_waive_complaint(self, cmd: WaiveComplaint) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_procedure_event(self, cmd: RecordProcedureEvent) -> CaseState:
        return await self._act(cmd)

    @record_procedure_event.validator
    def _check_record_procedure_event(self, cmd: RecordProcedureEvent) -> None:
        self._validate(cmd)

    @workflow.update
    async def close(self, cmd: Close) -> CaseState:
        return await self._act(cmd)

    @close.validator
    def _check_close(self, cmd: Close) -> None:
        self._validate(cmd)
