"""Indexes for the per-message reads of corrections: the history facts (last correction of an entry in a
channel) and the reply reference / edit lookups by message. Without them both scan every correction of
the channel (the unique thread key only narrows to the channel).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_corrections_channel_entry",
        "corrections",
        ["platform", "workspace", "channel", "entry_id", "created_at"],
    )
    op.create_index(
        "ix_corrections_message",
        "corrections",
        ["platform", "workspace", "channel", "message_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_corrections_message", table_name="corrections")
    op.drop_index("ix_corrections_channel_entry", table_name="corrections")
