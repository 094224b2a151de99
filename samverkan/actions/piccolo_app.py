from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.actions.tables import AgendaAction

APP_CONFIG = AppConfig(
    app_name="actions",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[AgendaAction],
    migration_dependencies=["samverkan.meetings.piccolo_app", "samverkan.accounts.piccolo_app"],
    commands=[],
)
