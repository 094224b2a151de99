"""The deadline rules: every rule of domain.md §10 that has a length, with its id as written
there, plus the local agreement's rules with defaults an administrator may change. Pure data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.deadlines.calendar import Due, roll, shift


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # Swedish
    basis: str  # legal basis
    trigger: str  # what starts the period, in Swedish
    length: int
    unit: str  # days, weeks, months, years, working_days
    before: bool = False  # counted back from the trigger (e.g. a kallelse before a meeting)
    adjust: bool = True  # 1930:173 2 §: statutory rules always; agreement rules as they say
    statutory: bool = True
    local: bool = False  # a default of the local agreement: a rule set may change it
    given: bool = False  # the due day is set by the subject (an action plan's "by when"), not counted
    optional: bool = False  # no deadline unless a local rule set gives the rule a length

    def due(self, start: dt.date) -> Due:
        end = shift(start, -self.length if self.before else self.length, self.unit)
        if not self.adjust or self.unit == "working_days":
            return Due(end, end, None)
        return roll(end, forward=not self.before)


MBL = "Lag (1976:580) om medbestämmande i arbetslivet"

RULES: tuple[Rule, ...] = (
    Rule("MBL16-MEET-LOCAL", "Förhandlingssammanträde inom två veckor", "16 § 2 st. MBL",
         "Arbetsgivaren eller den lokala organisationen fick del av framställan", 2, "weeks"),
    Rule("MBL16-MEET-CENTRAL", "Förhandlingssammanträde inom tre veckor (central part)", "16 § 2 st. MBL",
         "Framställan kom den centrala organisationen eller arbetsgivarorganisationen till handa", 3, "weeks"),
    Rule("MBL21-SUIT-SECRECY", "Talan om tystnadsplikt inom tio dagar", "21 § 2 st. MBL",
         "Förhandlingen om tystnadsplikt avslutades utan enighet", 10, "days"),
    Rule("MBL37-CENTRAL", "Central förhandling begärs inom tio dagar", "37 § MBL",
         "Den lokala förhandlingen avslutades (tvist med tolkningsföreträde)", 10, "days"),
    Rule("MBL37-SUIT", "Talan inom tio dagar", "37 § MBL", "Förhandlingen avslutades (tvist med tolkningsföreträde)", 10, "days"),
    Rule("MBL64-LOCAL-KNOW", "Förhandling påkallas inom fyra månader från kännedom", "64 § 1 st. MBL",
         "Parten fick kännedom om omständigheten", 4, "months"),
    Rule("MBL64-LOCAL-LONGSTOP", "Förhandling påkallas senast två år efter omständigheten", "64 § 1 st. MBL",
         "Omständigheten inträffade", 2, "years"),
    Rule("MBL64-CENTRAL", "Central förhandling påkallas inom två månader", "64 § 1 st. MBL",
         "Den lokala förhandlingen avslutades", 2, "months"),
    Rule("MBL65-SUIT", "Talan väcks inom tre månader", "65 § MBL",
         "Förhandlingen avslutades (den centrala, om båda hölls)", 3, "months"),
    Rule("MBL65-SUIT-HINDER", "Talan väcks inom tre månader (hinder mot förhandling)", "65 § MBL",
         "Dagen då förhandlingen senast skulle ha hållits", 3, "months"),
    Rule("MBL66-MEMBER", "Medlemmens egen talan inom en månad", "66 § 1 st. MBL",
         "Organisationens tid för förhandling eller talan gick ut", 1, "months"),
    Rule("MBL66-UNREP-KNOW", "Talan inom fyra månader från kännedom (oorganiserad)", "66 § 2 st. MBL",
         "Arbetstagaren fick kännedom om omständigheten", 4, "months"),
    Rule("MBL66-UNREP-LONGSTOP", "Talan senast två år efter omständigheten (oorganiserad)", "66 § 2 st. MBL",
         "Omständigheten inträffade", 2, "years"),
    Rule("MBL67-SUIT-STRIKE", "Talan om olovlig stridsåtgärd inom tre månader", "67 § MBL", "Stridsåtgärden upphörde", 3, "months"),
    Rule("MBL28-TERMINATE-CA", "Uppsägning av kollektivavtal efter övergång inom 30 dagar", "28 § 2 st. MBL",
         "Arbetstagarsidan fick besked om övergången", 30, "days"),
    Rule("MBL45-VARSEL", "Varsel om stridsåtgärd senast sju arbetsdagar före", "45 § MBL",
         "Stridsåtgärden planeras börja", 7, "working_days", before=True),
    # Agreement rules named in domain.md §10. 1930:173 does not apply to an agreement's own time
    # limits by its own terms, so whether the end day moves is the rule's setting.
    Rule("GBG-SAMV-CENTRAL-REQ", "Central förhandling begärs inom sju dagar (Göteborgs samverkansavtal)",
         "Göteborgs Stads lokala samverkansavtal", "Den lokala samverkan avslutades i oenighet", 7, "days",
         adjust=False, statutory=False),
    Rule("UVA-CENTRAL-REQ", "Central förhandling begärs inom sju dagar (Utvecklingsavtalet, referens)", "Utvecklingsavtalet",
         "Den lokala förhandlingen avslutades", 7, "days", adjust=False, statutory=False),
    Rule("HOK-LON-CENTRAL", "Central förhandling om löneöversyn inom en månad", "HÖK:s förhandlingsordning",
         "Den lokala förhandlingen om fördelning avslutades", 1, "months", adjust=False, statutory=False),
    Rule("KHA-CENTRAL", "Central tvisteförhandling inom två månader (KHA, MBL:s regel)", "KHA 94 och 64 § MBL",
         "Den lokala tvisteförhandlingen avslutades", 2, "months", statutory=False),
    Rule("KHA-SUIT", "Talan inom tre månader efter central tvisteförhandling (KHA, MBL:s regel)", "KHA 94 och 65 § MBL",
         "Den centrala tvisteförhandlingen avslutades", 3, "months", statutory=False),
    # Defaults of the local agreement (samverkansavtalet) that an administrator's rule set may change.
    # Their titles carry no length, so that a title stays true after a change.
    Rule("AGR-CENTRAL-REQ", "Central förhandling begärs efter oenighet", "Lokalt samverkansavtal (jfr 14 § MBL)",
         "Den lokala förhandlingen eller samverkan avslutades i oenighet", 7, "days", adjust=False, statutory=False, local=True),
    Rule("AGR-MEET-LOCAL", "Förhandlingssammanträde efter framställan (avtal, 11–13 §§)",
         "Lokalt samverkansavtal (16 § 2 st. MBL gäller inte 11–13 §§)", "Arbetsgivaren fick del av framställan",
         2, "weeks", adjust=False, statutory=False, local=True, optional=True),
    Rule("SKR-SAMV-INVITE", "Kallelse med dagordning före mötet", "Avtal om samverkan och arbetsmiljö (SKR)",
         "Samverkansgruppens möte", 2, "weeks", before=True, adjust=False, statutory=False, local=True),
    Rule("AMF8a-SK-MEET", "Skyddskommittén sammanträder", "8 a § arbetsmiljöförordningen",
         "Föregående möte i skyddskommittén", 3, "months", adjust=False, statutory=False, local=True),
    Rule("AGR-PROTOCOL-APPROVAL", "Protokollet justeras", "Lokalt samverkansavtal",
         "Mötet hölls", 14, "days", adjust=False, statutory=False, local=True),
    Rule("AFS-SAM-ANNUAL", "Årlig uppföljning av det systematiska arbetsmiljöarbetet", "AFS 2023:1",
         "Föregående årliga uppföljning", 1, "years", adjust=False, statutory=False, local=True),
    Rule("SAM-ACTION", "Åtgärd i handlingsplanen genomförd", "3 kap. 2 a § AML; AFS 2023:1",
         "Åtgärden planerades; sista dagen står i handlingsplanen", 0, "days", adjust=False, statutory=False, given=True),
    Rule("AGR-ACTION", "Åtgärd från samverkansmöte genomförd", "Lokalt samverkansavtal",
         "Åtgärden beslutades på mötet; sista dagen sattes då", 0, "days", adjust=False, statutory=False, given=True),
    Rule("AML6-6a-ANSWER", "Besked på skyddsombudets begäran", "6 kap. 6 a § AML (praxis: skälig tid)",
         "Skyddsombudets begäran kom in", 14, "days", adjust=False, statutory=False, local=True),
)

BY_ID = {rule.id: rule for rule in RULES}


def mbl64_request(knowledge: dt.date, occurrence: dt.date) -> tuple[Rule, Due]:
    """64 § 1 st.: the earlier of knowledge + 4 months and occurrence + 2 years, each rolled forward."""
    candidates = [(BY_ID["MBL64-LOCAL-KNOW"], BY_ID["MBL64-LOCAL-KNOW"].due(knowledge)),
                  (BY_ID["MBL64-LOCAL-LONGSTOP"], BY_ID["MBL64-LOCAL-LONGSTOP"].due(occurrence))]
    return min(candidates, key=lambda c: c[1].due)
