from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.documents.tables import Document, DocumentSource, Letterhead, WordTemplate

APP_CONFIG = AppConfig(
    app_name="documents",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[DocumentSource, Document, WordTemplate, Letterhead],
    migration_dependencies=["samverkan.accounts.piccolo_app", "samverkan.orgs.piccolo_app", "samverkan.meetings.piccolo_app"],
    commands=[],
)
