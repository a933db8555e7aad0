"""The recovery actions as workflow updates, each with its validator.

A mixin of ``FraudCaseWorkflow``: every update goes through the workflow's own ``_act``
(lock, registry role, commit) and ``_validate`` (synchronous refusal), like the others.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.action_base import ActionBase
    from models.case_state import CaseState
    from models.recovery_actions import (
        CancelInstalmentPlan,
        GrantInstalmentPlan,
        IssueContrainte,
        IssueFormalNotice,
        NotifyDebts,
        RecordCraAppeal,
        RecordCraDecision,
        RecordOpposition,
        RecordOppositionJudgment,
        RecordPayment,
        ReverseEntry,
        WriteOff,
    )


class RecoveryUpdates:
    async def _act(self, cmd: ActionBase) -> CaseState:
        raise NotImplementedError

    def _validate(self, cmd: ActionBase) -> None:
        raise NotImplementedError

    @workflow.update
    async def notify_debts(self, cmd: NotifyDebts) -> CaseState:
        return await self._act(cmd)

    @notify_debts.validator
    def _check_notify_debts(self, cmd: NotifyDebts) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_payment(self, cmd: RecordPayment) -> CaseState:
        return await self._act(cmd)

    @record_payment.validator
    def _check_record_payment(self, cmd: RecordPayment) -> None:
        self._validate(cmd)

    @workflow.update
    async def grant_instalment_plan(self, cmd: GrantInstalmentPlan) -> CaseState:
        return await self._act(cmd)

    @grant_instalment_plan.validator
    def _check_grant_instalment_plan(self, cmd: GrantInstalmentPlan) -> None:
        self._validate(cmd)

    @workflow.update
    async def cancel_instalment_plan(self, cmd: CancelInstalmentPlan) -> CaseState:
        return await self._act(cmd)

    @cancel_instalment_plan.validator
    def _check_cancel_instalment_plan(self, cmd: CancelInstalmentPlan) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_cra_appeal(self, cmd: RecordCraAppeal) -> CaseState:
        return await self._act(cmd)

    @record_cra_appeal.validator
    def _check_record_cra_appeal(self, cmd: RecordCraAppeal) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_cra_decision(self, cmd: RecordCraDecision) -> CaseState:
        return await self._act(cmd)

    @record_cra_decision.validator
    def _check_record_cra_decision(self, cmd: RecordCraDecision) -> None:
        self._validate(cmd)

    @workflow.update
    async def issue_formal_notice(self, cmd: IssueFormalNotice) -> CaseState:
        return await self._act(cmd)

    @issue_formal_notice.validator
    def _check_issue_formal_notice(self, cmd: IssueFormalNotice) -> None:
        self._validate(cmd)

    @workflow.update
    async def issue_contrainte(self, cmd: IssueContrainte) -> CaseState:
        return await self._act(cmd)

    @issue_contrainte.validator
    def _check_issue_contrainte(self, cmd: IssueContrainte) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_opposition(self, cmd: RecordOpposition) -> CaseState:
        return await self._act(cmd)

    @record_opposition.validator
    def _check_record_opposition(self, cmd: RecordOpposition) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_opposition_judgment(self, cmd: RecordOppositionJudgment) -> CaseState:
        return await self._act(cmd)

    @record_opposition_judgment.validator
    def _check_record_opposition_judgment(self, cmd: RecordOppositionJudgment) -> None:
        self._validate(cmd)

    @workflow.update
    async def write_off(self, cmd: WriteOff) -> CaseState:
        return await self._act(cmd)

    @write_off.validator
    def _check_write_off(self, cmd: WriteOff) -> None:
        self._validate(cmd)

    @workflow.update
    async def reverse_entry(self, cmd: ReverseEntry) -> CaseState:
        return await self._act(cmd)

    @reverse_entry.validator
    def _check_reverse_entry(self, cmd: ReverseEntry) -> None:
        self._validate(cmd)
