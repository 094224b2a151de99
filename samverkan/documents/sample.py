"""A made-up meeting that every template is filled with: at upload, to prove the template works,
and on the template pages, to preview it. Its text has the characters that break careless XML.
The SAM templates (a risk assessment, the yearly follow-up) get made-up SAM documents instead."""

from __future__ import annotations

import datetime as dt

import msgspec

from samverkan.clock import STOCKHOLM
from samverkan.documents.kinds import GROUP_TEMPLATES, SAM_TEMPLATES, Audience
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
    """The sample meeting; for a SAM template, which has no meeting, the samverkan meeting lends
    the preview its department, date and letterhead."""
    samverkan = template_name in ("agenda", "samverkan_protocol", *SAM_TEMPLATES, *GROUP_TEMPLATES)
    return sample_record("samverkan" if samverkan else "negotiation")


def sample_context(template_name: str) -> dict:
    """The variables of a template filled with the sample meeting, as Vision's copy; a SAM
    template's with a sample SAM document (docs/templates.md)."""
    if template_name == "risk_assessment":
        return sample_risk_assessment()
    if template_name == "annual_follow_up":
        return sample_annual_follow_up()
    if template_name == "year_plan":
        return sample_year_plan()
    kind = "protocol" if template_name == "samverkan_protocol" else template_name
    return context(sample_record_for(template_name), kind, Audience("union", VISION), SAMPLE_OPTIONS, SAMPLE_LETTERHEAD)


OBSERVER = 3  # a union present at the sample meeting but party to none of its items


def sample_contexts(template_name: str) -> list[tuple[str, dict]]:
    """The template's variables for every copy it is filled for, each with its name in Swedish:
    an upload must fill for all of them, not only for the copy the preview shows."""
    if template_name in SAM_TEMPLATES:
        return [("", sample_context(template_name))]
    kind = "protocol" if template_name == "samverkan_protocol" else template_name
    record = sample_record_for(template_name)
    with_observer = msgspec.structs.replace(record, unions=[*record.unions, UnionRef(id=OBSERVER, name="Akademikerförbundet SSR")])
    return [(label, context(r, kind, audience, SAMPLE_OPTIONS, SAMPLE_LETTERHEAD)) for label, r, audience in (
        ("arbetsgivarens exemplar", record, Audience("department")),
        ("exemplar för ett fackförbund som är part", record, Audience("union", VISION)),
        ("exemplar för ett fackförbund som är med men inte part", with_observer, Audience("union", OBSERVER)),
        ("gemensamt exemplar", record, Audience("all")),
    )]


# --- SAM ------------------------------------------------------------------------------------

SAMPLE_LEVEL_LEGEND = "Risknivå = sannolikhet × konsekvens: 1–3 låg, 4–6 medel, 8–9 hög, 12–16 mycket hög"


def sample_risk_assessment() -> dict:
    """A risk assessment before a change, with three risks and a handlingsplan of two actions."""
    return {
        "letterhead": SAMPLE_LETTERHEAD,
        "title": "Riskbedömning med handlingsplan – Sammanslagning av hemvårdsgrupper",
        "diary_no": "SAM-RB-12",
        "document_date": "2026-03-02",
        "copy_label": "",
        "assessment": {
            "title": "Sammanslagning av hemvårdsgrupper",
            "department": "Vård- och omsorgsförvaltningen",
            "unit": "Hemvården Norr",
            "date": "måndag 2 mars 2026",
            "reason": "Förändring i verksamheten",
            "matter": "VO 2026/0042 Sammanslagning av hemtjänstområde Norr & Söder",
            "description": "Grupperna Norr 1 & Norr 2 slås samman från 1 juni: 38 medarbetare, en enhetschef, "
                           "nya körrutter och gemensam planering <från vecka 22>.",
        },
        "participants": [
            {"name": "Maria Nilsson", "role": "Chef"},
            {"name": "Jonas Åkesson", "role": "Skyddsombud"},
            {"name": "Leila Haddad", "role": "Medarbetare"},
        ],
        "risks": [
            {"number": 1, "description": "Ensamarbete kvällar & helger när körsträckorna blir längre",
             "likelihood": 3, "consequence": 3, "score": 9, "level": "Hög",
             "measures": "Larmtelefon till alla kvällspass från 2 mars."},
            {"number": 2, "description": "Oklar planering under övergången ger stress och \"dubbelbokade\" besök",
             "likelihood": 2, "consequence": 3, "score": 6, "level": "Medel", "measures": ""},
            {"number": 3, "description": "Fler tunga förflyttningar i trånga badrum hos nya brukare",
             "likelihood": 1, "consequence": 3, "score": 3, "level": "Låg",
             "measures": "Lyftutrustning kontrollerad hos alla brukare."},
        ],
        "actions": [
            {"number": 1, "risk_number": 1, "what": "Rutin för ensamarbete med avstämning via appen",
             "responsible": "Maria Nilsson, enhetschef", "due": "2026-04-30", "status": "Pågår", "done_on": "",
             "follow_up": ""},
            {"number": 2, "risk_number": 2, "what": "Gemensam schemaplanering för övergången",
             "responsible": "Karin Holm, planerare", "due": "2026-03-20", "status": "Klar", "done_on": "2026-03-18",
             "follow_up": "Schemat gäller från vecka 13; stämt av med skyddsombudet."},
        ],
        "level_legend": SAMPLE_LEVEL_LEGEND,
    }


