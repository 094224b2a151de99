"""The caller's own account over the API: who am I, and my tokens."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from samverkan.accounts import schemas as s
from samverkan.accounts import service
from samverkan.accounts.access import SIGNED_IN
from samverkan.web.openapi import errors
from samverkan.web.params import RecordId


class MeController(Controller):
    path = "/me"
    tags = ["Accounts"]
    guards = [SIGNED_IN]

    @get(summary="Who am I", responses=errors())
    async def whoami(self, request: Request) -> s.User:
        """The user the token belongs to, with its role and scope. Who: every signed-in role."""
        return await service.get_user(request.user.user_id)

    @get("/tokens", summary="My API tokens", responses=errors())
    async def list_tokens(self, request: Request) -> list[s.ApiToken]:
        """The caller's own tokens, newest first, revoked ones included; never the token itself, only its
        hint. Who: every signed-in role."""
        return await service.list_tokens(request.user.user_id)

    @post("/tokens", summary="Create an API token", responses=errors(413))
    async def create_token(self, request: Request, data: JSONBody[s.ApiTokenCreate]) -> s.ApiTokenCreated:
        """A new token for the caller, with the caller's rights. The token is in this answer only: the
        service keeps its hash. Who: every signed-in role."""
        token, record = await service.create_token(request.user.user_id, data.label)
        return s.ApiTokenCreated(token=token, record=record)

    @post("/tokens/{token_id:int}/revoke", status_code=204, summary="Revoke one of my API tokens",
          responses=errors(404))
    async def revoke_token(self, request: Request, token_id: RecordId) -> None:
        """The token is refused from the next request on; revoking it again changes nothing. Someone
        else's token answers 404. Who: every signed-in role, own tokens only."""
        await service.revoke_token(request.user.user_id, token_id)
