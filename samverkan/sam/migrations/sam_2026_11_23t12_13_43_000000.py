from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T12:13:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "One annual follow-up per department and year; comments found by subject"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sam", description=DESCRIPTION)

    async def constraints():
        # One annual follow-up per department and year (AFS 2023:1: once a year).
        await engine().run_ddl("CREATE UNIQUE INDEX annual_follow_up_year ON annual_follow_up (department, year)")
        await engine().run_ddl("CREATE INDEX sam_comment_subject ON sam_comment (subject, subject_id)")

    manager.add_raw(constraints)
    return manager
