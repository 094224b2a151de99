"""The calendar feed: a new secret address over the API, and the feed itself at that address.

The feed is outside /api and takes no cookie or bearer token: the secret in its path is the
credential, so the handler is public and the service answers 404 to anything but a live token.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter

from samverkan.accounts.access import PUBLIC, SIGNED_IN
from samverkan.errors import NotFound
from samverkan.feeds import schemas as s
from samverkan.feeds import service
from samverkan.web.openapi import Binary, errors

SUFFIX = ".ics"
MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to a text/* type
# Clients poll the feed; five minutes in the subscriber's own cache spares the database.
CACHE_CONTROL = "private, max-age=300"


@post(
    "/me/calendar-feed", guards=[SIGNED_IN], status_code=201, tags=["Accounts"], name="api-calendar-feed-create",
    summary="Create a new secret calendar address",
    description="Returns the address of the caller's iCalendar feed (meetings and deadlines). It is shown only "
                "this once. Any earlier address of the caller stops working. Who: every signed-in role, for itself.",
    responses=errors(409),
)
async def create_calendar_feed(request: Request) -> s.CalendarFeedCreated:
    return s.CalendarFeedCreated(url=await service.regenerate(request.user))


@get("/calendar/{token:str}", opt=PUBLIC, name="calendar-feed", tags=["Accounts"], security=[],
     summary="A user's calendar feed (iCalendar)", media_type=MEDIA_TYPE,
     response_description="The iCalendar file: the user's open and recently missed deadlines and meetings.",
     responses={code: ResponseSpec(str, media_type="text/html", description=text, generate_examples=False) for code, text in (
         (400, "A NUL character in the address (a page)."), (404, "No live address like this (a page)."),
         (503, "The database is unavailable (a page)."))})
async def calendar_feed(token: Annotated[str, PathParameter(
        description="The secret from POST /api/v1/me/calendar-feed, then `.ics`.")]) -> Response[Binary]:
    """Outside /api and public: the secret in the address is the credential (no token or cookie). Clients may
    cache it for five minutes. Who: anyone with the address."""
    if not token.endswith(SUFFIX):
        raise NotFound(service.NOT_FOUND)
    body = await service.feed(token[: -len(SUFFIX)])
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": CACHE_CONTROL})


API_ROUTES: list = [create_calendar_feed]
PAGE_ROUTES: list = [calendar_feed]
