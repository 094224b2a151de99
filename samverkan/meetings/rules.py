"""Pure rules of meetings: kinds, the status machine, agenda kinds and the standard agendas."""

from __future__ import annotations

KINDS = {
    "negotiation": "Förhandling",
    "samverkan": "Samverkansmöte",
    "information": "Information (19 § MBL)",
    "safety_committee": "Skyddskommitté",
    "workplace_meeting": "Arbetsplatsträff (APT)",
}

STATUS_LABELS = {
    "planned": "Planerat",
    "called": "Kallat",
    "held": "Hållet",
    "cancelled": "Inställt",
}

# Where a meeting may go from each status. "held" leads on to the protocol (its own area).
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"called", "held", "cancelled"}),
    "called": frozenset({"planned", "held", "cancelled"}),
    "held": frozenset(),
    "cancelled": frozenset({"planned"}),
}


def can_move(current: str, new: str) -> bool:
    return new == current or new in TRANSITIONS[current]


AGENDA_KINDS = {
    "formalities": "Formalia",
    "information": "Information (19 § MBL)",
    "samverkan": "Samverkan",
    "negotiation": "Förhandling",
    "work_environment": "Arbetsmiljö",
    "other": "Övrigt",
}

PARTICIPANT_ROLES = {
    "ordinary": "Ordinarie",
    "substitute": "Ersättare",
    "co_opted": "Adjungerad",
    "safety_rep": "Skyddsombud",
    "expert": "Sakkunnig",
}

POSITION_OUTCOMES = {"agreement": "Enighet", "disagreement": "Oenighet", "informed": "Informerad"}

# domain.md §6.3: the skeleton of a samverkansprotokoll; the work-environment items are the
# standing points of a group that is also the skyddskommitté (AML 6 kap. 9 §).
_OPENING = [
    ("Mötets öppnande", "formalities"),
    ("Val av justerare", "formalities"),
    ("Fastställande av dagordning", "formalities"),
    ("Föregående protokoll", "formalities"),
    ("Information enligt 19 § MBL: ekonomi och verksamhet", "information"),
    ("Samverkansfrågor", "samverkan"),
]
_WORK_ENVIRONMENT = [
    ("Arbetsmiljö: riskbedömningar och handlingsplaner", "work_environment"),
    ("Arbetsmiljö: tillbud och arbetsskador", "work_environment"),
    ("Arbetsmiljö: sjukfrånvaro och rehabilitering", "work_environment"),
    ("Arbetsmiljö: företagshälsovård", "work_environment"),
]
_CLOSING = [
    ("Uppföljning av åtgärder", "formalities"),  # the group's earlier actions (actions.service.meeting_actions)
    ("Övriga frågor", "other"),
    ("Nästa möte", "formalities"),
    ("Mötets avslutande", "formalities"),
]


def standard_agenda(safety_committee: bool) -> list[tuple[str, str]]:
    """(title, kind) of the standard agenda of a samverkansgrupp, with the work-environment
    block when the group is also the skyddskommitté."""
    return _OPENING + (_WORK_ENVIRONMENT if safety_committee else []) + _CLOSING


def for_matter(matter_kind: str) -> tuple[str, str]:
    """(meeting kind, agenda item kind) of a meeting booked for a matter of this kind."""
    if matter_kind in {"samverkan", "information"}:
        return matter_kind, matter_kind
    if matter_kind == "work_environment":
        return "samverkan", "work_environment"
    return "negotiation", "negotiation"
