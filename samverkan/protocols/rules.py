"""Pure rules of protocol justering: the states, the parties, who may approve for a party, and the
difference between two versions. No web or database imports. What a reader may see of a frozen
record is decided by documents.record.for_reader."""

from __future__ import annotations

import difflib

from samverkan.documents.record import MeetingRecord
from samverkan.meetings.rules import POSITION_OUTCOMES

STATE_LABELS = {"draft": "Utkast", "in_review": "Under justering", "approved": "Justerat"}
VERSION_LABELS = {"in_review": "Under justering", "approved": "Justerad", "superseded": "Ersatt av en ny version",
                  "reopened": "Öppnad igen"}
EMPLOYER = "employer"


def union_party(union_id: int) -> str:
    return f"union:{union_id}"


def parties(record: MeetingRecord) -> list[str]:
    """The parties that justerar: the employer and every union party to the meeting."""
    return [EMPLOYER] + [union_party(u.id) for u in record.unions]


def party_label(party: str, record: MeetingRecord) -> str:
    if party == EMPLOYER:
        return "Arbetsgivaren"
    union_id = int(party.split(":")[1])
    return next((u.name for u in record.unions if u.id == union_id), party)


def protocol_state(latest_version_state: str | None) -> str:
    """A meeting's protocol: a draft until sent, then the state of its latest version (a
    reopened or superseded one is a draft again until it is sent)."""
    return latest_version_state if latest_version_state in ("in_review", "approved") else "draft"


def designated(record: MeetingRecord, party: str) -> str | None:
    """The name of the party's justerare, if one is designated."""
    union_id = None if party == EMPLOYER else int(party.split(":")[1])
    return next((a.person.name for a in record.approvers if a.union_id == union_id), None)


def approver_error(party: str, designated_person_id: int | None, person_id: int | None) -> str | None:
    """Why this person may not approve for the party (Swedish), or None when they may. Only
    the designated justerare approves; without one, anyone of the party's own side may."""
    if designated_person_id is not None and designated_person_id != person_id:
        side = "arbetsgivaren" if party == EMPLOYER else "organisationen"
        return f"Bara den utsedda justeraren för {side} kan justera protokollet."
    return None


PROPOSED_FIELDS = ("outcome", "note", "reservation")
FIELD_LABELS = {"outcome": "Ställningstagande", "note": "Protokollsanteckning", "reservation": "Reservation"}


def merge_proposal(current: dict, proposal: dict) -> dict:
    """The union's position once a proposal is accepted: the fields the proposal names replace
    the current ones; an outcome left "Oförändrat" (null) and an empty text keep what is there."""
    return {f: proposal.get(f) or current.get(f) or (None if f == "outcome" else "") for f in PROPOSED_FIELDS}


def proposal_changes(current: dict, proposal: dict) -> list[tuple[str, str, str]]:
    """(field, now, after) for every field the proposal would change, for showing before accepting."""
    merged = merge_proposal(current, proposal)
    return [(f, current.get(f) or "", merged[f] or "") for f in PROPOSED_FIELDS if (current.get(f) or "") != (merged[f] or "")]


def record_lines(record: MeetingRecord) -> list[str]:
    """The record as plain lines, for comparing two versions."""
    names = {u.id: u.name for u in record.unions}
    lines = [f"{record.title}", f"Plats: {record.place}"]
    for item in record.items:
        lines.append(f"§ {item.number} {item.title}")
        lines.extend(f"  {line}" for line in item.text.splitlines())
        if item.employer_position:
            lines.append(f"  Arbetsgivarens förslag: {item.employer_position}")
        for p in item.positions:
            lines.append(f"  {names.get(p.union_id, p.union_id)}: {POSITION_OUTCOMES.get(p.outcome or '', '–').lower()}"
                         + (f"; reservation: {p.reservation}" if p.reservation else "")
                         + ("; begär central förhandling" if p.central_requested else ""))
            if p.note:
                lines.append(f"  Protokollsanteckning från {names.get(p.union_id, p.union_id)}: {p.note}")
        if item.closed_on:
            lines.append(f"  Avslutad {item.closed_on.isoformat()}")
    return lines


def difference(old: MeetingRecord, new: MeetingRecord) -> list[tuple[str, str]]:
    """(sign, line) for every line: " " kept, "-" only in the old version, "+" only in the new."""
    return [(line[0], line[2:]) for line in difflib.ndiff(record_lines(old), record_lines(new)) if line[0] in " -+"]
