from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.reminders.tables import DeadlineFailure, OutboxMessage, SweepState

APP_CONFIG = AppConfig(
    app_name="reminders",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[OutboxMessage, SweepState, DeadlineFailure],
    migration_dependencies=["samverkan.deadlines.piccolo_app"],
    commands=[],
)
