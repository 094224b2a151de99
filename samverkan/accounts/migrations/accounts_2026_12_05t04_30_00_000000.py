from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.accounts.viewer_cache import CHANNEL
from samverkan.database import engine

ID = "2026-12-05T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "PostgreSQL: changes to accounts, sessions and tokens notify the instances' caller caches (accounts.viewer_cache)"

# What a cached caller is made of: a change to any of these columns, or a deleted row, notifies.
# One notification per transaction (PostgreSQL folds identical ones); last_login_at and
# last_used_at, written on logins and API calls, do not.
WATCHED = {
    "app_user": "email, name, role, department, trade_union, person, active",
    "user_session": 'key_hash, "user", expires_at',
    "api_token": 'token_hash, "user", revoked_at',
}


def statements() -> list[str]:
    out = [
        "CREATE OR REPLACE FUNCTION samverkan_viewers_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    ]
    for table, columns in WATCHED.items():
        out += [
            f"CREATE TRIGGER {table}_viewers_changed AFTER UPDATE OF {columns} OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION samverkan_viewers_changed()",
            f"CREATE TRIGGER {table}_viewers_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION samverkan_viewers_changed()",
        ]
    return out


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def triggers():
        db = engine()
        if db.engine_type == "postgres":  # SQLite has no notifications: nothing is cached there
            for statement in statements():
                await db.run_ddl(statement)

    manager.add_raw(triggers)
    return manager
