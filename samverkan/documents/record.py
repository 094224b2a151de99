"""The frozen record of a meeting that a document is made from, and what a template sees of it.

A ``MeetingRecord`` holds everything a document shows (names, not ids to look up later), so a
document can be reproduced from its record alone, and its JSON is hashed as the document's
source. ``for_reader()`` is the one place that decides what a reader sees of a record: every page,
API answer, document and e-mail about a meeting's record shows ``for_reader(record, reader)``.
``context()`` turns a record into the variables of one kind and one audience; it is pure and the
variables are listed in docs/templates.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, NamedTuple, Protocol

from msgspec import Meta, Struct, structs

from samverkan.accounts import rights
from samverkan.clock import STOCKHOLM
from samverkan.documents.kinds import KINDS, Audience, negotiation_type
from samverkan.meetings.rules import PARTICIPANT_ROLES

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


class PersonRef(Struct, kw_only=True):
    name: str
    title: str = ""
    email: str = ""


class UnionRef(Struct, kw_only=True):
    id: int
    name: str


class MatterRef(Struct, kw_only=True):
    id: int = 0
    diary_no: str
    title: str
    description: str
    kind: str  # matters.rules.KINDS key
    kind_label: str
    personal_data: bool = False  # an individärende
    parties: list[int] = []  # the unions that are parties to the matter (who may read it)
    # Who asked for the negotiation and when (the request events): union id, or None for the employer.
    requests: list[tuple[int | None, dt.date]] = []


class PositionRef(Struct, kw_only=True):
    union_id: int
    outcome: str | None
    note: str
    reservation: str
    central_requested: bool


class ItemRef(Struct, kw_only=True):
    id: int
    number: int
    title: str
    kind: str
    matter: MatterRef | None
    text: str
    employer_position: str
    positions: list[PositionRef]
    closed_on: dt.date | None
    withheld: bool = False  # left out for this reader: only the number is shown


class ParticipantRef(Struct, kw_only=True):
    person: PersonRef
    union_id: int | None  # None: the employer side
    role: str
    present: bool | None


class ApproverRef(Struct, kw_only=True):
    union_id: int | None
    person: PersonRef


class PaperRef(Struct, kw_only=True):
    """A paper (underlag) of the meeting, a bilaga of its documents, named with its hash."""

    title: Annotated[str, Meta(description="The paper's title.")]
    filename: Annotated[str, Meta(description="Its file name.")]
    sha256: Annotated[str, Meta(description="The file's SHA-256 when the record was frozen.")]


class MeetingRecord(Struct, kw_only=True, omit_defaults=True):
    """One version of a meeting as its documents show it."""

    meeting_id: int
    version: int
    kind: str
    title: str
    employer: str
    department: str  # the förvaltning's name, "" for a meeting of the whole municipality
    group: str
    safety_committee: bool
    starts_at: dt.datetime  # Europe/Stockholm
    ends_at: dt.datetime
    place: str
    unions: list[UnionRef]
    chair: PersonRef | None
    minute_taker: PersonRef | None
    approvers: list[ApproverRef]
    participants: list[ParticipantRef]
    items: list[ItemRef]
    # The meeting's papers (not those on an item about an individärende): a protocol version sent
    # for justering freezes them with their sha256.
    papers: Annotated[list[PaperRef], Meta(description="The meeting's papers (bilagor).")] = []


def shows_personal_data(record: "MeetingRecord", item_id: int | None = None) -> bool:
    """Whether the record (an extract: its item) shows an individärende."""
    return any(i.matter is not None and i.matter.personal_data for i in record.items if item_id in (None, i.id))


# --- what a reader sees of a record -------------------------------------------------------

REDACTED_TITLE = "Punkt om ett ärende som du inte har tillgång till"


class Reader(Protocol):
    """Whose eyes a record is read with: a signed-in ``Viewer`` or a document's ``Party``."""

    @property
    def role(self) -> str: ...

    @property
    def union_id(self) -> int | None: ...


class Party(NamedTuple):
    """The reader of a copy: a role ("admin", "union", …) and its union, or EVERYONE."""

    role: str
    union_id: int | None = None


EVERYONE = Party("all")  # every party at once: the narrowest reader, for the common copy
EMPLOYER_COPY = Party("admin")  # the employer's copy is whole; a department user gets it only without individärenden


def reader_of(audience: Audience) -> Party:
    """The narrowest party of a copy's audience."""
    if audience.kind == "union":
        return Party("union", audience.union_id)
    return EVERYONE if audience.kind == "all" else EMPLOYER_COPY


