"""A made-up meeting that every template is filled with: at upload, to prove the template works,
and on the template pages, to preview it. Its text has the characters that break careless XML."""

from __future__ import annotations

import datetime as dt

from samverkan.clock import STOCKHOLM
from samverkan.documents.kinds import Audience
from samverkan.documents.record import (
    ApproverRef,
    ItemRef,
    MatterRef,
    MeetingRecord,
    Options,
    ParticipantRef,
    PersonRef,
    PositionRef,
    UnionRef,
    context,
)

VISION, KOMMUNAL = 1, 2
SAMPLE_LETTERHEAD = "Lunds kommun\nVård- och omsorgsförvaltningen\nBox 41, 221 00 Lund"

_HR = PersonRef(name="Anna Lindqvist", title="HR-konsult", email="anna.lindqvist@example.se")
_MANAGER = PersonRef(name="Per Ek", title="Förvaltningschef", email="per.ek@example.se")
_VISION = PersonRef(name="Sara Öberg", title="Ordförande Vision Lund")
_KOMMUNAL = PersonRef(name="Jonas Åkesson", title="Sektionsordförande")

_MATTER = MatterRef(
    diary_no="VO 2026/0042", title="Sammanslagning av hemtjänstområde Norr & Söder",
    description="Arbetsgivaren planerar att slå samman två hemtjänstområden från 1 juni. "
                "Underlag: «Organisationsöversyn 2026» <bilaga 1>.",
    kind="primary_negotiation", kind_label="Primär förhandling",
)


def sample_record(meeting_kind: str = "negotiation") -> MeetingRecord:
    negotiation = meeting_kind == "negotiation"
    items = [
        ItemRef(id=1, number=1, title="Mötets öppnande", kind="formalities", matter=None, text="Ordföranden öppnade mötet.",
                employer_position="", positions=[], closed_on=None),
        ItemRef(id=2, number=2, title="Information om budget & bemanning", kind="information", matter=None,
                text='Ekonomichefen redogjorde för "prognos 2" och läget <per mars>.', employer_position="",
                positions=[PositionRef(union_id=u, outcome="informed", note="", reservation="", central_requested=False)
                           for u in (VISION, KOMMUNAL)], closed_on=None),
        ItemRef(id=3, number=3, title="Sammanslagning av hemtjänstområden",
                kind="negotiation" if negotiation else "samverkan", matter=_MATTER,
                text="Arbetsgivaren redogjorde för förslaget.",
                employer_position="Områdena slås samman från 1 juni; ingen blir uppsagd.",
                positions=[
                    PositionRef(union_id=VISION, outcome="agreement", note="Vision vill följa upp arbetsmiljön efter sex månader.",
                                reservation="", central_requested=False),
                    PositionRef(union_id=KOMMUNAL, outcome="disagreement", note="",
                                reservation="bemanningen i område Söder räcker inte", central_requested=True),
                ], closed_on=dt.date(2026, 3, 2)),
        ItemRef(id=4, number=4, title="Arbetsmiljö: tillbud och arbetsskador", kind="work_environment", matter=None,
                text="Två tillbud rapporterade; båda utredda.", employer_position="", positions=[], closed_on=None),
    ]
    return MeetingRecord(
        meeting_id=0, version=1, kind=meeting_kind,
        title="Förhandling om hemtjänstens organisation" if negotiation else "FSG Vård och omsorg",
        employer="Lunds kommun", department="Vård- och omsorgsförvaltningen",
        group="" if negotiation else "Förvaltningens samverkansgrupp (FSG)", safety_committee=not negotiation,
        starts_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=STOCKHOLM), ends_at=dt.datetime(2026, 3, 2, 10, 30, tzinfo=STOCKHOLM),
        place="Stadshuset, rum Ärlan", unions=[UnionRef(id=VISION, name="Vision"), UnionRef(id=KOMMUNAL, name="Kommunal")],
        chair=_MANAGER, minute_taker=_HR,
        approvers=[ApproverRef(union_id=None, person=_MANAGER), ApproverRef(union_id=VISION, person=_VISION),
                   ApproverRef(union_id=KOMMUNAL, person=_KOMMUNAL)],
        participants=[
            ParticipantRef(person=_MANAGER, union_id=None, role="ordinary", present=True),
            ParticipantRef(person=_HR, union_id=None, role="ordinary", present=True),
            ParticipantRef(person=_VISION, union_id=VISION, role="ordinary", present=True),
            ParticipantRef(person=_KOMMUNAL, union_id=KOMMUNAL, role="safety_rep", present=True),
        ],
        items=items,
    )


SAMPLE_OPTIONS = Options(date=dt.date(2026, 2, 16), attachments=["Organisationsöversyn 2026", "Risk- & konsekvensbedömning"], item_id=3)


def sample_record_for(template_name: str) -> MeetingRecord:
    return sample_record("samverkan" if template_name in ("agenda", "samverkan_protocol") else "negotiation")


def sample_context(template_name: str) -> dict:
    """The variables of a template filled with the sample meeting, as Vision's copy."""
    kind = "protocol" if template_name == "samverkan_protocol" else template_name
    return context(sample_record_for(template_name), kind, Audience("union", VISION), SAMPLE_OPTIONS, SAMPLE_LETTERHEAD)
