"""Demo letters: a script step ``("letter", {...})`` issues a letter through the letters
service (mentions checked, rendered, stored), then records its sending and receipt with the
days they happened. One letter of each kind is issued along the demo's paths."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.case_state import CaseState
from models.letter import LetterKind
from vigie.letters import service
from vigie.letters.fund import Fund
from vigie.runtime.stack import Stack


def letter(
    kind: LetterKind, issued: date, sent: date | None = None, received: date | None = None
) -> tuple[str, dict[str, Any]]:
    """A script step: a ``kind`` letter signed on ``issued``, posted and received as given
    (not received: presumed received after the policy's delay)."""
    return ("letter", {"kind": kind, "issued": issued, "sent": sent, "received": received})


async def letter_step(
    stack: Stack, case_id: str, before: CaseState, fields: dict[str, Any], actor: str
) -> list[str] | None:
    """Issue, send, receive; None when an earlier run issued this kind already."""
    assert stack.client is not None and stack.engine is not None
    kind: LetterKind = fields["kind"]
    if any(x.kind is kind for x in before.letters.values()):
        return None
    fund = Fund.from_settings(stack.settings)
    record = await service.issue(stack.client, case_id, kind, actor, fund, fields["issued"])
    said = [f"{kind.value} letter {record.id} issued ({len(record.mentions)} mentions)"]
    if fields.get("sent"):
        said.append(
            await service.send(stack.client, stack.engine, record.id, fields["sent"], actor)
        )
    if fields.get("received"):
        said.append(
            await service.receive(stack.client, stack.engine, record.id, fields["received"], actor)
        )
    return said
