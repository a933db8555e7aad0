"""ledger entries name their debt, date, source and reversal; debts; append-only ledger and audit

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 23:05:00

Postgres itself refuses UPDATE, DELETE and TRUNCATE on ``ledger_entry`` and ``audit_log``:
a correction is a new entry (a reversal), never an edit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ('ledger_entry', 'audit_log')


def upgrade() -> None:
    op.add_column('ledger_entry', sa.Column('debt', sa.String(length=40), nullable=True))
    op.add_column('ledger_entry', sa.Column('debtor', sa.String(length=120), nullable=True))
    op.add_column('ledger_entry', sa.Column('effective_on', sa.Date(), nullable=True))
    op.add_column(
        'ledger_entry',
        sa.Column('source', sa.String(length=20), nullable=False, server_default='action'),
    )
    op.add_column('ledger_entry', sa.Column('reason', sa.String(length=20), nullable=True))
    op.add_column('ledger_entry', sa.Column('reverses', sa.String(length=24), nullable=True))
    op.add_column('ledger_entry', sa.Column('ref', sa.String(length=24), nullable=True))
    op.create_index('ix_ledger_entry_debt', 'ledger_entry', ['case_id', 'debt'])
    op.create_foreign_key(
        'fk_ledger_audit', 'ledger_entry', 'audit_log', ['case_id', 'seq'], ['case_id', 'seq']
    )
    op.create_table(
        'debt',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('case_id', sa.String(length=140), sa.ForeignKey('fraud_case.id'), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('debtor', sa.String(length=120), nullable=False),
        sa.Column('qualification', sa.String(length=20), nullable=True),
        sa.Column('origin', sa.String(length=60), nullable=False),
        sa.Column('established_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('notified_on', sa.Date(), nullable=True),
        sa.Column('prescribed_on', sa.Date(), nullable=True),
        sa.UniqueConstraint('case_id', 'key', name='uq_debt_case_key'),
    )
    op.create_index('ix_debt_case_id', 'debt', ['case_id'])
    op.create_index('ix_debt_debtor', 'debt', ['debtor'])
    op.create_index('ix_debt_notified_on', 'debt', ['notified_on'])
    op.execute(
        """
        CREATE FUNCTION vigie_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused (write a reversal entry instead)',
                TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
        END $$
        """
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION vigie_refuse_change()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP FUNCTION vigie_refuse_change()")
    op.drop_table('debt')
    op.drop_constraint('fk_ledger_audit', 'ledger_entry', type_='foreignkey')
    op.drop_index('ix_ledger_entry_debt', 'ledger_entry')
    for column in ('ref', 'reverses', 'reason', 'source', 'effective_on', 'debtor', 'debt'):
        op.drop_column('ledger_entry', column)
