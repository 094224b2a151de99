"""Turn every error into a clear answer: JSON ``{"status", "detail", "field"?}`` for the API,
a Swedish page for people. Never a stack trace, never a bare 500 for bad input."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from samverkan.database import is_unreachable
from samverkan.errors import ServiceError
from samverkan.values import explain

log = logging.getLogger(__name__)

# msgspec says where a value was wrong as "... - at `$.name`" or "... - at `$.roles[0]`".
_AT = re.compile(r" - at `\$\.?([A-Za-z_][A-Za-z0-9_]*)?[^`]*`$")
_FIELD_IN_MESSAGE = re.compile(r"(?:field|unknown field) `([A-Za-z_][A-Za-z0-9_]*)`")
# Litestar's words for an absent parameter: "Missing required query parameter 'from' for path …".
_MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '([^']+)'")

# The database away (stopped, restarting, out of connections, its disk failing) is the service's
# passing trouble, not a fault in the request: 503 and when to try again, never "Internt fel".
RETRY_AFTER_SECONDS = "5"
_UNREACHABLE_API = "Databasen kan inte nås just nu. Försök igen om en stund."
_UNREACHABLE_PAGE = "Tjänsten kan inte nå databasen just nu. Försök igen om en stund."


def _log_unreachable(request: Request[Any, Any, Any], exc: Exception) -> None:
    log.warning("database unreachable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)


def field_of(message: str) -> str | None:
    match = _AT.search(message)
    if match and match.group(1):
        return match.group(1)
    match = _FIELD_IN_MESSAGE.search(message)
    return match.group(1) if match else None


def _validation_detail(exc: ValidationException) -> tuple[str, str | None]:
    """The first problem Litestar found, with the field it concerns."""
    if match := _MISSING_PARAMETER.match(exc.detail):
        return f"Missing required parameter '{match.group(1)}'.", match.group(1)
    for item in exc.extra or []:
        if isinstance(item, dict):
            message = str(item.get("message", exc.detail))
            key = item.get("key")
            if key == "data" and message == "'data'":  # Litestar's KeyError text for an absent body
                return "Request body is missing: send a JSON object.", None
            source = item.get("source")
            if source in {"query", "path", "header", "cookie"} and key:
                # A parameter named after a Python keyword ("from") is declared as "from_".
                return explain(message), str(key).removesuffix("_")
            field = field_of(message)
            if field is None and key and key != "data":
                field = str(key)
            return explain(_AT.sub("", message)) if field else message, field
    return exc.detail, None


def api_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict]:
    field = None
    headers: dict[str, str] = {}
    if isinstance(exc, ServiceError):
        status, detail, field = exc.status_code, exc.detail, exc.field
    elif isinstance(exc, ValidationException):
        status = 400
        detail, field = _validation_detail(exc)
    elif isinstance(exc, HTTPException):
        status, detail = exc.status_code, exc.detail
        headers.update(exc.headers or {})  # e.g. Allow on a 405
        if isinstance(exc, NotAuthorizedException):
            headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, RecursionError):  # JSON nested deeper than the decoder goes
        status, detail = 400, "The JSON body is nested too deeply."
    elif is_unreachable(exc):
        _log_unreachable(request, exc)
        status, detail = 503, _UNREACHABLE_API
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        status, detail = HTTP_500_INTERNAL_SERVER_ERROR, "Internt fel. Det är loggat."
    body: dict[str, Any] = {"status": status, "detail": detail}
    if field:
        body["field"] = field
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException):
        # After login the browser GETs `next`: only a page it can GET is worth returning to.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "") if request.method == "GET" else "/"
        return Redirect(f"/logga-in?next={quote(target)}")
    headers: dict[str, str] = {}
    if isinstance(exc, ServiceError):
        status, detail = exc.status_code, exc.detail
    elif isinstance(exc, ValidationException):
        status, detail = 400, "Felaktig uppgift i adressen eller formuläret."
    elif isinstance(exc, HTTPException):
        status, headers = exc.status_code, dict(exc.headers or {})
        detail = {403: "Du har inte behörighet till den här sidan.", 404: "Sidan finns inte.",
                  405: "Sidan kan inte nås på det sättet."}.get(status, exc.detail)
        if status == 403 and "csrf" in str(exc.detail).lower():
            detail = "Formuläret hade gått ut. Ladda om sidan och försök igen."
    elif is_unreachable(exc):
        _log_unreachable(request, exc)
        return Template("error.html", context={"status": 503, "detail": _UNREACHABLE_PAGE}, status_code=503,
                        headers={"Retry-After": RETRY_AFTER_SECONDS})
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        status, detail = HTTP_500_INTERNAL_SERVER_ERROR, "Något gick fel hos oss. Felet är loggat."
    return Template("error.html", context={"status": status, "detail": detail}, status_code=status, headers=headers)


def handle_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """One handler for the whole app, so that errors outside any route (an unknown path, a
    wrong method) get the same format: JSON for /api/, /health and /schema, a page elsewhere."""
    if request.url.path.startswith(("/api/", "/health", "/schema")):
        return api_error(request, exc)
    return page_error(request, exc)
