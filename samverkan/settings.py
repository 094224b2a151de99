"""Settings read from the environment (``SAMVERKAN_*``), validated once at start.

Each setting is described as data in ``SETTINGS`` so that ``docs/configuration.md``
can be checked against it (a test fails when a setting is undocumented).
"""

from __future__ import annotations

import logging
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from samverkan.accounts import group_map
from samverkan.accounts.group_map import Grant

log = logging.getLogger(__name__)

PREFIX = "SAMVERKAN_"


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str  # without the prefix
    default: str | None
    help: str

    @property
    def env(self) -> str:
        return PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", ".", "Directory for the SQLite file, the generated secret key and generated files."),
    Setting("DATABASE_URL", None, "postgresql://user@host:port/db for PostgreSQL; unset for SQLite in the data dir."),
    Setting("SECRET_KEY", None, "Signs CSRF tokens. Generated into the data dir on first start if unset."),
    Setting("EMPLOYER_NAME", "Lunds kommun", "The employer shown on pages and documents."),
    Setting("DIARY_PATTERN", "{prefix} {year}/{serial:04d}",
            "How a generated diary number is written; {prefix}, {year} and {serial} are filled in."),
    Setting("COOKIE_SECURE", "true", "Send the session cookie only over HTTPS (browsers treat localhost as secure)."),
    Setting("SESSION_HOURS", "10", "How long a login lasts, in hours (1–720)."),
    Setting("LOGIN_MAX_FAILURES", "5", "Failed logins per account within 15 minutes before it is throttled (1–100)."),
    Setting("DB_POOL_SIZE", "10", "PostgreSQL connections per instance (0–100); 0 opens one per query."),
    Setting("LOG_LEVEL", "INFO", "Python log level: DEBUG, INFO, WARNING or ERROR."),
    Setting("BASE_URL", "http://127.0.0.1:8000", "The service's public address, for links in e-mail and calendar feeds."),
    Setting("TRUSTED_PROXIES", "",
            "Comma-separated addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed; unset: none, the connecting address is the client."),
    Setting("SMTP_HOST", "", "Mail server for reminders; unset: mail is written to the log instead of sent."),
    Setting("SMTP_PORT", "587", "Mail server port (1–65535)."),
    Setting("SMTP_SECURITY", "starttls", "starttls, tls (implicit TLS, usually port 465) or none."),
    Setting("SMTP_USER", "", "User name for the mail server; unset: no login."),
    Setting("SMTP_PASSWORD", "", "Password for the mail server."),
    Setting("MAIL_FROM", "samverkan@localhost", "The From address of reminders."),
    Setting("SCHEDULER", "true", "Run the reminder sweep inside the app; false when cron runs `samverkan sweep --once`."),
    Setting("SWEEP_SECONDS", "60", "Seconds between sweeps (5–3600)."),
    Setting("MAIL_LEASE_SECONDS", "300", "How long a claimed message is reserved for the instance sending it (5–3600)."),
    Setting("DOCUMENTS_DIR", "", "Where generated Word and PDF files are stored; unset: documents/ in the data dir."),
    Setting("PDF_TIMEOUT_SECONDS", "60", "How long one PDF conversion by LibreOffice may take (5–600)."),
    Setting("RISK_MATRIX", "LLLM LMMH LMHV MHVV",
            "The risk level of each likelihood (a row, 1–4) and consequence (a column, 1–4): "
            "L låg, M medel, H hög, V mycket hög."),
    Setting("RENDER_WORKERS", "2", "Worker processes that fill Word templates, each filling one document at a time (1–16)."),
    Setting("RENDER_TIMEOUT_SECONDS", "20", "How long filling one document may take before its worker is killed (1–600)."),
    Setting("RENDER_MEMORY_MB", "512", "The address space of one worker process, in MB (256–8192)."),
    Setting("PAGE_CACHE_MB", "32", "Rendered pages kept per service process, in MB (0–4096); 0 keeps none."),
    Setting("OIDC_ISSUER", "", "The OpenID Provider's issuer (e.g. https://login.microsoftonline.com/TENANT/v2.0); unset: no OpenID Connect."),
    Setting("OIDC_CLIENT_ID", "", "The application's client id at the OpenID Provider."),
    Setting("OIDC_CLIENT_SECRET", "", "The application's client secret (or OIDC_CLIENT_SECRET_FILE)."),
    Setting("OIDC_CLIENT_SECRET_FILE", "", "A file holding the client secret (for secrets mounted as files)."),
    Setting("OIDC_SCOPES", "openid profile email", "The scopes asked for; must include openid."),
    Setting("OIDC_GROUPS_CLAIM", "groups", "The ID token claim that lists the person's groups."),
    Setting("OIDC_GROUP_MAP", "", "JSON: group → {role, department, union}; used for OpenID Connect and SAML sign-on."),
    Setting("SSO_ROLE_CONFLICT", "refuse", "refuse or widest: what to do when a person's groups map to different roles."),
    Setting("SSO_CONTACT", "kommunens IT-support", "Who a person without access should contact (shown on the refusal page)."),
    Setting("SAML_IDP_METADATA", "", "The SAML identity provider's metadata (a file); unset: no SAML."),
    Setting("SAML_GROUPS_ATTRIBUTE", "http://schemas.xmlsoap.org/claims/Group", "The SAML attribute that lists the person's groups."),
    Setting("SAML_SP_KEY_FILE", "", "A private key (PEM) to sign SAML requests with; unset: requests are not signed."),
    Setting("SAML_SP_CERT_FILE", "", "The certificate (PEM) of SAML_SP_KEY_FILE, published in the metadata."),
    Setting("PASSWORD_LOGIN", "true", "false: only break-glass accounts sign in with a password (when sign-on is set up)."),
    Setting("PAPER_MAX_MB", "25", "The largest paper (underlag) that may be uploaded, in MB (1–500)."),
    Setting("NOTICE_ATTACH_MAX_KB", "2048", "Papers up to this size (KB) are attached to the kallelse mail, the rest linked; 0: never."),
    Setting("NOTICE_ATTACH_TOTAL_KB", "8192", "At most this much (KB) of papers is attached to one kallelse mail; the rest are linked."),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None
    secret_key: str
    employer_name: str
    diary_pattern: str
    cookie_secure: bool
    session_hours: int
    login_max_failures: int
    db_pool_size: int
    log_level: str
    base_url: str
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password: str
    mail_from: str
    scheduler: bool
    sweep_seconds: int
    mail_lease_seconds: int
    documents_dir: Path
    pdf_timeout_seconds: int
    risk_matrix: tuple[str, ...]
    render_workers: int
    render_timeout_seconds: int
    render_memory_mb: int
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile email"
    oidc_groups_claim: str = "groups"
    group_map: Mapping[str, Grant] = field(default_factory=dict)
    sso_widest_role: bool = False
    sso_contact: str = "kommunens IT-support"
    saml_idp_metadata: Path | None = None
    saml_groups_attribute: str = "http://schemas.xmlsoap.org/claims/Group"
    saml_sp_key_file: Path | None = None
    saml_sp_cert_file: Path | None = None
    password_login: bool = True

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def saml_enabled(self) -> bool:
        return self.saml_idp_metadata is not None
    paper_max_mb: int = 25
    notice_attach_max_kb: int = 2048
    notice_attach_total_kb: int = 8192
    page_cache_mb: int = 32

    @property
    def is_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "samverkan.sqlite"


