"""The app uvicorn imports for `redlist serve` (settings come from the environment it sets)."""

from __future__ import annotations

import os

from redlist.api.app import create_app

app = create_app(
    auth=os.environ.get("REDLIST_API_AUTH", "0") == "1",
    cors_origins=[o for o in os.environ.get("REDLIST_API_CORS", "").split(",") if o],
)
