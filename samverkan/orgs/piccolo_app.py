from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion

APP_CONFIG = AppConfig(
    app_name="orgs",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Department, TradeUnion, Person, CollaborationGroup, GroupUnion, GroupMember],
    migration_dependencies=[],
    commands=[],
)
