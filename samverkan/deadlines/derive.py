"""Which deadlines a matter's events start, and which events meet them. Pure: events in, deadlines out.

A deadline is keyed by (rule, trigger event, union): recomputing after any change to the events
gives the same keys for what is unchanged, so stored deadlines are updated, not duplicated.
Whether a deadline was met in time (``met_on`` on or before its due day) is for the caller, who
knows the due day as the rule sets make it (state_of, with the due day from the rule sets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.deadlines.catalogue import BY_ID, Rule

# 16 § 2 st. applies "i annat fall än som avses i 11–13 §§": not to the employer's own 11–13 §§ duty.
_MEETING_DUTY = {"central_negotiation", "contracting_out", "dispute", "other"}
# 11–13 §§ kinds: a meeting limit after a request only where the local agreement sets one (AGR-MEET-LOCAL).
_AGREED_MEETING = {"primary_negotiation", "negotiation_on_request", "negotiation_13", "samverkan"}
_HOLD = {"primary_negotiation", "negotiation_on_request", "negotiation_13", "contracting_out", "samverkan"}
_CLAIMS = {"dispute", "other"}
# A frånträdesbesked ends the local negotiation as a close in disagreement does (16 § 3 st.).
_ENDS_LOCAL = {"negotiation_closed", "withdrawal_notice"}
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
    met_on: dt.date | None  # the date of the event that met it, if any (in time or not)


def state_of(met_on: dt.date | None, due: dt.date) -> str:
    """Stored state from the act that met it: an act after the due day does not meet the deadline,
    it is missed and stays so (64 § 3 st., 68 § MBL); met_on keeps the day it was done."""
    if met_on is None:
        return "open"
    return "met" if met_on <= due else "missed"


def _first(events: list[EventFact], types: set[str], on_or_after: dt.date, union_id: int | None = None) -> dt.date | None:
    dates = [e.date for e in events
             if e.type in types and e.date >= on_or_after and (union_id is None or e.union_id in (None, union_id))]
    return min(dates, default=None)


def ends_local(e: EventFact) -> bool:
    """The local negotiation with e's union ended without agreement: a close in disagreement or a
    frånträdesbesked (16 § 3 st.)."""
    return e.union_id is not None and (e.type == "withdrawal_notice" or (e.type == "negotiation_closed" and e.outcome == "disagreement"))


def derive(kind: str, events: list[EventFact], claimant: str | None = None) -> list[Derived]:
    """``claimant``: who makes the claim in a dispute (64–66 §§: the party that must act),
    "employer" or "union"; unknown (None) counts as the union, as before it was recorded."""
    out: list[Derived] = []
    claims = "employer" if claimant == "employer" else "union"  # who must act under 64–66 §§

    def add(rule_id: str, event: EventFact, responsible: str, met_by: set[str], union_id: int | None = None,
            start: dt.date | None = None) -> None:
        start = start or event.date
        out.append(Derived(BY_ID[rule_id], event.id, union_id, start, responsible,
                           _first(events, met_by, event.date, union_id) if met_by else None))

    for e in events:
        if e.type == "request_received" and kind in _MEETING_DUTY:
            # 16 § 2 st.: the meeting within two weeks of the request reaching the employer.
            add("MBL16-MEET-LOCAL", e, "employer", {"meeting_held", "negotiation_closed"})
        elif e.type == "request_received" and kind in _AGREED_MEETING:
            add("AGR-MEET-LOCAL", e, "employer", {"meeting_held", "negotiation_closed"})
        elif e.type == "request_sent" and kind in _MEETING_DUTY:
            # 16 § 2 st. binds the party asked: the union meets within two weeks of the municipality's request.
            add("MBL16-MEET-LOCAL", e, "union", {"meeting_held", "negotiation_closed"}, e.union_id)
        elif ends_local(e) and kind in _CLAIMS and _priority(events, e):
            # 34 § 3 st., 35 §, 37 §: against a tolkningsföreträde the employer sues within ten days
            # of the end, or asks for central negotiation within ten days where both are held.
            add("MBL37-CENTRAL", e, "employer", {"central_requested"}, e.union_id)
            if _first(events, {"central_requested"}, e.date, e.union_id) is None:
                add("MBL37-SUIT", e, "employer", {"suit_filed"}, e.union_id)
        elif e.type == "central_closed" and e.outcome == "disagreement" and kind in _CLAIMS and _priority(events, e):
            add("MBL37-SUIT", e, "employer", {"suit_filed"}, e.union_id)
        elif e.type == "secrecy_disagreement":
            # 21 § 2 st.: the party that asked for secrecy sues within ten days of the negotiation's end.
            add("MBL21-SUIT-SECRECY", e, "employer", {"suit_filed"}, e.union_id)
        elif e.type == "transfer_notice":
            # 28 § 2 st.: the union may end the transferred collective agreement within 30 days of the notice.
            add("MBL28-TERMINATE-CA", e, "union", set(), e.union_id)
        elif ends_local(e):
            if kind in _CLAIMS:
                add("MBL64-CENTRAL", e, claims, {"central_requested"}, e.union_id)
                central = _first(events, {"central_requested"}, e.date, e.union_id)
                if central is None:
                    # 65 §: suit within three months of the end, or of the central negotiation's end if one follows.
                    add("MBL65-SUIT", e, claims, {"suit_filed"}, e.union_id)
                    _member(add, e, BY_ID["MBL65-SUIT"].due(e.date).due, claims)
            elif kind in _HOLD:
                add("AGR-CENTRAL-REQ", e, "union", {"central_requested"}, e.union_id)
        elif e.type == "central_requested" and kind in _CLAIMS | {"contracting_out"}:
            # 16 § 2 st.: a central organisation meets within three weeks of the request reaching it.
            add("MBL16-MEET-CENTRAL", e, "employer", {"central_closed"}, e.union_id)
        elif e.type == "central_closed" and e.outcome == "disagreement" and kind in _CLAIMS and e.union_id is not None:
            add("MBL65-SUIT", e, claims, {"suit_filed"}, e.union_id)
            _member(add, e, BY_ID["MBL65-SUIT"].due(e.date).due, claims)
        elif e.type in ("knowledge", "occurrence") and kind in _CLAIMS:
            rule = "MBL64-LOCAL-KNOW" if e.type == "knowledge" else "MBL64-LOCAL-LONGSTOP"
            add(rule, e, claimant or "claimant", {"request_sent", "request_received"})
        elif e.type == "negotiation_hindered" and kind in _CLAIMS:
            # 65 § 2 st.: the negotiation could not be held; suit within three months of the day it
            # should at the latest have been held (the event's date).
            add("MBL65-SUIT-HINDER", e, claims, {"suit_filed"}, e.union_id)
        elif e.type == "meeting_held" and kind in _HOLD | {"information"}:
            add("AGR-PROTOCOL-APPROVAL", e, "employer", {"protocol_approved"})
    return out


def _priority(events: list[EventFact], e: EventFact) -> bool:
    """The union of e has claimed tolkningsföreträde (33–35 §§) in the matter."""
    return any(x.type == "priority_claimed" and x.union_id == e.union_id for x in events)


def _member(add, e: EventFact, organisation_due: dt.date, responsible: str) -> None:
    """66 § 1 st.: a member whose organisation did not sue may sue within one month of the day the
    organisation's time ran out. Only where a union claims on a member's behalf."""
    if responsible == "union":
        add("MBL66-MEMBER", e, "union", {"suit_filed"}, e.union_id, start=organisation_due)
