"""APScheduler as a ticker: every SWEEP_SECONDS it runs a sweep. The database holds all state,
so the scheduler keeps no job store and several instances may tick at once."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from samverkan import clock
from samverkan.reminders.service import sweep
from samverkan.settings import Settings

log = logging.getLogger(__name__)


def start(settings: Settings) -> AsyncIOScheduler:
    async def tick() -> None:
        try:
            result = await sweep(settings)
            if result.planned or result.sent or result.failed:
                log.info("sweep: %s", result)
        except Exception:  # noqa: BLE001 - a failed sweep is logged and recorded; the next tick tries again
            log.exception("sweep failed")

    scheduler = AsyncIOScheduler(timezone=clock.STOCKHOLM)
    # One at a time per instance (max_instances), and a late tick runs once, not once per miss.
    scheduler.add_job(tick, "interval", seconds=settings.sweep_seconds, next_run_time=clock.now(),
                      max_instances=1, coalesce=True, misfire_grace_time=None, id="sweep")
    scheduler.start()
    return scheduler