def may_read(item: ItemRef, reader: Reader, unions: list[UnionRef]) -> bool:
    """docs/access.md: HR and administrators read every item; a union the items about matters it
    is a party to; a department user every item but individärenden; EVERYONE only what every
    party of the meeting may read. An item without a matter is for everyone at the meeting."""
    matter = item.matter
    if matter is None or rights.sees_all(reader):
        return True
    if rights.is_union(reader):
        return reader.union_id in matter.parties
    if rights.is_department(reader):
        return not matter.personal_data
    if reader.role == EVERYONE.role:
        return not matter.personal_data and all(u.id in matter.parties for u in unions)
    return False


def _withheld(item: ItemRef) -> ItemRef:
    return ItemRef(id=item.id, number=item.number, title=REDACTED_TITLE, kind=item.kind, matter=None, text="",
                   employer_position="", positions=[], closed_on=item.closed_on, withheld=True)


def for_reader(record: MeetingRecord, reader: Reader) -> MeetingRecord:
    """The record as ``reader`` may see it: an item it may not read keeps its number and nothing
    else (not its text, the employer's proposal, nor any union's position)."""
    return structs.replace(record, items=[i if may_read(i, reader, record.unions) else _withheld(i) for i in record.items])


def hides_nothing_from(shown: MeetingRecord, union_id: int | None) -> bool:
    """Whether a common copy showing ``shown`` may go to the union: it shows nothing the union may
    not read, and left nothing out (an item withheld from some party might be the union's own)."""
    return all(not i.withheld and may_read(i, Party("union", union_id), shown.unions) for i in shown.items)


class ApprovalRef(Struct, kw_only=True):
    party: str  # "employer" or "union:<id>"
    name: str  # who approved for the party
    at: dt.datetime


class Justering(Struct, kw_only=True):
    """How a locked version was approved, for the "Justering" block of its final copies."""

    version: int
    approvals: list[ApprovalRef]
    record_sha256: str  # the SHA-256 of the frozen record: the copies cannot carry a hash of themselves
    verify_url: str  # the protocol's page, where the whole hash and the seal are shown


class Options(Struct, kw_only=True, omit_defaults=True):
    """What a user chooses besides kind and audience; part of what makes a document unique."""

    date: dt.date | None = None  # the day a notice is sent
    attachments: list[str] = []
    item_id: int | None = None  # the item of an extract
    justering: Justering | None = None  # a locked protocol's final copies only


def short_hash(sha256: str) -> str:
    """The first 16 hex digits in groups of four: enough to compare by eye with the page."""
    return " ".join(sha256[i:i + 4] for i in range(0, 16, 4))


def _justering(record: MeetingRecord, justering: Justering | None, names: dict[int, str]) -> dict | None:
    """The justering block: each party's approval (who, when) and the version's hash; None for a
    draft, whose copies keep the lines for justering on paper."""
    if justering is None:
        return None
    by_party = {a.party: a for a in justering.approvals}
    approvals = []
    for union_id, label in [(None, "För arbetsgivaren")] + [(u.id, f"För {names[u.id]}") for u in record.unions]:
        a = by_party.get("employer" if union_id is None else f"union:{union_id}")
        if a:
            at = a.at.astimezone(STOCKHOLM)
            approvals.append({"party": label, "name": a.name, "at": f"{at.date().isoformat()} kl. {at:%H.%M}"})
    return {"version": justering.version, "approvals": approvals, "sha256": short_hash(justering.record_sha256),
            "url": justering.verify_url}


def long_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


NEGOTIATING_ITEMS = {"negotiation"}


def outcome_text(item_kind: str, in_negotiation: bool, union: str, position: PositionRef) -> str:
    """A union's outcome on an item in the wording protocols use (domain.md §6.2, §6.3)."""
    negotiation = in_negotiation or item_kind in NEGOTIATING_ITEMS
    parts: list[str] = []
    if position.outcome == "agreement":
        parts.append("Parterna är överens. Förhandlingen avslutas i enighet." if negotiation else "Parterna är överens.")
    elif position.outcome == "disagreement":
        parts.append("Förhandlingen avslutas i oenighet." if negotiation else "Parterna är inte överens.")
    elif position.outcome == "informed":
        parts.append("Informationen noteras.")
    if position.reservation:
        reason = position.reservation.strip()
        reason += "" if reason.endswith((".", "!", "?")) else "."
        # Written out already ("Kommunal reserverar sig mot beslutet.") or only the reason.
        parts.append(reason if "reserverar sig" in reason else f"{union} reserverar sig mot arbetsgivarens förslag: {reason}")
    if position.central_requested:
        parts.append(f"{union} begär central förhandling enligt 14 § MBL." if negotiation
                     else f"{union} begär förhandling enligt MBL.")
    return " ".join(parts)


