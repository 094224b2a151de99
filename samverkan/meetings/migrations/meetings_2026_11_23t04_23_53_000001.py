from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T04:23:53:000001"
VERSION = "1.38.0"
DESCRIPTION = "Unique parties, positions and justerare; agenda order"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)

    # Composite constraints in plain SQL, in a migration of their own (see orgs).
    async def constraints():
        for sql in (
            'CREATE UNIQUE INDEX meeting_union_unique ON meeting_union (meeting, trade_union)',
            'CREATE UNIQUE INDEX agenda_position_unique ON agenda_position (item, trade_union)',
            'CREATE UNIQUE INDEX meeting_approver_unique ON meeting_approver (meeting, COALESCE(trade_union, 0))',
            'CREATE INDEX agenda_item_meeting_number ON agenda_item (meeting, number)',
            'CREATE INDEX participant_person ON participant (person)',
        ):
            await engine().run_ddl(sql)

    manager.add_raw(constraints)
    return manager
