"""OpenID Connect, the relying party's side: the authorization code flow with PKCE, state and nonce.

Authlib makes the authorization request and redeems the code; joserfc checks the ID token's
signature against the provider's keys (JWKS) and its claims. Discovery and keys are cached; the
keys are fetched again when a token names a key we do not have (the provider rotated them).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from samverkan.settings import Settings

CLOCK_SKEW_SECONDS = 120  # the provider's clock and ours may differ this much
CACHE_SECONDS = 3600
# Keys are fetched again at most this often: a stream of forged tokens must not become a stream of
# requests to the provider.
KEY_REFRESH_SECONDS = 60
TIMEOUT_SECONDS = 10
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class SignOnError(Exception):
    """The provider's answer cannot be trusted or used; the message is for the log, not the person."""


@dataclass
class _Provider:
    metadata: dict
    keys: KeySet
    fetched_at: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_providers: dict[str, _Provider] = {}


async def _get_json(url: str) -> dict:
    async with httpx2.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
        response = await http.get(url)
    if response.status_code != 200:
        raise SignOnError(f"{url} answered {response.status_code}")
    return response.json()


async def _provider(settings: Settings, refresh_keys: bool = False) -> _Provider:
    cached = _providers.get(settings.oidc_issuer)
    if cached:
        age = time.monotonic() - cached.fetched_at
        if age < (KEY_REFRESH_SECONDS if refresh_keys else CACHE_SECONDS):
            return cached
    metadata = await _get_json(settings.oidc_issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer", "").rstrip("/") != settings.oidc_issuer:
        raise SignOnError(f"the discovery document names issuer {metadata.get('issuer')!r}, not {settings.oidc_issuer!r}")
    keys = KeySet.import_key_set(await _get_json(metadata["jwks_uri"]))
    _providers[settings.oidc_issuer] = provider = _Provider(metadata, keys, time.monotonic())
    return provider


def _client(settings: Settings, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret, scope=settings.oidc_scopes,
        redirect_uri=redirect_uri, code_challenge_method="S256", timeout=TIMEOUT_SECONDS,
    )


async def authorization_url(settings: Settings, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
    provider = await _provider(settings)
    async with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            provider.metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=code_verifier,
        )
    return url


async def redeem(settings: Settings, redirect_uri: str, code: str, code_verifier: str, nonce: str) -> dict:
    """The ID token's claims for an authorization code, after every check; SignOnError otherwise."""
    provider = await _provider(settings)
    async with _client(settings, redirect_uri) as client:
        try:
            token = await client.fetch_token(
                provider.metadata["token_endpoint"], grant_type="authorization_code", code=code, code_verifier=code_verifier,
            )
        except Exception as exc:  # Authlib raises OAuthError, httpx2 its own: both mean "no token"
            raise SignOnError(f"the token endpoint refused the code: {exc}") from None
    if "id_token" not in token:
        raise SignOnError("the token answer has no id_token")
    return await verify_id_token(settings, token["id_token"], nonce)


async def verify_id_token(settings: Settings, raw: str, nonce: str) -> dict:
    """Signature by one of the provider's keys, then issuer, audience, expiry, nonce (OIDC Core 3.1.3.7)."""
    provider = await _provider(settings)
    try:
        token = jwt.decode(raw, provider.keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as first:
        # A key we do not know: the provider may have rotated its keys since we fetched them.
        provider = await _provider(settings, refresh_keys=True)
        try:
            token = jwt.decode(raw, provider.keys, algorithms=ALGORITHMS)
        except (JoseError, ValueError) as exc:
            raise SignOnError(f"the ID token's signature does not verify: {exc or first}") from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_SKEW_SECONDS,
        iss={"essential": True, "value": settings.oidc_issuer},
        aud={"essential": True, "value": settings.oidc_client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SignOnError(f"the ID token's claims do not hold: {exc}") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise SignOnError("the ID token is for several audiences and not authorised for us (azp)")
    return claims


async def end_session_url(settings: Settings, after_logout: str) -> str | None:
    """Where to send the browser so that the provider signs the person out too (RP-Initiated
    Logout 1.0), or None when the provider has no such endpoint."""
    try:
        provider = await _provider(settings)
    except (SignOnError, httpx2.HTTPError, ValueError):
        return None  # the provider is away: ending our own session is what matters
    endpoint = provider.metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    return f"{endpoint}?{urlencode({'client_id': settings.oidc_client_id, 'post_logout_redirect_uri': after_logout})}"
