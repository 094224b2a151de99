from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.sam.tables import Action, AnnualFollowUp, Risk, RiskAssessment, SafetyRepRequest, SamComment

APP_CONFIG = AppConfig(
    app_name="sam",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[RiskAssessment, Risk, AnnualFollowUp, Action, SafetyRepRequest, SamComment],
    migration_dependencies=["samverkan.accounts.piccolo_app", "samverkan.orgs.piccolo_app", "samverkan.matters.piccolo_app",
                            "samverkan.meetings.piccolo_app", "samverkan.deadlines.piccolo_app"],
    commands=[],
)
