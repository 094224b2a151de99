"""Rendered pages kept in each worker, keyed by everything their rendering reads.

A page's HTML is a function of its template, its context and the few things the templates read
from the request (``base.html``: the signed-in user, the header's status, the path; every form:
the session's CSRF token). The key is those, encoded: the same key can only render the same bytes,
so a kept page never needs to be invalidated, and it can never show one reader what was drawn for
another (the reader is in the key, and every reader-dependent value is in the context). The data
is still read on every request; what is saved is Jinja, most of a large page's time.

A context that cannot be encoded (a value msgspec does not know) is rendered as usual, uncached.
"""

from __future__ import annotations

import collections
import itertools
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import MediaType
from litestar.response import Template
from litestar.response.base import ASGIResponse
from litestar.utils.scope.state import ScopeState


class _Unencodable(TypeError):
    pass


def _refuse(value: Any) -> Any:
    raise _Unencodable(type(value).__name__)


_encode = msgspec.msgpack.Encoder(enc_hook=_refuse).encode


class PageCache:
    """Least recently used pages up to a total size (keys and bodies counted)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = self.uncacheable = 0
        self._pages: collections.OrderedDict[bytes, bytes] = collections.OrderedDict()  # used on the event loop only

    def get(self, key: bytes) -> bytes | None:
        body = self._pages.get(key)
        if body is None:
            self.misses += 1
            return None
        self._pages.move_to_end(key)
        self.hits += 1
        return body

    def put(self, key: bytes, body: bytes) -> None:
        cost = len(key) + len(body)
        if cost > self.max_bytes:
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self.size -= len(key) + len(old)
        self._pages[key] = body
        self.size += cost
        while self.size > self.max_bytes:
            gone_key, gone = self._pages.popitem(last=False)
            self.size -= len(gone_key) + len(gone)


def key(request: Request, template_name: str, context: dict[str, Any]) -> bytes | None:
    """What the page's bytes depend on, or None when some value cannot be encoded."""
    scope = request.scope
    try:
        return _encode((template_name, context, scope.get("user"), scope.get("page_status"), scope["path"],
                        ScopeState.from_scope(scope).csrf_token))
    except _Unencodable:
        return None


class CachedTemplate(Template):
    """A Template whose rendering is kept in the app's PageCache (a GET page answered 200)."""

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> ASGIResponse:
        cache: PageCache | None = request.app.state.get("page_cache")
        if cache is None or (self.status_code or 200) != 200 or request.method != "GET":
            return super().to_asgi_response(app, request, **kwargs)
        found = key(request, self.template_name or "", self.context)
        if found is None:
            cache.uncacheable += 1
            return super().to_asgi_response(app, request, **kwargs)
        body = cache.get(found)
        if body is None:
            response = super().to_asgi_response(app, request, **kwargs)
            cache.put(found, response.body)
            return response
        # What Template.to_asgi_response answers, with the kept body in place of a rendering.
        headers = {**kwargs.get("headers", {}), **self.headers}
        cookies = itertools.chain(self.cookies, kwargs.get("cookies") or ())
        return ASGIResponse(body=body, background=self.background or kwargs.get("background"), cookies=cookies,
                            encoded_headers=kwargs.get("encoded_headers"), encoding=self.encoding, headers=headers,
                            is_head_response=kwargs.get("is_head_response", False),
                            media_type=self.media_type or MediaType.HTML, status_code=200)