def _text(env: Mapping[str, str], name: str) -> str:
    spec = next(s for s in SETTINGS if s.name == name)
    value = env.get(spec.env, spec.default)
    if value is None:
        return ""
    return value.strip()


def _int(env: Mapping[str, str], name: str, low: int, high: int) -> int:
    raw = _text(env, name)
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}: expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{PREFIX}{name}: must be between {low} and {high}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = _text(env, name).lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{PREFIX}{name}: expected true or false, got {raw!r}")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = _text(env, name).upper()
    if raw not in choices:
        raise SettingsError(f"{PREFIX}{name}: expected one of {', '.join(choices)}, got {raw!r}")
    return raw


def _risk_matrix(env: Mapping[str, str]) -> tuple[str, ...]:
    rows = tuple(_text(env, "RISK_MATRIX").upper().split())
    if len(rows) != 4 or any(len(row) != 4 or set(row) - set("LMHV") for row in rows):
        raise SettingsError(f"{PREFIX}RISK_MATRIX: expected four rows of four letters L, M, H or V "
                            f"(e.g. 'LLLM LMMH LMHV MHVV'), got {_text(env, 'RISK_MATRIX')!r}")
    return rows


def _database_url(env: Mapping[str, str]) -> str | None:
    raw = _text(env, "DATABASE_URL")
    if not raw:
        return None
    if not raw.startswith(("postgresql://", "postgres://")):
        raise SettingsError(
            f"{PREFIX}DATABASE_URL: only postgresql:// URLs are supported (unset it for SQLite), got {raw.split(':')[0]!r}"
        )
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}DATABASE_URL: not a valid URL ({exc})") from None
    if not parts.hostname and "host=" not in parts.query:
        raise SettingsError(f"{PREFIX}DATABASE_URL: no host in the URL")
    return raw


