from pathlib import Path

from piccolo.conf.apps import AppConfig

from samverkan.accounts.tables import ApiToken, ExternalIdentity, LoginFailure, SeenAssertion, SignOnAttempt, User, UserSession

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[User, ApiToken, UserSession, LoginFailure, ExternalIdentity, SignOnAttempt, SeenAssertion],
    migration_dependencies=["samverkan.orgs.piccolo_app"],
    commands=[],
)
