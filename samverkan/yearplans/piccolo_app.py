from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.yearplans.tables import AnnualItem

APP_CONFIG = AppConfig(
    app_name="yearplans",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[AnnualItem],
    migration_dependencies=["samverkan.orgs.piccolo_app"],
    commands=[],
)
