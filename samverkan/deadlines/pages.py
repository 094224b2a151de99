"""Pages of deadlines: the dashboard (overdue, the coming week, the coming 30 days), the rule
catalogue with the local versions, and the administrators' editor for a new version."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.access import ADMIN, SIGNED_IN
from samverkan.deadlines import catalogue, rulesets
from samverkan.deadlines import schemas as s
from samverkan.deadlines import service
from samverkan.deadlines.calendar import UNITS
from samverkan.errors import ServiceError
from samverkan.matters import service as matter_service
from samverkan.orgs import service as orgs
from samverkan.pagination import PageRequest
from samverkan.web.forms import FormErrors, convert, optional_int, text

UNIT_LABELS = rulesets.UNIT_LABELS
GROUP_LIMIT = 200


RESPONSIBLE_FILTERS = {"vara": "Våra", "alla": "Alla", "arbetsgivaren": "Arbetsgivarens", "organisationen": "Organisationernas"}
Responsible = Literal["vara", "alla", "arbetsgivaren", "organisationen"]


def default_responsible(viewer: Any) -> str:
    """A union first sees the deadlines that are its own to meet; the employer side sees all."""
    return "vara" if rights.is_union(viewer) else "alla"


@get("/frister", guards=[SIGNED_IN], name="deadlines")
async def dashboard(request: Request, ansvar: FromQuery[Responsible | None] = None) -> Template:
    today = clock.today()
    window = PageRequest(GROUP_LIMIT)
    ansvar = ansvar or default_responsible(request.user)
    parties = service.responsible_in(request.user, ansvar)
    groups = [
        ("Passerade och inte uppfyllda", await service.list_deadlines(request.user, state="missed", responsible_in=parties, page=window)),
        ("Går ut inom en vecka", await service.list_deadlines(request.user, state="open", due_before=today + dt.timedelta(days=8),
                                                               responsible_in=parties, page=window)),
        ("Går ut inom 30 dagar", await service.list_deadlines(
            request.user, state="open", due_after=today + dt.timedelta(days=7), due_before=today + dt.timedelta(days=31),
            responsible_in=parties, page=window)),
    ]
    matters = await matter_service.headings(list({d.matter_id for _, page in groups for d in page.items if d.matter_id}))
    return Template("deadlines/dashboard.html", context={"groups": groups, "matters": matters, "today": today, "ansvar": ansvar,
                                                         "filters": RESPONSIBLE_FILTERS})


@get("/regler", guards=[SIGNED_IN], name="rules")
async def rules_page(request: Request) -> Template:
    return Template("deadlines/rules.html", context={
        "sets": await service.rule_sets(), "departments": dict(await orgs.choices("department")), "units": UNIT_LABELS,
        "is_admin": rights.is_admin(request.user),
    })


def _form_rules(form: Any) -> tuple[list[dict], list[str]]:
    """Every agreement rule's row as typed, and the ids of those ticked to change."""
    rows, ticked = [], []
    for rule_id in service.LOCAL_RULES:
        rows.append({"rule": rule_id, "length": text(form.get(f"{rule_id}.length")).strip(),
                     "unit": text(form.get(f"{rule_id}.unit")), "adjust": f"{rule_id}.adjust" in form})
        if f"{rule_id}.change" in form:
            ticked.append(rule_id)
    return rows, ticked


async def _editor(values: dict, rows: list[dict], ticked: list[str], errors: dict, moves: list[s.Move] | None = None,
                  status: int = 200) -> Template:
    return Template("deadlines/rule_set_form.html", context={
        "values": values, "rows": rows, "ticked": ticked, "errors": errors, "moves": moves,
        "rules": catalogue.BY_ID, "departments": await orgs.choices("department"), "units": UNIT_LABELS,
    }, status_code=status)


@get("/regler/ny", guards=[ADMIN], name="rule-set-new")
async def new_rule_set(request: Request) -> Template:
    # Start from what is in force for the whole municipality today.
    versions = await service.load_versions()
    rows = []
    for rule_id in service.LOCAL_RULES:
        rule, _ = rulesets.resolve(catalogue.BY_ID[rule_id], versions, None, clock.today())
        rows.append({"rule": rule_id, "length": str(rule.length), "unit": rule.unit, "adjust": rule.adjust})
    return await _editor({"name": "", "department_id": None, "effective_from": clock.today().isoformat(), "note": ""}, rows, [], {})


@post("/regler/ny", guards=[ADMIN], name="rule-set-create")
async def create_rule_set(request: Request) -> Template:
    form = await request.form()
    values = {"name": text(form.get("name")), "department_id": optional_int(form.get("department_id")),
              "effective_from": text(form.get("effective_from")).strip(), "note": text(form.get("note"))}
    rows, ticked = _form_rules(form)
    errors: dict[str, str] = {}
    try:
        effective_from = dt.date.fromisoformat(values["effective_from"])
    except ValueError:
        errors["effective_from"] = "Ange ett datum (ÅÅÅÅ-MM-DD)."
    if isinstance(values["department_id"], str):
        errors["department_id"] = "Välj en förvaltning i listan."
    changes = []
    for row in rows:
        if row["rule"] not in ticked:
            continue
        # A minus sign or letters must not pass as a length; the service checks the range.
        length = int(row["length"]) if row["length"].lstrip("-").isdigit() else None
        if length is None:
            errors[f"{row['rule']}.length"] = "Ange längden som ett heltal."
        elif row["unit"] not in UNITS:
            errors[f"{row['rule']}.unit"] = "Välj en enhet."
        else:
            changes.append(s.RuleChange(rule=row["rule"], length=length, unit=row["unit"], adjust_to_working_day=row["adjust"]))
    if not errors:
        try:
            data = convert({"name": values["name"][:200], "effective_from": effective_from, "rules": changes,
                            "department_id": values["department_id"], "note": values["note"][:2000]}, s.RuleSetCreate)
        except FormErrors as exc:
            errors.update(exc.errors)
    if errors:
        return await _editor(values, rows, ticked, errors, status=422)
    try:
        if form.get("action") == "save":
            created = await service.create_rule_set(request.user, data)
            return Template("deadlines/rule_set_saved.html", context={
                "created": created, "departments": dict(await orgs.choices("department")), "units": UNIT_LABELS,
            })
        moves = await service.preview_rule_set(request.user, data)
    except ServiceError as exc:
        field = exc.field or "_"
        if field.startswith("rules["):  # rules[i].length → the ticked rule's own field
            index, _, part = field[6:].partition("].")
            field = f"{changes[int(index)].rule}.{part}"
        return await _editor(values, rows, ticked, {field: exc.detail}, status=422)
    return await _editor(values, rows, ticked, {}, moves=moves)


ROUTES = [dashboard, rules_page, new_rule_set, create_rule_set]
