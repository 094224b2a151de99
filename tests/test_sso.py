"""Signing in with the municipality's accounts (docs/sso.md), through real identity providers.

OpenID Connect against panva's oidc-provider (Node.js) and SAML against pysaml2's IdP, both run by
these tests on 127.0.0.1 with their own keys; the service under test is the session app with the
sign-on settings switched on. What must hold: the account is found by the provider's subject,
never by e-mail; its role comes from the groups at every sign-in; anything forged, expired, for
someone else or used twice signs nobody in and writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from conftest import login
from identity_providers import CLIENT_ID, CLIENT_SECRET, GROUP_ATTRIBUTE, OpenIdProvider, SamlIdentityProvider
from samverkan.accounts import oidc
from samverkan.accounts.group_map import parse
from samverkan.settings import SettingsError, load_settings

CALLBACK = "/logga-in/sso/klar"
GROUP_MAP = parse("""{
  "sg-samverkan-admin": {"role": "admin"},
  "sg-samverkan-hr": {"role": "hr"},
  "sg-vof-chefer": {"role": "department", "department": "VOF"},
  "sg-vision-ombud": {"role": "union", "union": "Vision"}
}""")


@pytest.fixture(scope="module")
def provider(settings):
    with OpenIdProvider(settings.base_url + CALLBACK, settings.base_url + "/logga-in") as op:
        yield op


@pytest.fixture
def use_oidc(app, provider, monkeypatch):
    """The running app with OpenID Connect on (as SAMVERKAN_OIDC_* would set it)."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the test provider speaks http on 127.0.0.1

    def use(**changes):
        monkeypatch.setattr(app.state, "settings", dataclasses.replace(
            app.state.settings, oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
            group_map=GROUP_MAP, **changes))
        return app.state.settings

    use()
    return use


async def _user(email: str) -> dict | None:
    from samverkan.accounts.tables import User

    return await User.select().where(User.email == email).first()


async def _counts() -> tuple[int, int, int]:
    from samverkan.accounts.tables import ExternalIdentity, User, UserSession

    return await User.count(), await ExternalIdentity.count(), await UserSession.count()


async def _at_provider(url: str, login_name: str) -> str:
    """What a person does at the provider: open its page, type their login and a password, and be
    sent back. Returns the address the provider sends the browser back to."""
    async with httpx.AsyncClient(follow_redirects=False, timeout=10) as browser:
        response = await browser.get(url)
        for _ in range(10):
            if response.status_code in (302, 303):
                target = httpx.URL(url).join(response.headers["location"])
                if target.port != httpx.URL(url).port:
                    return str(target)
                url = str(target)
                response = await browser.get(url)
            elif response.status_code == 200 and 'name="login"' in response.text:
                action = re.search(r'action="([^"]+)"', response.text).group(1)
                url = str(httpx.URL(url).join(action))
                response = await browser.post(url, data={"prompt": "login", "login": login_name, "password": "vad-som-helst"})
            else:
                page = re.sub(r"<[^>]+>|\s+", " ", response.text)
                raise AssertionError(f"the provider answered {response.status_code}: {page[-400:]}")
    raise AssertionError("the provider never sent the browser back")


async def _sign_in(client, login_name: str, next: str = "/"):
    start = await client.get("/logga-in/sso", params={"next": next})
    assert start.status_code in (302, 303), start.text
    back = urlsplit(await _at_provider(start.headers["location"], login_name))
    assert back.path == CALLBACK
    return await client.get(f"{back.path}?{back.query}")


# --- OpenID Connect ---------------------------------------------------------------------------


async def test_first_sign_in_creates_the_account_with_the_mapped_role_and_lands_where_asked(client, org, provider, use_oidc):
    provider.person("karin", "Karin Fack", "Karin.Fack@lund.example", ["sg-vision-ombud", "sg-annat"])
    page = await client.get("/logga-in")
    assert "Logga in med kommunens konto" in page.text
    response = await _sign_in(client, "karin", next="/att-justera")
    assert response.status_code in (302, 303) and response.headers["location"] == "/att-justera"
    user = await _user("karin.fack@lund.example")
    assert (user["role"], user["trade_union"], user["name"], user["password_hash"]) == ("union", org.union_id, "Karin Fack", "")
    me = await client.get("/konto")
    assert me.status_code == 200 and "Karin Fack" in me.text


