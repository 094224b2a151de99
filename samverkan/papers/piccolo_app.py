from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.papers.tables import AgendaProposal, NoticeReply, NoticeSend, Paper

APP_CONFIG = AppConfig(
    app_name="papers",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Paper, NoticeSend, NoticeReply, AgendaProposal],
    migration_dependencies=["samverkan.meetings.piccolo_app", "samverkan.matters.piccolo_app", "samverkan.accounts.piccolo_app",
                            "samverkan.orgs.piccolo_app"],
    commands=[],
)
