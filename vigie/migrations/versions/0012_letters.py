"""procedure letters, stored once and never changed

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 11:00:00

Declared on ``models.letter.Letter`` too. Each letter row points at the audit row of its
issue; Postgres refuses UPDATE, DELETE and TRUNCATE on it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'letter',
        sa.Column('id', sa.String(length=80), nullable=False),
        sa.Column('case_id', sa.String(length=140), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('template_version', sa.String(length=40), nullable=False),
        sa.Column('policy_version', sa.String(length=80), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by', sa.String(length=60), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('mentions', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id', 'seq'], ['audit_log.case_id', 'audit_log.seq'], name='fk_letter_audit'
        ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_letter_case_id', 'letter', ['case_id'])
    op.execute(
        """
        CREATE FUNCTION vigie_refuse_letter_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'an issued letter never changes: % refused (issue a new letter)',
                TG_OP USING ERRCODE = 'restrict_violation';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER letter_append_only BEFORE UPDATE OR DELETE ON letter "
        "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_letter_change()"
    )
    op.execute(
        "CREATE TRIGGER letter_no_truncate BEFORE TRUNCATE ON letter "
        "FOR EACH STATEMENT EXECUTE FUNCTION vigie_refuse_letter_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER letter_no_truncate ON letter")
    op.execute("DROP TRIGGER letter_append_only ON letter")
    op.execute("DROP FUNCTION vigie_refuse_letter_change()")
    op.drop_index('ix_letter_case_id', 'letter')
    op.drop_table('letter')