SAMPLE_CHECKLIST = (
    ("Arbetsmiljöpolicy", "Ja", "Policyn reviderad i januari & känd i alla enheter."),
    ("Rutiner för det systematiska arbetsmiljöarbetet", "Ja", ""),
    ("Medverkan från arbetstagare och skyddsombud", "Ja", "Skyddsombud deltar i alla riskbedömningar."),
    ("Uppgiftsfördelning", "Delvis", "Uppgiftsfördelningen till nya enhetschefer är inte kvitterad."),
    ("Kunskaper om arbetsmiljö", "Delvis", "Två chefer har inte gått arbetsmiljöutbildningen."),
    ("Undersökning och riskbedömning", "Ja", "Riskbedömning gjord före sammanslagningen <SAM-RB-12>."),
    ("Åtgärder och handlingsplaner", "Ja", ""),
    ("Utredning av ohälsa, olycksfall och tillbud", "Nej", "Tillbud utreds inte alltid inom två veckor."),
)


def sample_annual_follow_up() -> dict:
    """The yearly follow-up of the department's SAM: the eight parts and two improvements."""
    return {
        "letterhead": SAMPLE_LETTERHEAD,
        "title": "Årlig uppföljning av det systematiska arbetsmiljöarbetet 2026",
        "diary_no": "SAM-UPP-2026-3",
        "document_date": "2026-03-02",
        "copy_label": "",
        "follow_up": {
            "department": "Vård- och omsorgsförvaltningen",
            "year": "2026",
            "date": "måndag 2 mars 2026",
            "meeting": "Förvaltningens samverkansgrupp (tillika skyddskommitté) 2026-03-02, § 4",
            "summary": "Arbetsmiljöarbetet fungerar i stort; uppgiftsfördelning & tillbudsutredning behöver stärkas.",
            "participants": "Per Ek (förvaltningschef), Anna Lindqvist (HR-konsult), Jonas Åkesson (huvudskyddsombud)",
        },
        "checklist": [
            {"number": n, "element": element, "answer": answer, "comment": comment}
            for n, (element, answer, comment) in enumerate(SAMPLE_CHECKLIST, start=1)
        ],
        "improvements": [
            {"number": 1, "what": "Kvittera uppgiftsfördelningen med alla enhetschefer", "responsible": "Per Ek",
             "due": "2026-05-31", "status": "Planerad"},
            {"number": 2, "what": "Utreda varje tillbud inom två veckor; följa upp i skyddskommittén",
             "responsible": "Anna Lindqvist", "due": "2026-06-30", "status": "Pågår"},
        ],
    }


def sample_year_plan() -> dict:
    """A skyddskommitté's sammanträdesplan: four meetings and three annual items."""
    return {
        "letterhead": SAMPLE_LETTERHEAD, "title": "Sammanträdesplan 2027", "diary_no": "", "document_date": "2026-12-01",
        "copy_label": "",
        "plan": {"group": "Förvaltningens samverkansgrupp", "department": "Vård- och omsorgsförvaltningen", "year": "2027",
                 "safety_committee": True},
        "meetings": [
            {"number": 1, "date": "tisdag 9 februari 2027", "time": "13.00–15.00", "place": "Stadshuset, rum Ärlan",
             "annual": "Årlig uppföljning av SAM"},
            {"number": 2, "date": "tisdag 11 maj 2027", "time": "13.00–15.00", "place": "Stadshuset, rum Ärlan",
             "annual": "Löneöversyn"},
            {"number": 3, "date": "tisdag 10 augusti 2027", "time": "13.00–15.00", "place": "Stadshuset, rum Ärlan", "annual": ""},
            {"number": 4, "date": "tisdag 9 november 2027", "time": "13.00–15.00", "place": "Stadshuset, rum Ärlan",
             "annual": "Budget och verksamhetsplan"},
        ],
        "annual_items": [{"title": "Årlig uppföljning av SAM", "month": "januari"}, {"title": "Löneöversyn", "month": "mars"},
                         {"title": "Budget och verksamhetsplan", "month": "september"}],
    }
