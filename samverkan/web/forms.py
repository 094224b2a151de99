"""HTML forms: turn posted strings into the same input Structs the API uses,
and msgspec's English errors into Swedish messages next to the field."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from samverkan import values as rules
from samverkan.errors import Invalid, ServiceError
from samverkan.web.hardening import NUL_MESSAGE
from samverkan.web.errors import field_of

T = TypeVar("T")


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


# msgspec says where a value was wrong as "... - at `$.risks[0].description`".
_PATH = re.compile(r" - at `\$((?:\.\w+|\[\d+\])*)`$")
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")


def _value_at(values: Any, message: str) -> Any:
    """The posted value msgspec complains about, or None when it cannot be told."""
    match = _PATH.search(message)
    for name, index in _STEP.findall(match.group(1)) if match else []:
        try:
            values = values[name] if name else values[int(index)]
        except (KeyError, IndexError, TypeError):
            return None
    return values if match else None


def _text_problem(message: str, value: Any) -> str | None:
    """The Swedish reason when one of the text types of samverkan/values.py refused the value."""
    pattern = rules.pattern_in(message)
    if pattern is None:
        return None
    if pattern in rules.FILLED and isinstance(value, str) and not value.strip():
        return "Fältet måste fyllas i."
    if pattern in rules.MULTI_LINE:
        return "Får inte innehålla kontrolltecken (bara tabb och radbrytning är tillåtna)."
    return "Får inte innehålla radbrytning, tabb eller andra kontrolltecken."


def _swedish(message: str, hint: str | None, value: Any = None) -> str:
    if problem := _text_problem(message, value):
        return problem
    if rules.DATE_RANGE in message:
        return f"Datumet måste ligga mellan {rules.FIRST_DAY.year} och {rules.LAST_DAY.year}."
    if "missing required field" in message or "length >= 1" in message:
        return "Fältet måste fyllas i."
    if match := re.search(r"length <= (\d+)", message):
        return f"Högst {match.group(1)} tecken."
    if "matching regex" in message:
        return hint or "Ogiltigt format."
    if match := re.search(r"`int` (>=|<=) (-?\d+)", message):
        return f"Talet måste vara {'minst' if match.group(1) == '>=' else 'högst'} {match.group(2)}."
    if "datetime" in message:
        return "Ange ett giltigt datum och klockslag."
    if "date" in message:
        return "Ange ett giltigt datum (ÅÅÅÅ-MM-DD)."
    if "time" in message:
        return "Ange ett giltigt klockslag (TT:MM)."
    if "Expected `int" in message:
        return "Ange ett heltal."
    if "Invalid enum value" in message:
        return "Välj ett av alternativen."
    if "unknown field" in message:
        return "Okänt fält."
    return "Ogiltigt värde."


_WHOLE_PATH = re.compile(r" - at `\$\.(\w[\w.\[\]]*)`$")


def convert(values: dict[str, Any], type_: type[T], hints: dict[str, str] | None = None, rows: bool = False) -> T:
    """Validate form values (strings) as ``type_``; raise FormErrors in Swedish, by field (with
    `rows`, a field in a list of rows is named with its row: "risks[2].likelihood")."""
    try:
        return msgspec.convert(values, type_, strict=False)
    except msgspec.ValidationError as exc:
        whole = _WHOLE_PATH.search(str(exc)) if rows else None
        field = (whole.group(1) if whole else None) or field_of(str(exc)) or "_"
        raise FormErrors({field: _swedish(str(exc), (hints or {}).get(field), _value_at(values, str(exc)))}) from None


def service_errors(exc: ServiceError) -> FormErrors:
    return FormErrors({exc.field or "_": exc.detail})


def optional_int(value: object) -> int | str | None:
    """An empty select means None; anything else is left for validation to judge."""
    value = text(value).strip()
    if not value:
        return None
    # isascii: "²" and "١" are digits to str.isdigit() but not to int() / not what was meant.
    return int(value) if value.isascii() and value.isdigit() else value


def filter_id(value: str | None) -> int | None:
    """An id from a filter form in a page's query string: "" (all) or anything else is None."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


def text(value: object) -> str:
    """A form value as text; a file part where text was expected counts as empty.

    Browsers send a textarea's line breaks as CR LF; the text types take LF only (see
    samverkan/values.py). A NUL is refused here too: the hardening middleware reads JSON and
    urlencoded bodies, but a form may also come as multipart."""
    if not isinstance(value, str):
        return ""
    if "\x00" in value:
        raise Invalid(NUL_MESSAGE)
    return value.replace("\r\n", "\n")
