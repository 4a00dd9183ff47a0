"""Alembic environment: always given a live connection by ``bot.storage.migrate.upgrade``."""

from __future__ import annotations

from alembic import context

from bot.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.storage.migrate.upgrade(engine), not the alembic CLI")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
