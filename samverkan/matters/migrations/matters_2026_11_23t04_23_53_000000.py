from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T04:23:53:000000"
VERSION = "1.38.0"
DESCRIPTION = "One party row per union and matter"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matters", description=DESCRIPTION)

    # Composite constraints in plain SQL, in a migration of their own (see orgs).
    async def constraints():
        for sql in (
            'CREATE UNIQUE INDEX matter_party_unique ON matter_party (matter, trade_union)',
            'CREATE INDEX matter_event_matter_date ON matter_event (matter, date)',
        ):
            await engine().run_ddl(sql)

    manager.add_raw(constraints)
    return manager
