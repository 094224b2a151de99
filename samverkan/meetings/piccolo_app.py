from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.meetings.tables import (
    AgendaItem,
    AgendaPosition,
    Meeting,
    MeetingApprover,
    MeetingUnion,
    Participant,
    StandardAgendaItem,
)

APP_CONFIG = AppConfig(
    app_name="meetings",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Meeting, MeetingUnion, MeetingApprover, Participant, AgendaItem, AgendaPosition, StandardAgendaItem],
    migration_dependencies=["samverkan.orgs.piccolo_app", "samverkan.matters.piccolo_app"],
    commands=[],
)
