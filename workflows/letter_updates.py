"""The letter actions as workflow updates, each with its validator (a mixin of
``FraudCaseWorkflow``, like ``RecoveryUpdates``)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.action_base import ActionBase
    from models.case_state import CaseState
    from models.letter_actions import IssueLetter, RecordLetterReceipt, SendLetter


class LetterUpdates:
    async def _act(self, cmd: ActionBase) -> CaseState:
        raise NotImplementedError

    def _validate(self, cmd: ActionBase) -> None:
        raise NotImplementedError

    @workflow.update
    async def issue_letter(self, cmd: IssueLetter) -> CaseState:
        return await self._act(cmd)

    @issue_letter.validator
    def _check_issue_letter(self, cmd: IssueLetter) -> None:
        self._validate(cmd)

    @workflow.update
    async def send_letter(self, cmd: SendLetter) -> CaseState:
        return await self._act(cmd)

    @send_letter.validator
    def _check_send_letter(self, cmd: SendLetter) -> None:
        self._validate(cmd)

    @workflow.update
    async def record_letter_receipt(self, cmd: RecordLetterReceipt) -> CaseState:
        return await self._act(cmd)

    @record_letter_receipt.validator
    def _check_record_letter_receipt(self, cmd: RecordLetterReceipt) -> None:
        self._validate(cmd)
