from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-12-04T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index for a union's meetings (the union scope's capped count)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)

    async def indexes():
        await engine().run_ddl("CREATE INDEX meeting_union_union_meeting ON meeting_union (trade_union, meeting)")

    manager.add_raw(indexes)
    return manager
