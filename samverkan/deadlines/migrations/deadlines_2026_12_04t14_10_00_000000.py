from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "A deadline whose due day was set by hand is marked fixed: rule-set changes leave it alone"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="deadlines", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Deadline", tablename="deadline", column_name="fixed", db_column_name="fixed",
        column_class_name="Boolean", column_class=Boolean,
        params={"default": False, "null": False, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None)
    return manager
