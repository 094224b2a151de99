from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-12-04T14:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Mark the deadlines already set by hand as fixed"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sam", description=DESCRIPTION)

    # In the sam app (it reads sam tables), after the deadlines app added the column.
    async def mark():
        await engine().run_ddl(
            "UPDATE deadline SET fixed = true WHERE matter IS NULL AND ("
            "(subject = 'safety_rep_request' AND subject_id IN (SELECT id FROM safety_rep_request WHERE answer_by IS NOT NULL))"
            " OR subject = 'sam_action')")

    manager.add_raw(mark)
    return manager
