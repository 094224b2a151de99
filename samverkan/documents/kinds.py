"""Pure rules of documents: the kinds, which meetings they fit, which Word template each uses,
who a copy is for, and what the file is called. No web or database imports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    label: str  # Swedish, shown on pages
    file_label: str  # the kind's part of the file name
    meeting_kinds: frozenset[str]  # the meetings it fits
    dated: bool  # carries a date of its own (the day it is sent), not only the meeting's


NEGOTIATION = frozenset({"negotiation"})
GROUP_MEETINGS = frozenset({"samverkan", "information", "safety_committee", "workplace_meeting"})
ALL_MEETINGS = NEGOTIATION | GROUP_MEETINGS

KINDS: dict[str, Kind] = {
    "notice": Kind("Kallelse till förhandling (förhandlingsframställan)", "Kallelse", NEGOTIATION, dated=True),
    "agenda": Kind("Kallelse med dagordning", "Dagordning", GROUP_MEETINGS, dated=True),
    "protocol": Kind("Protokoll", "Protokoll", ALL_MEETINGS, dated=False),
    "extract": Kind("Protokollsutdrag", "Protokollsutdrag", ALL_MEETINGS, dated=False),
    "withdrawal_notice": Kind("Frånträdesbesked (16 § 3 st. MBL)", "Frantradesbesked", NEGOTIATION, dated=True),
}

# The Word templates under templates/word/: a protocol of a negotiation and one of a samverkan
# meeting differ enough (heading, 19 § marking, the skyddskommitté block) to be two files.
TEMPLATES: dict[str, str] = {
    "notice": "Kallelse till förhandling",
    "agenda": "Kallelse med dagordning",
    "protocol": "Förhandlingsprotokoll",
    "samverkan_protocol": "Samverkansprotokoll",
    "extract": "Protokollsutdrag",
    "withdrawal_notice": "Frånträdesbesked",
    "risk_assessment": "Riskbedömning med handlingsplan",
    "annual_follow_up": "Årlig uppföljning av SAM",
    "year_plan": "Sammanträdesplan",
}

# The templates of the systematic work-environment management (SAM): documents of their own, not
# of a meeting, so they are not in KINDS. Their variables are in docs/templates.md.
SAM_TEMPLATES = ("risk_assessment", "annual_follow_up")
# A group's documents (yearplans.document), not of one meeting either.
GROUP_TEMPLATES = ("year_plan",)


def template_name(kind: str, meeting_kind: str) -> str:
    if kind == "protocol" and meeting_kind != "negotiation":
        return "samverkan_protocol"
    return kind


def kind_error(kind: str, meeting_kind: str) -> str | None:
    """Why the kind does not fit the meeting, in Swedish; None when it does."""
    if kind not in KINDS:
        return "Okänd dokumenttyp."
    if meeting_kind in KINDS[kind].meeting_kinds:
        return None
    if kind == "agenda":
        return "Kallelse med dagordning gäller samverkansmöten; en förhandling kallas med kallelse till förhandling."
    return f"{KINDS[kind].label} gäller förhandlingar, inte samverkansmöten."


def withdrawal_error(meeting_status: str, meeting_day: dt.date, besked_day: dt.date) -> tuple[str, str] | None:
    """Why a frånträdesbesked cannot be made for this meeting on this day: (field, Swedish), or None.
    16 § 3 st. MBL: only a party "som har fullgjort sin förhandlingsskyldighet" may withdraw, so
    not before the meeting was held, and the besked is not dated before it."""
    if meeting_status != "held":
        return "kind", "Ett frånträdesbesked kan tas fram först när förhandlingssammanträdet har hållits (16 § 3 st. MBL)."
    if besked_day < meeting_day:
        return "date", (f"Frånträdesbeskedet kan inte dateras {besked_day.isoformat()}, före förhandlingssammanträdet "
                        f"{meeting_day.isoformat()}.")
    return None


@dataclass(frozen=True)
class Audience:
    """Who a copy is for: the employer's copy, one union's copy, or the common copy."""

    kind: str  # "department", "union" or "all"
    union_id: int | None = None

    def __str__(self) -> str:
        return f"union:{self.union_id}" if self.kind == "union" else self.kind


def parse_audience(value: str) -> Audience | None:
    if value in ("department", "all"):
        return Audience(value)
    match = re.fullmatch(r"union:([1-9][0-9]{0,17})", value)
    return Audience("union", int(match.group(1))) if match else None


# The type of negotiation a matter kind makes, as the heading of a protocol names it (domain.md §6.2).
NEGOTIATION_TYPES = {
    "primary_negotiation": "lokal förhandling enligt 11 § MBL",
    "negotiation_on_request": "lokal förhandling enligt 12 § MBL",
    "negotiation_13": "lokal förhandling enligt 13 § MBL",
    "contracting_out": "lokal förhandling enligt 38 § MBL",
    "central_negotiation": "central förhandling enligt 14 § MBL",
    "dispute": "tvisteförhandling",
}
DEFAULT_NEGOTIATION_TYPE = "förhandling enligt MBL"


def negotiation_type(matter_kinds: list[str]) -> str:
    """The first matter's type names the negotiation; a meeting without one is plain 'förhandling'."""
    for kind in matter_kinds:
        if kind in NEGOTIATION_TYPES:
            return NEGOTIATION_TYPES[kind]
    return DEFAULT_NEGOTIATION_TYPE


def file_part(text: str) -> str:
    """A piece of a file name: letters, digits and dashes; Swedish letters kept."""
    return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_") or "dokument"


def filename(diary_no: str, kind: str, day: str, party: str, item_number: int | None = None) -> str:
    """E.g. KS-2026-0042_Protokoll_2026-03-02_Vision.docx."""
    label = KINDS[kind].file_label + (f"-§{item_number}" if item_number is not None else "")
    return "_".join(file_part(p) for p in (diary_no, label, day, party)) + ".docx"
