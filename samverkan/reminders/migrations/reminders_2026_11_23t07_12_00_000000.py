from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.database import engine

ID = "2026-11-23T07:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Outbox indexes: the claim, expired leases, a user's notifications"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)

    async def indexes():
        # Few indexes on purpose: a sweep may insert thousands of rows at once.
        for sql in (
            # What a sweep claims (pending messages, few at any time) and the outbox page's filter,
            # without reading the history of sent messages.
            "CREATE INDEX outbox_state ON outbox_message (state, id)",
            "CREATE INDEX outbox_leased ON outbox_message (lease_until) WHERE state = 'sending'",
            'CREATE INDEX outbox_user ON outbox_message ("user", id) WHERE "user" IS NOT NULL',
        ):
            await engine().run_ddl(sql)

    manager.add_raw(indexes)
    return manager
