"""Input and output types of questions raised at an APT and lifted up the groups."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine

Text = MultiLine(5_000, filled=True)
State = Literal["open", "escalated", "answered"]


class QuestionCreate(Input):
    """A question raised at an APT meeting."""

    text: Annotated[Text, Meta(description="The question.")]
    raised_by: Annotated[OneLine(200), Meta(description="Who raised it (a name or a work group), if anyone.")] = ""


class Answer(Input):
    """The answer, which goes back to every level the question passed."""

    text: Annotated[Text, Meta(description="The answer.")]


class QuestionCommentCreate(Input):
    """A comment on a question, by anyone who sees it."""

    text: Annotated[Text, Meta(description="The comment.")]


class ToAgenda(Input):
    """Put the question on an agenda of the group where it waits."""

    meeting_id: Annotated[Id, Meta(description="A meeting of the group where the question waits.")]


class QuestionLevel(Struct, kw_only=True):
    """A group on the question's path."""

    group_id: Annotated[int, Meta(description="A group the question reached.")]
    group_name: Annotated[str, Meta(description="Its name.")]
    level: Annotated[str, Meta(description="central, department, local or apt.")]
    reached_at: Annotated[dt.datetime, Meta(description="When it reached the group.")]


class QuestionComment(Struct, kw_only=True):
    """A comment on a question."""

    author_name: Annotated[str, Meta(description="Who wrote it.")]
    text: Annotated[str, Meta(description="The comment.")]
    created_at: Annotated[dt.datetime, Meta(description="When.")]


class Question(Struct, kw_only=True):
    """A question from an APT, its path up the groups and its answer."""

    id: Annotated[int, Meta(description="The record's id.")]
    text: Annotated[str, Meta(description="The question.")]
    raised_by: Annotated[str, Meta(description="Who raised it, if given.")]
    meeting_id: Annotated[int | None, Meta(description="The APT meeting where it was raised.")]
    origin_group_id: Annotated[int, Meta(description="The APT group.")]
    group_id: Annotated[int, Meta(description="The group where it waits now (or was answered).")]
    state: Annotated[State, Meta(description="open (at the APT), escalated (lifted, waiting) or answered.")]
    levels: Annotated[list[QuestionLevel], Meta(description="Every group it reached, from the APT up.")]
    answer: Annotated[str | None, Meta(description="The answer, once given.")]
    answered_at: Annotated[dt.datetime | None, Meta(description="When it was answered.")]
    answered_by: Annotated[str, Meta(description="Who answered.")]
    overdue: Annotated[bool, Meta(description=(
        "Lifted and not answered by the next meeting of the group where it waits (that meeting has begun)."))]
    comments: Annotated[list[QuestionComment], Meta(description="Comments (one question only; empty in lists).")] = []
    version: Annotated[int, Meta(description="Bumped on every change.")] = 1
