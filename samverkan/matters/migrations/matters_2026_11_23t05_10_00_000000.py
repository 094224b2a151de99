from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T05:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for the matter list in the order it is shown"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matters", description=DESCRIPTION)

    # The list is newest first within a status or a department; without these SQLite sorts
    # thousands of rows for every page (bench/matters_meetings.py).
    async def indexes():
        for sql in (
            "CREATE INDEX matter_status_created ON matter (status, created_at, id)",
            "CREATE INDEX matter_department_created ON matter (department, created_at, id)",
        ):
            await engine().run_ddl(sql)

    manager.add_raw(indexes)
    return manager
