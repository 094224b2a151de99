"""The Litestar application: routes, middleware, error handling and the start-up sequence."""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from litestar import Litestar, Router, get
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from samverkan import __version__, clock, database
from samverkan.reminders import scheduler
from samverkan.protocols.api import PROTOCOL_API
from samverkan.protocols.pages import PROTOCOL_PAGES
from samverkan.reminders.api import ReminderController
from samverkan.reminders.pages import ROUTES as REMINDER_PAGES
from samverkan.reminders import service as reminders
from samverkan.accounts import viewer_cache
from samverkan.accounts.access import PUBLIC
from samverkan.accounts.viewer_cache import ViewerCache
from samverkan.accounts.api import MeController
from samverkan.actions.api import ACTION_API
from samverkan.questions.api import QUESTION_API
from samverkan.yearplans.api import YEAR_PLAN_API
from samverkan.actions.pages import ROUTES as ACTION_PAGES
from samverkan.questions.pages import ROUTES as QUESTION_PAGES
from samverkan.yearplans.pages import ROUTES as YEAR_PLAN_PAGES
from samverkan.accounts.pages import ROUTES as ACCOUNT_PAGES
from samverkan.accounts.sso_pages import ROUTES as SSO_PAGES
from samverkan.deadlines.api import DeadlineController
from samverkan.deadlines.pages import ROUTES as DEADLINE_PAGES
from samverkan.audit.api import AUDIT_API
from samverkan.documents.api import DOCUMENT_API
from samverkan.documents.pages import DOCUMENT_PAGES
from samverkan.feeds.api import API_ROUTES as FEED_API
from samverkan.feeds.api import PAGE_ROUTES as FEED_PAGES
from samverkan.matters.api import MatterController
from samverkan.matters.pages import ROUTES as MATTER_PAGES
from samverkan.meetings.api import MeetingController, StandardAgendaController
from samverkan.meetings.pages import ROUTES as MEETING_PAGES
from samverkan.orgs.api import CONTROLLERS as REGISTRY_API
from samverkan.orgs.pages import ROUTES as REGISTRY_PAGES
from samverkan.papers.api import PAPER_API
from samverkan.papers.pages import PAPER_PAGES
from samverkan.paths import templates_dir
from samverkan.sam.api import SAM_API
from samverkan.sam.pages import SAM_PAGES
from samverkan.settings import Settings, get_settings
from samverkan.web.page_cache import PageCache
from samverkan.web.auth import SESSION_COOKIE, AuthenticationMiddleware
from samverkan.web.csrf import CsrfMiddleware
from samverkan.web.errors import RETRY_AFTER_SECONDS, handle_error
from samverkan.web.hardening import HardeningMiddleware, protective_headers
from samverkan.web.openapi import SCHEMA_PLUGINS, Error
from samverkan.web.page_status import PageStatusMiddleware
from samverkan.web.templating import template_config

log = logging.getLogger(__name__)


@get("/health", opt=PUBLIC, tags=["System"], summary="Is the service up, and is the reminder sweep running?",
     security=[], responses={503: ResponseSpec(Error, description="The database does not answer.", generate_examples=False)})
async def health() -> dict[str, str | int | None]:
    """Liveness and the database: 200 when it answers, 503 when it does not. Also when a sweep
    last finished (any instance) and how many seconds ago: alert when that grows past 600; the
    last sweep's error (a step that failed, deadlines it could not plan) and how many messages
    and deadlines are failing: alert when they are not null and 0. (A message's own error can
    name the mail server; it is shown to administrators on /utkorg, not here.)"""
    from litestar.exceptions import HTTPException

    if not await database.ping():
        raise HTTPException(status_code=503, detail="database unreachable", headers={"Retry-After": RETRY_AFTER_SECONDS})
    last = await reminders.last_sweep()
    finished = last["last_finished_at"] if last else None
    return {
        "status": "ok", "database": "ok", "version": __version__,
        "sweep_last_run": finished.isoformat() if finished else None,
        "sweep_age_seconds": int((clock.now() - finished).total_seconds()) if finished else None,
        "sweep_last_error": (last["last_error"] if last else None) or None, **await reminders.failing_counts(),
    }


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()

    viewers = ViewerCache()

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # Every instance migrates at start; the lock makes the others wait, then find nothing to do.
        await database.migrate(settings)
        await database.connect(settings)
        # Callers are kept only while PostgreSQL tells this instance when they change.
        listener = database.Listener(settings.database_url, viewer_cache.CHANNEL, viewers.forget, viewers.set_listening) \
            if settings.is_postgres else None
        if listener:
            await listener.start()
        await reminders.record_unknown_rules()
        ticker = scheduler.start(settings) if settings.scheduler else None
        # What start-up made (routes, templates, modules) lives as long as the process: out of the
        # collector's way, a full collection no longer walks it (p99 of the meeting page 68 → 30 ms).
        gc.collect()  # (garbage first: what is frozen is never collected)
        gc.freeze()
        try:
            yield
        finally:
            if ticker:
                ticker.shutdown(wait=False)
            if listener:
                await listener.close()
            await database.disconnect(settings)

    api = Router(
        path="/api/v1",
        route_handlers=[*REGISTRY_API, MeController, MatterController, MeetingController, StandardAgendaController, DeadlineController,
                        ReminderController, *ACTION_API, *QUESTION_API, *YEAR_PLAN_API, *DOCUMENT_API, *PROTOCOL_API, *AUDIT_API, *SAM_API,
                        *FEED_API, *PAPER_API],
        security=[{"bearer": []}],
    )
    pages = Router(path="/", route_handlers=[*ACCOUNT_PAGES, *SSO_PAGES, *REGISTRY_PAGES, *MATTER_PAGES, *MEETING_PAGES, *DEADLINE_PAGES, *REMINDER_PAGES, *DOCUMENT_PAGES, *PROTOCOL_PAGES, *SAM_PAGES, *PAPER_PAGES, *ACTION_PAGES, *QUESTION_PAGES, *YEAR_PLAN_PAGES], include_in_schema=False)
    static = create_static_files_router(
        path="/static", directories=[templates_dir() / "static"], opt=PUBLIC, include_in_schema=False
    )
    return Litestar(
        route_handlers=[health, api, pages, static, *FEED_PAGES],
        lifespan=[lifespan],
        plugins=SCHEMA_PLUGINS,
        # CSRF after authentication: the token is bound to the session cookie (web/csrf.py).
        middleware=[HardeningMiddleware(settings), AuthenticationMiddleware(viewers), CsrfMiddleware(settings), PageStatusMiddleware()],
        exception_handlers={Exception: handle_error},
        before_send=[protective_headers(settings)],
        template_config=template_config(settings),
        openapi_config=OpenAPIConfig(
            title="samverkan",
            version=__version__,
            description="The JSON API of samverkan: registers, matters, meetings, deadlines, protocols, documents "
                        "and SAM. Every call under /api/v1 needs an API token (`Authorization: Bearer svk_…`) and acts "
                        "with its user's role; conventions, errors and who may call what are in docs/api.md.",
            path="/schema",
            use_handler_docstrings=True,
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", description="API token")}
            ),
        ),
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        state=State({"settings": settings, "viewers": viewers,
                     "page_cache": PageCache(settings.page_cache_mb * 2**20) if settings.page_cache_mb else None}),
        debug=False,
    )


__all__ = ["create_app", "SESSION_COOKIE"]
