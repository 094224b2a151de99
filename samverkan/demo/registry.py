"""The demo registry: Lund's förvaltningar, unions, people, samverkansgrupper and demo logins.

Matched by natural keys, so loading it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from samverkan.accounts.tables import User
from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion
from samverkan.pagination import folded

DEMO_PASSWORD = "samverkan-demo"
# Its argon2 hash, made once: hashing takes a noticeable part of `serve --demo`'s start.
DEMO_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Jtk0UUifRH+vJCIhHYNH/Q$JlEgwMMcqgpLfY96baGaV/loZom5jqt61FEdP/RSDLU"
DOMAIN = "lund.example"

# (name, code, diary prefix). Only KS is verified for Lund (domain.md §8); the others are plausible
# prefixes, which is why the prefix is data an administrator can change.
DEPARTMENTS = [
    ("Kommunkontoret", "KK", "KS"),
    ("Barn- och skolförvaltningen", "BSF", "BSN"),
    ("Utbildningsförvaltningen", "UF", "UN"),
    ("Arbetsmarknads- och socialförvaltningen", "ASF", "ASN"),
    ("Vård- och omsorgsförvaltningen", "VOF", "VO"),
    ("Kultur- och fritidsförvaltningen", "KFF", "KU"),
    ("Stadsbyggnadskontoret", "SBK", "BN"),
    ("Tekniska förvaltningen", "TF", "TN"),
    ("Miljöförvaltningen", "MF", "MN"),
    ("Serviceförvaltningen", "SF", "SN"),
    ("Lunds Renhållningsverk", "LRV", "RS"),
]

# (name, federation, confederation, mail slug), domain.md §7.1.
UNIONS = [
    ("Kommunal", "Svenska Kommunalarbetareförbundet", "LO", "kommunal"),
    ("Vision", "Vision", "TCO", "vision"),
    ("Sveriges Lärare", "Sveriges Lärare", "Saco", "larare"),
    ("Vårdförbundet", "Vårdförbundet", "TCO", "vardforbundet"),
    ("Akademikerförbundet SSR", "Akademikerförbundet SSR", "Saco", "ssr"),
    ("Ledarna", "Ledarna", "", "ledarna"),
    ("Fysioterapeuterna", "Fysioterapeuterna", "Saco", "fysioterapeuterna"),
    ("Sveriges Arbetsterapeuter", "Sveriges Arbetsterapeuter", "Saco", "arbetsterapeuter"),
    ("Sveriges Ingenjörer", "Sveriges Ingenjörer", "Saco", "ingenjorer"),
    ("Naturvetarna", "Naturvetarna", "Saco", "naturvetarna"),
    ("Akavia", "Akavia", "Saco", "akavia"),
    ("DIK", "DIK", "Saco", "dik"),
    ("Sveriges Psykologförbund", "Sveriges Psykologförbund", "Saco", "psykologforbundet"),
    ("Sveriges Arkitekter", "Sveriges Arkitekter", "Saco", "arkitekter"),
    ("Sveriges Skolledare", "Sveriges Skolledare", "Saco", "skolledare"),
    # No collective agreement with the kommun: a 13 § MBL party only.
    ("Transport", "Svenska Transportarbetareförbundet", "LO", "transport"),
]

# The unions that sit in each förvaltning's samverkansgrupp besides Kommunal, Vision and SSR.
EXTRA_GROUP_UNIONS = {
    "KK": ["Akavia", "Ledarna"],
    "BSF": ["Sveriges Lärare", "Sveriges Skolledare", "Sveriges Psykologförbund"],
    "UF": ["Sveriges Lärare", "Sveriges Skolledare"],
    "ASF": ["Sveriges Psykologförbund", "Akavia"],
    "VOF": ["Vårdförbundet", "Fysioterapeuterna", "Sveriges Arbetsterapeuter"],
    "KFF": ["DIK"],
    "SBK": ["Sveriges Arkitekter", "Sveriges Ingenjörer"],
    "TF": ["Sveriges Ingenjörer", "Naturvetarna"],
    "MF": ["Naturvetarna"],
    "SF": ["Ledarna"],
    "LRV": ["Sveriges Ingenjörer"],
}

FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Lena", "Mikael",
         "Emma", "Nils", "Ingrid", "Oskar", "Åsa", "Jonas", "Elin", "Björn", "Sofia", "Gustav", "Hanna", "Örjan"]
LAST = ["Andersson", "Nilsson", "Persson", "Lindqvist", "Bengtsson", "Håkansson", "Jönsson", "Mårtensson",
        "Olsson", "Larsson", "Svensson", "Ekström", "Sjöberg", "Holm", "Åkesson", "Lundgren"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    name: str
    department_code: str | None = None
    union_name: str | None = None


LOGINS = [
    DemoLogin(f"admin@{DOMAIN}", "admin", "Alva Administratör"),
    DemoLogin(f"hr@{DOMAIN}", "hr", "Henrik Lindqvist"),
    DemoLogin(f"vof@{DOMAIN}", "department", "Vera Mårtensson", department_code="VOF"),
    DemoLogin(f"vision@{DOMAIN}", "union", "Viktor Ekström", union_name="Vision"),
    # Kommunal's skyddsombud (also huvudskyddsombud) for VOF: reads and comments on its SAM.
    DemoLogin(f"skyddsombud.kommunal@{DOMAIN}", "union", "Örjan Nilsson", union_name="Kommunal"),
]


def _name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"


async def _upsert(table, key_column, key_value, values: dict) -> int:
    row = await table.select(table.id).where(key_column == key_value).first()
    if row:
        return row["id"]
    new = table(**values)
    await new.save()
    return new.id


@dataclass
class Registry:
    """Ids by natural key: department code, union name, person e-mail, group name."""

    departments: dict[str, int]
    unions: dict[str, int]
    people: dict[str, int]
    groups: dict[str, int]
    slugs: dict[str, str] = field(default_factory=dict)  # union name -> mail slug

    def rep(self, union: str) -> str:
        """The e-mail of a union's representative (ombud)."""
        return ("vision" if union == "Vision" else f"ombud.{self.slugs[union]}") + f"@{DOMAIN}"


