"""What the app builds at start-up is frozen out of the collector's passes while it
serves, and given back when it stops (src/zengzhi/app.py says why)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from zengzhi.app import create_app
from zengzhi.service.base import Context


def test_start_up_is_frozen_while_serving_and_given_back_after(context: Context) -> None:
    gc.unfreeze()  # whatever an earlier test left
    app = create_app(context)
    with TestClient(app) as client:
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the routes, schemas and tables, at least
        assert client.get("/health").json() == {"status": "ok"}
        assert 0 < gc.get_freeze_count() <= frozen  # a request freezes nothing more
    assert gc.get_freeze_count() == 0
