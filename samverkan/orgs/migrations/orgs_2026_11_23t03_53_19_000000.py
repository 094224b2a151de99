from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T03:53:19:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique membership pairs and foreign-key indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orgs", description=DESCRIPTION)

    # Piccolo has no composite unique constraint, and runs raw SQL before a migration's
    # own tables exist, so these come in a migration of their own.
    async def constraints():
        for sql in (
            'CREATE UNIQUE INDEX group_union_unique ON group_union ("group", trade_union)',
            'CREATE UNIQUE INDEX group_member_unique ON group_member ("group", person)',
            "CREATE INDEX person_department ON person (department)",
            "CREATE INDEX person_trade_union ON person (trade_union)",
        ):
            await engine().run_ddl(sql)

    manager.add_raw(constraints)
    return manager
