"""The mail texts: Jinja templates in templates/mail/, plain text; the first line is the subject."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from samverkan.deadlines.calendar import WEEKDAYS
from samverkan.paths import templates_dir


def _long_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


# Every kind of outbox message, as /utkorg names it (tests/test_outbox_kinds.py finds every kind
# planned in the code and fails when one is missing here).
KIND_LABELS = {
    "reminder": "Påminnelse", "escalation": "Eskalering", "digest": "Daglig sammanfattning", "rule_change": "Ändrad frist",
    "justering": "Protokoll att justera", "protocol": "Justerat protokoll", "comment": "Synpunkt på protokoll",
    "proposal": "Förslag till ändring", "decision": "Svar på förslag", "break_glass": "Nödinloggning",
    "notice": "Kallelse", "agenda_proposal": "Förslag till dagordning", "question_answer": "Svar på fråga",
}


def kind_label(kind: str) -> str:
    """A kind added without a label still shows (as "Meddelande (kind)") rather than failing the page."""
    return KIND_LABELS.get(kind) or f"Meddelande ({kind})"


SUBJECT_LENGTH = 160  # characters; a mail client shows about the first 60 anyway
_BREAKS = re.compile(r"\s+")


def _unfit(c: str) -> bool:
    # Control characters, line and paragraph separators, lone surrogates, and noncharacters.
    return unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") or 0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE


def one_line(text: str, limit: int) -> str:
    """Text fit for a mail header: control characters (CR and LF among them, which would end the
    header or make the mail library refuse it) become spaces, runs of spaces one; longer than
    `limit`, it is cut after the last whole word that fits and ends with "…"."""
    text = _BREAKS.sub(" ", "".join(" " if _unfit(c) else c for c in text)).strip()
    if len(text) <= limit:
        return text
    head = text[:limit - 1]  # room for the "…"
    if not text[limit - 1].isspace():
        word_start = head.rfind(" ")
        if word_start > limit // 2:  # a word longer than half the room is cut inside rather than dropped
            head = head[:word_start]
    return head.rstrip(" ,;:–-") + "…"


_texts: Environment | None = None


def render(template: str, **context: Any) -> tuple[str, str]:
    """A mail text from templates/mail/: the first line is the subject, the rest the body."""
    global _texts
    if _texts is None:
        # Plain text, not HTML: nothing to escape. Our own templates, so no sandbox needed.
        # auto_reload off: a sweep renders thousands of texts, each would stat its file.
        _texts = Environment(loader=FileSystemLoader(templates_dir() / "mail"), autoescape=False, auto_reload=False,
                             undefined=StrictUndefined, keep_trailing_newline=True)
        _texts.filters["long_date"] = _long_date
    subject, _, body = _texts.get_template(template).render(**context).partition("\n")
    return one_line(subject, SUBJECT_LENGTH), body