def chief_email(code: str) -> str:
    return ("vof" if code == "VOF" else f"chef.{code.lower()}") + f"@{DOMAIN}"


def hr_email(code: str) -> str:
    return ("hr" if code == "KK" else f"hr.{code.lower()}") + f"@{DOMAIN}"


async def load_registry() -> Registry:
    """Insert what is missing; return the ids the rest of the demo refers to."""
    departments: dict[str, int] = {}
    for name, code, prefix in DEPARTMENTS:
        departments[code] = await _upsert(
            Department, Department.code, code,
            {"name": name, "code": code, "diary_prefix": prefix, "search_text": folded(name, code, prefix)},
        )
    unions: dict[str, int] = {}
    for name, federation, confederation, slug in UNIONS:
        unions[name] = await _upsert(
            TradeUnion, TradeUnion.name, name,
            {"name": name, "federation": federation, "confederation": confederation, "email": f"{slug}@fack.{DOMAIN}",
             "search_text": folded(name, federation, confederation)},
        )

    people: dict[str, int] = {}

    async def person(email: str, name: str, title: str, side: str, department: str | None = None,
                     union: str | None = None, **roles: bool) -> int:
        people[email] = await _upsert(
            Person, Person.email, email,
            {"name": name, "email": email, "title": title, "side": side,
             "department": departments[department] if department else None,
             "trade_union": unions[union] if union else None, "search_text": folded(name, email, title), **roles},
        )
        return people[email]

    slug_of = {u[0]: u[3] for u in UNIONS}
    n = 0
    for name, code, _ in DEPARTMENTS:
        chief = "vof" if code == "VOF" else f"chef.{code.lower()}"
        await person(f"{chief}@{DOMAIN}", "Vera Mårtensson" if code == "VOF" else _name(n), f"Förvaltningschef, {name}",
                     "employer", code, is_manager=True)
        hr = "hr" if code == "KK" else f"hr.{code.lower()}"
        await person(f"{hr}@{DOMAIN}", "Henrik Lindqvist" if code == "KK" else _name(n + 1), "HR-partner",
                     "employer", code, is_hr=True)
        n += 2
    for name, slug in slug_of.items():
        rep = "vision" if name == "Vision" else f"ombud.{slug}"
        await person(f"{rep}@{DOMAIN}", "Viktor Ekström" if name == "Vision" else _name(n), "Facklig företrädare",
                     "union", union=name, is_union_rep=True)
        await person(f"skyddsombud.{slug}@{DOMAIN}", _name(n + 1), "Skyddsombud", "union", "VOF" if name in {"Kommunal", "Vårdförbundet"} else None,
                     union=name, is_safety_rep=True, is_chief_safety_rep=name == "Kommunal")
        n += 2

    groups: dict[str, int] = {}
    core = ["Kommunal", "Vision", "Akademikerförbundet SSR"]

    async def group(name: str, level: str, department: str | None, union_names: list[str], members: list[str],
                    safety_committee: bool = False, cadence: int | None = None) -> None:
        gid = groups[name] = await _upsert(
            CollaborationGroup, CollaborationGroup.name, name,
            {"name": name, "level": level, "department": departments[department] if department else None,
             "safety_committee": safety_committee, "cadence_months": cadence, "search_text": folded(name)},
        )
        if not await GroupUnion.exists().where(GroupUnion.group == gid):
            await GroupUnion.insert(*[GroupUnion(group=gid, trade_union=unions[u]) for u in union_names])
            await GroupMember.insert(*[GroupMember(group=gid, person=people[m]) for m in members])

    def reps(union_names: list[str]) -> list[str]:
        return [("vision" if u == "Vision" else f"ombud.{slug_of[u]}") + f"@{DOMAIN}" for u in union_names]

    central_unions = core + ["Sveriges Lärare", "Vårdförbundet", "Akavia", "Ledarna"]
    await group("Central samverkansgrupp (CSG)", "central", None, central_unions,
                [f"chef.kk@{DOMAIN}", f"hr@{DOMAIN}", *reps(central_unions)], cadence=2)
    for name, code, _ in DEPARTMENTS:
        union_names = core + EXTRA_GROUP_UNIONS[code]
        chief = "vof" if code == "VOF" else f"chef.{code.lower()}"
        hr = "hr" if code == "KK" else f"hr.{code.lower()}"
        members = [f"{chief}@{DOMAIN}", f"{hr}@{DOMAIN}", *reps(union_names)]
        is_committee = code == "VOF"
        if is_committee:
            members += [f"skyddsombud.kommunal@{DOMAIN}", f"skyddsombud.vardforbundet@{DOMAIN}"]
        await group(f"FSG {name}", "department", code, union_names, members,
                    safety_committee=is_committee, cadence=3 if is_committee else None)

    # The demo password's hash, made once (DEMO_PASSWORD_HASH; hashing is slow).
    existing = {r["email"] for r in await User.select(User.email).where(User.email.is_in([x.email for x in LOGINS]))}
    password_hash = DEMO_PASSWORD_HASH
    for login in LOGINS:
        if login.email in existing:
            continue
        await User.insert(User(
            email=login.email, name=login.name, role=login.role,
            department=departments[login.department_code] if login.department_code else None,
            trade_union=unions[login.union_name] if login.union_name else None,
            person=people.get(login.email), password_hash=password_hash, search_text=folded(login.name, login.email),
        ))
    return Registry(departments=departments, unions=unions, people=people, groups=groups, slugs=slug_of)
