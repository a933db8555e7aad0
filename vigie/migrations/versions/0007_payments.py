"""payments files and the suspense list of unmatched payments

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'payment_import',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sha256', sa.String(length=64), nullable=False, unique=True),
        sa.Column('file_name', sa.Text(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('imported_by', sa.String(length=60), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('matched', sa.Integer(), nullable=False),
        sa.Column('unmatched', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
    )
    op.create_table(
        'payment_suspense',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'import_id', sa.Integer(), sa.ForeignKey('payment_import.id'), nullable=False
        ),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('payment_ref', sa.String(length=100), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('debtor', sa.String(length=120), nullable=True),
        sa.Column('debt_ref', sa.String(length=200), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('resolved_case_id', sa.String(length=140), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(length=60), nullable=True),
        sa.UniqueConstraint('import_id', 'line', name='uq_suspense_import_line'),
    )
    op.create_index('ix_payment_suspense_import_id', 'payment_suspense', ['import_id'])


def downgrade() -> None:
    op.drop_table('payment_suspense')
    op.drop_table('payment_import')
