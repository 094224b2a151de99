from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-12-05T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Each matter's JSON kept by the database (matters.stored_json)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matters", description=DESCRIPTION)

    async def stored_json():
        from samverkan.matters import stored_json

        db = engine()
        for statement in stored_json.install(db.engine_type):
            await db.run_ddl(statement)

    manager.add_raw(stored_json)
    return manager