async def test_changed_groups_change_the_role_at_the_next_sign_in(client, org, provider, use_oidc):
    from samverkan.audit.tables import AuditEntry

    provider.person("per", "Per Chef", "per.chef@lund.example", ["sg-vof-chefer"])
    await _sign_in(client, "per")
    first = await _user("per.chef@lund.example")
    assert (first["role"], first["department"]) == ("department", org.department_id)
    client.cookies.clear()
    provider.person("per", "Per Chef", "per.chef@lund.example", ["sg-samverkan-hr"])
    await _sign_in(client, "per")
    again = await _user("per.chef@lund.example")
    assert (again["id"], again["role"], again["department"]) == (first["id"], "hr", None)
    assert await AuditEntry.exists().where((AuditEntry.action == "sign_on_update") & (AuditEntry.entity_id == first["id"]))
    # Taken out of every samverkan group: refused at the next sign-in.
    client.cookies.clear()
    provider.person("per", "Per Chef", "per.chef@lund.example", [])
    assert (await _sign_in(client, "per")).status_code == 403


async def test_a_person_whose_groups_give_no_role_is_refused_and_nothing_is_written(client, org, provider, use_oidc):
    provider.person("olle", "Olle Utan", "olle@lund.example", ["sg-annat"])
    before = await _counts()
    response = await _sign_in(client, "olle")
    assert response.status_code == 403
    assert "Du har inte behörighet till samverkan. Kontakta kommunens IT-support" in response.text
    assert "samverkan_session" not in response.headers.get("set-cookie", "")
    assert await _counts() == before


async def test_groups_that_give_different_roles_are_refused_unless_the_widest_is_allowed(client, org, provider, use_oidc):
    provider.person("lisa", "Lisa Två", "lisa@lund.example", ["sg-samverkan-hr", "sg-vof-chefer"])
    refused = await _sign_in(client, "lisa")
    assert refused.status_code == 403 and "olika roller" in refused.text
    assert await _user("lisa@lund.example") is None
    use_oidc(sso_widest_role=True)
    assert (await _sign_in(client, "lisa")).status_code in (302, 303)
    assert (await _user("lisa@lund.example"))["role"] == "hr"


async def test_the_account_is_found_by_subject_never_by_e_mail(client, org, provider, use_oidc, make_caller):
    # An account made by an administrator with the same address is not taken over by a sign-on.
    await make_caller("admin", email="anna@lund.example")
    provider.person("anna", "Anna Annan", "anna@lund.example", ["sg-samverkan-admin"])
    before = await _counts()
    response = await _sign_in(client, "anna")
    assert response.status_code == 403 and "inte är kopplat till kommunens inloggning" in response.text
    assert await _counts() == before
    # A reassigned address: a second person at the provider with the first one's address.
    provider.person("bo", "Bo Först", "bo@lund.example", ["sg-samverkan-hr"])
    await _sign_in(client, "bo")
    client.cookies.clear()
    provider.person("bo2", "Bo Sedan", "bo@lund.example", ["sg-samverkan-admin"])
    assert (await _sign_in(client, "bo2")).status_code == 403
    assert (await _user("bo@lund.example"))["role"] == "hr"


async def test_a_callback_from_another_browser_or_used_twice_signs_nobody_in(client, org, provider, use_oidc):
    provider.person("eva", "Eva Fack", "eva@lund.example", ["sg-vision-ombud"])
    start = await client.get("/logga-in/sso")
    back = urlsplit(await _at_provider(start.headers["location"], "eva"))
    callback = f"{back.path}?{back.query}"
    state_cookie = client.cookies.get("samverkan_sso")
    client.cookies.delete("samverkan_sso")  # another browser: it never started this sign-in
    before = await _counts()
    assert (await client.get(callback)).status_code == 400
    client.cookies.set("samverkan_sso", state_cookie, domain="testserver.local", path="/logga-in/sso")
    assert (await client.get(callback)).status_code in (302, 303)
    client.cookies.delete("samverkan_session")
    client.cookies.set("samverkan_sso", state_cookie, domain="testserver.local", path="/logga-in/sso")
    again = await client.get(callback)
    assert again.status_code == 400 and "redan använd" in again.text
    assert (await _counts())[2] == before[2] + 1  # one session: the first use only


async def test_an_id_token_with_another_nonce_is_refused_with_nothing_written(client, org, provider, use_oidc, caplog):
    from samverkan.accounts.tables import SignOnAttempt

    provider.person("nils", "Nils Fack", "nils@lund.example", ["sg-vision-ombud"])
    start = await client.get("/logga-in/sso")
    await SignOnAttempt.update({SignOnAttempt.nonce: "en-annan-nonce"}).where(SignOnAttempt.kind == "oidc")
    back = urlsplit(await _at_provider(start.headers["location"], "nils"))
    before = await _counts()
    assert (await client.get(f"{back.path}?{back.query}")).status_code == 400
    assert "Invalid claim: 'nonce'" in caplog.text
    assert await _counts() == before


