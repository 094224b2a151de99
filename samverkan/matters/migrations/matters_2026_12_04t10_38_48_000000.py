from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T10:38:48:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed the diary number counters from the numbers in use"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matters", description=DESCRIPTION)

    # In a migration of its own: Piccolo runs raw steps before the tables of the same migration.
    async def seed():
        from samverkan.matters.service import seed_diary_counters

        await seed_diary_counters()

    manager.add_raw(seed)
    return manager
