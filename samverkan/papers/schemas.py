"""Input and output types of papers (underlag)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import Meta, Struct

from samverkan.orgs.schemas import Input
from samverkan.values import MultiLine


class Paper(Struct, kw_only=True):
    """A file uploaded as underlag to a matter or a meeting (and perhaps one of its agenda items)."""

    id: Annotated[int, Meta(description="The record's id.")]
    title: Annotated[str, Meta(description="The paper's title (the file name without extension unless given).")]
    filename: Annotated[str, Meta(description="The file's name, as uploaded.")]
    media_type: Annotated[str, Meta(description="The media type, decided by the file's content.")]
    size: Annotated[int, Meta(description="Bytes.")]
    sha256: Annotated[str, Meta(description="The file's SHA-256.")]
    meeting_id: Annotated[int | None, Meta(description="The meeting it belongs to.")] = None
    matter_id: Annotated[int | None, Meta(description="The matter it belongs to.")] = None
    agenda_item_id: Annotated[int | None, Meta(description="The meeting's agenda item it is underlag for.")] = None
    uploaded_by: Annotated[str, Meta(description="Who uploaded it.")]
    uploaded_at: Annotated[dt.datetime, Meta(description="When.")]


class PaperRemoval(Input):
    """Why a paper is removed (it stays in the record, marked removed)."""

    reason: Annotated[MultiLine(2000, filled=True), Meta(description="Why the paper is removed.")]
