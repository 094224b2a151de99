from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T12:10:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "A deadline's matter is optional; departments filled in; one deadline per rule and subject"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="deadlines", description=DESCRIPTION)

    async def subjects():
        db = engine()
        if db.engine_type == "postgres":  # Piccolo makes SQLite's foreign keys nullable already
            for column in ("matter", "trigger_event"):
                await db.run_ddl(f"ALTER TABLE deadline ALTER COLUMN {column} DROP NOT NULL")
        await db.run_ddl("UPDATE deadline SET department = (SELECT department FROM matter WHERE matter.id = deadline.matter)")
        # One deadline per rule and subject; a matter's are keyed by deadline_unique.
        await db.run_ddl("CREATE UNIQUE INDEX deadline_subject_unique ON deadline (subject, subject_id, rule_id) "
                         "WHERE matter IS NULL")

    manager.add_raw(subjects)
    return manager
