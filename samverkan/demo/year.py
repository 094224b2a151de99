"""A year of work in Lunds kommun: matters of every kind with their events, the FSG of vård- och
omsorgsförvaltningen (also the skyddskommitté) every third month, the central samverkansgrupp, and
negotiation meetings, with positions per union, held meetings closed and upcoming ones planned.

All dates are relative to an anchor day: today the first time, and afterwards the day the year
was first loaded (recovered from journey 1's matter), so loading again on a later day finds the
same titles and adds nothing. See design.md §2 for journeys 1–3.
"""

from __future__ import annotations

import datetime as dt

from samverkan import clock
from samverkan.matters.tables import Matter, MatterEvent

from samverkan.demo.builder import (
    MONTHS,
    Agenda,
    Builder,
    Pos,
    add_months,
    agreed,
    informed,
    month_title,
    next_workday,
    prev_workday,
)
from samverkan.demo.registry import DOMAIN, chief_email, hr_email

# Journey 1's matter marks the year as loaded; its 'knowledge' event lies KNOWLEDGE_DAYS before the anchor.
JOURNEY_1 = "Tvist om ändrat arbetstidsschema för socialsekreterare (Vision)"
KNOWLEDGE_DAYS = 50

VOF_UNIONS = ["Kommunal", "Vision", "Akademikerförbundet SSR", "Vårdförbundet", "Fysioterapeuterna",
              "Sveriges Arbetsterapeuter"]
CSG_UNIONS = ["Kommunal", "Vision", "Akademikerförbundet SSR", "Sveriges Lärare", "Vårdförbundet", "Akavia", "Ledarna"]
VOF_GROUP = "FSG Vård- och omsorgsförvaltningen"
CSG_GROUP = "Central samverkansgrupp (CSG)"

KRISTALLEN = "Kristallen, Lund"


def swedish_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def first_of(day: dt.date, months_later: int = 1) -> str:
    """'1 mars': the first of a month after the day."""
    return f"1 {MONTHS[add_months(day, months_later).month - 1]}"


def budget_year(day: dt.date) -> int:
    """The budget year a meeting on this day talks about: next year from the autumn."""
    return day.year + (day.month >= 9)


def last_date(month: int, day: int, before: dt.date) -> dt.date:
    """The latest given day of the year on or before ``before`` (a season in the past year)."""
    candidate = dt.date(before.year, month, day)
    return candidate if candidate <= before else dt.date(before.year - 1, month, day)


async def anchor_day() -> dt.date:
    """Today, or the day the year was first loaded."""
    marker = await Matter.select(Matter.id).where(Matter.title == JOURNEY_1).first()
    if marker:
        event = await MatterEvent.select(MatterEvent.date).where(
            (MatterEvent.matter == marker["id"]) & (MatterEvent.type == "knowledge")
        ).first()
        if event:
            return event["date"] + dt.timedelta(days=KNOWLEDGE_DAYS)
    return clock.today()


