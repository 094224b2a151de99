"""Pure rules of SAM: the risk matrix, the AFS 2023:1 checklist, the action plan's states and
the Swedish words for them all. No web or database imports."""

from __future__ import annotations

import datetime as dt

LEVELS = ("low", "medium", "high", "very_high")
LEVEL_LABELS = {"low": "Låg", "medium": "Medel", "high": "Hög", "very_high": "Mycket hög"}
_LETTERS = {"L": "low", "M": "medium", "H": "high", "V": "very_high"}


def level(matrix: tuple[str, ...], likelihood: int, consequence: int) -> str:
    """The level at (likelihood, consequence) of a matrix of four rows of four letters."""
    return _LETTERS[matrix[likelihood - 1][consequence - 1]]


def matrix_rows(matrix: tuple[str, ...]) -> list[list[str]]:
    """The matrix as levels, likelihood 4 (the top row, as it is drawn) down to 1."""
    return [[_LETTERS[letter] for letter in matrix[likelihood - 1]] for likelihood in (4, 3, 2, 1)]


LIKELIHOOD_LABELS = {1: "Osannolik", 2: "Möjlig", 3: "Sannolik", 4: "Mycket sannolik"}
CONSEQUENCE_LABELS = {1: "Liten", 2: "Måttlig", 3: "Allvarlig", 4: "Mycket allvarlig"}

REASONS = {"change": "Förändring i verksamheten", "routine": "Återkommande riskbedömning"}
PARTICIPANT_ROLES = {
    "manager": "Chef", "safety_rep": "Skyddsombud", "chief_safety_rep": "Huvudskyddsombud", "employee": "Medarbetare",
    "hr": "HR", "occupational_health": "Företagshälsovård", "other": "Annan",
}
SAFETY_REP_ROLES = {"safety_rep", "chief_safety_rep"}

# The action plan. A struck action is kept, with why, not deleted.
STATUSES = {"planned": "Planerad", "in_progress": "Pågår", "done": "Klar", "cancelled": "Struken"}
OPEN_STATUSES = ("planned", "in_progress")

# AFS 2023:1's elements of systematic work-environment management, in its order (domain.md §4.2).
CHECKLIST = {
    "participation": "Medverkan från arbetstagare och skyddsombud",
    "policy": "Arbetsmiljöpolicy",
    "routines": "Rutiner",
    "task_distribution": "Uppgiftsfördelning",
    "knowledge": "Kunskaper",
    "risk_assessment": "Undersökning och riskbedömning",
    "investigation": "Utredning av ohälsa, olyckor och allvarliga tillbud",
    "measures": "Åtgärder",
}
ANSWERS = {"yes": "Ja", "partly": "Delvis", "no": "Nej"}


def action_state(status: str, due: dt.date, today: dt.date) -> str:
    """"overdue" for an open action past its day; else the status."""
    return "overdue" if status in OPEN_STATUSES and due < today else status


def action_error(status: str, done_on: dt.date | None, due: dt.date, not_before: dt.date | None,
                 today: dt.date) -> tuple[str, str] | None:
    """What is wrong with an action's dates and status: (field, Swedish message), or None."""
    if not_before is not None and due < not_before:
        return "due", f"Sista dagen kan inte vara före riskbedömningen eller uppföljningen ({not_before.isoformat()})."
    if status == "done" and done_on is None:
        return "done_on", "Ange när åtgärden blev klar."
    if status != "done" and done_on is not None:
        return "done_on", "Ett klart-datum hör bara till en klar åtgärd."
    if done_on is not None and done_on > today:
        return "done_on", "Klart-datumet kan inte ligga i framtiden."
    if done_on is not None and not_before is not None and done_on < not_before:
        return "done_on", "Åtgärden kan inte ha blivit klar före riskbedömningen."
    return None


def request_state(acknowledged_on: dt.date | None, answered_on: dt.date | None) -> str:
    if answered_on:
        return "answered"
    return "acknowledged" if acknowledged_on else "received"


REQUEST_STATES = {"received": "Mottagen, inte bekräftad", "acknowledged": "Bekräftad, väntar på besked", "answered": "Besvarad"}
