from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox_message.files: the papers attached to a kallelse"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)
    manager.add_column(
        table_class_name="OutboxMessage", tablename="outbox_message", column_name="files", db_column_name="files",
        column_class_name="Text", column_class=Text,
        params={"default": "", "null": False, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None,
    )
    return manager
