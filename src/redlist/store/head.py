"""The schema revision this code expects, importable without SQLAlchemy (:mod:`redlist.store.lite`
reads a database's revision with sqlite3)."""

#: The Alembic revision the code expects (the newest file under migrations/versions).
HEAD = "0002"
