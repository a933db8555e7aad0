"""The letter actions of a case: issue a letter (composed and rendered by ``vigie.letters``),
send it, record its receipt. The receipt is what starts the procedure's deadlines."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from models.action_base import ActionBase
from models.letter import LetterKind, LetterRecord


class IssueLetter(ActionBase):
    """Record a letter whose every mandatory mention was checked (``vigie letters issue``):
    it is stored as it is, and never changes."""

    action: Literal["issue_letter"] = "issue_letter"
    letter: LetterRecord


class SendLetter(ActionBase):
    """The letter left the fund (registered post with acknowledgement of receipt). Without a
    receipt recorded, it is presumed received after the policy's delay."""

    action: Literal["send_letter"] = "send_letter"
    letter_id: str = Field(min_length=1, max_length=80)
    sent_on: date = Field(description="the day it was posted")


class RecordLetterReceipt(ActionBase):
    """The acknowledgement of receipt came back: the deadlines run from ``received_on``."""

    action: Literal["record_letter_receipt"] = "record_letter_receipt"
    letter_id: str = Field(min_length=1, max_length=80)
    received_on: date = Field(description="the day the addressee received it")


LETTER_ACTIONS = (IssueLetter, SendLetter, RecordLetterReceipt)
__all__ = ["LETTER_ACTIONS", "IssueLetter", "LetterKind", "RecordLetterReceipt", "SendLetter"]
