"""Pure domain rules of matters: kinds, event types, per-party state, the decision hold and the
series of diary numbers.

No web or database imports: these functions take plain values and are tested on their own.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Kind:
    label: str  # Swedish
    basis: str  # legal basis, shown beside the label
    hold: bool  # the employer may not decide before negotiation is complete


KINDS: dict[str, Kind] = {
    "primary_negotiation": Kind("Primär förhandling", "11 § MBL", hold=True),
    "negotiation_on_request": Kind("Förhandling på begäran", "12 § MBL", hold=True),
    # 13 §: negotiation "enligt vad som sägs i 11 och 12 §§"; 14 § 2 st.: the decision waits for the central one.
    "negotiation_13": Kind("Förhandling med organisation utan kollektivavtal", "13 § MBL", hold=True),
    "central_negotiation": Kind("Central förhandling", "14 § MBL", hold=True),
    "contracting_out": Kind("Entreprenad och inhyrning", "38 § MBL", hold=True),
    "information": Kind("Information", "19 § MBL", hold=False),
    "samverkan": Kind("Samverkan", "Samverkansavtalet (ersätter 11 och 19 §§ MBL)", hold=True),
    "work_environment": Kind("Arbetsmiljö", "AML 6 kap.", hold=False),
    "dispute": Kind("Tvisteförhandling", "10 och 64 §§ MBL", hold=False),
    "other": Kind("Övrigt", "", hold=False),
}

NEGOTIATING = {"primary_negotiation", "negotiation_on_request", "negotiation_13", "central_negotiation",
               "contracting_out", "dispute", "other"}
LOCAL = NEGOTIATING - {"central_negotiation"} | {"samverkan"}


@dataclass(frozen=True)
class EventType:
    label: str
    kinds: frozenset[str]  # the matter kinds it fits
    union: str  # "required", "optional" or "none"
    outcomes: frozenset[str] = frozenset()  # allowed outcomes; empty: none
    note_required: bool = False


ALL_KINDS = frozenset(KINDS)

EVENT_TYPES: dict[str, EventType] = {
    "request_received": EventType("Framställan mottagen", frozenset(NEGOTIATING | {"work_environment"}), "optional"),
    "request_sent": EventType("Framställan skickad", frozenset(NEGOTIATING), "optional"),
    "meeting_held": EventType("Möte hållet", ALL_KINDS, "optional"),
    "negotiation_closed": EventType(
        "Förhandlingen avslutad", frozenset(NEGOTIATING | {"samverkan"}), "required",
        frozenset({"agreement", "disagreement"}),
    ),
    "withdrawal_notice": EventType("Frånträdesbesked (16 § 3 st. MBL)", frozenset(NEGOTIATING), "required"),
    "central_requested": EventType("Central förhandling begärd (14 § MBL)", frozenset(LOCAL), "required"),
    "central_closed": EventType(
        "Central förhandling avslutad", frozenset(LOCAL), "required", frozenset({"agreement", "disagreement"}),
    ),
    "veto": EventType("Veto (39 § MBL)", frozenset({"contracting_out"}), "required", note_required=True),
    "veto_lifted": EventType("Vetot hävt eller underkänt av domstol (39–41 §§ MBL)", frozenset({"contracting_out"}), "required",
                             note_required=True),
    "negotiation_hindered": EventType("Förhandlingen kunde inte hållas (65 § 2 st. MBL)", frozenset({"dispute", "other"}), "optional"),
    "suit_filed": EventType("Talan väckt", frozenset(NEGOTIATING), "optional"),
    # 33–35 §§: the union's interpretation applies until the employer, who must "omedelbart påkalla
    # förhandling", has negotiated and sued within 37 §'s ten days.
    "priority_claimed": EventType("Tolkningsföreträde gjort gällande (33–35 §§ MBL)", frozenset({"dispute", "other"}), "required"),
    "secrecy_disagreement": EventType("Förhandling om tystnadsplikt avslutad utan enighet (21 § MBL)", frozenset(NEGOTIATING),
                                      "optional"),
    "transfer_notice": EventType("Besked om övergång av verksamhet (28 § MBL)", frozenset(NEGOTIATING), "required"),
    "knowledge": EventType("Kännedom om omständigheten (64 § MBL)", frozenset({"dispute", "other"}), "optional"),
    "occurrence": EventType("Omständigheten inträffade (64 § MBL)", frozenset({"dispute", "other"}), "optional"),
    "decision_taken": EventType("Beslut fattat", ALL_KINDS - {"dispute"}, "none"),
    "exception_recorded": EventType(
        "Undantag: beslut före avslutad förhandling", frozenset(k for k, v in KINDS.items() if v.hold), "none",
        note_required=True,
    ),
    "protocol_approved": EventType("Protokoll justerat", ALL_KINDS, "optional"),
}

OUTCOME_LABELS = {"agreement": "enighet", "disagreement": "oenighet", "informed": "informerad"}


class RuleError(ValueError):
    """A value that breaks a rule of the domain; ``field`` names the input it concerns."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_event(kind: str, type: str, union_id: int | None, outcome: str | None, note: str,
                party_ids: Iterable[int]) -> None:
    """Raise RuleError when an event does not fit its matter."""
    spec = EVENT_TYPES[type]
    if kind not in spec.kinds:
        raise RuleError(f"Händelsen ”{spec.label}” hör inte till ett ärende av typen {KINDS[kind].label.lower()}.", "type")
    if spec.union == "required" and union_id is None:
        raise RuleError(f"Ange vilken facklig part händelsen ”{spec.label}” gäller.", "union_id")
    if spec.union == "none" and union_id is not None:
        raise RuleError(f"Händelsen ”{spec.label}” gäller inte en enskild facklig part.", "union_id")
    if union_id is not None and union_id not in set(party_ids):
        raise RuleError("Fackförbundet är inte part i ärendet.", "union_id")
    if spec.outcomes and outcome is None and type == "negotiation_closed":
        raise RuleError("Ange utfallet: enighet eller oenighet.", "outcome")
    if outcome is not None and outcome not in spec.outcomes:
        raise RuleError(f"Händelsen ”{spec.label}” har inget sådant utfall.", "outcome")
    if spec.note_required and not note.strip():
        if type == "exception_recorded":
            raise RuleError(f"Ange skälen ({exception_grounds(kind)}) för undantaget.", "note")
        raise RuleError(f"Ange grunderna för händelsen ”{spec.label}”.", "note")


