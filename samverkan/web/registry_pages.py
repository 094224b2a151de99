"""Browse, search and edit pages built from a description of a register.

Each register (departments, unions, people, groups) describes its columns and form fields
as data; one list template and one form template draw them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from samverkan.accounts.access import SIGNED_IN, Allow
from samverkan.errors import ServiceError
from samverkan.orgs import service as orgs
from samverkan.pagination import PageRequest
from samverkan.web.params import PageNumber, RecordId, SearchText
from samverkan.web.forms import FormErrors, convert, optional_int, service_errors, text

PAGE_SIZE = 50


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, email, password, number, select, checkbox, checkboxes, multiselect, people
    required: bool = False
    maxlength: int | None = 200
    help: str = ""
    hint: str | None = None  # shown when the value has the wrong form
    int_choices: bool = False  # choices are ids
    source: str | None = None  # the register of those ids (orgs.service.TABLES): a linked inactive record is still shown


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any, dict], str]


@dataclass(frozen=True)
class Register:
    slug: str  # URL segment, Swedish: /forvaltningar
    title: str  # "Förvaltningar"
    singular: str  # "förvaltning"
    editors: Allow
    columns: list[Column]
    fields: list[Field]
    list: Callable[..., Awaitable[Any]]
    get: Callable[[int], Awaitable[Any]]
    create: Callable[[Any], Awaitable[Any]]
    update: Callable[[int, Any], Awaitable[Any]]
    deactivate: Callable[[int], Awaitable[Any]]
    create_type: type
    update_type: type
    # Extra context per request: select choices and lookup names, loaded once per page.
    lookups: Callable[[], Awaitable[dict[str, Any]]]
    readers: Allow = SIGNED_IN
    # Called as (viewer, id, update or None for a deactivation) before a change; may refuse it.
    before_change: Callable[[Any, int, Any], Awaitable[None]] | None = None
    new: str = "Ny"  # "Nytt" for a neuter noun: "Nytt fackförbund"
    # More for a record's page (e.g. a group's next meeting and its warnings): (viewer, id) -> context.
    detail_extra: Callable[[Any, int], Awaitable[dict[str, Any]]] | None = None


def _form_values(register: Register, form: FormMultiDict) -> dict[str, Any]:
    """Posted strings -> the input dict (None for empty selects, lists for multi-choice)."""
    values: dict[str, Any] = {}
    for f in register.fields:
        if f.kind == "password":
            values[f.name] = text(form.get(f.name)) or None  # empty: no (new) password
        elif f.kind == "checkbox":
            values[f.name] = f.name in form
        elif f.kind in {"checkboxes", "multiselect", "people"}:
            raw = form.getall(f.name) if f.name in form else []
            values[f.name] = [optional_int(v) for v in raw] if f.int_choices else [text(v) for v in raw]
        elif f.kind in {"select", "number"} and (f.int_choices or f.kind == "number"):
            values[f.name] = optional_int(form.get(f.name))
        elif f.kind == "email" and not text(form.get(f.name)).strip() and not f.required:
            values[f.name] = None
        else:
            values[f.name] = text(form.get(f.name))
    return values


async def _keep_inactive_links(register: Register, choices: dict[str, list], values: dict[str, Any]) -> None:
    """Choices list active records only; a record already linked to an inactive one must still show
    (and keep) that link, or saving the form unchanged would drop it."""
    for f in register.fields:
        if f.source is None:
            continue
        chosen = values.get(f.name)
        ids = chosen if isinstance(chosen, list) else [chosen]
        known = {key for key, _ in choices.get(f.name, [])}
        missing = [i for i in ids if isinstance(i, int) and i not in known]
        if missing:
            rows = await orgs.names(f.source, missing)
            choices[f.name] = [*choices.get(f.name, []), *((id, f"{name} (inaktiv)") for id, name in rows)]


def _can_edit(register: Register, request: Request) -> bool:
    return register.editors.admits(request.user)


def routes(register: Register) -> list[Any]:
    base = f"/{register.slug}"
    hints = {f.name: f.hint for f in register.fields if f.hint}

    async def render_form(request: Request, values: dict, errors: dict, record: Any = None, status: int = 200,
                          search: str = "") -> Template:
        lookups = await register.lookups()
        await _keep_inactive_links(register, lookups["choices"], values)
        return Template(
            "registry/form.html",
            context={
                "register": register, "values": values, "errors": errors, "record": record, "search": search,
                "can_edit": _can_edit(register, request), **lookups,
            },
            status_code=status,
        )

    @get(base, guards=[register.readers], name=f"{register.slug}-list")
    async def list_page(
        request: Request, q: SearchText = None, visa: FromQuery[str | None] = None,
        sida: PageNumber = 1,
    ) -> Template:
        active = None if visa == "alla" else True
        page = await register.list(q=q, active=active, page=PageRequest(PAGE_SIZE, (sida - 1) * PAGE_SIZE))
        return Template(
            "registry/list.html",
            context={
                "register": register, "page": page, "q": q or "", "visa": visa or "", "sida": sida,
                "pages": max(1, -(-page.total // PAGE_SIZE)), "can_edit": _can_edit(register, request),
                **(await register.lookups()),
            },
        )

    @get(f"{base}/ny", guards=[register.editors], name=f"{register.slug}-new")
    async def new_page(request: Request) -> Template:
        return await render_form(request, {"active": True}, {})

    @post(f"{base}/ny", guards=[register.editors], name=f"{register.slug}-create")
    async def create(request: Request) -> Template | Redirect:
        form = await request.form()
        values = _form_values(register, form)
        if "_search" in form:  # the people list narrowed without JavaScript; nothing is saved
            return await render_form(request, values, {}, search=text(form.get("_search_words")))
        try:
            record = await register.create(convert(values, register.create_type, hints))
        except FormErrors as exc:
            return await render_form(request, values, exc.errors, status=422)
        except ServiceError as exc:
            if exc.status_code not in (400, 409):
                raise
            return await render_form(request, values, service_errors(exc).errors, status=422)
        return Redirect(f"{base}/{record.id}?sparad=1")

    @get(f"{base}/{{id:int}}", guards=[register.readers], name=f"{register.slug}-detail")
    async def detail(request: Request, id: RecordId, sparad: FromQuery[int | None] = None) -> Template:
        record = await register.get(id)
        template = await render_form(request, msgspec.structs.asdict(record), {}, record)
        template.context["saved"] = bool(sparad)
        if register.detail_extra:
            template.context.update(await register.detail_extra(request.user, id))
        return template

    @post(f"{base}/{{id:int}}", guards=[register.editors], name=f"{register.slug}-update")
    async def update(request: Request, id: RecordId) -> Template | Redirect:
        record = await register.get(id)
        form = await request.form()
        values = _form_values(register, form)
        if "_search" in form:
            return await render_form(request, values, {}, record, search=text(form.get("_search_words")))
        try:
            data = convert(values, register.update_type, hints)
            if register.before_change:
                await register.before_change(request.user, id, data)
            await register.update(id, data)
        except FormErrors as exc:
            return await render_form(request, values, exc.errors, record, status=422)
        except ServiceError as exc:
            if exc.status_code not in (400, 409):
                raise
            return await render_form(request, values, service_errors(exc).errors, record, status=422)
        return Redirect(f"{base}/{id}?sparad=1")

    @post(f"{base}/{{id:int}}/inaktivera", guards=[register.editors], name=f"{register.slug}-deactivate")
    async def deactivate(request: Request, id: RecordId) -> Redirect:
        if register.before_change:
            await register.before_change(request.user, id, None)
        await register.deactivate(id)
        return Redirect(f"{base}/{id}?sparad=1")

    return [list_page, new_page, create, detail, update, deactivate]