ITEM_MARKINGS = {
    "information": "Information enligt 19 § MBL",
    "samverkan": "Samverkan",
    "work_environment": "Arbetsmiljö",
}
SAFETY_COMMITTEE_SECTION = "Arbetsmiljö – skyddskommitté (AML 6 kap. 9 §)"


def _item(record: MeetingRecord, item: ItemRef, own: int | None, names: dict[int, str], section: str) -> dict:
    in_negotiation = record.kind == "negotiation"
    order = {u.id: n for n, u in enumerate(record.unions)}
    positions = sorted(item.positions, key=lambda p: (p.union_id != own, order.get(p.union_id, len(order))))
    outcomes, notes = [], []
    for p in positions:
        union = names.get(p.union_id, "")
        text = outcome_text(item.kind, in_negotiation, union, p)
        if text:
            outcomes.append({"union": union, "text": text, "own": p.union_id == own})
        if p.note:
            notes.append({"union": union, "text": p.note, "own": p.union_id == own})
    closing = ""
    if item.closed_on:
        negotiated = in_negotiation or item.kind in NEGOTIATING_ITEMS
        closing = f"{'Förhandlingen' if negotiated else 'Frågan'} förklaras avslutad {short_date(item.closed_on)}."
    matter = item.matter
    return {
        "number": item.number, "title": item.title, "kind": item.kind,
        "marking": "" if in_negotiation else ITEM_MARKINGS.get(item.kind, ""),
        "section": section,
        "matter": {"diary_no": matter.diary_no, "title": matter.title, "description": matter.description,
                   "kind": matter.kind_label} if matter else None,
        "text": item.text, "employer_position": item.employer_position,
        "outcomes": outcomes, "notes": notes, "closing": closing,
    }


def _people_by_party(record: MeetingRecord, names: dict[int, str], present_only: bool) -> list[dict]:
    recorded = any(p.present is not None for p in record.participants)
    parties: list[tuple[int | None, str]] = [(None, "För arbetsgivaren")] + [(u.id, f"För {u.name}") for u in record.unions]
    out = []
    for union_id, label in parties:
        people = []
        for p in record.participants:
            if p.union_id != union_id or (present_only and recorded and p.present is not True):
                continue
            role = "" if p.role == "ordinary" else f" ({PARTICIPANT_ROLES[p.role].lower()})"
            title = f", {p.person.title}" if p.person.title else ""
            people.append(f"{p.person.name}{title}{role}")
        nobody = "ingen närvarande" if present_only else "–"
        out.append({"party": label, "names": "; ".join(people) or nobody})
    return out


def _title(record: MeetingRecord, kind: str, items: list[ItemRef], matter_kinds: list[str]) -> str:
    if kind == "withdrawal_notice":
        return "Frånträdesbesked enligt 16 § 3 st. MBL"
    if kind == "notice":
        return f"Förhandlingsframställan – kallelse till {negotiation_type(matter_kinds)}"
    if kind == "agenda":
        return f"Kallelse med förslag till dagordning – {record.group or record.title}"
    if kind == "extract":
        item = items[0]
        return f"Protokollsutdrag – § {item.number} {item.title}"
    if record.kind == "negotiation":
        return f"Protokoll fört vid {negotiation_type(matter_kinds)}"
    if record.kind == "information":
        return f"Protokoll – information enligt 19 § MBL – {record.group or record.title}"
    name = record.group or record.title
    return f"Protokoll – {name}{', tillika skyddskommitté' if record.safety_committee else ''}"


def requested(matter: MatterRef, names: dict[int, str]) -> str:
    """Who asked for the negotiation and when, in Swedish ("Förhandling begärd av Vision 17 december
    2025."), or "" when no request is recorded."""
    parts = [f"{'arbetsgivaren' if union_id is None else names.get(union_id, 'arbetstagarorganisationen')} {short_date(day)}"
             for union_id, day in matter.requests]
    return f"Förhandling begärd av {' och '.join(parts)}." if parts else ""


