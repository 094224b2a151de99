"""Warnings about a meeting's date, as data: plain values in, ``Warning``s out. Pure (no web, no
database), so the service, the pages, the group page and others compute them the same way.

- ``cadence``: a skyddskommitté "bör sammanträda minst en gång var tredje månad" (8 a §
  arbetsmiljöförordningen, AMF8a-SK-MEET as the rule set says); a group with its own meeting
  interval (``cadence_months``) the same with that interval. Warned when the gap from the
  group's previous meeting, or to its next one, is longer.
- ``notice_late``: the kallelse with the agenda goes out the agreement's notice time before the
  meeting (SKR-SAMV-INVITE, two weeks by default): warned when it was sent later, or when it is
  not sent and that day has passed.
- ``in_past``: a planned or called meeting that starts before now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samverkan.deadlines.catalogue import Rule

CADENCE_RULE = "AMF8a-SK-MEET"
NOTICE_RULE = "SKR-SAMV-INVITE"
GROUP_RULE = "GROUP-CADENCE"  # a group's own interval (cadence_months), not a catalogue rule
PLANNING = ("planned", "called")  # warnings are about planning: a held or cancelled meeting has none

_UNITS = {"days": ("dag", "dagar"), "weeks": ("vecka", "veckor"), "months": ("månad", "månader"),
          "years": ("år", "år"), "working_days": ("arbetsdag", "arbetsdagar")}


@dataclass(frozen=True)
class Warning:
    code: str  # cadence, notice_late, in_past
    text: str  # Swedish, for people


def span(length: int, unit: str) -> str:
    """'3 månader', '1 vecka'."""
    one, many = _UNITS.get(unit, (unit, unit))
    return f"{length} {one if length == 1 else many}"


def in_past(starts_at: dt.datetime, now: dt.datetime) -> Warning | None:
    if starts_at >= now:
        return None
    return Warning("in_past", "Mötet ligger bakåt i tiden: det börjar före nu. Stämmer datum och tid?")


def cadence(day: dt.date, previous: dt.date | None, following: dt.date | None, rule: Rule) -> list[Warning]:
    """The gaps before and after a meeting on ``day`` against the group's interval (``rule``, see
    ``cadence_rule``)."""
    who = ("Skyddskommittén bör sammanträda minst en gång var tredje månad (8 a § arbetsmiljöförordningen)"
           if rule.id == CADENCE_RULE else "Gruppen sammanträder enligt sitt mötesintervall")
    every = span(rule.length, rule.unit)
    out = []
    if previous is not None and day > (last := rule.due(previous).due):
        out.append(Warning("cadence", f"Mer än {every} sedan gruppens föregående möte {previous.isoformat()}: "
                                      f"nästa möte borde hållas senast {last.isoformat()}. {who}."))
    if following is not None and following > (last := rule.due(day).due):
        out.append(Warning("cadence", f"Mer än {every} till gruppens nästa möte {following.isoformat()}: "
                                      f"det borde hållas senast {last.isoformat()}. {who}."))
    return out


def notice_late(day: dt.date, rule: Rule, *, called_on: dt.date | None, today: dt.date) -> Warning | None:
    """The kallelse is due ``rule`` before the meeting's ``day``; ``called_on`` is when it went out."""
    last = rule.due(day).due
    when = f"{span(rule.length, rule.unit)} före mötet enligt samverkansavtalet"
    if called_on is not None:
        if called_on <= last:
            return None
        return Warning("notice_late", f"Kallelsen gick ut {called_on.isoformat()}, senare än {last.isoformat()} ({when}).")
    if today <= last:
        return None
    return Warning("notice_late", f"Kallelsen med dagordning skulle ha gått ut senast {last.isoformat()} ({when}).")


def cadence_rule(committee_rule: Rule, *, safety_committee: bool, cadence_months: int | None) -> Rule | None:
    """The interval a group keeps: the skyddskommitté rule, or the group's own interval, or none.
    When both apply the shorter one counts."""
    own = Rule(GROUP_RULE, "Gruppens mötesintervall", "Gruppens mötesintervall", committee_rule.trigger, cadence_months,
               "months", adjust=False, statutory=False) if cadence_months else None
    if not safety_committee:
        return own
    if own is None:
        return committee_rule
    probe = dt.date(2001, 1, 1)
    return own if own.due(probe).due < committee_rule.due(probe).due else committee_rule
