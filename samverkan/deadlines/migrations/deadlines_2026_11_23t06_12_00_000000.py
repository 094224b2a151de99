from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T06:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Sweep index on the next reminder day of open deadlines; plan the open ones"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="deadlines", description=DESCRIPTION)

    async def sweep_index():
        # Partial: the sweep only ever asks for open deadlines, and most deadlines are closed.
        await engine().run_ddl("CREATE INDEX deadline_next_reminder ON deadline (next_reminder_on) WHERE state = 'open'")
        from samverkan import clock
        from samverkan.reminders.planning import first_look

        rows = await engine().run_ddl("SELECT id, due FROM deadline WHERE state = 'open'")
        today = clock.today()
        for row in rows or []:
            due = row["due"]
            if isinstance(due, str):  # SQLite returns text from raw SQL
                import datetime as dt

                due = dt.date.fromisoformat(due)
            look = first_look(due, today)
            await engine().run_ddl(
                f"UPDATE deadline SET next_reminder_on = {'NULL' if look is None else repr(look.isoformat())} WHERE id = {int(row['id'])}"
            )

    manager.add_raw(sweep_index)
    return manager