def _token(key: RSAKey, issuer: str, **claims) -> str:
    now = int(time.time())
    payload = {"iss": issuer, "aud": CLIENT_ID, "sub": "s-1", "iat": now, "exp": now + 300, "nonce": "n-1", **claims}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, payload, key)


async def test_id_tokens_that_must_not_be_believed(provider, use_oidc, frozen):
    settings = use_oidc()
    good = _token(provider.key, provider.issuer)
    assert (await oidc.verify_id_token(settings, good, "n-1"))["sub"] == "s-1"
    forger = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid}, private=True)  # same key id, other key
    now = int(time.time())
    bad = {
        "forged": _token(forger, provider.issuer),
        "expired": _token(provider.key, provider.issuer, iat=now - 3600, exp=now - 600),  # beyond the 120 s skew
        "wrong audience": _token(provider.key, provider.issuer, aud="en-annan-tjanst"),
        "wrong issuer": _token(provider.key, "https://login.example"),
        "no nonce": _token(provider.key, provider.issuer, nonce=None),
        "alg none": good.split(".")[0] + "." + good.split(".")[1] + ".",
    }
    for what, token in bad.items():
        with pytest.raises(oidc.SignOnError):
            await oidc.verify_id_token(settings, token, "n-1")
            pytest.fail(what)
    with pytest.raises(oidc.SignOnError):
        await oidc.verify_id_token(settings, good, "another-nonce")
    # Clock skew is tolerated: a token issued a minute "in the future" by a fast provider clock.
    assert await oidc.verify_id_token(settings, _token(provider.key, provider.issuer, iat=now + 60), "n-1")


async def test_rotated_keys_are_fetched_again(provider, use_oidc, frozen):
    settings = use_oidc()
    await oidc.verify_id_token(settings, _token(provider.key, provider.issuer), "n-1")
    cached = oidc._providers[provider.issuer]
    # Our copy of the keys is old (fetched over a minute ago) and lacks the key the token names.
    stale = RSAKey.generate_key(2048, parameters={"kid": "gammal"}, private=False)
    from joserfc.jwk import KeySet

    cached.keys, cached.fetched_at = KeySet([stale]), time.monotonic() - 120
    assert await oidc.verify_id_token(settings, _token(provider.key, provider.issuer), "n-1")
    assert oidc._providers[provider.issuer].keys.get_by_kid(provider.key.kid)


async def test_logout_ends_the_session_here_and_at_the_provider(client, org, provider, use_oidc):
    from conftest import csrf

    provider.person("tove", "Tove Fack", "tove@lund.example", ["sg-vision-ombud"])
    await _sign_in(client, "tove")
    response = await client.post("/logga-ut", data={"_csrf_token": csrf(client)})
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}" == provider.issuer and target.path == "/session/end"
    assert parse_qs(target.query)["client_id"] == [CLIENT_ID]
    assert (await client.get("/konto")).status_code in (302, 303, 401)


async def test_with_password_login_off_only_a_break_glass_account_signs_in_and_everyone_hears(
        client, org, make_caller, use_oidc, smtp):
    from samverkan.audit.tables import AuditEntry
    from samverkan.reminders.tables import OutboxMessage

    use_oidc(password_login=False)
    ordinary = await make_caller("hr")
    admin = await make_caller("admin")
    page = await client.get("/logga-in")
    assert "Nödinloggning" in page.text and page.text.index("kommunens konto") < page.text.index("Nödinloggning")
    refused = await client.post("/logga-in", data={"email": ordinary.email, "password": ordinary.password,
                                                   "_csrf_token": client.cookies.get("csrftoken")})
    assert refused.status_code == 401 and "Inloggning med lösenord är avstängd" in refused.text
    from samverkan.accounts import service
    from samverkan.accounts.schemas import UserUpdate

    await service.update_user(admin.user_id, UserUpdate(break_glass=True))
    await login(client, admin.email, admin.password)
    entry = await AuditEntry.select().where(AuditEntry.action == "break_glass_login").first()
    assert entry and entry["entity_id"] == admin.user_id
    mails = await OutboxMessage.select().where(OutboxMessage.kind == "break_glass")
    assert {m["to_address"] for m in mails} == {admin.email} and "Nödinloggning" in mails[0]["subject"]
    outbox = await client.get("/utkorg")
    assert outbox.status_code == 200 and "Nödinloggning" in outbox.text


# --- SAML ------------------------------------------------------------------------------------


@pytest.fixture
def idp(app, monkeypatch):
    from samverkan.accounts import saml

    with SamlIdentityProvider() as idp:
        monkeypatch.setattr(app.state, "settings", dataclasses.replace(
            app.state.settings, saml_idp_metadata=idp.metadata_file, saml_groups_attribute=GROUP_ATTRIBUTE, group_map=GROUP_MAP))
        saml._client_for.cache_clear()
        idp.trust(saml.metadata(app.state.settings))
        yield idp
        saml._client_for.cache_clear()