@dataclass(frozen=True)
class Fact:
    """An event as the rules see it."""

    type: str
    date: dt.date
    union_id: int | None = None
    outcome: str | None = None
    note: str = ""


PARTY_STATE_LABELS = {
    "open": "Pågår",
    "agreement": "Avslutad i enighet",
    "disagreement": "Avslutad i oenighet",
    "withdrawn": "Avslutad genom frånträdesbesked",
    "central_requested": "Central förhandling begärd",
    "central_agreement": "Central förhandling avslutad i enighet",
    "central_disagreement": "Central förhandling avslutad i oenighet",
    "veto": "Veto (39 § MBL)",
}


# Events of one day happen in this order: a negotiation closes before central negotiation is
# requested, which comes before the central one closes. (Not left to the database's row order.)
_SAME_DAY_ORDER = {"negotiation_closed": 0, "withdrawal_notice": 0, "central_requested": 1, "central_closed": 2, "veto": 3,
                   "veto_lifted": 4}


def party_state(union_id: int, facts: list[Fact]) -> str:
    """Where the negotiation with one union stands, from its events in date order."""
    state = "open"
    for fact in sorted(facts, key=lambda f: (f.date, _SAME_DAY_ORDER.get(f.type, 0))):
        if fact.union_id != union_id:
            continue
        if fact.type == "negotiation_closed":
            state = fact.outcome or "agreement"
        elif fact.type == "withdrawal_notice" and state == "open":
            state = "withdrawn"
        elif fact.type == "central_requested":
            state = "central_requested"
        elif fact.type == "central_closed":
            state = f"central_{fact.outcome or 'agreement'}"
        elif fact.type == "veto":
            state = "veto"
        elif fact.type == "veto_lifted" and state == "veto":
            state = "central_disagreement"
    return state


@dataclass(frozen=True)
class Hold:
    decision_allowed: bool
    reason: str | None  # Swedish, for people; None when a decision is allowed without remark
    status: str  # open, on_hold, closed, decided
    party_states: dict[int, str]


def _names(ids: list[int], union_names: dict[int, str]) -> str:
    names = sorted(union_names.get(i, f"förbund {i}") for i in ids)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def exception_grounds(kind: str) -> str:
    """What the law asks of a decision before negotiation is done: 12 § 2 st. "särskilda skäl";
    11 § 2 st. (and 13 §, 14 § 2 st., 38 § through them, and samverkan in 11 §'s place) "synnerliga skäl"."""
    return "särskilda skäl" if kind == "negotiation_on_request" else "synnerliga skäl"


