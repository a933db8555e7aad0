"""blocked cases: a change that can never be written, listed for the administrators

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 12:00:00

Declared on ``models.case_blocked.CaseBlocked`` too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'case_blocked',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=140), nullable=False),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(length=60), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_blocked_case_id', 'case_blocked', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_case_blocked_case_id', 'case_blocked')
    op.drop_table('case_blocked')
