from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.deadlines.tables import Deadline, RuleOverride, RuleSet

APP_CONFIG = AppConfig(
    app_name="deadlines",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[RuleSet, RuleOverride, Deadline],
    migration_dependencies=["samverkan.matters.piccolo_app"],
    commands=[],
)
