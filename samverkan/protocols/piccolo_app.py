from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.protocols.tables import Approval, Comment, Proposal, ProtocolVersion

APP_CONFIG = AppConfig(
    app_name="protocols",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[ProtocolVersion, Approval, Comment, Proposal],
    migration_dependencies=["samverkan.accounts.piccolo_app", "samverkan.orgs.piccolo_app", "samverkan.meetings.piccolo_app"],
    commands=[],
)
