from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-12-04T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index for a union's matters (the union scope's capped count)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matters", description=DESCRIPTION)

    # A union user's count starts from the union's links (pagination.Party): without this index
    # it probes every matter (bench/matters_meetings.py, union: matters).
    async def indexes():
        await engine().run_ddl("CREATE INDEX matter_party_union_matter ON matter_party (trade_union, matter)")

    manager.add_raw(indexes)
    return manager
