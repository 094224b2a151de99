from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T05:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One deadline per rule, trigger event and union"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="deadlines", description=DESCRIPTION)

    async def constraints():
        for sql in (
            "CREATE UNIQUE INDEX deadline_unique ON deadline (matter, rule_id, trigger_event, COALESCE(trade_union, 0))",
            "CREATE INDEX deadline_state_due ON deadline (state, due)",
        ):
            await engine().run_ddl(sql)

    manager.add_raw(constraints)
    return manager
