from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T13:51:43:741691"
VERSION = "1.38.0"
DESCRIPTION = "Groups have a parent group (APT → FSG → CSG)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="orgs", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="CollaborationGroup",
        tablename="collaboration_group",
        column_name="parent",
        db_column_name="parent",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": "self",
            "on_delete": OnDelete.set_null,
            "on_update": OnUpdate.cascade,
            "target_column": None,
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