async def _saml_sign_in(client, idp: SamlIdentityProvider, login_name: str, next: str = "/") -> httpx.Response:
    start = await client.get("/logga-in/saml", params={"next": next})
    assert start.status_code in (302, 303), start.text
    target = urlsplit(start.headers["location"])
    form = idp.answer(target.query, login_name)
    return await client.post(urlsplit(form["action"]).path, data={"SAMLResponse": form["SAMLResponse"], "RelayState": form["RelayState"]})


async def test_saml_first_sign_in_creates_the_account_from_the_assertion(client, org, idp):
    idp.person("sara", "Sara Saml", "sara@lund.example", ["sg-vof-chefer"])
    metadata = await client.get("/saml/metadata")
    assert metadata.status_code == 200 and "/saml/acs" in metadata.text
    response = await _saml_sign_in(client, idp, "sara", next="/moten")
    assert response.status_code in (302, 303) and response.headers["location"] == "/moten"
    user = await _user("sara@lund.example")
    assert (user["role"], user["department"], user["name"]) == ("department", org.department_id, "Sara Saml")


async def test_saml_a_replayed_assertion_is_refused(client, org, idp, caplog):
    idp.person("sara", "Sara Saml", "sara@lund.example", ["sg-vof-chefer"])
    assert (await _saml_sign_in(client, idp, "sara")).status_code in (302, 303)
    client.cookies.clear()
    before = await _counts()
    old = idp.last_response
    # The same answer again, also under a fresh sign-in of the attacker's own.
    assert (await client.post("/saml/acs", data={"SAMLResponse": old["SAMLResponse"], "RelayState": old["RelayState"]})).status_code == 400
    start = await client.get("/logga-in/saml")
    relay = parse_qs(urlsplit(start.headers["location"]).query)["RelayState"][0]
    assert (await client.post("/saml/acs", data={"SAMLResponse": old["SAMLResponse"], "RelayState": relay})).status_code == 400
    assert "Unsolicited response" in caplog.text  # not an answer to the new request
    assert await _counts() == before


@pytest.mark.parametrize(("fault", "reason"), [
    ("unsigned", "Signature missing for assertion"),
    ("wrong audience", "AudienceRestrictions conditions not satisfied"),
    ("expired", "too old"),  # the IdP's assertions live 5 minutes; 8 minutes later, beyond the 2 minutes' skew
])
async def test_saml_answers_that_must_not_be_believed(client, org, idp, fault, reason, caplog):
    import time_machine

    idp.person("sara", "Sara Saml", "sara@lund.example", ["sg-vof-chefer"])
    if fault == "unsigned":
        idp.sign_assertion = False
    elif fault == "wrong audience":
        idp.audience = "https://en-annan-tjanst.example/saml"
    start = await client.get("/logga-in/saml")
    form = idp.answer(urlsplit(start.headers["location"]).query, "sara")
    before = await _counts()
    # The IdP stamps its assertion with the real time, so "later" is counted from the real time.
    travel = time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=8), tick=True) if fault == "expired" else None
    if travel:
        travel.start()
    try:
        response = await client.post("/saml/acs", data={"SAMLResponse": form["SAMLResponse"], "RelayState": form["RelayState"]})
    finally:
        if travel:
            travel.stop()
    assert response.status_code == 400, fault
    assert reason in caplog.text
    assert await _counts() == before


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "named"), [
    ({"SAMVERKAN_OIDC_ISSUER": "https://idp.example", "SAMVERKAN_OIDC_CLIENT_ID": "x", "SAMVERKAN_OIDC_CLIENT_SECRET": "y"},
     "SAMVERKAN_OIDC_GROUP_MAP"),
    ({"SAMVERKAN_OIDC_GROUP_MAP": "{not json"}, "SAMVERKAN_OIDC_GROUP_MAP"),
    ({"SAMVERKAN_OIDC_GROUP_MAP": '{"g": {"role": "union"}}'}, "SAMVERKAN_OIDC_GROUP_MAP"),
    ({"SAMVERKAN_PASSWORD_LOGIN": "false"}, "SAMVERKAN_PASSWORD_LOGIN"),
    ({"SAMVERKAN_OIDC_ISSUER": "https://idp.example"}, "SAMVERKAN_OIDC_CLIENT_ID"),
])
def test_sign_on_settings_that_cannot_work_are_named_at_start(tmp_path, env, named):
    with pytest.raises(SettingsError, match=named):
        load_settings({"SAMVERKAN_DATA_DIR": str(tmp_path), **env})
