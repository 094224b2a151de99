from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T05:10:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "Index for a department's meetings in time order"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)

    async def indexes():
        await engine().run_ddl("CREATE INDEX meeting_department_starts ON meeting (department, starts_at, id)")

    manager.add_raw(indexes)
    return manager
