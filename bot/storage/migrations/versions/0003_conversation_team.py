"""The Teams team of a stored conversation reference, so that removing dosay from a team can turn off the
daily tips of every channel of that team (not only the channel the removal arrives in).

Nullable, no default: existing references keep their data and get their team the next time dosay sees a
message in that channel.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_refs") as batch:
        batch.add_column(sa.Column("team", sa.String(length=255), nullable=True))
    op.create_index("ix_conversation_refs_team", "conversation_refs", ["platform", "workspace", "team"])


def downgrade() -> None:
    op.drop_index("ix_conversation_refs_team", table_name="conversation_refs")
    with op.batch_alter_table("conversation_refs") as batch:
        batch.drop_column("team")
