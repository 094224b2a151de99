"""The decision hold and party states as pure rules (matters/rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.matters.rules import EVENT_TYPES, KINDS, Fact, RuleError, check_event, decision_hold, party_state, sequence_error

D = dt.date(2026, 3, 2)
NAMES = {1: "Vision", 2: "Kommunal"}


def test_non_hold_kinds_never_hold():
    hold = decision_hold("information", [1], [], NAMES)
    assert hold.decision_allowed and hold.reason is None and hold.status == "open"


def test_primary_negotiation_holds_until_every_party_is_closed():
    facts = [Fact("negotiation_closed", D, 1, "agreement")]
    hold = decision_hold("primary_negotiation", [1, 2], facts, NAMES)
    assert not hold.decision_allowed and hold.status == "on_hold"
    assert hold.reason.startswith("Förhandlingen är inte avslutad med Kommunal.")
    assert hold.party_states == {1: "agreement", 2: "open"}
    facts.append(Fact("negotiation_closed", D, 2, "disagreement"))
    hold = decision_hold("primary_negotiation", [1, 2], facts, NAMES)
    assert hold.decision_allowed and hold.status == "closed" and hold.reason is None


def test_requested_central_negotiation_keeps_the_hold_until_closed():
    facts = [
        Fact("negotiation_closed", D, 1, "agreement"),
        Fact("negotiation_closed", D, 2, "disagreement"),
        Fact("central_requested", D + dt.timedelta(days=2), 2),
    ]
    hold = decision_hold("samverkan", [1, 2], facts, NAMES)
    assert not hold.decision_allowed
    assert "Kommunal har begärt central förhandling (14 § MBL) som inte är avslutad." in hold.reason
    facts.append(Fact("central_closed", D + dt.timedelta(days=20), 2, "disagreement"))
    hold = decision_hold("samverkan", [1, 2], facts, NAMES)
    assert hold.decision_allowed and hold.party_states[2] == "central_disagreement"


def test_withdrawal_notice_closes_a_party():
    assert party_state(1, [Fact("withdrawal_notice", D, 1)]) == "withdrawn"
    assert decision_hold("negotiation_on_request", [1], [Fact("withdrawal_notice", D, 1)], NAMES).decision_allowed


def test_an_exception_lifts_the_hold_and_says_why():
    facts = [Fact("exception_recorded", D, None, None, "Akut brist på lokaler efter brand.")]
    hold = decision_hold("contracting_out", [1], facts, NAMES)
    assert hold.decision_allowed
    assert hold.reason == "Undantag registrerat 2026-03-02: Akut brist på lokaler efter brand."


def test_no_parties_means_no_negotiation():
    hold = decision_hold("primary_negotiation", [], [], NAMES)
    assert not hold.decision_allowed and "Inga fackliga parter" in hold.reason


def test_events_order_by_date_not_by_insertion():
    facts = [Fact("central_closed", D + dt.timedelta(days=9), 1, "agreement"), Fact("central_requested", D, 1)]
    assert party_state(1, facts) == "central_agreement"


@pytest.mark.parametrize(
    "kind, type, union, outcome, note, field",
    [
        ("information", "negotiation_closed", 1, "agreement", "", "type"),
        ("dispute", "decision_taken", None, None, "", "type"),
        ("primary_negotiation", "negotiation_closed", None, "agreement", "", "union_id"),
        ("primary_negotiation", "negotiation_closed", 1, None, "", "outcome"),
        ("primary_negotiation", "negotiation_closed", 3, "agreement", "", "union_id"),
        ("primary_negotiation", "decision_taken", 1, None, "", "union_id"),
        ("primary_negotiation", "request_sent", 1, "agreement", "", "outcome"),
        ("primary_negotiation", "exception_recorded", None, None, "  ", "note"),
        ("information", "exception_recorded", None, None, "skäl", "type"),
    ],
)
def test_check_event_names_the_field(kind, type, union, outcome, note, field):
    with pytest.raises(RuleError) as error:
        check_event(kind, type, union, outcome, note, [1, 2])
    assert error.value.field == field


def test_every_event_type_fits_some_kind_and_every_hold_kind_takes_an_exception():
    assert all(spec.kinds for spec in EVENT_TYPES.values())
    for kind, spec in KINDS.items():
        assert (kind in EVENT_TYPES["exception_recorded"].kinds) == spec.hold


def test_same_day_events_follow_the_legal_order_not_the_row_order():
    # Written by one close of an agenda item: the database may return them in either order.
    facts = [Fact("central_requested", D, 2), Fact("negotiation_closed", D, 2, "disagreement")]
    assert party_state(2, facts) == "central_requested"
    assert not decision_hold("samverkan", [2], facts, NAMES).decision_allowed


def test_the_grounds_for_an_exception_follow_the_section():
    # 12 § 2 st.: "Om det föreligger särskilda skäl, får arbetsgivaren ... fatta och verkställa beslut";
    # 11 § 2 st. (and 14 § 2 st.): "synnerliga skäl".
    assert "särskilda skäl" in decision_hold("negotiation_on_request", [1], [], NAMES).reason
    for kind in ("primary_negotiation", "negotiation_13", "central_negotiation", "samverkan"):
        assert "synnerliga skäl" in decision_hold(kind, [1], [], NAMES).reason


def test_a_withdrawal_needs_a_held_meeting_and_an_open_negotiation():
    # 16 § 3 st.: "part som har fullgjort sin förhandlingsskyldighet" may withdraw.
    meeting = Fact("meeting_held", D, None)
    assert sequence_error("withdrawal_notice", D, 1, [], "Vision").field == "type"
    assert sequence_error("withdrawal_notice", D - dt.timedelta(days=1), 1, [meeting], "Vision").field == "date"
    assert sequence_error("withdrawal_notice", D, 1, [meeting]) is None
    closed = Fact("negotiation_closed", D, 1, "agreement")
    assert sequence_error("withdrawal_notice", D + dt.timedelta(days=1), 1, [meeting, closed]).field == "type"


def test_a_veto_holds_over_an_exception_until_lifted():
    facts = [Fact("negotiation_closed", D, 1, "disagreement"), Fact("central_requested", D, 1),
             Fact("central_closed", D + dt.timedelta(days=5), 1, "disagreement")]
    assert sequence_error("veto", D, 1, facts).field == "type"  # before the central negotiation closed
    facts += [Fact("veto", D + dt.timedelta(days=6), 1, None, "grunder"), Fact("exception_recorded", D + dt.timedelta(days=7), None, None, "x")]
    hold = decision_hold("contracting_out", [1], facts, NAMES)
    assert not hold.decision_allowed and "veto (39 § MBL)" in hold.reason and hold.party_states[1] == "veto"
    facts.append(Fact("veto_lifted", D + dt.timedelta(days=9), 1, None, "AD"))
    assert decision_hold("contracting_out", [1], facts, NAMES).decision_allowed
