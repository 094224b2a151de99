"""SAML 2.0, the service provider's side (ADFS and other identity providers), by pysaml2 with xmlsec1.

The request goes by the HTTP-Redirect binding, the answer comes back by HTTP-POST to /saml/acs.
Signed assertions are required; pysaml2 checks the signature, the audience, the time window and
that the answer is to a request we made (InResponseTo); the caller refuses a replayed assertion.
Imported only when SAML is set up: pysaml2 is slow to import.
"""

from __future__ import annotations

import calendar
import shutil
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

with warnings.catch_warnings():
    # pysaml2 imports a cipher mode that the cryptography package has moved (not used for SAML here).
    warnings.filterwarnings("ignore", message="CFB has been moved")
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.client import Saml2Client
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor
    from saml2.time_util import str_to_time

from samverkan.accounts.oidc import CLOCK_SKEW_SECONDS, SignOnError
from samverkan.settings import Settings


@dataclass(frozen=True)
class Assertion:
    issuer: str
    subject: str  # the NameID
    assertion_id: str
    not_on_or_after: int  # seconds since the epoch: how long the replay record must be kept
    attributes: dict[str, list[str]]


def _client(settings: Settings) -> Saml2Client:
    return _client_for(settings.base_url, settings.saml_idp_metadata, settings.saml_sp_key_file, settings.saml_sp_cert_file)


@lru_cache(maxsize=4)
def _client_for(base_url: str, idp_metadata: Path, key_file: Path | None, cert_file: Path | None) -> Saml2Client:
    entity, acs = base_url + "/saml/metadata", base_url + "/saml/acs"
    config = {
        "entityid": entity,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs, BINDING_HTTP_POST)]},
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
            "authn_requests_signed": key_file is not None,
        }},
        "metadata": {"local": [str(idp_metadata)]},
        "xmlsec_binary": shutil.which("xmlsec1"),
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
    }
    if key_file:
        config.update(key_file=str(key_file), cert_file=str(cert_file))
    return Saml2Client(config=SPConfig().load(config))


def metadata(settings: Settings) -> str:
    return str(entity_descriptor(_client(settings).config))


def authentication_request(settings: Settings, relay_state: str) -> tuple[str, str]:
    """(the request's id, the identity provider's address to send the browser to)."""
    request_id, info = _client(settings).prepare_for_authenticate(relay_state=relay_state, binding=BINDING_HTTP_REDIRECT)
    return request_id, dict(info["headers"])["Location"]


def read_response(settings: Settings, saml_response: str, request_id: str) -> Assertion:
    """The assertion of an answer to our request `request_id`, after pysaml2's checks."""
    try:
        response = _client(settings).parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"},
        )
    except Exception as exc:  # pysaml2 raises a dozen kinds: each one means "not this answer"
        raise SignOnError(f"the SAML answer is refused: {type(exc).__name__}: {exc}") from None
    if response is None or not response.assertion or response.name_id is None:
        raise SignOnError("the SAML answer has no assertion or no NameID")
    assertion = response.assertion
    if not assertion.signature and not response.response.signature:
        raise SignOnError("the SAML assertion is not signed")
    conditions = assertion.conditions
    until = calendar.timegm(str_to_time(conditions.not_on_or_after)) if conditions and conditions.not_on_or_after else 0
    return Assertion(
        issuer=response.issuer(), subject=response.name_id.text, assertion_id=assertion.id, not_on_or_after=until,
        attributes={k: [str(v) for v in values] for k, values in (response.ava or {}).items()},
    )
