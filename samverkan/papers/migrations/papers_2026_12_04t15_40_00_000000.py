from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-04T15:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "paper.proposal: papers a union attaches to its agenda proposal"


class AgendaProposal(Table, tablename="agenda_proposal", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree, choices=None,
                db_column_name="id", secret=False)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="papers", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Paper", tablename="paper", column_name="proposal", db_column_name="proposal",
        column_class_name="ForeignKey", column_class=ForeignKey,
        params={"references": AgendaProposal, "on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade, "target_column": None,
                "null": True, "primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree,
                "choices": None, "db_column_name": None, "secret": False},
        schema=None,
    )
    return manager
