"""Real identity providers for the sign-on tests, run by the tests on this machine.

- ``OpenIdProvider``: panva's certified ``oidc-provider`` (npm, under Node.js; installed by
  ``npm ci --prefix tests/identity_providers``, which .ci/run does), with its development login
  page: a person signs in by typing their login and any password.
- ``SamlIdentityProvider``: pysaml2's identity provider (``saml2.server.Server``), signing with
  xmlsec1, behind a small HTTP server with a login form.

Neither is a mock of our code: each speaks its protocol over HTTP on 127.0.0.1, with its own keys.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc.jwk import RSAKey

HERE = Path(__file__).parent
CLIENT_ID, CLIENT_SECRET = "samverkan", "hemligt-klientlosen-1234567890"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OpenIdProvider:
    """``with OpenIdProvider(redirect_uri, post_logout_uri) as op:``; ``op.person(login, …)`` sets who may sign in."""

    def __init__(self, redirect_uri: str, post_logout_uri: str, port: int | None = None) -> None:
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("oidc-provider is not installed: run `npm ci --prefix tests/identity_providers`")
        self.port = port or free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
        self.accounts_file = self.dir / "accounts.json"
        self.accounts: dict[str, dict] = {}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "nyckel-1", "use": "sig", "alg": "RS256"}, private=True)
        self.redirect_uri, self.post_logout_uri = redirect_uri, post_logout_uri
        self.process: subprocess.Popen | None = None

    def person(self, login: str, name: str, email: str, groups: list[str]) -> None:
        self.accounts[login] = {"name": name, "email": email, "groups": groups}
        self.accounts_file.write_text(json.dumps(self.accounts))

    def __enter__(self) -> "OpenIdProvider":
        self.accounts_file.write_text(json.dumps(self.accounts))
        config = self.dir / "config.json"
        config.write_text(json.dumps({
            "port": self.port, "issuer": self.issuer, "accounts_file": str(self.accounts_file),
            "jwks": {"keys": [self.key.as_dict(private=True)]},
            "clients": [{
                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [self.redirect_uri],
                "post_logout_redirect_uris": [self.post_logout_uri], "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }],
        }))
        self.log = open(self.dir / "provider.log", "wb")
        self.process = subprocess.Popen(["node", str(HERE / "oidc_provider.mjs"), str(config)], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while b"ready" not in (self.dir / "provider.log").read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("oidc-provider did not start: " + (self.dir / "provider.log").read_text())
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _self_signed(common_name: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650)).sign(key, hashes.SHA256()))
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()),
            cert.public_bytes(serialization.Encoding.PEM))


GROUP_ATTRIBUTE = "http://schemas.xmlsoap.org/claims/Group"


class SamlIdentityProvider:
    """pysaml2's IdP. ``metadata_file`` is what the service is given (SAMVERKAN_SAML_IDP_METADATA);
    ``trust(sp_metadata)`` gives the IdP the service's metadata. ``sign_assertion`` and
    ``audience`` can be changed to make answers the service must refuse."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="saml-idp-"))
        key, cert = _self_signed("idp.test")
        (self.dir / "idp.key").write_bytes(key)
        (self.dir / "idp.crt").write_bytes(cert)
        self.people: dict[str, dict] = {}
        self.sign_assertion = True
        self.audience: str | None = None  # None: the requesting service's entity id
        self.server = None
        self.last_response: dict[str, str] | None = None
        self.metadata_file = self.dir / "idp-metadata.xml"
        self.metadata_file.write_text(self._metadata())

    def person(self, login: str, name: str, email: str, groups: list[str]) -> None:
        self.people[login] = {"displayName": [name], "mail": [email], GROUP_ATTRIBUTE: groups}

    def _config(self, sp_metadata: str | None):
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT

        config = {
            "entityid": self.url + "/metadata",
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(self.url + "/sso", BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_URI}},
            }},
            "key_file": str(self.dir / "idp.key"), "cert_file": str(self.dir / "idp.crt"),
            "xmlsec_binary": shutil.which("xmlsec1"),
        }
        if sp_metadata:
            (self.dir / "sp-metadata.xml").write_text(sp_metadata)
            config["metadata"] = {"local": [str(self.dir / "sp-metadata.xml")]}
        return IdPConfig().load(config)

    def _metadata(self) -> str:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="CFB has been moved")
            from saml2.metadata import entity_descriptor
        return str(entity_descriptor(self._config(None)))

    def trust(self, sp_metadata: str) -> None:
        from saml2.server import Server

        self.server = Server(config=self._config(sp_metadata))

    def answer(self, query: str, login: str) -> dict[str, str]:
        """The form the IdP posts to the service: {"action", "SAMLResponse", "RelayState"}."""
        from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
        from saml2.saml import AUTHN_PASSWORD_PROTECTED

        params = {k: v[0] for k, v in parse_qs(query).items()}
        request = self.server.parse_authn_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT)
        sp_entity = request.message.issuer.text
        destination = request.message.assertion_consumer_service_url
        response = self.server.create_authn_response(
            self.people[login], in_response_to=request.message.id, destination=destination,
            sp_entity_id=self.audience or sp_entity, name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"saml-{login}"),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": self.url}, sign_assertion=self.sign_assertion,
            sign_response=False,
        )
        args = self.server.apply_binding(BINDING_HTTP_POST, str(response), destination, params.get("RelayState", ""), response=True)
        form = args["data"]
        value = lambda name: html.unescape(form.split(f'name="{name}" value="', 1)[1].split('"', 1)[0])  # noqa: E731
        self.last_response = {"action": destination, "SAMLResponse": value("SAMLResponse"), "RelayState": value("RelayState")}
        return self.last_response

    def __enter__(self) -> "SamlIdentityProvider":
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the login form: type a login, press the button
                parts = urlsplit(self.path)
                body = (f'<!doctype html><html lang="sv"><title>Kommunens IdP</title><form method="post" action="/sso?{html.escape(parts.query)}">'
                        '<label>Användarnamn <input name="login"></label><button>Logga in</button></form>').encode()
                self._send(200, body)

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length", 0))
                login = parse_qs(self.rfile.read(length).decode()).get("login", [""])[0]
                if login not in idp.people:
                    self._send(403, b"okand")
                    return
                form = idp.answer(parts.query, login)
                body = (f'<!doctype html><html lang="sv"><title>Skickar</title><form method="post" action="{html.escape(form["action"])}">'
                        f'<input type="hidden" name="SAMLResponse" value="{html.escape(form["SAMLResponse"])}">'
                        f'<input type="hidden" name="RelayState" value="{html.escape(form["RelayState"])}">'
                        '<button>Fortsätt</button></form>').encode()
                self._send(200, body)

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.http.shutdown()
        self.http.server_close()
        shutil.rmtree(self.dir, ignore_errors=True)
