"""API sign-in: password hashes on users, bearer tokens stored hashed

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 04:40:00

Declared on ``models.user.AppUser`` and ``models.api_token.ApiToken`` too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('app_user', sa.Column('password_hash', sa.String(length=200), nullable=True))
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=60), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_api_token_user_id', 'api_token', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_api_token_user_id', 'api_token')
    op.drop_table('api_token')
    op.drop_column('app_user', 'password_hash')
