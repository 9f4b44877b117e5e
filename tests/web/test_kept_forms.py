"""Every console form that takes its control-character refusal itself (`KeptDep`, a
form shown again with what was typed and the refusal at the field) raises it
(`Form.check`) before acting on a value: a handler that forgot would act on the values
with the character shown as U+FFFD, or reach the database with a NUL."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from fastapi.routing import APIRoute

from zengzhi.web import console
from zengzhi.web.console import config, members, orders
from zengzhi.web.console.session import posted_kept

# a handler may leave the check to the helper it hands the form to
HELPERS = {
    "_reviewed_save(": config._reviewed_save,
    "_moved(": members._moved,
    "_with_reason(": orders._with_reason,
}


def _kept_routes() -> list[APIRoute]:
    """Every console route whose form is a `KeptDep` (`posted_kept`)."""
    found = []
    for module in pkgutil.iter_modules(console.__path__):
        routes = getattr(
            importlib.import_module(f"zengzhi.web.console.{module.name}"), "router", None
        )
        found += [
            route
            for route in (routes.routes if routes is not None else [])
            if isinstance(route, APIRoute)
            and any(inner.call is posted_kept for inner in route.dependant.dependencies)
        ]
    return found


def test_every_kept_form_is_checked_before_it_is_acted_on() -> None:
    kept = _kept_routes()
    assert len(kept) >= 15, [route.path for route in kept]  # the forms shown again
    for helper in HELPERS.values():
        assert "form.check()" in inspect.getsource(helper), helper.__name__
    unchecked = []
    for route in kept:
        source = inspect.getsource(route.endpoint)
        if "form.check()" not in source and not any(call in source for call in HELPERS):
            unchecked.append(route.path)
    assert unchecked == []
