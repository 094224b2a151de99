from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.questions.tables import Question, QuestionComment, QuestionLevel

APP_CONFIG = AppConfig(
    app_name="questions",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Question, QuestionLevel, QuestionComment],
    migration_dependencies=["samverkan.meetings.piccolo_app", "samverkan.accounts.piccolo_app"],
    commands=[],
)