class Year:
    def __init__(self, b: Builder) -> None:
        self.b = b
        # The FSG of VOF meets every third month: the next meeting in ten days, four held before it.
        # Counting back from it, each earlier date moves later (never earlier) to a working day, so
        # no gap is longer than three months.
        f5 = next_workday(b.anchor + dt.timedelta(days=10))
        days = [f5]
        for _ in range(4):
            days.insert(0, next_workday(add_months(days[0], -3)))
        days.append(prev_workday(add_months(f5, 3)))
        self.fsg = days  # F1…F4 held, F5 called, F6 planned

    async def run(self) -> None:
        await self.registered_matters()
        await self.fsg_meetings()
        await self.central_group()
        await self.journey_1()
        await self.elevhalsan()
        await self.winter_roads()
        await self.waste_collection()
        await self.serviceforvaltningen()
        await self.flextid()
        await self.registered_negotiations()
        await self.central_negotiation()
        await self.employer_claim()

    # --- matters treated in the FSG (created before the meetings that treat them) ------------

    @property
    def budget(self) -> str:
        return f"Budget {budget_year(self.fsg[0])} för vård- och omsorgsnämnden"

    @property
    def sam(self) -> str:
        return f"Årlig uppföljning av det systematiska arbetsmiljöarbetet {self.fsg[1].year - 1}"

    @property
    def plan(self) -> str:
        return f"Verksamhetsplan och internbudget {budget_year(self.fsg[4])} för vård- och omsorgsförvaltningen"

    async def registered_matters(self) -> None:
        b, f = self.b, self.fsg
        await b.matter(
            self.budget, "information", "VOF", VOF_UNIONS,
            f"Information enligt 19 § MBL om nämndens budget {budget_year(f[0])}: ramökning 2,1 %, effektiviseringskrav på 1,5 % och "
            "prioriteringar inom hemtjänst och särskilt boende. Underlag: nämndens internbudget och investeringsplan.",
            f[0],
        )
        await b.matter(
            "Digitala lås (e-lås) i hemtjänsten", "samverkan", "VOF", ["Kommunal", "Vision", "Vårdförbundet"],
            "Förvaltningen föreslår att nyckelhanteringen i hemtjänsten ersätts med digitala lås hos brukarna i tre etapper. "
            "Förändringen påverkar rutiner, introduktion och arbetsmiljö (mindre tid för nyckelhämtning, ny teknik i "
            "mobilen). Riskbedömning har gjorts tillsammans med skyddsombuden.",
            f[0],
        )
        await b.matter(
            self.sam, "work_environment", "VOF", VOF_UNIONS,
            "Årlig uppföljning enligt AFS 2023:1: hur undersökning, riskbedömning, åtgärder och kontroll har fungerat, "
            f"uppgiftsfördelningen i arbetsmiljöarbetet, sjukfrånvaro och tillbud. Handlingsplan för {f[1].year} tas fram i "
            "samverkan och behandlas i förvaltningens samverkansgrupp tillika skyddskommitté.",
            f[1],
        )
        await b.matter(
            "Ändrade öppettider för dagverksamheten för personer med demenssjukdom", "samverkan", "VOF",
            ["Kommunal", "Vision", "Sveriges Arbetsterapeuter"],
            "Dagverksamheten föreslås öppna en timme senare och stänga en timme senare på vardagar för att passa "
            f"anhörigas arbetstider. Schemaförändring för omsorgspersonal och arbetsterapeut från {first_of(f[2], 2)}.",
            f[2],
        )
        await b.matter(
            "Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby", "samverkan", "VOF",
            ["Kommunal", "Vision", "Vårdförbundet"],
            "Förvaltningen planerar att slå samman hemtjänstgrupperna Dalby och Södra Sandby till en enhet med en "
            "enhetschef och gemensam planering från årsskiftet. Syftet är bättre kontinuitet och kortare restider kvällstid. "
            "Beslutet får inte fattas förrän förhandlingen är avslutad med alla parter (11 § MBL genom samverkansavtalet). "
            "Riskbedömning (SAM) finns i ärendet ”Riskbedömning: sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby”.",
            f[2],
        )
        await b.matter(
            "Riskbedömning: sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby", "work_environment", "VOF",
            ["Kommunal", "Vision", "Vårdförbundet"],
            "Riskbedömning enligt AFS 2023:1 inför den planerade sammanslagningen: ensamarbete kvällstid, restider, "
            "arbetsbelastning för enhetschef och samordnare, introduktion av personal som byter arbetsplats. "
            "Genomförd med skyddsombuden för Kommunal och Vårdförbundet; handlingsplan med ansvar och datum.",
            f[3],
        )
        await b.matter(
            self.plan, "samverkan", "VOF", VOF_UNIONS,
            f"Förslag till verksamhetsplan och internbudget {budget_year(f[4])}: fördelning av nämndens ram på avdelningar, "
            "bemanningsmål i särskilt boende och fortsatt införande av välfärdsteknik.",
            f[4] - dt.timedelta(days=21),
        )

    # --- journey 3: the FSG of VOF, also the skyddskommitté -------------------------------------

    async def _fsg(self, index: int) -> Agenda | None:
        b = self.b
        day = self.fsg[index]
        members = [chief_email("VOF"), hr_email("VOF"), *[b.reg.rep(u) for u in VOF_UNIONS],
                   f"skyddsombud.kommunal@{DOMAIN}", f"skyddsombud.vardforbundet@{DOMAIN}"]
        absent = {1: (b.reg.rep("Sveriges Arbetsterapeuter"),), 2: (b.reg.rep("Fysioterapeuterna"),)}.get(index, ())
        return await b.meeting(
            title=f"{VOF_GROUP}, {month_title(day)}", kind="samverkan", group=VOF_GROUP, day=day, start=(9, 0),
            minutes=150, place=f"{KRISTALLEN}, sammanträdesrum Lyran", chair=chief_email("VOF"),
            minute_taker=hr_email("VOF"), participants=members,
            safety_reps=(f"skyddsombud.kommunal@{DOMAIN}", f"skyddsombud.vardforbundet@{DOMAIN}"), absent=absent,
        )

    async def _formalities(self, a: Agenda, next_day: dt.date) -> None:
        b = self.b
        await b.fill(a, "Mötets öppnande", "Ordföranden hälsade välkommen och förklarade mötet öppnat.")
        await b.fill(a, "Val av justerare",
                     "Till justerare valdes ordföranden för arbetsgivaren och respektive förbunds ombud för "
                     "arbetstagarorganisationerna. Protokollet justeras digitalt inom två veckor.")
        await b.fill(a, "Fastställande av dagordning", "Dagordningen fastställdes.")
        await b.fill(a, "Föregående protokoll", "Föregående protokoll är justerat och lades till handlingarna.")
        await b.fill(a, "Nästa möte", f"Nästa möte hålls {swedish_date(next_day)} kl. 9.00 i Kristallen.")
        await b.fill(a, "Mötets avslutande", "Ordföranden tackade för visat intresse och avslutade mötet.")

    async def _work_environment(self, a: Agenda, risk: str, incidents: str, absence: str, health: str) -> None:
        b = self.b
        await b.fill(a, "Arbetsmiljö: riskbedömningar och handlingsplaner", risk)
        await b.fill(a, "Arbetsmiljö: tillbud och arbetsskador", incidents)
        await b.fill(a, "Arbetsmiljö: sjukfrånvaro och rehabilitering", absence)
        await b.fill(a, "Arbetsmiljö: företagshälsovård", health)

    async def fsg_meetings(self) -> None:
        b, f = self.b, self.fsg
        m = b.matters

        # F1: the budget and e-lås.
        if a := await self._fsg(0):
            await self._formalities(a, f[1])
            await b.fill(a, "Information enligt 19 § MBL: ekonomi och verksamhet",
                         f"Ekonomichefen redovisade budget {budget_year(f[0])} och prognosen för innevarande år "
                         "(underskott 4,2 mnkr, främst hemtjänstens timmar).", matter=self.budget,
                         positions=informed(VOF_UNIONS, {"Kommunal": "Kommunal framhåller att effektiviseringskravet inte "
                                                          "får leda till fler delade turer i hemtjänsten."}))
            await b.item(a, "Digitala lås (e-lås) i hemtjänsten", "samverkan", after="Samverkansfrågor",
                         matter="Digitala lås (e-lås) i hemtjänsten",
                         text="Projektledaren presenterade tidplan, utbildningsinsatser och riskbedömningen.",
                         employer_position="Arbetsgivaren avser att införa e-lås i hemtjänsten i tre etapper med start "
                                           f"{first_of(f[0], 2)}.",
                         positions=[Pos("Kommunal", "agreement", note="Kommunal förutsätter att utbildningen sker på "
                                        "arbetstid och att skyddsombuden deltar i uppföljningen efter tre månader."),
                                    Pos("Vision", "agreement"), Pos("Vårdförbundet", "agreement")])
            await self._work_environment(
                a, "Riskbedömning inför e-lås redovisades; handlingsplanen följs upp vid nästa möte.",
                "Under perioden rapporterades 14 tillbud och 3 arbetsskador i KIA, flest om hot och våld i hemtjänsten.",
                "Sjukfrånvaron var 8,4 % senaste månaden och korttidsfrånvaron ökar. Sju pågående rehabiliteringsärenden.",
                "Företagshälsovården har genomfört ergonomironder på två särskilda boenden.")
            await b.status(a, "held")
            await b.close(a, "Digitala lås (e-lås) i hemtjänsten")
            await b.event(m[self.budget], "decision_taken", next_workday(f[0] + dt.timedelta(days=14)),
                          note=f"Vård- och omsorgsnämnden fastställde internbudgeten för {budget_year(f[0])}.")
            await b.event(m["Digitala lås (e-lås) i hemtjänsten"], "decision_taken", next_workday(f[0] + dt.timedelta(days=7)),
                          note=f"Förvaltningschefen beslutade att införa e-lås i tre etapper från {first_of(f[0], 2)}.")

        # F2: the annual follow-up of SAM.
        if a := await self._fsg(1):
            await self._formalities(a, f[2])
            await b.fill(a, "Information enligt 19 § MBL: ekonomi och verksamhet",
                         "Senaste bokslutet: underskott 3,1 mnkr. Verksamhetsberättelsen presenterades.")
            await b.item(a, self.sam, "work_environment", after="Arbetsmiljö: riskbedömningar och handlingsplaner",
                         matter=self.sam,
                         text="Uppföljningen visar att riskbedömningar görs vid förändringar men att skyddsronder på "
                              f"särskilt boende inte genomförts enligt plan. Handlingsplan {f[1].year}: skyddsronder på alla "
                              "enheter inom sex månader, utbildning i SAM för nya chefer, uppföljning av hot och våld.",
                         positions=informed(VOF_UNIONS, {"Vårdförbundet": "Vårdförbundet vill att sjuksköterskornas "
                                                          "arbetsbelastning på natten får en egen punkt i handlingsplanen."}))
            await self._work_environment(
                a, "Handlingsplanen för e-lås är genomförd; uppföljning visar färre nyckelincidenter.",
                "11 tillbud och 2 arbetsskador, varav en halkolycka vid hembesök.",
                "Sjukfrånvaron var 9,1 % senaste månaden. Arbetsgivaren redovisade insatser för tidig rehabilitering.",
                "Avtalet med företagshälsovården förlängs ett år; beställningar går via HR.")
            await b.status(a, "held")
            await b.event(m[self.sam], "decision_taken", next_workday(f[1] + dt.timedelta(days=14)),
                          note=f"Förvaltningschefen fastställde handlingsplanen för arbetsmiljöarbetet {f[1].year}.")

        # F3: opening hours of the day centre; first treatment of the merger.
        if a := await self._fsg(2):
            await self._formalities(a, f[3])
            await b.fill(a, "Information enligt 19 § MBL: ekonomi och verksamhet",
                         "Ekonomisk uppföljning: prognos i balans. 92 % av vakanserna är tillsatta.")
            await b.item(a, "Ändrade öppettider för dagverksamheten för personer med demenssjukdom", "samverkan",
                         after="Samverkansfrågor",
                         matter="Ändrade öppettider för dagverksamheten för personer med demenssjukdom",
                         employer_position=f"Arbetsgivaren avser att ändra öppettiderna till 9.00–17.00 från {first_of(f[2], 2)}.",
                         positions=[Pos("Kommunal", "agreement", note="Kommunal vill att schemat läggs med minst en "
                                        "månads framförhållning och att önskemål om deltid beaktas."),
                                    Pos("Vision", "agreement"), Pos("Sveriges Arbetsterapeuter", "agreement")])
            await b.item(a, "Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby (första behandling)", "samverkan",
                         after="Samverkansfrågor", matter="Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby",
                         text="Förvaltningen presenterade förslaget. Parterna fortsätter dialogen; riskbedömning görs "
                              "med skyddsombuden före nästa möte.")
            await self._work_environment(
                a, "Riskbedömning av introduktionen av vikarier redovisades.",
                "9 tillbud och 1 arbetsskada (stickskada) under perioden.",
                "Sjukfrånvaron var 7,6 % senaste månaden.",
                "Företagshälsovården erbjuder samtalsstöd efter ett hotfullt hembesök.")
            await b.status(a, "held")
            await b.close(a, "Ändrade öppettider för dagverksamheten för personer med demenssjukdom")
            await b.event(m["Ändrade öppettider för dagverksamheten för personer med demenssjukdom"], "decision_taken",
                          next_workday(f[2] + dt.timedelta(days=10)),
                          note=f"Avdelningschefen beslutade om nya öppettider från {first_of(f[2], 2)}.")

        # F4: journey 2. Kommunal disagrees and requests central negotiation; the hold stays.
        if a := await self._fsg(3):
            await self._formalities(a, f[4])
            await b.fill(a, "Information enligt 19 § MBL: ekonomi och verksamhet",
                         "Ekonomisk uppföljning: underskott 2,0 mnkr i hemtjänsten, överskott i särskilt boende.")
            merger = "Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby"
            await b.item(a, merger, "samverkan", after="Samverkansfrågor", matter=merger,
                         text="Förslaget och riskbedömningen redovisades. Parternas ståndpunkter framgår nedan.",
                         employer_position="Arbetsgivaren avser att slå samman hemtjänstgrupperna Dalby och Södra Sandby "
                                           "till en enhet från årsskiftet.",
                         positions=[
                             Pos("Kommunal", "disagreement", central=True,
                                 note="Kommunal begär förhandling enligt 14 § MBL (central förhandling).",
                                 reservation="Kommunal reserverar sig mot förslaget eftersom riskbedömningen visar längre "
                                             "restider och mer ensamarbete kvällstid, som inte har åtgärdats."),
                             Pos("Vision", "agreement", note="Vision ser positivt på gemensam ledning men vill att "
                                 "enhetschefens antal medarbetare följs upp efter sex månader."),
                             Pos("Vårdförbundet", "agreement"),
                         ])
            await b.fill(a, "Arbetsmiljö: riskbedömningar och handlingsplaner",
                         "Riskbedömningen inför sammanslagningen redovisades: ensamarbete kvällstid och restider är "
                         "bedömda som höga risker; handlingsplan med larm och ändrad ruttplanering.",
                         matter="Riskbedömning: sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby",
                         positions=informed(["Kommunal", "Vision", "Vårdförbundet"],
                                            {"Kommunal": "Kommunals skyddsombud delar inte bedömningen att åtgärderna räcker."}))
            await b.fill(a, "Arbetsmiljö: tillbud och arbetsskador", "12 tillbud och 2 arbetsskador under perioden.")
            await b.fill(a, "Arbetsmiljö: sjukfrånvaro och rehabilitering", "Sjukfrånvaron var 6,9 % senaste månaden.")
            await b.fill(a, "Arbetsmiljö: företagshälsovård", "Inget nytt sedan förra mötet.")
            await b.status(a, "held")
            await b.close(a, merger)

        # F5 (called) and F6 (planned): ahead.
        if a := await self._fsg(4):
            await b.item(a, self.plan, "samverkan", after="Samverkansfrågor", matter=self.plan,
                         employer_position="Förslaget till verksamhetsplan och internbudget skickas ut med kallelsen.")
            await b.item(a, f"Uppföljning av handlingsplanen för arbetsmiljöarbetet {f[1].year}", "work_environment",
                         after="Arbetsmiljö: riskbedömningar och handlingsplaner")
            await b.status(a, "called")
        if a := await self._fsg(5):
            await b.item(a, f"Årlig uppföljning av det systematiska arbetsmiljöarbetet {f[5].year - 1}", "work_environment",
                         after="Arbetsmiljö: riskbedömningar och handlingsplaner")

    # --- the central samverkansgrupp ---------------------------------------------------------

    async def central_group(self) -> None:
        b = self.b
        held, ahead = b.day(-45), b.day(24)
        distans = "Riktlinje för distansarbete i Lunds kommun"
        year = held.year + (held.month >= 6)
        budget = f"Budget {year} och flerårsplan {year + 1}–{year + 2}"
        await b.matter(distans, "samverkan", "KK", CSG_UNIONS,
                       "Kommungemensam riktlinje för distansarbete: vilka tjänster som kan utföras på distans, högst två "
                       "dagar per vecka, arbetsmiljöansvar och utrustning i hemmet, försäkringsfrågor.", held - dt.timedelta(days=20))
        await b.matter(budget, "information", "KK", CSG_UNIONS,
                       f"Information enligt 19 § MBL om kommunstyrelsens förslag till budget {year} och flerårsplan {year + 1}–{year + 2}, "
                       "med ramar per nämnd och generellt effektiviseringskrav.", held - dt.timedelta(days=7))
        members = [chief_email("KK"), hr_email("KK"), *[b.reg.rep(u) for u in CSG_UNIONS]]
        common = dict(kind="samverkan", group=CSG_GROUP, start=(13, 0), minutes=120, place=f"{KRISTALLEN}, Stora salen",
                      chair=chief_email("KK"), minute_taker=hr_email("KK"), participants=members)
        if a := await b.meeting(title=f"Central samverkansgrupp, {month_title(held)}", day=held, **common):
            await self._formalities(a, ahead)
            await b.fill(a, "Information enligt 19 § MBL: ekonomi och verksamhet",
                         f"Ekonomidirektören presenterade budgetförslaget för {year}.", matter=budget,
                         positions=informed(CSG_UNIONS, {"Kommunal": "Kommunal framhåller att effektiviseringskraven inte "
                                                         "får leda till fler delade turer i vård och omsorg."}))
            await b.item(a, distans, "samverkan", after="Samverkansfrågor", matter=distans,
                         employer_position=f"Arbetsgivaren föreslår att kommunstyrelsen antar riktlinjen från {first_of(held, 2)}.",
                         positions=agreed(CSG_UNIONS, {"Akavia": "Akavia vill att riktlinjen följs upp efter ett år, "
                                                       "särskilt arbetsmiljön vid hemarbete."}))
            await b.status(a, "held")
            await b.close(a, distans)
            await b.event(b.matters[distans], "decision_taken", b.day(-30),
                          note="Kommunstyrelsen antog riktlinjen för distansarbete.")
        if a := await b.meeting(title=f"Central samverkansgrupp, {month_title(ahead)}", day=ahead, **common):
            await b.status(a, "planned")

    # --- negotiation meetings ----------------------------------------------------------------

    async def _negotiation(self, *, title: str, department: str, unions: list[str], day: dt.date, matter: str,
                           heading: str, question: str, employer_position: str, positions: list[Pos] = (),
                           closing: str = "", status: str = "held", close: bool = True,
                           start: tuple[int, int] = (13, 0), place: str = KRISTALLEN) -> Agenda | None:
        """A förhandling outside the samverkansgrupper (domain.md §6.2): parties, justerare, the
        question, the positions and the closing, held or ahead."""
        b = self.b
        people = [chief_email(department), hr_email(department), *[b.reg.rep(u) for u in unions]]
        a = await b.meeting(title=title, kind="negotiation", department=department, unions=unions, day=day, start=start,
                            minutes=90, place=place, chair=hr_email(department), minute_taker=hr_email(department),
                            participants=people, approvers={None: chief_email(department), **{u: b.reg.rep(u) for u in unions}})
        if a is None:
            return None
        held = status == "held"
        await b.item(a, "Mötets öppnande", "formalities", text="Arbetsgivarens förhandlingsledare öppnade förhandlingen." if held else "")
        await b.item(a, "Val av justerare", "formalities",
                     text="Arbetsgivaren för protokollet. Det justeras av förvaltningschefen för arbetsgivaren och av "
                          "respektive förbunds ombud." if held else "")
        await b.item(a, heading, "negotiation", matter=matter, text=question, employer_position=employer_position,
                     positions=positions)
        await b.item(a, "Förhandlingens avslutande", "formalities", text=closing)
        await b.status(a, status)
        if held and close:
            await b.close(a, heading)
        return a

    async def journey_1(self) -> None:
        """Vision asks for negotiation about a member's schedule (10 §, 16 §); closed in disagreement."""
        b = self.b
        occurred = self.b.anchor - dt.timedelta(days=58)
        known = self.b.anchor - dt.timedelta(days=KNOWLEDGE_DAYS)
        received = b.day(-42)
        meeting = next_workday(received + dt.timedelta(days=9))  # within two weeks (16 § MBL)
        mid, new = await b.matter(
            JOURNEY_1, "dispute", "ASF", ["Vision"],
            "Vision påkallar förhandling enligt 10 § MBL om det arbetstidsschema som infördes för en medlem vid enheten "
            "för barn och unga. Vision anser att schemat lades om med kortare varsel än kollektivavtalet medger och utan "
            "att medlemmen hördes, och yrkar att det tidigare schemat återinförs och att utebliven OB-ersättning betalas ut.",
            received,
        )
        if new:
            await b.event(mid, "occurrence", occurred, "Vision", note="Det nya schemat började gälla.")
            await b.event(mid, "knowledge", known, "Vision", note="Medlemmen kontaktade Vision om schemat.")
            await b.event(mid, "request_received", received, "Vision", time=dt.time(10, 15),
                          note="Skriftlig förhandlingsframställan från Vision Lund, mottagen av HR via e-post.")
        await self._negotiation(
            title="Tvisteförhandling: arbetstidsschema, Vision", department="ASF", unions=["Vision"], day=meeting,
            matter=JOURNEY_1, heading="Förhandlingsfrågan: arbetstidsschema för socialsekreterare",
            question="Vision har påkallat förhandling om det schema som infördes för en medlem. Vision yrkar att det "
                     "tidigare schemat återinförs och att utebliven OB-ersättning betalas ut.",
            employer_position="Arbetsgivaren anser att schemat har lagts inom ramen för arbetsledningsrätten och med det "
                              "varsel som kollektivavtalet kräver, och avslår yrkandena.",
            positions=[Pos("Vision", "disagreement",
                           note="Vision vidhåller att schemaändringen strider mot kollektivavtalet och förbehåller sig "
                                "rätten att påkalla central förhandling.")],
            closing=f"Förhandlingen förklaras avslutad {swedish_date(meeting)} i oenighet.",
        )

    async def elevhalsan(self) -> None:
        """A primary negotiation (11 §) closed with two parties and adjourned with two: on hold."""
        b = self.b
        title = "Ny organisation för elevhälsan i grundskolan"
        parties = ["Sveriges Lärare", "Akademikerförbundet SSR", "Sveriges Psykologförbund", "Vårdförbundet"]
        sent, held, ahead = b.day(-30), b.day(-12), b.day(6)
        mid, new = await b.matter(
            title, "primary_negotiation", "BSF", parties,
            "Barn- och skolförvaltningen planerar att samla elevhälsans professioner (skolsköterskor, kuratorer, "
            "psykologer och specialpedagoger) i fyra geografiska team med gemensam ledning i stället för per skola. "
            "Beslutet får inte fattas förrän förhandlingen enligt 11 § MBL är avslutad med alla parter.",
            sent,
        )
        if new:
            await b.event(mid, "request_sent", sent, note="Förhandlingsframställan enligt 11 § MBL skickad till parterna.")
        heading = "Förhandlingsfrågan: elevhälsans organisation"
        if await self._negotiation(
            title="Förhandling enligt 11 § MBL: elevhälsans organisation", department="BSF", unions=parties, day=held,
            matter=title, heading=heading, start=(9, 0), close=False,
            question="Arbetsgivaren redogjorde för förslaget och konsekvensanalysen.",
            employer_position="Arbetsgivaren avser att införa fyra elevhälsoteam från och med höstterminen.",
            positions=[Pos("Sveriges Lärare", "agreement"), Pos("Vårdförbundet", "agreement"),
                       Pos("Akademikerförbundet SSR", note="SSR begär ajournering för att inhämta kuratorernas synpunkter."),
                       Pos("Sveriges Psykologförbund", note="Psykologförbundet vill se konsekvensanalysen för "
                           "psykologernas uppdrag innan förbundet tar ställning.")],
            closing="Förhandlingen avslutades i enighet med Sveriges Lärare och Vårdförbundet. Med Akademikerförbundet "
                    f"SSR och Sveriges Psykologförbund ajournerades den till {swedish_date(ahead)}.",
        ):
            for union in ("Sveriges Lärare", "Vårdförbundet"):
                await b.event(mid, "negotiation_closed", held, union, "agreement",
                              note="Förhandlingen avslutad i enighet; protokoll justeras.")
        await self._negotiation(
            title="Fortsatt förhandling enligt 11 § MBL: elevhälsans organisation", department="BSF",
            unions=["Akademikerförbundet SSR", "Sveriges Psykologförbund"], day=ahead, matter=title, heading=heading,
            status="called", start=(9, 0), question="Fortsatt förhandling efter ajournering.",
            employer_position="Arbetsgivaren har kompletterat konsekvensanalysen för kuratorer och psykologer.",
        )

    async def winter_roads(self) -> None:
        """Contracting out (38 §) decided before negotiation on synnerliga skäl, negotiated after."""
        b = self.b
        title = "Inhyrd entreprenör för vinterväghållning i Lund öster"
        parties = ["Kommunal", "Vision", "Sveriges Ingenjörer"]
        # In the winter just past: the latest 6 February at least a month ago.
        day = next_workday(last_date(2, 6, b.anchor - dt.timedelta(days=30)))
        meeting = next_workday(day + dt.timedelta(days=7))
        mid, new = await b.matter(
            title, "contracting_out", "TF", parties,
            "Entreprenören för vinterväghållning i Dalby, Södra Sandby och Veberöd har gått i konkurs mitt i säsongen. "
            "Tekniska förvaltningen behöver anlita en annan entreprenör för halkbekämpning och snöröjning under resten "
            "av vintern (38 § MBL).",
            day,
        )
        if new:
            await b.event(mid, "request_sent", day, note="Förhandlingsframställan enligt 38 § MBL skickad samma dag.")
            await b.event(mid, "exception_recorded", day,
                          note="Synnerliga skäl (38 § 3 st. MBL): entreprenören har gått i konkurs och halkbekämpningen "
                               "måste säkras omedelbart av trafiksäkerhetsskäl. Förhandling hålls inom en vecka.")
            await b.event(mid, "decision_taken", day, time=dt.time(15, 0),
                          note="Gatuchefen beslutade att avropa ramavtalet med ny entreprenör till och med 31 mars.")
        await self._negotiation(
            title="Förhandling enligt 38 § MBL: vinterväghållning Lund öster", department="TF", unions=parties, day=meeting,
            matter=title, heading="Förhandlingsfrågan: entreprenad för vinterväghållning",
            question="Arbetsgivaren redogjorde för konkursen, det fattade beslutet och skälen att inte vänta.",
            employer_position="Entreprenaden gäller till och med 31 mars; därefter utreds egen regi inför nästa säsong.",
            positions=[Pos("Kommunal", "disagreement",
                           reservation="Kommunal reserverar sig mot beslutet och anser att arbetet kunde ha utförts av "
                                       "kommunens egen driftpersonal med förstärkning."),
                       Pos("Vision", "agreement"),
                       Pos("Sveriges Ingenjörer", "agreement", note="Sveriges Ingenjörer vill delta i utredningen om egen regi.")],
            closing="Förhandlingen förklaras avslutad, i enighet med Vision och Sveriges Ingenjörer och i oenighet med Kommunal.",
        )

    async def waste_collection(self) -> None:
        """12 § on Kommunal's request, and 13 § with a union the kommun has no collective agreement with."""
        b = self.b
        title = "Ändrade turlistor och arbetstider i hämtningen av hushållsavfall"
        received, meeting = b.day(-140), b.day(-131)
        mid, new = await b.matter(
            title, "negotiation_on_request", "LRV", ["Kommunal"],
            "Kommunal begär förhandling enligt 12 § MBL om Lunds Renhållningsverks förslag till nya turlistor med start "
            "kl. 6.00 i stället för 6.30 och fyradagarsvecka för tömning av matavfall.",
            received,
        )
        if new:
            await b.event(mid, "request_received", received, "Kommunal", note="Framställan från Kommunal sektion Lund.")
        if await self._negotiation(
            title="Förhandling enligt 12 § MBL: turlistor i avfallshämtningen", department="LRV", unions=["Kommunal"],
            day=meeting, matter=title, heading="Förhandlingsfrågan: nya turlistor", start=(7, 30),
            question="Kommunal har påkallat förhandling om förslaget till nya turlistor.",
            employer_position=f"Arbetsgivaren föreslår att de nya turlistorna införs från {first_of(meeting)}, med utvärdering efter sex månader.",
            positions=[Pos("Kommunal", "agreement", note="Kommunal är överens under förutsättning att utvärderingen görs tillsammans med skyddsombudet.")],
            closing="Parterna är överens. Förhandlingen förklaras avslutad i enighet.",
        ):
            await b.event(mid, "decision_taken", next_workday(meeting + dt.timedelta(days=10)),
                          note=f"Renhållningsdirektören beslutade om nya turlistor från {first_of(meeting)}.")

        title13 = "Förhandling enligt 13 § MBL: arbetstider för chaufförer i slamtömningen"
        sent = b.day(-200)
        mid, new = await b.matter(
            title13, "negotiation_13", "LRV", ["Transport"],
            "Frågan angår särskilt chaufförer i slamtömningen som är medlemmar i Svenska Transportarbetareförbundet, som "
            "kommunen inte har kollektivavtal med. Arbetsgivaren förhandlar därför med Transport avdelning 10 enligt 13 § "
            "MBL, och beslutar först när den förhandlingen är avslutad (13 § hänvisar till 11 och 12 §§).",
            sent,
        )
        if new:
            held = next_workday(sent + dt.timedelta(days=8))
            await b.event(mid, "request_sent", sent, "Transport", note="Förhandlingsframställan skickad till Transport avd. 10.")
            await b.event(mid, "meeting_held", held, "Transport", time=dt.time(8, 0),
                          note="Förhandling med Transport i Renhållningsverkets lokaler; protokoll i akten.")
            await b.event(mid, "negotiation_closed", held, "Transport", outcome="agreement")
            await b.event(mid, "decision_taken", next_workday(sent + dt.timedelta(days=20)),
                          note=f"Ny arbetstidsförläggning i slamtömningen från {first_of(sent, 2)}.")

    async def serviceforvaltningen(self) -> None:
        """An individärende (personal data) and a skyddsombud's request (6 kap. 6 a § AML)."""
        b = self.b
        title = "Tvist om löneavdrag för medlem i Kommunal (individärende)"
        occurred, known = b.anchor - dt.timedelta(days=79), b.anchor - dt.timedelta(days=71)
        received = b.day(-66)
        meeting = next_workday(received + dt.timedelta(days=8))
        mid, new = await b.matter(
            title, "dispute", "SF", ["Kommunal"],
            "Kommunal yrkar att ett löneavdrag för sjukfrånvaro som gjorts för en medlem (lokalvårdare, "
            "anställningsnummer 40213) betalas tillbaka, eftersom sjukanmälan gjordes i tid. Uppgifter om hälsa: "
            "hanteras som individärende.",
            received, personal_data=True,
        )
        if new:
            await b.event(mid, "occurrence", occurred, "Kommunal", note="Löneutbetalning med avdraget.")
            await b.event(mid, "knowledge", known, "Kommunal", note="Medlemmen kontaktade Kommunal.")
            await b.event(mid, "request_received", received, "Kommunal", note="Förhandlingsframställan från Kommunal.")
        await self._negotiation(
            title="Tvisteförhandling: löneavdrag, Kommunal", department="SF", unions=["Kommunal"], day=meeting, matter=title,
            heading="Förhandlingsfrågan: löneavdrag för sjukfrånvaro", place="Digitalt (Teams)",
            question="Kommunal yrkar återbetalning av löneavdraget.",
            employer_position="Arbetsgivaren har kontrollerat sjukanmälan och medger yrkandet. Beloppet betalas ut med nästa lön.",
            positions=[Pos("Kommunal", "agreement")],
            closing="Parterna är överens. Förhandlingen förklaras avslutad i enighet.",
        )

        title_aml = "Skyddsombudets begäran: värme och ventilation i tillagningsköket Östra Torn"
        received = next_workday(last_date(6, 16, b.anchor - dt.timedelta(days=14)))  # the summer just past
        mid, new = await b.matter(
            title_aml, "work_environment", "SF", ["Kommunal"],
            "Skyddsombudet för Kommunal begär enligt 6 kap. 6 a § AML åtgärder mot temperaturer över 30 °C i "
            "tillagningsköket under sommaren: fungerande ventilation, kylning och tillfälliga åtgärder tills vidare. "
            "Arbetsgivaren ska lämna skriftligt svar utan dröjsmål.",
            received,
        )
        if new:
            await b.event(mid, "request_received", received, "Kommunal",
                          note="Begäran enligt 6 kap. 6 a § AML från skyddsombudet, mottagen av köksansvarig.")
            await b.event(mid, "decision_taken", next_workday(received + dt.timedelta(days=6)),
                          note="Skriftligt svar: tillfällig kylning installeras omgående och ventilationen byts före nästa sommar.")

    async def flextid(self) -> None:
        """'Other': a local collective agreement, negotiated and signed."""
        b = self.b
        title = "Lokalt kollektivavtal om flexibel arbetstid vid stadsbiblioteket"
        sent, meeting = b.day(-212), b.day(-203)
        mid, new = await b.matter(
            title, "other", "KFF", ["DIK", "Vision"],
            "Förhandling om ett lokalt kollektivavtal om flexibel arbetstid för bibliotekarier och biblioteksassistenter "
            "vid stadsbiblioteket och filialerna, med ramtid 7.00–19.00 och avstämning per månad.",
            sent,
        )
        if new:
            await b.event(mid, "request_sent", sent, note="Förslag till avtal skickat till DIK och Vision.")
        if await self._negotiation(
            title="Förhandling: flexavtal för stadsbiblioteket", department="KFF", unions=["DIK", "Vision"], day=meeting,
            matter=title, heading="Förhandlingsfrågan: lokalt avtal om flexibel arbetstid",
            question="Parterna gick igenom förslaget till lokalt kollektivavtal paragraf för paragraf.",
            employer_position=f"Arbetsgivaren föreslår att avtalet gäller från {first_of(meeting)} och tills vidare med tre månaders uppsägningstid.",
            positions=[Pos("DIK", "agreement", note="DIK vill att avtalet utvärderas efter ett år."), Pos("Vision", "agreement")],
            closing="Parterna är överens om avtalet enligt bilaga. Förhandlingen förklaras avslutad i enighet.",
        ):
            await b.event(mid, "decision_taken", next_workday(meeting + dt.timedelta(days=5)),
                          note="Avtalet undertecknat av kultur- och fritidsdirektören och förbunden.")

    async def registered_negotiations(self) -> None:
        """Primary negotiations whose course is registered as events only (the protocols are in the diary)."""
        b = self.b
        title = "Ny organisation för miljöförvaltningens tillsynsavdelning"
        sent = b.day(-100)
        mid, new = await b.matter(
            title, "primary_negotiation", "MF", ["Naturvetarna", "Vision"],
            "Tillsynsavdelningen delas i två enheter, livsmedel och hälsoskydd respektive miljöskydd, var och en med en "
            "enhetschef. Inspektörernas placering utgår från nuvarande tillsynsområden.",
            sent,
        )
        if new:
            held = next_workday(sent + dt.timedelta(days=10))
            await b.event(mid, "request_sent", sent, note="Förhandlingsframställan enligt 11 § MBL.")
            await b.event(mid, "meeting_held", held, time=dt.time(10, 0))
            for union in ("Naturvetarna", "Vision"):
                await b.event(mid, "negotiation_closed", held, union, "agreement", note="Parterna är överens.")
            await b.event(mid, "protocol_approved", next_workday(held + dt.timedelta(days=7)),
                          note="Protokollet justerat av båda parter.")
            await b.event(mid, "decision_taken", next_workday(held + dt.timedelta(days=9)),
                          note="Miljödirektören beslutade om den nya organisationen.")

        title = "Flytt av SFI-undervisningen till vuxenutbildningens gemensamma lokaler"
        sent = b.day(-250)
        mid, new = await b.matter(
            title, "primary_negotiation", "UF", ["Sveriges Lärare", "Vision"],
            "Utbildningsförvaltningen samlar SFI och övrig vuxenutbildning i samma lokaler. Lärarna får nya arbetsrum "
            "och längre restid mellan undervisningslokalerna under en övergångsperiod.",
            sent,
        )
        if new:
            held = next_workday(sent + dt.timedelta(days=9))
            await b.event(mid, "request_sent", sent, note="Förhandlingsframställan enligt 11 § MBL.")
            await b.event(mid, "meeting_held", held, time=dt.time(14, 0))
            await b.event(mid, "negotiation_closed", held, "Sveriges Lärare", "disagreement",
                          note="Sveriges Lärare anser att arbetsrummen inte räcker och lämnar en protokollsanteckning.")
            await b.event(mid, "negotiation_closed", held, "Vision", "agreement", note="Parterna är överens.")
            await b.event(mid, "decision_taken", next_workday(held + dt.timedelta(days=14)),
                          note="Utbildningsdirektören beslutade om flytten.")

    async def employer_claim(self) -> None:
        """Issue 16: the kommun claims (64–66 §§ bind the employer), and asked for negotiation after
        64 §'s four months: the deadline reads "fullgjord för sent"."""
        b = self.b
        title = "Arbetsgivarens krav: återbetalning av felaktigt utbetald facklig ersättning"
        known, sent = b.day(-200), b.day(-70)
        mid, new = await b.matter(
            title, "dispute", "SF", ["Kommunal"],
            "Kommunen kräver att Kommunal betalar tillbaka ersättning för facklig tid som betalats ut två gånger. "
            "Kommunen är den som kräver och ska därför påkalla förhandling och väcka talan i tid (64–66 §§ MBL).",
            known, claimant="employer",
        )
        if new:
            await b.event(mid, "knowledge", known, note="Löneenheten upptäckte dubbelutbetalningen.")
            await b.event(mid, "request_sent", sent, "Kommunal", note="Förhandlingsframställan skickad till Kommunal.")
            await b.event(mid, "meeting_held", next_workday(sent + dt.timedelta(days=7)), "Kommunal",
                          note="Kommunal invände att kravet framställts för sent (64 § MBL).")

    async def central_negotiation(self) -> None:
        """Journey 2 goes on: Kommunal's central negotiation (14 §) is requested and booked, not held."""
        b = self.b
        merger = "Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby"
        title = f"Central förhandling enligt 14 § MBL: {merger.lower()}"
        received = next_workday(self.fsg[3] + dt.timedelta(days=4))
        mid, new = await b.matter(
            title, "central_negotiation", "VOF", ["Kommunal"],
            "Kommunal (förbundet, avdelning Södra Skåne) har påkallat central förhandling efter oenighet i "
            "förvaltningens samverkansgrupp. Sammanslagningen får inte beslutas förrän den centrala förhandlingen är avslutad.",
            received,
        )
        if new:
            await b.event(mid, "request_received", received, "Kommunal",
                          note="Skriftlig begäran om central förhandling från Kommunal avdelning Södra Skåne.")
        await self._negotiation(
            title="Central förhandling enligt 14 § MBL: hemtjänsten Dalby och Södra Sandby", department="VOF",
            unions=["Kommunal"], day=b.day(16), matter=title, heading="Förhandlingsfrågan: sammanslagning av hemtjänstgrupper",
            status="planned", question="Central förhandling efter oenighet i FSG.",
            employer_position="Arbetsgivaren står fast vid förslaget och har kompletterat handlingsplanen för ensamarbete kvällstid.",
        )
