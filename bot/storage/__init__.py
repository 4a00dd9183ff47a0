"""Storage: SQLAlchemy 2 models, the ``Store`` and Alembic migrations."""
