"""Input and output types of documents, templates and letterheads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from samverkan.orgs.schemas import Id, Input
from samverkan.values import OneLine

DocumentKind = Literal["notice", "agenda", "protocol", "extract", "withdrawal_notice"]
TemplateName = Literal["notice", "agenda", "protocol", "samverkan_protocol", "extract", "withdrawal_notice", "risk_assessment",
                       "annual_follow_up", "year_plan"]
AttachmentTitle = OneLine(300, filled=True)


class DocumentCreate(Input):
    """The body that makes a document of a meeting."""

    kind: Annotated[DocumentKind, Meta(description="notice, agenda, protocol, extract or withdrawal_notice.")]
    # "department" (the employer's copy), "union:<id>" (that union's copy) or "all" (the common copy)
    audience: Annotated[OneLine(30), Meta(description=(
        "department (the employer's copy), union:<id> (that union's copy) or all (the common copy)."))] = "department"
    date: Annotated[dt.date | None, Meta(
        description="The day a notice, agenda or withdrawal notice is sent; default today.")] = None
    attachments: Annotated[list[AttachmentTitle], Meta(max_length=30, 
        description="The titles of a notice's or agenda's attachments (bilagor).")] = []
    item_id: Annotated[Id | None, Meta(description="The agenda item of an extract.")] = None


class Document(Struct, kw_only=True):
    """A Word document made from a meeting and a template."""

    id: Annotated[int, Meta(description="The record's id.")]
    kind: Annotated[DocumentKind, Meta(description="notice, agenda, protocol, extract or withdrawal_notice.")]
    audience: Annotated[str, Meta(description="department, union:<id> or all: whose copy it is.")]
    filename: Annotated[str, Meta(description="The file's name.")]
    sha256: Annotated[str, Meta(description="The file's SHA-256.")]
    template_sha256: Annotated[str, Meta(description="The template's SHA-256.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]
    notice: Annotated[str | None, Meta(description=(
        "Set only in the answer that made it: the department's or union's template failed and the default was used."))] = None
    meeting_id: Annotated[int, Meta(description="The meeting.")]
    meeting_version: Annotated[int, Meta(description="The meeting's version it was made from.")]
    template_name: Annotated[TemplateName, Meta(description="The template used.")]
    size: Annotated[int, Meta(description="The file's size in bytes.")]
    union_id: Annotated[int | None, Meta(description="The union whose copy it is, or null.")]


class WordTemplate(Struct, kw_only=True):
    """A template in use: the default (department_id and union_id null) or an override."""

    id: Annotated[int | None, Meta(description="The uploaded template's id; null for a default.")]
    name: Annotated[TemplateName, Meta(description="The template's name (docs/templates.md).")]
    label: Annotated[str, Meta(description="Its name in Swedish.")]
    department_id: Annotated[int | None, Meta(description="The department whose own it is, or null.")]
    union_id: Annotated[int | None, Meta(description="The union whose own it is, or null.")]
    filename: Annotated[str, Meta(description="The file's name.")]
    sha256: Annotated[str, Meta(description="The file's SHA-256.")]
    uploaded_at: Annotated[dt.datetime | None, Meta(description="When it was uploaded; null for a default.")]


class Letterhead(Struct, kw_only=True):
    """A department's or union's letterhead on its documents."""

    department_id: Annotated[int | None, Meta(description="The department, or null.")]
    union_id: Annotated[int | None, Meta(description="The union, or null.")]
    text: Annotated[str, Meta(description="The sender lines.")]
    logo_sha256: Annotated[str | None, Meta(description="The logo's SHA-256, or null without a logo.")]
    logo_type: Annotated[str, Meta(description="The logo's image type (png, jpeg…), or empty.")]
    updated_at: Annotated[dt.datetime, Meta(description="When it was last set.")]
