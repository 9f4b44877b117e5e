"""Simulations: run a shipped or uploaded scenario through the engine (in a process of
its own) and read its report, charts and tables here."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError
from zengzhi.deps import STATUS, ContextDep
from zengzhi.i18n import Translator, catalogue
from zengzhi.service import simulations
from zengzhi.service.auth import Permission
from zengzhi.service.background import RUN_ID
from zengzhi.sim.verdict_text import verdict_lines
from zengzhi.web.console import page
from zengzhi.web.console.session import PostedDep, StaffDep, needs_form
from zengzhi.web.pages import PageRoute, language, see_other

router = APIRouter(prefix="/console/simulations", route_class=PageRoute, include_in_schema=False)

RunId = Annotated[str, Path(pattern=RUN_ID.pattern)]
FileName = Annotated[str, Path(pattern=simulations.FILE_NAME.pattern)]


_ENGLISH = catalogue("en")


def scenario_name(t: Translator, name: str, source: str) -> str:
    """A shipped scenario's name in the page's language (`scenario.<file's stem>`) when the
    run is that scenario (its name is the shipped file's); an uploaded one's as it is. A
    Chinese page listed and headed runs by the files' English names (Flat order flow)."""
    key = f"scenario.{source.removesuffix('.toml')}"
    if source in simulations.shipped() and _ENGLISH.get(key) == name and t.has(key):
        return t(key)
    return name


def _named(request: Request) -> Callable[[str, str], str]:
    t = Translator(language(request))
    return lambda name, source: scenario_name(t, name, source)


def _list(
    request: Request, context: ContextDep, user: StaffDep, status: int = 200, **data: object
) -> HTMLResponse:
    return page(
        request,
        user,
        "console/simulations.html",
        status=status,
        runs=simulations.list_runs(context, user.principal),
        shipped=simulations.shipped(),
        scenario_name=_named(request),
        limit_kb=simulations.MAX_SCENARIO_BYTES // 1024,
        **data,
    )


@router.get("", response_class=HTMLResponse)
def runs(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    return _list(request, context, user)


@router.post("", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)])
def start(request: Request, context: ContextDep, user: StaffDep, form: PostedDep) -> Response:
    try:
        upload = form.file("upload", simulations.MAX_SCENARIO_BYTES)
        # an upload goes before the list's choice: named by its own file, in messages
        # and in the list of runs
        source = (form.file_name("upload") or "upload") if upload else form.get("shipped")
        run_id = simulations.start(context, user.principal, source, upload, language(request))
    except DomainError as error:
        return _list(request, context, user, STATUS[error.code], error=error)
    return see_other(f"/console/simulations/{run_id}")


@router.get("/{run_id}", response_class=HTMLResponse)
def run(request: Request, context: ContextDep, user: StaffDep, run_id: RunId) -> HTMLResponse:
    found = simulations.get_run(context, user.principal, run_id)
    return page(
        request,
        user,
        "console/simulation.html",
        run=found,
        scenario_name=_named(request),
        verdict=verdict_lines(found.verdict, Translator(language(request)))
        if found.verdict
        else [],
    )


@router.get("/{run_id}/files/{name}")
def report_file(context: ContextDep, user: StaffDep, run_id: RunId, name: FileName) -> Response:
    content = simulations.report_file(context, user.principal, run_id, name)
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # the report is the simulator's own page: shown as is, its links resolve beside it
    return Response(content, media_type=kind, headers={"Content-Security-Policy": REPORT_POLICY})


# The report's own policy (the guard adds its page policy only to answers without one):
# its inline styles and its charts beside it, and nothing else. It runs no script, so
# none may run, whatever a scenario's text holds; like every page, no site may frame it.
REPORT_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; object-src 'none';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
