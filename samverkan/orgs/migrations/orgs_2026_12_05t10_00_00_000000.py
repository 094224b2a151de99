from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-12-05T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The registry's version, drawn anew by the database on every change (orgs.registry_version)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orgs", description=DESCRIPTION)

    async def registry_version():
        from samverkan.orgs import registry_version

        db = engine()
        for statement in registry_version.install(db.engine_type):
            await db.run_ddl(statement)

    manager.add_raw(registry_version)
    return manager
