"""Input and output types of documents, templates and letterheads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from samverkan.orgs.schemas import Id, Input
from samverkan.values import OneLine

DocumentKind = Literal["notice", "agenda", "protocol", "extract", "withdrawal_notice"]
TemplateName = Literal["notice", "agenda", "protocol", "samverkan_protocol", "extract", "withdrawal_notice", "risk_assessment",
                       "annual_follow_up"]
AttachmentTitle = OneLine(300, filled=True)


class DocumentCreate(Input):
    kind: DocumentKind
    # "department" (the employer's copy), "union:<id>" (that union's copy) or "all" (the common copy)
    audience: OneLine(30) = "department"
    date: dt.date | None = None  # the day a notice or frånträdesbesked is sent; default today
    attachments: Annotated[list[AttachmentTitle], Meta(max_length=30)] = []  # bilagor of a kallelse
    item_id: Id | None = None  # the agenda item of a protokollsutdrag


class Document(Struct, kw_only=True):
    id: int
    kind: DocumentKind
    audience: str
    filename: str
    sha256: str
    template_sha256: str
    created_at: dt.datetime
    meeting_id: int
    meeting_version: int
    template_name: TemplateName
    size: int
    union_id: int | None


class WordTemplate(Struct, kw_only=True):
    """A template in use: the default (department_id and union_id null) or an override."""

    id: int | None  # null for a default
    name: TemplateName
    label: str
    department_id: int | None
    union_id: int | None
    filename: str
    sha256: str
    uploaded_at: dt.datetime | None


class Letterhead(Struct, kw_only=True):
    department_id: int | None
    union_id: int | None
    text: str
    logo_sha256: str | None
    logo_type: str
    updated_at: dt.datetime
