from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T06:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Claim indexes on the outbox; notification list index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def indexes():
        for sql in (
            # What a sweep claims (pending messages, few at any time) and the outbox page's filter,
            # without reading the history of sent messages; and sending ones whose lease ran out.
            # Few indexes on purpose: a sweep inserts thousands of rows at once.
            "CREATE INDEX outbox_state ON outbox_message (state, id)",
            "CREATE INDEX outbox_leased ON outbox_message (lease_until) WHERE state = 'sending'",
            "CREATE INDEX notification_user ON notification (\"user\", created_at)",
        ):
            await engine().run_ddl(sql)

    manager.add_raw(indexes)
    return manager
