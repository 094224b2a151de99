"""The caller's own account over the API: who am I, and my tokens."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from samverkan.accounts import schemas as s
from samverkan.accounts import service
from samverkan.accounts.access import SIGNED_IN
from samverkan.web.params import RecordId


class MeController(Controller):
    path = "/me"
    tags = ["Accounts"]
    guards = [SIGNED_IN]

    @get()
    async def whoami(self, request: Request) -> s.User:
        return await service.get_user(request.user.user_id)

    @get("/tokens")
    async def list_tokens(self, request: Request) -> list[s.ApiToken]:
        return await service.list_tokens(request.user.user_id)

    @post("/tokens")
    async def create_token(self, request: Request, data: JSONBody[s.ApiTokenCreate]) -> s.ApiTokenCreated:
        token, record = await service.create_token(request.user.user_id, data.label)
        return s.ApiTokenCreated(token=token, record=record)

    @post("/tokens/{token_id:int}/revoke", status_code=204)
    async def revoke_token(self, request: Request, token_id: RecordId) -> None:
        await service.revoke_token(request.user.user_id, token_id)
