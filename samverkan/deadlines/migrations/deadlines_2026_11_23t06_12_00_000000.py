import datetime as dt

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.querystring import QueryString

from samverkan import clock
from samverkan.database import engine
from samverkan.reminders.planning import first_look

ID = "2026-11-23T06:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Sweep index on the next reminder day of open deadlines; plan the open ones"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="deadlines", description=DESCRIPTION)

    async def sweep_index():
        # Partial: the sweep only ever asks for open deadlines, and most deadlines are closed.
        await engine().run_ddl("CREATE INDEX deadline_next_reminder ON deadline (next_reminder_on) WHERE state = 'open'")
        # Deadlines that were open before reminders existed get their first look, as new ones do.
        # Raw SQL, not the Deadline table class: a migration must not change with later tables.
        today = clock.today()
        for row in await engine().run_ddl("SELECT id, due FROM deadline WHERE state = 'open'") or []:
            due = row["due"] if isinstance(row["due"], dt.date) else dt.date.fromisoformat(row["due"])  # SQLite: text
            await engine().run_querystring(
                QueryString("UPDATE deadline SET next_reminder_on = {} WHERE id = {}", first_look(due, today), row["id"])
            )

    manager.add_raw(sweep_index)
    return manager
