from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Who claims in a dispute (64–66 §§ MBL): null until recorded, read as the union"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matters", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Matter",
        tablename="matter",
        column_name="claimant",
        db_column_name="claimant",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": None,
            "null": True,
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
