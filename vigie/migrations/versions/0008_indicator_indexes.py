"""indexes for the indicators: open tasks by due date, ledger aggregation by date and
qualification, reversals, debts by prescription date, audit rows by action

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 00:30:00

Each index is also declared on its model (``models/``), so that the migrations and the models
describe the same database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # overdue tasks: only open tasks, by due date (a partial index stays small)
    op.create_index(
        'ix_task_open_due', 'task', ['due_at'], postgresql_where=sa.text("status = 'open'")
    )
    # flows by value date (payments, offsets, write-offs) and harm by booking date, with
    # the qualification that splits fraudulent from non-fraudulent
    op.create_index(
        'ix_ledger_entry_kind_effective_on',
        'ledger_entry',
        ['kind', 'effective_on', 'qualification'],
    )
    op.create_index(
        'ix_ledger_entry_kind_booked_at', 'ledger_entry', ['kind', 'booked_at', 'qualification']
    )
    # "is this entry reversed?": the reversals of a case by the entry they cancel
    op.create_index(
        'ix_ledger_entry_reversal',
        'ledger_entry',
        ['case_id', 'reverses'],
        postgresql_where=sa.text("kind = 'reversal'"),
    )
    # debts prescribed in the next months
    op.create_index('ix_debt_prescribed_on', 'debt', ['prescribed_on'])
    # follow-ups decided, plans granted, openings: audit rows by action and time
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_action_at', 'audit_log')
    op.drop_index('ix_debt_prescribed_on', 'debt')
    op.drop_index('ix_ledger_entry_reversal', 'ledger_entry')
    op.drop_index('ix_ledger_entry_kind_booked_at', 'ledger_entry')
    op.drop_index('ix_ledger_entry_kind_effective_on', 'ledger_entry')
    op.drop_index('ix_task_open_due', 'task')
