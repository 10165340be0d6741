"""Alembic's entry point: migrate the connection ``Store.open`` hands over (never a URL of its own).

Run from the command line only through redlist (``redlist db upgrade``), which passes the
connection in ``config.attributes["connection"]``, inside the store's write lock.
"""

from __future__ import annotations

from alembic import context

from redlist.store.schema import metadata


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
