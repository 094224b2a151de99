from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Deadline(Table, tablename="deadline", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree, choices=None,
                db_column_name="id", secret=False)


ID = "2026-12-04T10:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deadline_failure: deadlines the sweep could not plan, with their error"


def _params(**changed) -> dict:
    return {"default": None, "null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False, **changed}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)
    manager.add_table(class_name="DeadlineFailure", tablename="deadline_failure", schema=None, columns=None)
    for name, column_class, params in (
        ("deadline", ForeignKey, _params(references=Deadline, on_delete=OnDelete.cascade, on_update=OnUpdate.cascade,
                                         target_column=None, unique=True)),
        ("error", Text, _params(default="")),
        ("attempts", Integer, _params(default=0)),
        ("failed_at", Timestamptz, _params(default=TimestamptzNow())),
    ):
        manager.add_column(table_class_name="DeadlineFailure", tablename="deadline_failure", column_name=name,
                           db_column_name=name, column_class_name=column_class.__name__, column_class=column_class,
                           params=params, schema=None)
    return manager
