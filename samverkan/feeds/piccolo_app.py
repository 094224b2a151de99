from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.feeds.tables import CalendarFeed

APP_CONFIG = AppConfig(
    app_name="feeds",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[CalendarFeed],
    migration_dependencies=["samverkan.reminders.piccolo_app"],
    commands=[],
)
