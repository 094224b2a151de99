"""A year of systematic work-environment management (SAM, AFS 2023:1) in two förvaltningar:
Vård- och omsorgsförvaltningen and Barn- och skolförvaltningen.

Risk assessments spread over the last twelve months with their action plans (done, going on,
struck, and some past their day), last year's annual follow-up in both, skyddsombud requests
(6 kap. 6 a § AML) answered, waiting and one past the day for an answer, and comments by
Kommunal's skyddsombud. Everything is written through the SAM service with the demo's HR viewer
(comments by the skyddsombud's own login), so levels, deadlines and the audit trail are made as
for a user. Dates are relative to the demo's anchor day; a record whose title (or, for a
follow-up, year) exists already is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import Person
from samverkan.sam import schemas as s
from samverkan.sam import service as sam
from samverkan.sam.tables import AnnualFollowUp, RiskAssessment, SafetyRepRequest, SamComment
from samverkan.settings import Settings

from samverkan.demo.builder import Builder, add_months, at, next_workday, prev_workday
from samverkan.demo.registry import DOMAIN, chief_email, hr_email
from samverkan.demo.year import VOF_GROUP, Year

MERGER = "Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby"  # journey 2
ELEVHALSAN = "Ny organisation för elevhälsan i grundskolan"
SAFETY_REP_LOGIN = f"skyddsombud.kommunal@{DOMAIN}"  # a demo login (registry.LOGINS)
SO_KOMMUNAL = f"skyddsombud.kommunal@{DOMAIN}"  # also huvudskyddsombud, VOF
SO_VARDFORBUNDET = f"skyddsombud.vardforbundet@{DOMAIN}"
SO_LARARE = f"skyddsombud.larare@{DOMAIN}"
SO_VISION = f"skyddsombud.vision@{DOMAIN}"


@dataclass(frozen=True)
class Act:
    """An action of the plan and how far it has come."""

    what: str
    responsible: str
    due: dt.date
    risk: int | None = None  # the risk's number in the assessment
    status: str = "planned"
    done_on: dt.date | None = None
    note: str = ""  # follow-up: whether it worked, how it goes, or why it was struck


class SamYear:
    def __init__(self, b: Builder, year: Year, settings: Settings) -> None:
        self.b = b
        self.anchor = b.anchor
        self.fsg = year.fsg
        self.settings = settings
        self.names: dict[str, str] = {}
        self.assessments: set[tuple[int, str]] = set()
        self.requests: set[tuple[int, str]] = set()
        self.follow_ups: set[tuple[int, int]] = set()
        self.safety_rep: Viewer = b.viewer

    async def prepare(self) -> None:
        b = self.b
        self.names = {r["email"]: r["name"] for r in await Person.select(Person.email, Person.name).where(
            Person.email.is_in(list(b.reg.people)))}
        self.assessments = {(r["department"], r["title"]) for r in await RiskAssessment.select(
            RiskAssessment.department, RiskAssessment.title)}
        self.requests = {(r["department"], r["title"]) for r in await SafetyRepRequest.select(
            SafetyRepRequest.department, SafetyRepRequest.title)}
        self.follow_ups = {(r["department"], r["year"]) for r in await AnnualFollowUp.select(
            AnnualFollowUp.department, AnnualFollowUp.year)}
        # Kommunal's skyddsombud comments with their own login, when it reads VOF's SAM.
        user = await User.select().where(User.email == SAFETY_REP_LOGIN, User.active == True).first()  # noqa: E712
        if user and user["role"] == "union":
            viewer = Viewer(user_id=user["id"], email=user["email"], name=user["name"], role="union", department_id=None,
                            union_id=user["trade_union"], person_id=user["person"], via="session")
            covered = await sam.readable(viewer)
            if covered is None or b.reg.departments["VOF"] in covered:
                self.safety_rep = viewer

    async def run(self) -> None:
        await self.prepare()
        await self.vof()
        await self.bsf()

    # --- helpers ---------------------------------------------------------------------

    def ago(self, days: int) -> dt.date:
        """The last working day on or before anchor - days."""
        return prev_workday(self.anchor - dt.timedelta(days=days))

    def ahead(self, days: int) -> dt.date:
        return next_workday(self.anchor + dt.timedelta(days=days))

    def past(self, day: dt.date) -> dt.date:
        """Not after the anchor (nor, therefore, after today)."""
        return min(day, self.anchor)

    def who(self, email: str, role: str) -> s.SamParticipant:
        return s.SamParticipant(name=self.names[email], role=role, person_id=self.b.person(email))

    @staticmethod
    def other(name: str, role: str) -> s.SamParticipant:
        return s.SamParticipant(name=name, role=role)

    async def assessment(self, department: str, title: str, *, unit: str, day: dt.date, reason: str,
                         participants: list[s.SamParticipant], risks: list[s.RiskCreate], description: str,
                         matter: str | None = None) -> s.RiskAssessment | None:
        """None if the department has an assessment with the title already."""
        department_id = self.b.reg.departments[department]
        if (department_id, title) in self.assessments:
            return None
        self.assessments.add((department_id, title))
        return await sam.create_risk_assessment(self.b.viewer, s.RiskAssessmentCreate(
            department_id=department_id, title=title, date=day, reason=reason, participants=participants, risks=risks,
            unit=unit, matter_id=self.b.matters.get(matter) if matter else None, description=description,
        ), self.settings)

    async def plan(self, assessment: s.RiskAssessment, actions: list[Act]) -> list[s.Action]:
        """The assessment's actions, then how far each has come."""
        risk_ids = {r.number: r.id for r in assessment.risks}
        made = []
        for act in actions:
            created = await sam.create_action(self.b.viewer, s.ActionCreate(
                what=act.what, responsible=act.responsible, due=act.due, risk_assessment_id=assessment.id,
                risk_id=risk_ids[act.risk] if act.risk else None,
            ))
            made.append(await self.progress(created.id, act))
        return made

    async def progress(self, action_id: int, act: Act) -> s.Action:
        if act.status == "planned" and not act.note:
            return await sam.get_action(self.b.viewer, action_id)
        patch = s.ActionUpdate(status=act.status, follow_up=act.note)
        if act.status == "done":
            patch.done_on = act.done_on
        return await sam.update_action(self.b.viewer, action_id, patch)

    async def follow_up(self, department: str, *, day: dt.date, meeting_id: int | None, answers: list[tuple[str, str, str]],
                        participants: str, summary: str, improvements: list[Act]) -> s.AnnualFollowUp | None:
        """Last year's annual follow-up; None if the department has one for that year already."""
        department_id = self.b.reg.departments[department]
        year = self.anchor.year - 1
        if (department_id, year) in self.follow_ups:
            return None
        self.follow_ups.add((department_id, year))
        created = await sam.create_follow_up(self.b.viewer, s.AnnualFollowUpCreate(
            department_id=department_id, year=year, date=day, meeting_id=meeting_id,
            checklist=[s.ChecklistAnswer(element=e, answer=a, comment=c) for e, a, c in answers],
            participants=participants, summary=summary,
            improvements=[s.Improvement(what=i.what, responsible=i.responsible, due=i.due) for i in improvements],
        ))
        for action_id, act in zip(created.action_ids, improvements):  # inserted in this order
            await self.progress(action_id, act)
        return created

    async def request(self, department: str, title: str, *, unit: str, description: str, safety_rep: str, union: str,
                      received: dt.date, acknowledged: dt.date | None = None, answered: dt.date | None = None,
                      answer: str = "", answer_by: dt.date | None = None) -> s.SafetyRepRequest | None:
        """A 6:6a request registered by HR as it came in, then confirmed and answered."""
        b = self.b
        department_id = b.reg.departments[department]
        if (department_id, title) in self.requests:
            return None
        self.requests.add((department_id, title))
        created = await sam.create_request(b.viewer, s.SafetyRepRequestCreate(
            department_id=department_id, title=title, received_on=received, safety_rep_name=self.names[safety_rep],
            description=description, unit=unit, safety_rep_id=b.person(safety_rep), union_id=b.reg.unions[union],
            answer_by=answer_by,
        ))
        if acknowledged:
            created = await sam.acknowledge_request(b.viewer, created.id, s.Acknowledgement(acknowledged_on=acknowledged))
        if answered:
            created = await sam.answer_request(b.viewer, created.id,
                                               s.SafetyRepRequestAnswer(answer=answer, answered_on=answered))
        return created

    async def comment(self, viewer: Viewer, subject: str, id: int, text: str, day: dt.date, hour: int = 10) -> None:
        """A comment, dated the day it was written rather than the day the demo ran."""
        comments = await sam.add_comment(viewer, subject, id, s.SamCommentCreate(text=text))
        await SamComment.update({SamComment.created_at: at(self.past(day), hour)}).where(SamComment.id == comments[-1].id)

    async def _held_fsg(self) -> dict[dt.date, int]:
        """The held meetings of VOF's samverkansgrupp by day."""
        rows = await Meeting.select(Meeting.id, Meeting.starts_at).where(
            Meeting.group == self.b.reg.groups[VOF_GROUP], Meeting.status == "held")
        return {r["starts_at"].astimezone(clock.STOCKHOLM).date(): r["id"] for r in rows}

    # --- Vård- och omsorgsförvaltningen ---------------------------------------------------------

    async def vof(self) -> None:
        chief, hr = chief_email("VOF"), hr_email("VOF")
        kommunal = self.who(SO_KOMMUNAL, "chief_safety_rep")
        vardforbundet = self.who(SO_VARDFORBUNDET, "safety_rep")

        if ra := await self.assessment(
            "VOF", "Hot och våld vid hembesök i hemtjänsten", unit="Hemtjänsten Lund Väster", day=self.ago(330),
            reason="routine",
            description="Återkommande riskbedömning efter att hot och våld varit den vanligaste tillbudstypen i KIA under "
                        "våren. Genomförd på arbetsplatsträff med enhetschef, skyddsombud och två medarbetare.",
            participants=[self.other("Malin Sjögren", "manager"), kommunal,
                          self.other("Fatima Hassan, undersköterska", "employee"),
                          self.other("Jesper Nord, vårdbiträde", "employee")],
            risks=[
                s.RiskCreate(description="Hot eller våld från brukare eller anhörig vid ensambesök kvällstid.",
                             likelihood=3, consequence=3,
                             measures="Trygghetslarm i mobilen på alla kvällsturer. Dubbelbemanning vid kända risker."),
                s.RiskCreate(description="Risker hos nya brukare är okända vid första besöket (hund, missbruk, tidigare hot).",
                             likelihood=3, consequence=2),
                s.RiskCreate(description="Ingen rutin för avlastningssamtal och anmälan efter en hotfull händelse.",
                             likelihood=2, consequence=3),
            ],
        ):
            await self.plan(ra, [
                Act("Utbildning i hot och våld och bemötande vid hembesök för all personal (halvdag med "
                    "företagshälsovården).", "Malin Sjögren, enhetschef", self.ago(270), 1, "done", self.ago(282),
                    "Genomförd för 38 av 41 medarbetare; de tre som saknas får utbildningen i introduktionen. "
                    "Enkäten efteråt visar att fler vet hur de ska agera."),
                Act("Riskinformation i genomförandeplanen och checklista för första besöket hos nya brukare.",
                    "Malin Sjögren, enhetschef", self.ago(200), 2, "in_progress",
                    note="Checklistan är klar. Genomförandeplanerna ändras när verksamhetssystemet uppdateras."),
                Act("Rutin för avlastningssamtal inom ett dygn och KIA-anmälan efter hotfulla händelser.",
                    "Malin Sjögren, enhetschef", self.ago(240), 3, "done", self.ago(246),
                    "Rutinen gäller sedan maj och har använts vid fyra händelser. Medarbetarna upplever stödet som bra."),
            ])

        if ra := await self.assessment(
            "VOF", "Förflyttningar och arbetsbelastning på särskilt boende", unit="Särskilt boende Norra Fäladen",
            day=self.ago(235), reason="routine",
            description="Skyddsrond och riskbedömning efter flera belastningsskador. Taklyft saknas i sex lägenheter "
                        "och vakanser gör morgnar och kvällar stressiga.",
            participants=[self.other("Annika Berg", "manager"), vardforbundet,
                          self.other("Ali Rahimi, undersköterska", "employee"),
                          self.other("Karolina Ek, fysioterapeut", "occupational_health")],
            risks=[
                s.RiskCreate(description="Tunga förflyttningar av brukare utan taklyft (sex lägenheter saknar taklyft).",
                             likelihood=4, consequence=3,
                             measures="Förflyttningar i de berörda lägenheterna görs alltid av två personer tills vidare."),
                s.RiskCreate(description="Hög arbetsbelastning och stress morgnar och kvällar på grund av vakanser.",
                             likelihood=3, consequence=3),
                s.RiskCreate(description="Halkrisk på våta golv vid dusch och städning.", likelihood=2, consequence=2,
                             measures="Halkfria skor beställda till alla."),
            ],
        ):
            actions = await self.plan(ra, [
                Act("Installera taklyft i de sex lägenheter som saknar det.", "Jonas Bergström, fastighetssamordnare",
                    self.ago(90), 1, "in_progress",
                    note="Lundafastigheter har installerat i två lägenheter; leveransen av resten är försenad."),
                Act("Utbildning i förflyttningsteknik för all personal, med fysioterapeut.", "Annika Berg, enhetschef",
                    self.ago(150), 1, "done", self.ago(158),
                    "Alla ordinarie har gått utbildningen. Fysioterapeuten följer upp på varje avdelning en gång i månaden."),
                Act("Tillsätt vakanta tjänster och se över bemanningen morgnar och kvällar.", "Annika Berg, enhetschef",
                    self.ahead(30), 2, "in_progress", note="Tre av fem vakanser tillsatta."),
            ])
            await self.comment(self.safety_rep, "action", actions[0].id,
                               "Taklyftarna är försenade sedan länge. Vi vill ha en ny tidplan till nästa möte i "
                               "skyddskommittén, och dubbelbemanningen vid förflyttningar måste gälla tills alla är på plats.",
                               self.ago(20), 14)

        # Journey 2: the change assessed before the FSG in which Kommunal disagreed (year.py, F4).
        day = prev_workday(self.fsg[3] - dt.timedelta(days=14))
        if ra := await self.assessment(
            "VOF", "Riskbedömning inför sammanslagningen av hemtjänstgrupperna Dalby och Södra Sandby",
            unit="Hemtjänsten Dalby och Södra Sandby", day=day, reason="change", matter=MERGER,
            description="Riskbedömning enligt AFS 2023:1 av den planerade sammanslagningen till en enhet med en "
                        "enhetschef och gemensam planering. Redovisad i förvaltningens samverkansgrupp.",
            participants=[self.who(chief, "manager"), self.other("Per Wallin, enhetschef Dalby", "manager"),
                          self.other("Lina Ohlsson, enhetschef Södra Sandby", "manager"), kommunal, vardforbundet,
                          self.who(hr, "hr"), self.other("Sanna Lund, undersköterska", "employee")],
            risks=[
                s.RiskCreate(description="Mer ensamarbete kvällstid när kvällsturerna slås samman.", likelihood=3,
                             consequence=3,
                             measures="Avstämning med samordnaren när kvällspasset slutar, tills larmen är på plats."),
                s.RiskCreate(description="Längre restider mellan brukarna ger tidspress och fler delade turer.",
                             likelihood=4, consequence=2),
                s.RiskCreate(description="Hög arbetsbelastning för en enhetschef med omkring 60 medarbetare.",
                             likelihood=2, consequence=3),
                s.RiskCreate(description="Bristande introduktion för personal som byter arbetsgrupp.", likelihood=2,
                             consequence=2),
            ],
        ):
            await self.plan(ra, [
                Act("Trygghetslarm med positionering för all kvällspersonal.", "Per Wallin, enhetschef",
                    day + dt.timedelta(days=30), 1, "done", self.past(day + dt.timedelta(days=24)),
                    "Larmen används sedan dess i båda grupperna; inga larm har gått utan att samordnaren svarat."),
                Act("Ny ruttplanering så att restiden kvällstid inte ökar; utvärderas efter en månad.",
                    "Lina Ohlsson, enhetschef", self.ahead(45), 2, "in_progress",
                    note="Planeringsverktyget testas på kvällsturerna i Södra Sandby."),
                Act("Anställ en biträdande enhetschef för den sammanslagna enheten.", "Vera Mårtensson, förvaltningschef",
                    self.ahead(60), 3, "cancelled",
                    note="Struken: ledningsgruppen beslutade i stället om två samordnare med utökat uppdrag, "
                         "i väntan på den centrala förhandlingen."),
            ])
            await self.comment(self.safety_rep, "risk_assessment", ra.id,
                               "Kommunals skyddsombud delar inte bedömningen att larm och ändrad ruttplanering räcker. "
                               "Ensamarbetet kvällstid ska följas upp särskilt efter sammanslagningen.",
                               next_workday(day + dt.timedelta(days=3)), 16)

        if ra := await self.assessment(
            "VOF", "Nattarbete i hemsjukvården", unit="Hemsjukvården, natt", day=self.ago(48), reason="routine",
            description="Riskbedömning av sjuksköterskornas arbetsmiljö nattetid, som Vårdförbundet begärde vid den "
                        "årliga uppföljningen.",
            participants=[self.other("Helena Strand, enhetschef hemsjukvården", "manager"), vardforbundet,
                          self.other("Mats Åberg, sjuksköterska", "employee")],
            risks=[
                s.RiskCreate(description="Hög arbetsbelastning för sjuksköterskan natt, som ansvarar för hela kommunen.",
                             likelihood=3, consequence=3),
                s.RiskCreate(description="Ensamarbete vid hembesök nattetid.", likelihood=2, consequence=4,
                             measures="Sjuksköterskan ringer larmcentralen före och efter varje hembesök."),
                s.RiskCreate(description="Trötthet vid bilkörning efter nattpass.", likelihood=2, consequence=3),
            ],
        ):
            await self.plan(ra, [
                Act("Utred en andra sjuksköterska natt fredag till söndag.", "Helena Strand, enhetschef", self.ago(10), 1),
                Act("Trygghetslarm med positionering för nattpersonalen.", "Helena Strand, enhetschef", self.ahead(21), 2,
                    "in_progress", note="Larmen är beställda."),
            ])

        # Last year's annual follow-up, treated in the FSG: F2 when it treated last year's (year.py),
        # else the first held meeting since December last year; none if there is none.
        held = await self._held_fsg()
        year = self.anchor.year - 1
        meeting_day = (self.fsg[1] if self.fsg[1].year - 1 == year
                       else next((d for d in self.fsg[2:4] if d >= dt.date(year, 12, 1) and d < self.anchor), None))
        meeting_id = held.get(meeting_day) if meeting_day else None
        day = prev_workday(meeting_day - dt.timedelta(days=7)) if meeting_id else self.ago(21)
        trained = day + dt.timedelta(days=80)
        if fu := await self.follow_up(
            "VOF", day=day, meeting_id=meeting_id,
            answers=[
                ("participation", "yes", "Skyddsombuden deltar i riskbedömningar och skyddsronder; samverkansgruppen är "
                                         "också skyddskommitté."),
                ("policy", "yes", "Kommunens arbetsmiljöpolicy gäller och har gåtts igenom på arbetsplatsträffarna."),
                ("routines", "partly", "Rutinen för hot och våld behöver anpassas till hemtjänsten kvällstid."),
                ("task_distribution", "partly", "Skriftlig uppgiftsfördelning saknas för tre nya enhetschefer."),
                ("knowledge", "no", "Nya chefer har inte fått utbildning i systematiskt arbetsmiljöarbete under året."),
                ("risk_assessment", "partly", "Riskbedömningar görs vid förändringar, men skyddsronder på särskilt "
                                              "boende har inte genomförts enligt plan."),
                ("investigation", "yes", f"Tillbud och arbetsskador utreds i KIA; 146 tillbud och 23 arbetsskador {year}."),
                ("measures", "partly", "Handlingsplanerna följs upp i skyddskommittén, men flera åtgärder är försenade."),
            ],
            participants=f"{self.names[chief]} (förvaltningschef), {self.names[hr]} (HR-partner), "
                         f"{self.names[SO_KOMMUNAL]} (huvudskyddsombud, Kommunal), {self.names[SO_VARDFORBUNDET]} "
                         "(skyddsombud, Vårdförbundet), avdelningscheferna för hemtjänst och särskilt boende.",
            summary=f"Det systematiska arbetsmiljöarbetet {year} fungerar i huvudsak, men kunskaperna hos nya chefer och "
                    "skyddsronderna på särskilt boende brister. Sjukfrånvaron var 8,7 % (8,9 % året innan).",
            improvements=[
                Act("Utbildning i systematiskt arbetsmiljöarbete för chefer som är nya sedan förra året.",
                    f"{self.names[hr]}, HR-partner", day + dt.timedelta(days=90),
                    status="done" if trained <= self.anchor else "in_progress",
                    done_on=trained if trained <= self.anchor else None,
                    note="Elva chefer har gått kommunens tredagarsutbildning tillsammans med sina skyddsombud."
                         if trained <= self.anchor else "Utbildningen är bokad."),
                Act("Skyddsronder på samtliga enheter inom särskilt boende.", "Avdelningschef särskilt boende",
                    add_months(day, 6), status="in_progress",
                    note="Skyddsronder gjorda på fem av åtta boenden."),
            ],
        ):
            await self.comment(self.safety_rep, "annual_follow_up", fu.id,
                               "Skyddsombuden vill att de försenade skyddsronderna på särskilt boende följs upp vid "
                               "varje möte i skyddskommittén tills de är gjorda.", next_workday(day + dt.timedelta(days=2)), 9)

        # Skyddsombud requests (6 kap. 6 a § AML).
        received = self.ago(120)
        await self.request(
            "VOF", "Begäran om undersökning av arbetsbelastningen på korttidsboendet", unit="Korttidsboendet Gunnesbo",
            description="Skyddsombudet begär att arbetsgivaren undersöker arbetsbelastningen efter att antalet platser "
                        "utökats från 18 till 24 utan mer personal, och vidtar åtgärder.",
            safety_rep=SO_KOMMUNAL, union="Kommunal", received=received,
            acknowledged=self.past(next_workday(received + dt.timedelta(days=1))),
            answered=self.past(next_workday(received + dt.timedelta(days=9))),
            answer="Arbetsgivaren har undersökt arbetsbelastningen tillsammans med skyddsombudet. Från nästa månad "
                   "förstärks bemanningen med en undersköterska dag och kväll, och platsantalet ses över i budgeten.",
        )
        received = self.ago(6)
        await self.request(
            "VOF", "Begäran om åtgärder: trasiga glidlakan och lyftselar på Norra Fäladen",
            unit="Särskilt boende Norra Fäladen",
            description="Flera glidlakan och lyftselar är slitna eller saknas, vilket ger tunga manuella förflyttningar. "
                        "Skyddsombudet begär att de byts ut.",
            safety_rep=SO_VARDFORBUNDET, union="Vårdförbundet", received=received,
            acknowledged=self.past(next_workday(received + dt.timedelta(days=1))), answer_by=received + dt.timedelta(days=21),
        )
        received = self.ago(21)
        overdue = await self.request(
            "VOF", "Begäran om åtgärder mot ensamarbete kvällstid i hemtjänsten Dalby",
            unit="Hemtjänsten Dalby och Södra Sandby",
            description="Skyddsombudet begär att ingen ska arbeta ensam hos brukare med kända hotrisker kvällstid, och "
                        "att dubbelbemanning planeras in i kvällsturerna redan nu, före sammanslagningen.",
            safety_rep=SO_KOMMUNAL, union="Kommunal", received=received,
            acknowledged=self.past(next_workday(received + dt.timedelta(days=2))),
        )
        if overdue:
            await self.comment(self.safety_rep, "safety_rep_request", overdue.id,
                               "Vi har fortfarande inte fått något besked. Kommer inget svar inom en vecka vänder sig "
                               "skyddsombudet till Arbetsmiljöverket (6 kap. 6 a § AML).", self.ago(3), 11)

    # --- Barn- och skolförvaltningen -------------------------------------------------------------

    async def bsf(self) -> None:
        chief, hr = chief_email("BSF"), hr_email("BSF")
        larare = self.who(SO_LARARE, "safety_rep")
        vision = self.who(SO_VISION, "safety_rep")

        if ra := await self.assessment(
            "BSF", "Ljudmiljö och ergonomi i förskolan", unit="Förskolorna på Norra Fäladen", day=self.ago(300),
            reason="routine",
            description="Skyddsrond med ljudmätning på tre förskolor efter klagomål på buller och ont i rygg och nacke.",
            participants=[self.other("Maja Lindgren, förskolechef", "manager"), vision,
                          self.other("Ebba Nyström, förskollärare", "employee"),
                          self.other("Hugo Falk, barnskötare", "employee")],
            risks=[
                s.RiskCreate(description="Höga ljudnivåer vid lek och måltider (över 80 dBA).", likelihood=4, consequence=2,
                             measures="Ljuddämpande tassar på stolar och bord; måltider i två omgångar."),
                s.RiskCreate(description="Tunga lyft och låga arbetshöjder vid skötbord och på golvet.", likelihood=3,
                             consequence=2),
                s.RiskCreate(description="Ensamarbete i barngruppen vid korttidsfrånvaro.", likelihood=2, consequence=2),
            ],
        ):
            await self.plan(ra, [
                Act("Akustikåtgärder (ljudabsorbenter i tak och på väggar) på de tre förskolorna.",
                    "Maja Lindgren, förskolechef", self.ago(200), 1, "done", self.ago(214),
                    "Ny mätning visar 6–8 dB lägre nivåer vid måltider. Personalen upplever tydlig skillnad."),
                Act("Höj- och sänkbara skötbord och ergonomiska arbetsstolar för pedagogerna.",
                    "Maja Lindgren, förskolechef", self.ago(120), 2, "in_progress",
                    note="Skötbord installerade på två förskolor; den tredje väntar på ombyggnad."),
                Act("Vikariepool för förskoleområdet vid korttidsfrånvaro.", "Maja Lindgren, förskolechef", self.ago(150), 3,
                    "cancelled", note="Struken: ersätts av kommunens gemensamma bemanningsenhet."),
            ])

        if ra := await self.assessment(
            "BSF", "Hot och våld mot personal på högstadiet", unit="Östratornskolan, årskurs 7–9", day=self.ago(185),
            reason="routine",
            description="Riskbedömning efter flera anmälda tillbud med hot och våld från elever mot personal.",
            participants=[self.who(chief, "manager"), self.other("Sofia Ahlberg, rektor", "manager"), larare,
                          self.other("Daniel Ek, lärare", "employee")],
            risks=[
                s.RiskCreate(description="Hot och våld från elever mot personal i korridorer och vid rastvakt.",
                             likelihood=3, consequence=3, measures="Rastvakt i par på högstadiegården."),
                s.RiskCreate(description="Ensam personal vid möten med upprörda vårdnadshavare.", likelihood=2,
                             consequence=3),
                s.RiskCreate(description="Tillbud anmäls inte i KIA eftersom rutinen är okänd.", likelihood=3, consequence=1),
            ],
        ):
            await self.plan(ra, [
                Act("Utbildning i lågaffektivt bemötande för all personal.", "Sofia Ahlberg, rektor", self.ago(100), 1,
                    "done", self.ago(112), "Genomförd på studiedagen; följs upp i medarbetarenkäten."),
                Act("Rutin för anmälan av tillbud i KIA, genomgång på arbetsplatsträff.", "Sofia Ahlberg, rektor",
                    self.ago(140), 3),
                Act("Larmknappar i expeditionen och samtalsrummen.", "Sofia Ahlberg, rektor", self.ahead(40), 2,
                    "in_progress", note="Offert från larmleverantören är godkänd."),
            ])

        # The change negotiated under 11 § MBL (year.py): assessed before the negotiation.
        if ra := await self.assessment(
            "BSF", "Riskbedömning: ny organisation för elevhälsan i grundskolan", unit="Elevhälsan, grundskolan",
            day=self.ago(24), reason="change", matter=ELEVHALSAN,
            description="Konsekvens- och riskbedömning inför att elevhälsans professioner samlas i fyra geografiska team "
                        "med gemensam ledning.",
            participants=[self.other("Jenny Holmberg, elevhälsochef", "manager"), larare, self.who(hr, "hr"),
                          self.other("Ola Berglund, skolpsykolog", "employee"),
                          self.other("Amra Begić, skolsköterska", "employee")],
            risks=[
                s.RiskCreate(description="Längre restider mellan skolorna för skolsköterskor, kuratorer och psykologer.",
                             likelihood=3, consequence=2),
                s.RiskCreate(description="Otydligt mandat och otydlig ledning i teamen under övergången.", likelihood=3,
                             consequence=3),
                s.RiskCreate(description="Ensam i svåra elevärenden när kollegorna inte finns på samma skola.",
                             likelihood=2, consequence=3, measures="Gemensam ärendedragning varje vecka i teamen."),
            ],
        ):
            await self.plan(ra, [
                Act("Skriftligt uppdrag och delegation för teamledarna.", "Jenny Holmberg, elevhälsochef", self.ahead(45), 2),
                Act("Resepolicy och tjänstecyklar eller bil för elevhälsoteamen.", "Jenny Holmberg, elevhälsochef",
                    self.ahead(75), 1),
            ])

        year = self.anchor.year - 1
        day = next_workday(dt.date(self.anchor.year, 2, 20))
        if day > self.anchor - dt.timedelta(days=30):
            day = self.ago(30)
        written = day + dt.timedelta(days=50)
        await self.follow_up(
            "BSF", day=day, meeting_id=None,
            answers=[
                ("participation", "yes", "Skyddsombud finns på alla skolor; elevskyddsombud på högstadiet."),
                ("policy", "yes", "Arbetsmiljöpolicyn är känd; den gicks igenom vid läsårsstarten."),
                ("routines", "yes", "Rutinerna finns i ledningssystemet."),
                ("task_distribution", "no", "Uppgiftsfördelningen till rektorer och förskolechefer är inte skriftlig."),
                ("knowledge", "partly", "Rektorerna har utbildning; nya förskolechefer saknar den."),
                ("risk_assessment", "partly", "Skyddsronder görs, men inte varje år på alla förskolor."),
                ("investigation", "partly", "Tillbud med hot och våld utreds, men anmäls inte alltid i KIA."),
                ("measures", "yes", "Handlingsplanerna följs upp på ledningsgruppens möten varje månad."),
            ],
            participants=f"{self.names[chief]} (förvaltningschef), {self.names[hr]} (HR-partner), "
                         f"{self.names[SO_LARARE]} (skyddsombud, Sveriges Lärare), {self.names[SO_VISION]} "
                         "(skyddsombud, Vision), rektorer och förskolechefer.",
            summary=f"Arbetsmiljöarbetet {year} fungerar på skolorna men är ojämnt i förskolan. Uppgiftsfördelningen ska "
                    "bli skriftlig och skyddsronder göras årligen överallt.",
            improvements=[
                Act("Skriftlig uppgiftsfördelning i arbetsmiljöarbetet till alla rektorer och förskolechefer.",
                    f"{self.names[hr]}, HR-partner", day + dt.timedelta(days=60),
                    status="done" if written <= self.anchor else "planned",
                    done_on=written if written <= self.anchor else None,
                    note="Alla har fått och skrivit under sin uppgiftsfördelning." if written <= self.anchor else ""),
                Act("Årlig skyddsrond med checklista på alla skolor och förskolor.", f"{self.names[chief]}, förvaltningschef",
                    day + dt.timedelta(days=240)),
            ],
        )

        received = self.ago(75)
        await self.request(
            "BSF", "Begäran om åtgärder: inomhusklimat i paviljongerna på Östratornskolan", unit="Östratornskolan",
            description="Koldioxidhalten i paviljongerna är över 1 500 ppm under lektioner och temperaturen över 28 °C. "
                        "Skyddsombudet begär att ventilationen åtgärdas.",
            safety_rep=SO_LARARE, union="Sveriges Lärare", received=received,
            acknowledged=self.past(next_workday(received + dt.timedelta(days=1))),
            answered=self.past(next_workday(received + dt.timedelta(days=8))),
            answer="Serviceförvaltningen har justerat ventilationen och installerar koldioxidmätare i alla paviljonger. "
                   "Ny mätning görs om en månad tillsammans med skyddsombudet.",
        )
        received = self.ago(4)
        await self.request(
            "BSF", "Begäran om undersökning av arbetsbelastningen på fritidshemmen", unit="Fritidshemmen i Södra Sandby",
            description="Barngrupperna har vuxit till över 40 barn per avdelning. Skyddsombudet begär en undersökning "
                        "av arbetsbelastningen och åtgärder.",
            safety_rep=SO_VISION, union="Vision", received=received,
            acknowledged=self.past(next_workday(received + dt.timedelta(days=1))),
        )
