from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T10:38:47:115306"
VERSION = "1.38.0"
DESCRIPTION = "Diary number counters"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="matters", description=DESCRIPTION
    )

    manager.add_table(
        class_name="DiaryCounter",
        tablename="diary_counter",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="DiaryCounter",
        tablename="diary_counter",
        column_name="series",
        db_column_name="series",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="DiaryCounter",
        tablename="diary_counter",
        column_name="last_serial",
        db_column_name="last_serial",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
