"""policy versions are insert-only: each version kept whole, never changed

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 12:30:00

A case is folded under the policy version it opened with (its opening audit row records
the version and its hash), so a version's records must never change: Postgres refuses
UPDATE, DELETE and TRUNCATE on ``policy_record``, and a new version is new rows.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint('uq_policy_key_from', 'policy_record', type_='unique')
    op.create_unique_constraint(
        'uq_policy_version_key_from', 'policy_record', ['version', 'key', 'effective_from']
    )
    op.execute(
        "CREATE TRIGGER policy_record_append_only BEFORE UPDATE OR DELETE ON policy_record "
        "FOR EACH ROW EXECUTE FUNCTION vigie_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER policy_record_no_truncate BEFORE TRUNCATE ON policy_record "
        "FOR EACH STATEMENT EXECUTE FUNCTION vigie_refuse_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER policy_record_no_truncate ON policy_record")
    op.execute("DROP TRIGGER policy_record_append_only ON policy_record")
    op.drop_constraint('uq_policy_version_key_from', 'policy_record', type_='unique')
    op.create_unique_constraint('uq_policy_key_from', 'policy_record', ['key', 'effective_from'])
