"""The composition root: one FastAPI application with the API (`api/`) and the web pages
(`web/`) mounted side by side, the guard before both, and the background runners. The only
module that imports both faces; the process entry points (`zengzhi serve`, uvicorn's
`zengzhi.app:from_environment`, the tests) build the application here."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from zengzhi import __version__, api, web
from zengzhi.api.guard import Guard, redact_access_log
from zengzhi.service import payee_keys
from zengzhi.service.background import RunWorker
from zengzhi.service.base import Context
from zengzhi.service.jobs import JobRunner
from zengzhi.service.settings import MissingSecretKey, Settings
from zengzhi.service.webhook_delivery import WebhookRunner
from zengzhi.store.database import Database, unreachable
from zengzhi.web.pages import error_page


def create_app(context: Context, *, run_jobs: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runners: list[JobRunner | WebhookRunner] = []
        runs = RunWorker(context)
        if run_jobs:
            runners.append(JobRunner(context, context.settings.job_interval_seconds))
            if context.settings.webhook_interval_seconds > 0:
                runners.append(WebhookRunner(context, context.settings.webhook_interval_seconds))
            runs.start()
        for runner in runners:
            runner.start()
        # What start-up built (the routes, the schemas, SQLAlchemy's tables: some 190,000
        # objects) lives as long as the process. Frozen, the collector's full passes do
        # not walk it again and again: they took 12 % of a busy server's CPU, each about
        # 100 ms with every request waiting (docs/benchmarks.md, the HTTP service).
        gc.freeze()
        yield
        gc.unfreeze()  # a process that starts the app again (the tests) keeps no garbage
        for runner in runners:
            runner.stop()
        if run_jobs:  # its runs are given up (interrupted) before the process ends
            runs.stop()
            runs.join(timeout=10)

    app = FastAPI(
        title="zengzhi",
        version=__version__,
        summary="A points-rebate engine: the consumption-appreciation pool on a ledger.",
        lifespan=lifespan,
        docs_url=None,  # api/openapi.py serves /docs from the package, not a CDN
        redoc_url=None,
        # FastAPI's OpenTelemetry spans, metrics and logs, none of which is configured
        # here: left on, it asked OpenTelemetry's global providers whether one was, on
        # every request (3 % of a busy server's CPU, docs/benchmarks.md)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    # a path with a trailing slash is sent to its route by a relative address
    # (api/errors.py `without_slash`), not Starlette's, which named the request's Host
    app.router.redirect_slashes = False
    app.state.context = context
    app.add_middleware(
        Guard, max_body_bytes=context.settings.max_body_bytes, page_refusal=error_page
    )
    redact_access_log()
    api.mount(app)
    web.mount(app)  # the console (/console) and the member page (/m), served here too
    return app


def from_environment() -> FastAPI:
    """The app as configured by ZENGZHI_* variables, for a process manager:
    `uvicorn zengzhi.app:from_environment --factory --workers 4`.
    The schema must be current (`zengzhi db upgrade`)."""
    from pydantic import ValidationError  # noqa: PLC0415
    from sqlalchemy.exc import OperationalError, ProgrammingError  # noqa: PLC0415

    from zengzhi.engine.fields import error_from_validation  # noqa: PLC0415

    settings: Settings | None = None
    try:
        settings = Settings()
        settings.session_secret()
        context = Context(Database(settings.database_url), settings)
        # ZENGZHI_PAYEE_KEYS where it is needed (and the schema read to know it)
        payee_keys.check_at_start(settings, context.database)
    except ValidationError as error:  # a setting missing or refused
        raise SystemExit(f"error: {error_from_validation(error)}") from None
    except (MissingSecretKey, payee_keys.MissingPayeeKey) as error:
        raise SystemExit(f"error: {error}") from None
    except (OperationalError, ProgrammingError) as error:
        assert settings is not None
        raise SystemExit(f"error: {unreachable(settings.database_url, error)}") from None
    # uvicorn lets SystemExit through: its message is the one line it prints, exit 1
    return create_app(context, run_jobs=settings.run_jobs)
