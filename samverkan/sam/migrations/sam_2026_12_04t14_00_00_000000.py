from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Risk assessments and annual follow-ups are versioned and editable until marked done"


def _params(default, null):
    return {"default": default, "null": null, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sam", description=DESCRIPTION)
    for class_name, tablename in (("RiskAssessment", "risk_assessment"), ("AnnualFollowUp", "annual_follow_up")):
        manager.add_column(table_class_name=class_name, tablename=tablename, column_name="version", db_column_name="version",
                           column_class_name="Integer", column_class=Integer, params=_params(1, False), schema=None)
        manager.add_column(table_class_name=class_name, tablename=tablename, column_name="closed_on", db_column_name="closed_on",
                           column_class_name="Date", column_class=Date, params=_params(None, True), schema=None)
    return manager
