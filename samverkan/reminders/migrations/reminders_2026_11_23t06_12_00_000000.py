from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T06:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Claim indexes on the outbox; notification list index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def indexes():
        for sql in (
            # What a sweep claims: pending messages that are due, and sending ones whose lease ran out.
            "CREATE INDEX outbox_pending ON outbox_message (next_attempt_at) WHERE state = 'pending'",
            "CREATE INDEX outbox_leased ON outbox_message (lease_until) WHERE state = 'sending'",
            "CREATE INDEX outbox_state ON outbox_message (state, created_at)",
            "CREATE INDEX notification_user ON notification (\"user\", created_at)",
        ):
            await engine().run_ddl(sql)

    manager.add_raw(indexes)
    return manager
