"""Signing in with the municipality's own accounts: OpenID Connect and SAML (docs/sso.md)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from authlib.common.security import generate_token
from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template

from samverkan import clock
from samverkan.accounts import oidc, service, sign_on
from samverkan.accounts.access import PUBLIC
from samverkan.accounts.group_map import NoAccess
from samverkan.accounts.oidc import SignOnError
from samverkan.accounts.pages import address_of, safe_next, session_cookie
from samverkan.settings import Settings
from samverkan.web.forms import text

log = logging.getLogger(__name__)
STATE_COOKIE = "samverkan_sso"  # ties the provider's answer to the browser that asked (login CSRF)
CALLBACK = "/logga-in/sso/klar"


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _refused(settings: Settings, detail: str) -> Template:
    return Template("accounts/no_access.html", context={"detail": detail, "contact": settings.sso_contact}, status_code=403)


def _failed(detail: str = "Inloggningen kunde inte slutföras. Försök igen.") -> Template:
    return Template("error.html", context={"status": 400, "detail": detail}, status_code=400)


async def _signed_in(request: Request, claims: sign_on.Claims, via: str, target: str) -> Response:
    settings = _settings(request)
    try:
        user_id = await sign_on.sign_in(claims, settings)
    except NoAccess as exc:
        return _refused(settings, str(exc))
    key = await service.start_session(user_id, address_of(request), settings, signed_in_with=via)
    response = Redirect(target, cookies=[session_cookie(settings, key)])
    response.delete_cookie(STATE_COOKIE, path="/logga-in/sso")
    return response


def _groups(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(g) for g in value] if isinstance(value, list) else []


@get("/logga-in/sso", opt=PUBLIC, name="sso-start")
async def start_oidc(request: Request, next: FromQuery[str | None] = None) -> Response:
    settings = _settings(request)
    if not settings.oidc_enabled:
        return await _begin_saml(settings, safe_next(next)) if settings.saml_enabled else _failed("Kommunens inloggning är inte inställd.")
    nonce, verifier = secrets.token_urlsafe(24), generate_token(64)
    state = await sign_on.begin("oidc", safe_next(next), nonce=nonce, code_verifier=verifier)
    try:
        url = await oidc.authorization_url(settings, settings.base_url + CALLBACK, state, nonce, verifier)
    except Exception:  # the provider is away or answers nonsense: say so, not 500
        return _failed("Kommunens inloggning svarar inte just nu. Försök igen om en stund.")
    cookie = Cookie(key=STATE_COOKIE, value=state, httponly=True, secure=settings.cookie_secure, samesite="lax",
                    max_age=int(sign_on.ATTEMPT_LIFETIME.total_seconds()), path="/logga-in/sso")
    return Redirect(url, cookies=[cookie])


@get(CALLBACK, opt=PUBLIC, name="sso-callback")
async def finish_oidc(request: Request, code: FromQuery[str | None] = None, error: FromQuery[str | None] = None) -> Response:
    settings = _settings(request)
    state = request.query_params.get("state")  # ("state" is a name Litestar keeps for itself)
    if error or not code or not state or not settings.oidc_enabled:
        return _failed()
    if not secrets.compare_digest(request.cookies.get(STATE_COOKIE, ""), state):
        return _failed("Inloggningen startades i en annan webbläsare eller har gått ut. Försök igen.")
    attempt = await sign_on.take("oidc", state)
    if attempt is None:
        return _failed("Inloggningen har gått ut eller är redan använd. Försök igen.")
    try:
        claims = await oidc.redeem(settings, settings.base_url + CALLBACK, code, attempt["code_verifier"], attempt["nonce"])
    except Exception as exc:  # SignOnError, or the provider away: either way "not signed in"
        log.warning("OpenID Connect sign-in refused: %s", exc)
        return _failed()
    person = sign_on.Claims(
        provider=settings.oidc_issuer, subject=str(claims["sub"]), name=str(claims.get("name") or ""),
        email=str(claims.get("email") or claims.get("preferred_username") or ""),
        groups=_groups(claims.get(settings.oidc_groups_claim)),
    )
    return await _signed_in(request, person, "oidc", attempt["next"])


@get("/logga-in/saml", opt=PUBLIC, name="saml-start")
async def start_saml(request: Request, next: FromQuery[str | None] = None) -> Response:
    settings = _settings(request)
    if not settings.saml_enabled:
        return _failed("Inloggning med SAML är inte inställd.")
    return await _begin_saml(settings, safe_next(next))


async def _begin_saml(settings: Settings, target: str) -> Response:
    from samverkan.accounts import saml  # noqa: PLC0415 - pysaml2 is slow to import; only when SAML is used

    relay_state = secrets.token_urlsafe(32)
    request_id, url = saml.authentication_request(settings, relay_state)
    # The attempt is found by the relay state and remembers which request the answer must be to.
    await sign_on.begin("saml", target, nonce=request_id, state=relay_state)
    return Redirect(url)


@post("/saml/acs", opt=PUBLIC, name="saml-acs", status_code=200)
async def saml_acs(request: Request) -> Response:
    settings = _settings(request)
    if not settings.saml_enabled:
        return _failed("Inloggning med SAML är inte inställd.")
    from samverkan.accounts import saml  # noqa: PLC0415

    form = await request.form()
    answer, relay_state = text(form.get("SAMLResponse")), text(form.get("RelayState"))
    attempt = await sign_on.take("saml", relay_state) if answer and relay_state else None
    if attempt is None:
        return _failed("Inloggningen har gått ut eller är redan använd. Försök igen.")
    try:
        assertion = saml.read_response(settings, answer, attempt["nonce"])
    except SignOnError as exc:
        log.warning("SAML sign-in refused: %s", exc)
        return _failed()
    # Kept until the assertion could no longer be accepted anyway (at least an hour).
    until = max(dt.datetime.fromtimestamp(assertion.not_on_or_after, dt.timezone.utc), clock.now() + dt.timedelta(hours=1))
    if not await sign_on.first_use(assertion.assertion_id, until):
        log.warning("SAML sign-in refused: assertion %s replayed", assertion.assertion_id)
        return _failed("Inloggningen är redan använd. Försök igen.")
    attributes = assertion.attributes
    first = lambda *names: next((attributes[n][0] for n in names if attributes.get(n)), "")  # noqa: E731
    person = sign_on.Claims(
        provider=assertion.issuer, subject=assertion.subject,
        name=first("displayName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "cn"),
        email=first("mail", "email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"),
        groups=attributes.get(settings.saml_groups_attribute, []),
    )
    return await _signed_in(request, person, "saml", attempt["next"])


@get("/saml/metadata", opt=PUBLIC, name="saml-metadata", media_type="application/samlmetadata+xml")
async def saml_metadata(request: Request) -> Response:
    settings = _settings(request)
    if not settings.saml_enabled:
        return _failed("Inloggning med SAML är inte inställd.")
    from samverkan.accounts import saml  # noqa: PLC0415

    return Response(saml.metadata(settings), media_type="application/samlmetadata+xml")


ROUTES = [start_oidc, finish_oidc, start_saml, saml_acs, saml_metadata]