def _base_url(env: Mapping[str, str]) -> str:
    raw = _text(env, "BASE_URL").rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{PREFIX}BASE_URL: expected an http(s) address such as https://samverkan.lund.se, got {raw!r}")
    return raw


def _trusted_proxies(env: Mapping[str, str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for part in filter(None, (p.strip() for p in _text(env, "TRUSTED_PROXIES").split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise SettingsError(f"{PREFIX}TRUSTED_PROXIES: expected IP addresses or networks such as 10.0.0.0/8, got {part!r}") from None
    return tuple(networks)


def _mail_from(env: Mapping[str, str]) -> str:
    raw = _text(env, "MAIL_FROM")
    if raw.count("@") != 1 or any(c.isspace() for c in raw):
        raise SettingsError(f"{PREFIX}MAIL_FROM: expected an e-mail address, got {raw!r}")
    return raw


def _diary_pattern(env: Mapping[str, str]) -> str:
    raw = _text(env, "DIARY_PATTERN")
    try:
        sample = raw.format(prefix="KS", year=2026, serial=42)
    except (KeyError, IndexError, ValueError) as exc:
        raise SettingsError(f"{PREFIX}DIARY_PATTERN: cannot be filled in ({exc}); use {{prefix}}, {{year}} and {{serial}}") from None
    if "{serial" not in raw or not 1 <= len(sample) <= 40:
        raise SettingsError(f"{PREFIX}DIARY_PATTERN: must contain {{serial}} and give at most 40 characters")
    return raw


def _directory(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = _text(env, name)
    path = Path(raw).expanduser().resolve() if raw else default
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{PREFIX}{name}: {path} exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"{PREFIX}{name}: cannot create {path}: {exc.strerror}") from None
    return path


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    raw = _text(env, "SECRET_KEY")
    if raw:
        if len(raw) < 32:
            raise SettingsError(f"{PREFIX}SECRET_KEY: must be at least 32 characters")
        return raw
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # Written whole to a private temporary file, then linked into place: an instance starting
        # at the same moment either finds no file or a complete one, never half a key.
        key = secrets.token_urlsafe(48)
        tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key + "\n")
        try:
            os.link(tmp, key_file)
            log.warning("%sSECRET_KEY is not set: generated one into %s", PREFIX, key_file)
        except FileExistsError:
            pass  # another instance was first; use its key
        finally:
            tmp.unlink()
    key = key_file.read_text().strip()
    if len(key) < 32:
        raise SettingsError(f"{PREFIX}SECRET_KEY: the key in {key_file} is shorter than 32 characters")
    return key


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise SettingsError naming the first bad one."""
    env = os.environ if env is None else env
    unknown = sorted(k for k in env if k.startswith(PREFIX) and k not in {s.env for s in SETTINGS} and k not in _IGNORED)
    if unknown:
        raise SettingsError(f"{unknown[0]}: unknown setting (see docs/configuration.md)")
    data_dir = _directory(env, "DATA_DIR", Path(".").resolve())
    return Settings(
        data_dir=data_dir,
        database_url=_database_url(env),
        secret_key=_secret_key(env, data_dir),
        employer_name=_text(env, "EMPLOYER_NAME") or "Lunds kommun",
        diary_pattern=_diary_pattern(env),
        cookie_secure=_bool(env, "COOKIE_SECURE"),
        session_hours=_int(env, "SESSION_HOURS", 1, 720),
        login_max_failures=_int(env, "LOGIN_MAX_FAILURES", 1, 100),
        db_pool_size=_int(env, "DB_POOL_SIZE", 0, 100),
        log_level=_choice(env, "LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR")),
        base_url=_base_url(env),
        trusted_proxies=_trusted_proxies(env),
        smtp_host=_text(env, "SMTP_HOST"),
        smtp_port=_int(env, "SMTP_PORT", 1, 65535),
        smtp_security=_choice(env, "SMTP_SECURITY", ("STARTTLS", "TLS", "NONE")).lower(),
        smtp_user=_text(env, "SMTP_USER"),
        smtp_password=env.get(PREFIX + "SMTP_PASSWORD", ""),  # kept as given: spaces may be part of it
        mail_from=_mail_from(env),
        scheduler=_bool(env, "SCHEDULER"),
        sweep_seconds=_int(env, "SWEEP_SECONDS", 5, 3600),
        mail_lease_seconds=_int(env, "MAIL_LEASE_SECONDS", 5, 3600),
        documents_dir=_directory(env, "DOCUMENTS_DIR", data_dir / "documents"),
        pdf_timeout_seconds=_int(env, "PDF_TIMEOUT_SECONDS", 5, 600),
        risk_matrix=_risk_matrix(env),
        render_workers=_int(env, "RENDER_WORKERS", 1, 16),
        render_timeout_seconds=_int(env, "RENDER_TIMEOUT_SECONDS", 1, 600),
        render_memory_mb=_int(env, "RENDER_MEMORY_MB", 256, 8192),
        **_sign_on(env),
        paper_max_mb=_int(env, "PAPER_MAX_MB", 1, 500),
        notice_attach_max_kb=_int(env, "NOTICE_ATTACH_MAX_KB", 0, 512000),
        notice_attach_total_kb=_int(env, "NOTICE_ATTACH_TOTAL_KB", 0, 512000),
        page_cache_mb=_int(env, "PAGE_CACHE_MB", 0, 4096),
    )


def _file(env: Mapping[str, str], name: str) -> Path | None:
    raw = _text(env, name)
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise SettingsError(f"{PREFIX}{name}: {path} is not a readable file")
    return path


def _sign_on(env: Mapping[str, str]) -> dict:
    """Single sign-on (docs/sso.md): OpenID Connect and/or SAML, the group map, password login."""
    issuer = _text(env, "OIDC_ISSUER").rstrip("/")
    secret = _text(env, "OIDC_CLIENT_SECRET")
    secret_file = _file(env, "OIDC_CLIENT_SECRET_FILE")
    if secret_file is not None:
        secret = secret or secret_file.read_text().strip()
    try:
        grants = group_map.parse(_text(env, "OIDC_GROUP_MAP"))
    except group_map.GroupMapError as exc:
        raise SettingsError(f"{PREFIX}OIDC_GROUP_MAP: {exc}") from None
    saml_metadata = _file(env, "SAML_IDP_METADATA")
    scopes = " ".join(_text(env, "OIDC_SCOPES").split())
    if issuer:
        if urlsplit(issuer).scheme not in ("http", "https"):
            raise SettingsError(f"{PREFIX}OIDC_ISSUER: expected an https address, got {issuer!r}")
        if not _text(env, "OIDC_CLIENT_ID") or not secret:
            raise SettingsError(f"{PREFIX}OIDC_CLIENT_ID and {PREFIX}OIDC_CLIENT_SECRET (or _FILE) are needed with OIDC_ISSUER")
        if "openid" not in scopes.split():
            raise SettingsError(f"{PREFIX}OIDC_SCOPES: must include openid, got {scopes!r}")
    if (issuer or saml_metadata) and not grants:
        raise SettingsError(f"{PREFIX}OIDC_GROUP_MAP: sign-on needs a group map, or nobody would get a role")
    password_login = _bool(env, "PASSWORD_LOGIN")
    if not password_login and not (issuer or saml_metadata):
        raise SettingsError(f"{PREFIX}PASSWORD_LOGIN: false needs OIDC_ISSUER or SAML_IDP_METADATA, or only break-glass accounts could sign in")
    key, cert = _file(env, "SAML_SP_KEY_FILE"), _file(env, "SAML_SP_CERT_FILE")
    if (key is None) != (cert is None):
        raise SettingsError(f"{PREFIX}SAML_SP_KEY_FILE and {PREFIX}SAML_SP_CERT_FILE go together")
    return {
        "oidc_issuer": issuer, "oidc_client_id": _text(env, "OIDC_CLIENT_ID"), "oidc_client_secret": secret,
        "oidc_scopes": scopes, "oidc_groups_claim": _text(env, "OIDC_GROUPS_CLAIM") or "groups", "group_map": grants,
        "sso_widest_role": _choice(env, "SSO_ROLE_CONFLICT", ("REFUSE", "WIDEST")) == "WIDEST",
        "sso_contact": _text(env, "SSO_CONTACT") or "kommunens IT-support",
        "saml_idp_metadata": saml_metadata, "saml_groups_attribute": _text(env, "SAML_GROUPS_ATTRIBUTE"),
        "saml_sp_key_file": key, "saml_sp_cert_file": cert, "password_login": password_login,
    }


# Variables with our prefix that are read by the test suite, not by the service.
_IGNORED = {"SAMVERKAN_TEST_DATABASE_URL", "SAMVERKAN_TEST_SHIFT_DAYS"}

@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
