"""Alembic migrations of the store's database (SQLite and PostgreSQL); run by ``Store.open``."""
