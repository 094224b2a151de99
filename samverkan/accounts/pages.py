"""Login, logout, the start page and the caller's own account (API tokens, calendar address)."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from samverkan.accounts import oidc, service, sign_on
from samverkan.accounts.access import ADMIN, PUBLIC, SIGNED_IN
from samverkan.accounts.service import LoginFailed, LoginThrottled
from samverkan.accounts.schemas import ApiTokenCreate, UserCreate, UserUpdate
from samverkan.feeds import service as feeds
from samverkan.orgs.pages import departments_and_unions
from samverkan.web.auth import SESSION_COOKIE
from samverkan.web.registry_pages import Column, Field, Register, routes
from samverkan.web.templating import ROLE_LABELS, local_time
from samverkan.web.forms import FormErrors, convert, text
from samverkan.web.params import RecordId


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 for c in target):  # a newline would make an empty Location header
        return "/"
    parts = urlsplit(target)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@get("/logga-in", opt=PUBLIC, name="login")
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Template | Redirect:
    if request.user is not None:
        return Redirect(safe_next(next))
    return _login_form(request, safe_next(next))


def _login_form(request: Request, target: str, email: str = "", error: str | None = None, status_code: int = 200) -> Template:
    settings = request.app.state.settings
    return Template("accounts/login.html", status_code=status_code, context={
        "next": target, "email": email, "error": error, "password_login": settings.password_login,
        "sso": settings.oidc_enabled or settings.saml_enabled,
    })


def session_cookie(settings, key: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE, value=key, httponly=True, secure=settings.cookie_secure, samesite="lax",
        max_age=settings.session_hours * 3600, path="/",
    )


@post("/logga-in", opt=PUBLIC, name="login-submit")
async def login(request: Request) -> Template | Redirect:
    form = await request.form()
    email, password = text(form.get("email"))[:254], text(form.get("password"))[:200]
    target = safe_next(text(form.get("next")))
    settings = request.app.state.settings
    try:
        if not email.strip() or not password:
            raise LoginFailed("Fyll i e-postadress och lösenord.")
        user_id = await service.authenticate(email, password, address_of(request), settings)
    except (LoginFailed, LoginThrottled) as exc:
        return _login_form(request, target, email, exc.detail, exc.status_code)
    if not settings.password_login:  # only a break-glass account gets here: everyone hears of it
        await sign_on.notify_break_glass(user_id, address_of(request), settings)
    key = await service.start_session(user_id, address_of(request), settings)
    return Redirect(target, cookies=[session_cookie(settings, key)])


@post("/logga-ut", opt=PUBLIC, name="logout")  # public: an expired session may still press it
async def logout(request: Request) -> Redirect:
    key = request.cookies.get(SESSION_COOKIE)
    signed_in_with = await service.end_session(key) if key else None
    settings = request.app.state.settings
    target = "/logga-in"
    if signed_in_with == "oidc" and settings.oidc_enabled:
        # Out at the provider too, or the next "Logga in med kommunens konto" signs straight in again.
        target = await oidc.end_session_url(settings, settings.base_url + "/logga-in") or target
    response = Redirect(target)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/", guards=[SIGNED_IN], name="home")
async def home(request: Request) -> Template:
    from samverkan.web.start import todo  # the start page reads every area; imported late to keep accounts first

    return Template("home.html", context=await todo(request.user))


async def _account(
    request: Request, new_token: str | None = None, new_feed_url: str | None = None, status: int = 200,
    errors: dict[str, str] | None = None,
) -> Template:
    return Template(
        "accounts/account.html",
        context={
            "account": await service.get_user(request.user.user_id),
            "tokens": await service.list_tokens(request.user.user_id),
            "new_token": new_token,
            "feed_created_at": await feeds.feed_created_at(request.user.user_id),
            "new_feed_url": new_feed_url,
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/konto", guards=[SIGNED_IN], name="account")
async def account(request: Request) -> Template:
    return await _account(request)


@post("/konto/nycklar", guards=[SIGNED_IN], name="token-create")
async def create_token(request: Request) -> Template:
    form = await request.form()
    try:
        data = convert({"label": text(form.get("label"))}, ApiTokenCreate)
    except FormErrors as exc:
        return await _account(request, status=422, errors=exc.errors)
    token, _ = await service.create_token(request.user.user_id, data.label)
    # Shown on this one response only; it is stored as a hash.
    return await _account(request, new_token=token, status=201)


@post("/konto/kalender", guards=[SIGNED_IN], name="calendar-feed-regenerate")
async def regenerate_calendar_feed(request: Request) -> Template:
    # The address is shown on this one response only; it is stored as a hash. The old one stops working.
    return await _account(request, new_feed_url=await feeds.regenerate(request.user), status=201)


@post("/konto/nycklar/{token_id:int}/aterkalla", guards=[SIGNED_IN], name="token-revoke")
async def revoke_token(request: Request, token_id: RecordId) -> Redirect:
    await service.revoke_token(request.user.user_id, token_id)
    return Redirect("/konto")


async def _user_lookups() -> dict:
    lookups = await departments_and_unions()
    lookups["choices"]["role"] = list(ROLE_LABELS.items())
    return lookups


USERS = Register(
    slug="anvandare", title="Användare", singular="användare", editors=ADMIN, readers=ADMIN,
    columns=[
        Column("Namn", lambda r, _: r.name), Column("E-post", lambda r, _: r.email),
        Column("Roll", lambda r, _: ROLE_LABELS[r.role]),
        Column("Förvaltning / förbund", lambda r, n: n["union"].get(r.union_id) or n["department"].get(r.department_id) or ""),
        Column("Senast inloggad", lambda r, _: local_time(r.last_login_at) or "aldrig"),
        Column("Status", lambda r, _: "Aktiv" if r.active else "Inaktiv"),
    ],
    fields=[
        Field("name", "Namn", required=True),
        Field("email", "E-post (inloggning)", kind="email", required=True, maxlength=254, hint="Ange en giltig e-postadress."),
        Field("role", "Roll", kind="select", required=True, maxlength=None,
              help="Förvaltning: knyts till en förvaltning. Fackförbund: knyts till ett fackförbund."),
        Field("department_id", "Förvaltning", kind="select", maxlength=None, int_choices=True, source="department"),
        Field("union_id", "Fackförbund", kind="select", maxlength=None, int_choices=True, source="union"),
        Field("password", "Nytt lösenord", kind="password", maxlength=None,
              help="Minst 10 tecken. Lämna tomt för att behålla lösenordet (eller, för en ny användare, bara API-nycklar)."),
        Field("active", "Aktiv", kind="checkbox", maxlength=None),
        Field("break_glass", "Nödkonto", kind="checkbox", maxlength=None,
              help="Får logga in med lösenord även när inloggning med lösenord är avstängd. Varje inloggning loggas och mejlas till administratörerna."),
    ],
    list=service.list_users, get=service.get_user, create=service.create_user, update=service.update_user,
    deactivate=service.deactivate_user, create_type=UserCreate, update_type=UserUpdate, lookups=_user_lookups,
    before_change=lambda viewer, id, data: service.check_not_locking_out(viewer.user_id, id, data),
)

ROUTES = [login_page, login, logout, home, account, create_token, revoke_token, regenerate_calendar_feed, *routes(USERS)]
