"""Property test (issue 16): for every event sequence hypothesis draws, the decision hold
(matters.rules) and the deadlines (deadlines.derive) agree with a small reference model written
here from the statute. Pure: no database, so both engines run the same thing quickly."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan.deadlines.calendar import add_months, roll
from samverkan.deadlines.derive import EventFact, derive, state_of
from samverkan.matters.rules import EVENT_TYPES, Fact, decision_hold, sequence_error

UNION = 1
START = dt.date(2026, 1, 5)
KINDS = ["primary_negotiation", "negotiation_on_request", "negotiation_13", "central_negotiation", "contracting_out",
         "samverkan", "dispute"]
# Same-day order, as the law's steps follow one another: a meeting, the close (or besked), central
# negotiation requested, closed, a veto, its lifting.
STEPS = ["request_received", "meeting_held", "negotiation_closed", "withdrawal_notice", "central_requested",
         "central_closed", "veto", "veto_lifted"]
ORDER = {"request_received": 0, "meeting_held": 0, "negotiation_closed": 1, "withdrawal_notice": 1, "central_requested": 2,
         "central_closed": 3, "veto": 4, "veto_lifted": 5}

drawn_event = st.tuples(st.sampled_from(STEPS), st.sampled_from(["agreement", "disagreement"]), st.integers(0, 150))


def _accepted(kind: str, drawn: list[tuple[str, str, int]]) -> list[Fact]:
    """The drawn events the service would record, in date order: fitting the kind, and each one
    possible beside those before it (rules.sequence_error). A central negotiation is drawn only
    after the local one ended, and closed only after it was requested (the model's domain)."""
    facts: list[Fact] = []
    for type, outcome, offset in sorted(drawn, key=lambda d: (d[2], ORDER[d[0]])):
        if kind not in EVENT_TYPES[type].kinds:
            continue
        day = START + dt.timedelta(days=offset)
        union = None if type in ("request_received", "meeting_held") else UNION
        if sequence_error(type, day, union, facts) is not None:
            continue
        ended = any(f.type in ("negotiation_closed", "withdrawal_notice") for f in facts)
        if type == "central_requested" and (not ended or any(f.type == "central_requested" for f in facts)):
            continue
        if type == "central_closed" and (not any(f.type == "central_requested" for f in facts)
                                         or any(f.type == "central_closed" for f in facts)):
            continue
        if type in ("negotiation_closed",) and ended:
            continue
        facts.append(Fact(type, day, union, outcome if type in ("negotiation_closed", "central_closed") else None,
                          "skäl" if type in ("veto", "veto_lifted") else ""))
    return facts


def _model_hold(kind: str, facts: list[Fact]) -> bool:
    """11–14 and 38 §§ MBL and samverkan: no decision before the local negotiation is closed (a
    frånträdesbesked closes it, 16 § 3 st.) and a requested central negotiation is closed (14 § 2 st.);
    a 39 § veto stops the decision until lifted."""
    if kind == "dispute":
        return True
    ended = any(f.type in ("negotiation_closed", "withdrawal_notice") for f in facts)
    central_open = any(f.type == "central_requested" for f in facts) and not any(f.type == "central_closed" for f in facts)
    vetoes = [f.date for f in facts if f.type == "veto"]
    lifted = [f.date for f in facts if f.type == "veto_lifted"]
    veto_on = bool(vetoes) and not any(day >= max(vetoes) for day in lifted)
    return ended and not central_open and not veto_on


def _due(day: dt.date, months: int = 0, weeks: int = 0) -> dt.date:
    """1930:173: same date number (or the month's last day) or weekday; a non-working end day moves on."""
    end = add_months(day, months) + dt.timedelta(weeks=weeks)
    return roll(end).due


def _model_deadlines(kind: str, facts: list[Fact]) -> dict[str, tuple[dt.date, str]]:
    """The statutory deadlines as (due, state) by rule id."""
    out: dict[str, tuple[dt.date, str]] = {}

    def state(due: dt.date, done: list[dt.date]) -> str:
        return "open" if not done else ("met" if min(done) <= due else "missed")

    for f in facts:
        # 16 § 2 st.: "I annat fall än som avses i 11–13 §§" the meeting within two weeks of the request.
        if f.type == "request_received" and kind in ("central_negotiation", "contracting_out", "dispute"):
            due = _due(f.date, weeks=2)
            out["MBL16-MEET-LOCAL"] = (due, state(due, [g.date for g in facts if g.type in ("meeting_held", "negotiation_closed")
                                                      and g.date >= f.date]))
        if f.type == "central_requested" and kind in ("contracting_out", "dispute"):
            # 16 § 2 st.: a central organisation meets within three weeks of the request reaching it.
            due = _due(f.date, weeks=3)
            out["MBL16-MEET-CENTRAL"] = (due, state(due, [g.date for g in facts if g.type == "central_closed" and g.date >= f.date]))
        ended = f.type == "withdrawal_notice" or (f.type == "negotiation_closed" and f.outcome == "disagreement")
        if ended and kind == "dispute":
            # 64 § 1 st.: central negotiation within two months of the local one's end; 65 §: suit
            # within three months unless a central negotiation follows.
            central = [g.date for g in facts if g.type == "central_requested" and g.date >= f.date]
            due = _due(f.date, months=2)
            out["MBL64-CENTRAL"] = (due, state(due, central))
            if not central:
                out["MBL65-SUIT"] = (_due(f.date, months=3), "open")
        if f.type == "central_closed" and f.outcome == "disagreement" and kind == "dispute":
            out["MBL65-SUIT"] = (_due(f.date, months=3), "open")
    return out


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(KINDS), st.lists(drawn_event, max_size=8))
def test_the_hold_and_the_deadlines_follow_the_statute(kind, drawn):
    facts = _accepted(kind, drawn)
    hold = decision_hold(kind, [UNION], facts, {UNION: "Kommunal"})
    assert hold.decision_allowed == _model_hold(kind, facts), (kind, facts, hold.reason)

    events = [EventFact(i, f.type, f.date, f.union_id, f.outcome) for i, f in enumerate(facts)]
    derived = {d.rule.id: (d.rule.due(d.start).due, state_of(d.met_on, d.rule.due(d.start).due))
               for d in derive(kind, events) if d.rule.statutory and d.rule.id != "MBL66-MEMBER"}
    assert derived == _model_deadlines(kind, facts), (kind, facts)
