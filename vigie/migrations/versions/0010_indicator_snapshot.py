"""indicator snapshots: the dashboard's precomputed reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 03:40:00

Declared on ``models.indicator_snapshot.IndicatorSnapshot`` too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'indicator_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('breakdown', sa.String(length=20), nullable=False),
        sa.Column('series', sa.String(length=20), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('took_ms', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('year', 'breakdown', 'series', name='uq_indicator_snapshot_key'),
    )


def downgrade() -> None:
    op.drop_table('indicator_snapshot')
