"""insured targets: detection scores and alerts name their target type; claims carry the
insured person's birth year and chronic-condition status

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23 14:30:00

Detection scores insured persons as well as providers: ``provider_score`` and ``alert``
gain ``target_type`` (``professional`` for every existing row) and their uniqueness is per
run, target type and identifier. ``claim`` gains the two optional columns of the claims
format that place an insured person among peers (age band, chronic status).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('provider_score', 'alert'):
        op.add_column(
            table,
            sa.Column(
                'target_type',
                sa.String(length=20),
                nullable=False,
                server_default='professional',
            ),
        )
    op.drop_constraint('uq_score_run_provider', 'provider_score', type_='unique')
    op.create_unique_constraint(
        'uq_score_run_target', 'provider_score', ['run_id', 'target_type', 'provider_id']
    )
    op.drop_index('ix_score_run_rank', table_name='provider_score')
    op.create_index('ix_score_run_rank', 'provider_score', ['run_id', 'target_type', 'rank'])
    op.drop_constraint('uq_alert_run_provider', 'alert', type_='unique')
    op.create_unique_constraint(
        'uq_alert_run_target', 'alert', ['run_id', 'target_type', 'provider_id']
    )
    op.add_column('claim', sa.Column('beneficiary_birth_year', sa.SmallInteger(), nullable=True))
    op.add_column('claim', sa.Column('beneficiary_chronic', sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column('claim', 'beneficiary_chronic')
    op.drop_column('claim', 'beneficiary_birth_year')
    op.drop_constraint('uq_alert_run_target', 'alert', type_='unique')
    op.create_unique_constraint('uq_alert_run_provider', 'alert', ['run_id', 'provider_id'])
    op.drop_index('ix_score_run_rank', table_name='provider_score')
    op.create_index('ix_score_run_rank', 'provider_score', ['run_id', 'rank'])
    op.drop_constraint('uq_score_run_target', 'provider_score', type_='unique')
    op.create_unique_constraint(
        'uq_score_run_provider', 'provider_score', ['run_id', 'provider_id']
    )
    for table in ('alert', 'provider_score'):
        op.drop_column(table, 'target_type')
