"""The HTTP API (FastAPI): create_app(), API keys, the shared reloadable data."""
