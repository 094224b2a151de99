"""The mail texts: Jinja templates in templates/mail/, plain text; the first line is the subject."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from samverkan.deadlines.calendar import WEEKDAYS
from samverkan.paths import templates_dir


def _long_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


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
    return subject.strip()[:300], body