def withdrawal_effect(matter_kinds: list[str], sent: dt.date) -> str:
    """What a frånträdesbesked does to the time limits, in Swedish: it ends the local negotiation
    on its day (16 § 3 st. MBL), which starts the 14 § window, and in a dispute 64 § (two months)
    and 65 § (three months)."""
    from samverkan.deadlines.catalogue import BY_ID

    ends = f"Beskedet avslutar den lokala förhandlingen {short_date(sent)} (16 § 3 st. MBL)."
    if any(kind in ("dispute", "other") for kind in matter_kinds):
        central, suit = BY_ID["MBL64-CENTRAL"].due(sent).due, BY_ID["MBL65-SUIT"].due(sent).due
        return (f"{ends} Den som vill föra tvisten vidare ska påkalla central förhandling inom två månader, senast "
                f"{short_date(central)} (64 § MBL), eller, om ingen central förhandling begärs, väcka talan inom tre månader, "
                f"senast {short_date(suit)} (65 § MBL).")
    return (f"{ends} Organisationen kan därefter begära central förhandling (14 § MBL) inom den tid som "
            "samverkansavtalet anger; begärs den, beslutar arbetsgivaren inte förrän den centrala förhandlingen är avslutad.")


def reply_by(sent: dt.date, meeting_day: dt.date) -> dt.date:
    """A notice asks for an answer within a week, and before the meeting when that is sooner."""
    return max(sent, min(sent + dt.timedelta(days=7), meeting_day - dt.timedelta(days=1)))


def diary_numbers(record: MeetingRecord, items: list[ItemRef]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item.matter and item.matter.diary_no not in seen:
            seen.append(item.matter.diary_no)
    return seen


def context(record: MeetingRecord, kind: str, audience: Audience, options: Options, letterhead: str) -> dict:
    """The variables a template of ``kind`` sees for the copy of ``audience`` (docs/templates.md)."""
    names = {u.id: u.name for u in record.unions}
    own = audience.union_id if audience.kind == "union" else None
    items = [i for i in record.items if i.id == options.item_id] if kind == "extract" else record.items
    matter_kinds = [i.matter.kind for i in items if i.matter]
    first_safety_item = next((i.id for i in items if i.kind == "work_environment"), None) if record.safety_committee else None
    day = record.starts_at.date()
    sent = (options.date if KINDS[kind].dated else None) or day
    matters: list[dict] = []
    for i in items:
        if i.matter and all(m["diary_no"] != i.matter.diary_no for m in matters):
            matters.append({"diary_no": i.matter.diary_no, "title": i.matter.title, "description": i.matter.description,
                            "kind": i.matter.kind_label, "requested": requested(i.matter, names)})
    contact = record.chair or record.minute_taker or PersonRef(name="")
    approvers = []
    for union_id, label in [(None, "För arbetsgivaren")] + [(u.id, f"För {u.name}") for u in record.unions]:
        person = next((a.person.name for a in record.approvers if a.union_id == union_id), "")
        approvers.append({"party": label, "name": person})
    built_items = [_item(record, i, own, names, SAFETY_COMMITTEE_SECTION if i.id == first_safety_item else "") for i in items]
    employer = f"{record.employer}, {record.department}" if record.department else record.employer
    return {
        "title": _title(record, kind, items, matter_kinds),
        "kind": kind,
        "kind_label": KINDS[kind].label,
        "letterhead": letterhead,
        "diary_no": ", ".join(diary_numbers(record, items)) or "–",
        "document_date": short_date(sent),
        "copy_label": {"department": "Arbetsgivarens exemplar", "all": ""}.get(audience.kind, f"Exemplar för {names.get(own, '')}"),
        "meeting": {
            "title": record.title, "date": long_date(day), "iso_date": day.isoformat(),
            "time": f"{record.starts_at:%H.%M}–{record.ends_at:%H.%M}", "place": record.place or "–",
            "group": record.group, "safety_committee": record.safety_committee,
        },
        "parties": {"employer": employer, "unions": [u.name for u in record.unions]},
        "recipients": [names[own]] if own in names else [u.name for u in record.unions],
        "present": _people_by_party(record, names, present_only=True),
        "invited": _people_by_party(record, names, present_only=False),
        "chair": record.chair.name if record.chair else "",
        "minute_taker": record.minute_taker.name if record.minute_taker else "",
        "approvers": approvers,
        "items": built_items,
        "matters": matters,
        "planned_decision": any(i.employer_position for i in items),
        "contact": {"name": contact.name, "title": contact.title, "email": contact.email},
        "reply_by": short_date(reply_by(sent, day)),
        "withdrawal_effect": withdrawal_effect(matter_kinds, sent) if kind == "withdrawal_notice" else "",
        "attachments": list(options.attachments) + [p.title for p in record.papers if p.title not in options.attachments],
        "papers": [{"title": p.title, "filename": p.filename, "sha256": p.sha256} for p in record.papers],
        "justering": _justering(record, options.justering, names),
    }
