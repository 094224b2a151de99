"""Which deadlines a matter's events start, and which events meet them. Pure: events in, deadlines out.

A deadline is keyed by (rule, trigger event, union): recomputing after any change to the events
gives the same keys for what is unchanged, so stored deadlines are updated, not duplicated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.deadlines.catalogue import BY_ID, Rule

# Matter kinds whose negotiation must meet within 16 § (not the employer's own 11–13 §§ duty).
_MEETING_DUTY = {"negotiation_on_request", "central_negotiation", "contracting_out", "dispute", "other"}
_HOLD = {"primary_negotiation", "negotiation_on_request", "contracting_out", "samverkan"}
_CLAIMS = {"dispute", "other"}
# Who must act before a deadline runs out, as mail and calendars say it.
RESPONSIBLE_LABELS = {"employer": "arbetsgivaren", "union": "arbetstagarorganisationen", "claimant": "den som gör anspråket"}


@dataclass(frozen=True)
class EventFact:
    id: int
    type: str
    date: dt.date
    union_id: int | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Derived:
    rule: Rule
    trigger_event_id: int
    union_id: int | None
    start: dt.date
    responsible: str  # employer, union, claimant
    met_on: dt.date | None  # the date of the event that met it, if any


def _first(events: list[EventFact], types: set[str], on_or_after: dt.date, union_id: int | None = None) -> dt.date | None:
    dates = [e.date for e in events
             if e.type in types and e.date >= on_or_after and (union_id is None or e.union_id in (None, union_id))]
    return min(dates, default=None)


def derive(kind: str, events: list[EventFact]) -> list[Derived]:
    out: list[Derived] = []

    def add(rule_id: str, event: EventFact, responsible: str, met_by: set[str], union_id: int | None = None) -> None:
        out.append(Derived(BY_ID[rule_id], event.id, union_id, event.date, responsible,
                           _first(events, met_by, event.date, union_id) if met_by else None))

    for e in events:
        if e.type == "request_received" and kind in _MEETING_DUTY:
            # 16 §: the meeting within two weeks of the request reaching the employer.
            add("MBL16-MEET-LOCAL", e, "employer", {"meeting_held", "negotiation_closed"})
        elif e.type == "negotiation_closed" and e.outcome == "disagreement" and e.union_id is not None:
            if kind in _CLAIMS:
                add("MBL64-CENTRAL", e, "union", {"central_requested"}, e.union_id)
                if not any(x.type == "central_requested" and x.union_id == e.union_id and x.date >= e.date for x in events):
                    # 65 §: suit within three months of the end, or of the central negotiation's end if one follows.
                    add("MBL65-SUIT", e, "union", set(), e.union_id)
            elif kind in _HOLD:
                add("AGR-CENTRAL-REQ", e, "union", {"central_requested"}, e.union_id)
        elif e.type == "central_closed" and e.outcome == "disagreement" and kind in _CLAIMS and e.union_id is not None:
            add("MBL65-SUIT", e, "union", set(), e.union_id)
        elif e.type == "knowledge" and kind in _CLAIMS:
            add("MBL64-LOCAL-KNOW", e, "claimant", {"request_sent", "request_received"})
        elif e.type == "occurrence" and kind in _CLAIMS:
            add("MBL64-LOCAL-LONGSTOP", e, "claimant", {"request_sent", "request_received"})
        elif e.type == "meeting_held" and kind in _HOLD | {"information"}:
            add("AGR-PROTOCOL-APPROVAL", e, "employer", {"protocol_approved"})
    return out
