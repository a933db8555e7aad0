"""A change Postgres will never accept blocks its case, visibly, instead of being retried
forever: the case refuses new actions naming why, administrators see it listed, the other
cases go on, and once the cause is fixed an administrator unblocks it and the change is
written."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text

from models.case_blocked import Blocked
from tests.workflows.conftest import CaseFactory
from vigie.services.blocked import list_blocked, unblock
from vigie.services.errors import InvalidActionError
from vigie.services.users import upsert_user

REFUSE = """
CREATE OR REPLACE FUNCTION test_refuse_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.case_id = '{case_id}' THEN
        RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER test_refuse_case BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION test_refuse_case();
"""
ALLOW = "DROP TRIGGER IF EXISTS test_refuse_case ON audit_log"


async def test_a_change_postgres_refuses_blocks_the_case_until_an_administrator_unblocks_it(
    new_case: CaseFactory, engine: Engine
) -> None:
    upsert_user(engine, "it-admin", "Administrateur (test)", "admin", None)
    blocked_case, other = await new_case(), await new_case()
    client = blocked_case.env.client
    with engine.begin() as conn:
        conn.execute(text(REFUSE.format(case_id=blocked_case.case_id)))
    try:
        started = time.monotonic()
        with pytest.raises(InvalidActionError) as refused:
            await blocked_case.do("open_investigation")
        assert time.monotonic() - started < 30  # a bounded number of attempts, not forever
        assert refused.value.rule == "case_blocked"
        assert "refused for the test" in refused.value.message

        handle = client.get_workflow_handle(blocked_case.case_id)
        reason = await handle.query("blocked_reason", result_type=Blocked)
        assert reason is not None and reason.action == "open_investigation"
        [listed] = [b for b in list_blocked(engine) if b.case_id == blocked_case.case_id]
        assert listed.seq == reason.seq and "refused for the test" in listed.reason
        assert (await blocked_case.state()).stage.value == "triage"  # nothing half-applied

        # refused at once while blocked, naming why; the other cases go on
        with pytest.raises(InvalidActionError, match="case_blocked"):
            await blocked_case.do("dismiss", reason="duplicate")
        assert (await other.do("open_investigation")).stage.value == "investigation"

        # only an administrator unblocks
        with pytest.raises(InvalidActionError) as not_admin:
            await unblock(client, blocked_case.case_id, blocked_case.actor, "tried")
        assert not_admin.value.rule == "role_not_allowed"
    finally:
        with engine.begin() as conn:
            conn.execute(text(ALLOW))

    said = await unblock(client, blocked_case.case_id, "it-admin", "test trigger removed")
    assert said.startswith(f"unblocked: change #{reason.seq} (open_investigation)")
    assert await handle.query("blocked_reason", result_type=Blocked) is None
    assert (await blocked_case.do("open_investigation")).stage.value == "investigation"
    assert not [b for b in list_blocked(engine) if b.case_id == blocked_case.case_id]
    [resolved] = [
        b for b in list_blocked(engine, include_resolved=True) if b.case_id == blocked_case.case_id
    ]
    assert (resolved.resolved_by, resolved.resolution) == ("it-admin", "test trigger removed")
    with pytest.raises(InvalidActionError) as again:
        await unblock(client, blocked_case.case_id, "it-admin", "twice")
    assert again.value.rule == "not_blocked"
