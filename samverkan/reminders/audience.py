"""Who hears about a deadline: the responsible side's people, or the department's HR contact
when it is overdue. Loaded for a batch of matters in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from samverkan.accounts.tables import User
from samverkan.actions.tables import AgendaAction
from samverkan.database import ids_in
from samverkan.deadlines import subjects
from samverkan.matters.tables import Matter, MatterParty
from samverkan.orgs.tables import Person, TradeUnion


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user_id: int | None = None


@dataclass
class MatterFacts:
    """What a deadline is about, as mail names it: a matter, or (id 0) a SAM item or meeting."""

    id: int
    diary_no: str
    title: str
    department_id: int | None
    personal_data: bool
    creator: Recipient | None = None
    union_ids: list[int] = field(default_factory=list)
    link: str = ""


@dataclass
class Audience:
    """Everyone who may hear about the deadlines of a batch of matters, loaded in a fixed
    number of queries however many deadlines the batch holds."""

    matters: dict[int, MatterFacts]
    department_users: dict[int, list[Recipient]]
    union_users: dict[int, list[Recipient]]
    union_addresses: dict[int, str]
    hr_users: list[Recipient]
    hr_contacts: dict[int, list[Recipient]]
    # The person a SAM item's or meeting action's deadline names, by (subject, subject_id).
    subject_people: dict[tuple[str, int], Recipient] = field(default_factory=dict)

    def about(self, row: dict) -> MatterFacts:
        """The facts of a deadline row (with matter, department, subject, subject_id and label)."""
        if row["matter"] is not None:
            return self.matters[row["matter"]]
        return MatterFacts(0, row["label"], "", row["department"], False,
                           self.subject_people.get((row["subject"], row["subject_id"])),
                           link=subjects.link(row["subject"], row["subject_id"], None))

    def employer(self, m: MatterFacts) -> list[Recipient]:
        people = [m.creator] if m.creator else []
        if not m.personal_data:  # individärenden are for HR only
            people += self.department_users.get(m.department_id, [])
        return _unique(people) or self.hr_users

    def union(self, m: MatterFacts, union_id: int | None) -> list[Recipient]:
        out: list[Recipient] = []
        for u in [union_id] if union_id else m.union_ids:
            users = self.union_users.get(u, [])
            address = self.union_addresses.get(u)
            out += users or ([Recipient(address, "")] if address else [])
        return out

    def responsible(self, m: MatterFacts, responsible: str, union_id: int | None) -> list[Recipient]:
        if responsible == "employer":
            return self.employer(m)
        if responsible == "union":
            return self.union(m, union_id)
        return _unique(self.employer(m) + self.union(m, union_id))

    def escalation(self, m: MatterFacts) -> list[Recipient]:
        return self.hr_contacts.get(m.department_id) or self.hr_users


def _unique(people: Iterable[Recipient]) -> list[Recipient]:
    seen: dict[str, Recipient] = {}
    for p in people:
        seen.setdefault(p.email.casefold(), p)
    return list(seen.values())


def user_recipient(row: dict) -> Recipient:
    return Recipient(row["email"], row["name"], row["id"])


async def audience(rows: list[dict]) -> Audience:
    """For deadline rows with matter and department."""
    ids = list({r["matter"] for r in rows if r["matter"] is not None}) or [-1]
    matter_rows = await Matter.select(
        Matter.id, Matter.diary_no, Matter.title, Matter.department, Matter.personal_data, Matter.created_by,
    ).where(ids_in(Matter.id, ids))
    departments = list({r["department"] for r in [*matter_rows, *rows] if r["department"] is not None}) or [-1]
    creators = list({r["created_by"] for r in matter_rows if r["created_by"]}) or [-1]
    parties: dict[int, list[int]] = {}
    for p in await MatterParty.select(MatterParty.matter, MatterParty.trade_union).where(ids_in(MatterParty.matter, ids)):
        parties.setdefault(p["matter"], []).append(p["trade_union"])
    union_ids = list({u for unions in parties.values() for u in unions}) or [-1]
    columns = (User.id, User.email, User.name, User.role, User.department, User.trade_union)
    users = await User.select(*columns).where(
        User.active == True,  # noqa: E712
        (User.id.is_in(creators)) | (User.role == "hr")
        | ((User.role == "department") & User.department.is_in(departments))
        | ((User.role == "union") & User.trade_union.is_in(union_ids)),
    )
    by_id = {u["id"]: u for u in users}
    contacts = await Person.select(Person.name, Person.email, Person.department).where(
        Person.is_hr == True, Person.active == True, Person.email.is_not_null(), Person.department.is_in(departments),  # noqa: E712
    )
    unions = await TradeUnion.select(TradeUnion.id, TradeUnion.email).where(TradeUnion.id.is_in(union_ids))
    action_ids = [r["subject_id"] for r in rows if r.get("subject") == "agenda_action"] or [-1]
    responsible = await AgendaAction.select(
        AgendaAction.id, AgendaAction.responsible.name.as_alias("name"), AgendaAction.responsible.email.as_alias("email"),
    ).where(ids_in(AgendaAction.id, action_ids), AgendaAction.responsible.email.is_not_null())

    def grouped(rows: list[dict], key: str, make=user_recipient) -> dict[int, list[Recipient]]:
        out: dict[int, list[Recipient]] = {}
        for r in rows:
            out.setdefault(r[key], []).append(make(r))
        return out

    matters = {}
    for r in matter_rows:
        creator = by_id.get(r["created_by"])
        matters[r["id"]] = MatterFacts(
            r["id"], r["diary_no"], r["title"], r["department"], r["personal_data"],
            user_recipient(creator) if creator and creator["role"] in ("admin", "hr", "department") else None,
            parties.get(r["id"], []), f"/arenden/{r['id']}",
        )
    return Audience(
        matters=matters,
        department_users=grouped([u for u in users if u["role"] == "department"], "department"),
        union_users=grouped([u for u in users if u["role"] == "union"], "trade_union"),
        union_addresses={u["id"]: u["email"] for u in unions if u["email"]},
        hr_users=[user_recipient(u) for u in users if u["role"] == "hr"],
        hr_contacts=grouped(contacts, "department", lambda r: Recipient(r["email"], r["name"])),
        subject_people={("agenda_action", r["id"]): Recipient(r["email"], r["name"]) for r in responsible},
    )
