"""The rules for text and dates people type in, as msgspec types, so that the API, the pages
(through the same Structs) and the command line refuse the same things.

Text. Control characters break what is built from the text later: a CR or LF in a mail header
stops the mail, a BEL or a form feed makes the Word document invalid XML, and PostgreSQL cannot
store a NUL. So
- one-line text (titles, names, diary numbers, places, reasons) refuses every control character
  (C0 including TAB, CR and LF, DEL, C1), the line and paragraph separators U+2028/U+2029 (they
  split a mail header like a newline), lone surrogates and the Unicode noncharacters
  (U+FDD0–U+FDEF and U+nFFFE/U+nFFFF of every plane);
- multi-line text (descriptions, notes, texts) refuses the same except TAB and LF. CR is refused
  too: a line ends with LF only. The pages turn the CR LF that browsers send into LF before
  validation; an API client must send LF.
Both keep the lengths each field had. A "filled" type also refuses a value of only whitespace.

Dates. A date or time stamp must lie within 1900–2200: year 1 is -infinity to PostgreSQL and
9999-12-31 overflows as soon as a day is added, and nothing in co-determination is outside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any

import msgspec.inspect as mi
from msgspec import Meta, Struct

from samverkan.errors import Invalid

_NONCHARACTERS = r"\ufdd0-\ufdef\ufffe\uffff" + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
NEVER = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + _NONCHARACTERS  # in any text
_NOT_IN_LINE = r"\t\n" + NEVER
_NOT_IN_TEXT = r"\r" + NEVER
# `(?![\s\S])` is the end of the text: `$` would also match before a final LF. Linear in the
# length: no nested repetition, so a long text cannot make the check slow.
END = r"(?![\s\S])"
_NOT_BLANK = r"(?!\s*" + END + ")"
LINE = f"^[^{_NOT_IN_LINE}]*{END}"
FILLED_LINE = f"^{_NOT_BLANK}[^{_NOT_IN_LINE}]*{END}"
TEXT = f"^[^{_NOT_IN_TEXT}]*{END}"
FILLED_TEXT = f"^{_NOT_BLANK}[^{_NOT_IN_TEXT}]*{END}"
_LINE, _TEXT = re.compile(LINE), re.compile(TEXT)

# What each pattern asks for, in words: msgspec's own message would quote the pattern.
EXPLAINED = {
    LINE: "Expected one line of text without control characters or noncharacters",
    FILLED_LINE: "Expected one line of text, not blank, without control characters or noncharacters",
    TEXT: "Expected text without control characters or noncharacters (tab and LF line breaks are allowed, CR is not)",
    FILLED_TEXT: "Expected text, not blank, without control characters or noncharacters "
                 "(tab and LF line breaks are allowed, CR is not)",
}
MULTI_LINE = {TEXT, FILLED_TEXT}
FILLED = {FILLED_LINE, FILLED_TEXT}


def OneLine(max_length: int, *, filled: bool = False) -> Any:  # noqa: N802 - used as a type
    """One line of text of at most ``max_length`` characters; ``filled``: not empty, not only spaces."""
    if filled:
        return Annotated[str, Meta(min_length=1, max_length=max_length, pattern=FILLED_LINE)]
    return Annotated[str, Meta(max_length=max_length, pattern=LINE)]


def MultiLine(max_length: int, *, filled: bool = False) -> Any:  # noqa: N802 - used as a type
    """Text that may hold tabs and line breaks (LF)."""
    if filled:
        return Annotated[str, Meta(min_length=1, max_length=max_length, pattern=FILLED_TEXT)]
    return Annotated[str, Meta(max_length=max_length, pattern=TEXT)]


def pattern_in(message: str) -> str | None:
    """Which of the text patterns msgspec's "Expected `str` matching regex '…'" quotes, if any."""
    return next((pattern for pattern in EXPLAINED if repr(pattern)[1:-1] in message), None)


def explain(message: str) -> str:
    """msgspec's message in words when it quotes one of the text patterns (it would be unreadable);
    the place (" - at `$.name`") is kept."""
    pattern = pattern_in(message)
    if pattern is None:
        return message
    at = message.rfind(" - at `")
    return EXPLAINED[pattern] + (message[at:] if at >= 0 else "")


def refused(value: str, *, multi_line: bool = False) -> bool:
    """Whether ``value`` holds a character the text types refuse (blank or not)."""
    return (_TEXT if multi_line else _LINE).search(value) is None


FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)
DATE_RANGE = f"Date outside {FIRST_DAY.year}–{LAST_DAY.year}"


def in_range(value: dt.date) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def check_day(value: dt.date | None, field: str) -> dt.date | None:
    """A date from a query string or the command line: outside the range is a 400 naming it."""
    if value is not None and not in_range(value):
        raise Invalid(f"Datumet måste ligga mellan {FIRST_DAY.year} och {LAST_DAY.year}.", field)
    return value


class Checked(Struct):
    """Base of every input Struct: refuses dates outside the range, naming the field.

    msgspec has no bounds for dates, so the check runs after decoding; the message names the
    field the way msgspec does ("field `x`") so the API and the pages find it."""

    def __post_init__(self) -> None:
        for name in _date_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, dt.date) and not in_range(value):
                raise ValueError(f"{DATE_RANGE} in field `{name}`")


@functools.cache
def _date_fields(cls: type) -> tuple[str, ...]:
    """The fields of a Struct that can hold a date (most hold none: a position is built a dozen
    times for every meeting page)."""
    def can(t: mi.Type) -> bool:
        if isinstance(t, mi.Metadata):
            return can(t.type)
        if isinstance(t, mi.UnionType):
            return any(can(member) for member in t.types)
        return isinstance(t, (mi.DateType, mi.DateTimeType, mi.AnyType))

    return tuple(f.name for f in mi.type_info(cls).fields if can(f.type))
