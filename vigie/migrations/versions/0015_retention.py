"""retention: the purge of personal data from closed cases, and its own record

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 13:00:00

The audit log and the letters stay append-only, with one exception: the retention purge,
which runs with ``SET LOCAL vigie.purge = 'on'`` and may only rewrite the columns that hold
personal data (``details`` and ``reason`` of an audit row, ``html`` and ``mentions`` of a
letter); every other column must stay as it was, DELETE and TRUNCATE stay refused. Each
purge writes a ``personal_data_purge`` row, itself append-only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'personal_data_purge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=140), nullable=False),
        sa.Column('purged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retention_months', sa.Integer(), nullable=False),
        sa.Column('actor', sa.String(length=60), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_personal_data_purge_case_id', 'personal_data_purge', ['case_id'])
    op.execute(
        """
        CREATE FUNCTION vigie_refuse_change_but_purge() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            personal text[] := TG_ARGV;
        BEGIN
            IF TG_OP = 'UPDATE' AND current_setting('vigie.purge', true) = 'on'
               AND (to_jsonb(NEW) - personal) = (to_jsonb(OLD) - personal) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '% is append-only: % refused (only the retention purge may blank its personal data)',
                TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
        END $$
        """
    )
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_change_but_purge('details', 'reason')"
    )
    op.execute("DROP TRIGGER letter_append_only ON letter")
    op.execute(
        "CREATE TRIGGER letter_append_only BEFORE UPDATE OR DELETE ON letter "
        "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_change_but_purge('html', 'mentions')"
    )
    for table in ('personal_data_purge',):
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_change()"
        )
    op.add_column(
        'fraud_case',
        sa.Column('personal_data_purged_at', sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column('fraud_case', 'personal_data_purged_at')
    op.execute("DROP TRIGGER personal_data_purge_append_only ON personal_data_purge")
    op.execute("DROP TRIGGER letter_append_only ON letter")
    op.execute(
        "CREATE TRIGGER letter_append_only BEFORE UPDATE OR DELETE ON letter "
        "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_letter_change()"
    )
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_change()"
    )
    op.execute("DROP FUNCTION vigie_refuse_change_but_purge()")
    op.drop_index('ix_personal_data_purge_case_id', 'personal_data_purge')
    op.drop_table('personal_data_purge')