def decision_hold(kind: str, party_ids: list[int], facts: list[Fact], union_names: dict[int, str]) -> Hold:
    """May the employer decide? For the hold kinds (11–14 and 38 §§ MBL, samverkan) only when
    negotiation is closed with every party and no requested central negotiation is open, unless an
    exception is recorded with its reasons. A 39 § veto holds whatever else: the employer "får ...
    inte fatta beslut om eller verkställa" the measure until it is lifted (or a court sets it aside)."""
    states = {u: party_state(u, facts) for u in party_ids}
    decided = any(f.type == "decision_taken" for f in facts)
    open_parties = [u for u, s in states.items() if s == "open"]
    central_open = [u for u, s in states.items() if s == "central_requested"]
    vetoed = [u for u, s in states.items() if s == "veto"]
    negotiation_done = bool(party_ids) and not open_parties and not central_open
    exceptions = [f for f in facts if f.type == "exception_recorded"]

    if not KINDS[kind].hold:
        status = "decided" if decided else ("closed" if negotiation_done else "open")
        return Hold(True, None, status, states)
    if vetoed:
        reason = (f"{_names(vetoed, union_names)} har lagt veto (39 § MBL). Arbetsgivaren får inte fatta beslut om eller "
                  "verkställa åtgärden förrän vetot hävs eller domstol har funnit att det saknar grund (40–41 §§ MBL).")
        return Hold(False, reason, "decided" if decided else "on_hold", states)
    if exceptions:
        latest = max(exceptions, key=lambda f: f.date)
        reason = f"Undantag registrerat {latest.date.isoformat()}: {latest.note.strip()}"
        return Hold(True, reason, "decided" if decided else "closed", states)
    if negotiation_done:
        return Hold(True, None, "decided" if decided else "closed", states)

    if not party_ids:
        reason = "Inga fackliga parter är angivna, så ingen förhandling kan ha avslutats."
    else:
        parts = []
        if open_parties:
            parts.append(f"Förhandlingen är inte avslutad med {_names(open_parties, union_names)}.")
        if central_open:
            parts.append(f"{_names(central_open, union_names)} har begärt central förhandling (14 § MBL) som inte är avslutad.")
        reason = " ".join(parts)
    reason += (" Arbetsgivaren får inte besluta förrän förhandlingen är avslutad, om inte ett undantag "
               f"({exception_grounds(kind)}) registreras.")
    return Hold(False, reason, "decided" if decided else "on_hold", states)


def sequence_error(type: str, date: dt.date, union_id: int | None, facts: list[Fact], union_name: str = "parten") -> RuleError | None:
    """Whether an event can be true given the others (``facts``: the matter's other events).

    - A frånträdesbesked (16 § 3 st.) is given by a party "som har fullgjort sin
      förhandlingsskyldighet": not before a negotiation meeting with that union was held, and not
      once its negotiation is already closed.
    - A 39 § veto follows a central negotiation closed in disagreement; it is lifted only once laid.
    """
    mine = [f for f in facts if f.union_id == union_id]
    if type == "withdrawal_notice":
        meetings = sorted(f.date for f in facts if f.type == "meeting_held" and f.union_id in (None, union_id))
        ended = sorted(f.date for f in mine if f.type in ("negotiation_closed", "withdrawal_notice") and f.date <= date)
        if ended:
            return RuleError(f"Förhandlingen med {union_name} avslutades redan {ended[0].isoformat()}; ett frånträdesbesked "
                             "kan inte ges efter det.", "type")
        if not meetings:
            return RuleError(f"Inget förhandlingssammanträde med {union_name} har hållits. Ett frånträdesbesked kan ges först "
                             "när förhandlingsskyldigheten är fullgjord (16 § 3 st. MBL).", "type")
        if meetings[0] > date:
            return RuleError(f"Frånträdesbeskedet är daterat {date.isoformat()}, före förhandlingssammanträdet med {union_name} "
                             f"den {meetings[0].isoformat()}. Ange ett datum då sammanträdet hade hållits.", "date")
    elif type == "veto":
        if not any(f.type == "central_closed" and f.outcome == "disagreement" and f.date <= date for f in mine):
            return RuleError(f"Veto (39 § MBL) kan läggas först när den centrala förhandlingen med {union_name} har avslutats i "
                             "oenighet.", "type")
    elif type == "veto_lifted":
        if not any(f.type == "veto" and f.date <= date for f in mine):
            return RuleError(f"{union_name} har inte lagt något veto före {date.isoformat()}.", "type")
    return None


# --- diary numbers -----------------------------------------------------------


def diary_head(pattern: str, prefix: str, year: int) -> str:
    """The text before the serial, which makes a series: "KS 2026/" for "{prefix} {year}/{serial:04d}"."""
    return pattern.split("{serial")[0].format(prefix=prefix, year=year)


def serial_in(head: str, diary_no: str) -> int | None:
    """The serial of a number in the series: its leading digits after the head (numbers entered
    by hand count too, whatever follows them)."""
    found = re.match(r"\d+", diary_no[len(head):]) if diary_no.startswith(head) else None
    return int(found.group()) if found else None


def series_of(pattern: str, diary_no: str) -> tuple[str, str | None, int] | None:
    """(head, prefix, serial) of a number written in the pattern's form up to its serial, such as
    one entered by hand, or None."""
    regex = ""
    for literal, field, _, _ in string.Formatter().parse(pattern.split("{serial")[0]):
        regex += re.escape(literal) + {"prefix": "(?P<prefix>.+?)", "year": r"\d{4}", None: ""}[field]
    found = re.match(regex + r"(?P<serial>\d+)", diary_no)
    if found is None:
        return None
    return diary_no[:found.start("serial")], found.groupdict().get("prefix"), int(found.group("serial"))
