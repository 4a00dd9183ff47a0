"""Initial schema: processed events, corrections, feedback, channel settings, snoozes, tip log,
conversation references.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("created_at", TS, nullable=False, index=True),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(255), nullable=False, index=True),
        sa.Column("thread_root", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False, index=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reply_ref", sa.String(255), nullable=True),
        sa.Column("created_at", TS, nullable=False, index=True),
        sa.Column("retracted_at", TS, nullable=True),
        sa.UniqueConstraint(
            "platform", "workspace", "channel", "thread_root", "entry_id", name="uq_correction_thread"
        ),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(255), nullable=False),
        sa.Column("user", sa.String(128), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False, index=True),
    )
    op.create_table(
        "channel_settings",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("workspace", sa.String(128), primary_key=True),
        sa.Column("channel", sa.String(255), primary_key=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("tips_enabled", sa.Boolean, nullable=False, index=True),
        sa.Column("tip_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "snoozes",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("workspace", sa.String(128), primary_key=True),
        sa.Column("user", sa.String(128), primary_key=True),
        sa.Column("until", TS, nullable=False),
    )
    op.create_table(
        "tip_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(255), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("tip_id", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "workspace", "channel", "day", name="uq_tip_day"),
    )
    op.create_table(
        "conversation_refs",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("workspace", sa.String(128), primary_key=True),
        sa.Column("channel", sa.String(255), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("conversation_refs", "tip_log", "snoozes", "channel_settings", "feedback", "corrections"):
        op.drop_table(table)
    op.drop_table("processed_events")
