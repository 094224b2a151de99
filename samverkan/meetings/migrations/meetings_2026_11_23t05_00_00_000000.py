from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A person takes part in a meeting once"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)

    async def constraints():
        # The service checks this too; the index holds when two requests add the same person at once.
        await engine().run_ddl("CREATE UNIQUE INDEX participant_unique ON participant (meeting, person)")

    manager.add_raw(constraints)
    return manager
