from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.matters.tables import DiaryCounter, Matter, MatterEvent, MatterEventChange, MatterParty

APP_CONFIG = AppConfig(
    app_name="matters",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Matter, MatterParty, MatterEvent, MatterEventChange, DiaryCounter],
    migration_dependencies=["samverkan.orgs.piccolo_app", "samverkan.accounts.piccolo_app"],
    commands=[],
)
