"""Helpers of the SAM tests: a skyddsombud with a login, and request bodies."""

from __future__ import annotations

import datetime as dt

from samverkan import clock

CHECKLIST = ["participation", "policy", "routines", "task_distribution", "knowledge", "risk_assessment", "investigation",
             "measures"]


async def safety_rep(make_caller, department_id: int, union_id: int, chief: bool = False):
    """A union user whose person in the registry is skyddsombud for the department."""
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    person = await service.create_person(s.PersonCreate(
        name="Sara Skyddsombud", side="union", email=f"so-{department_id}-{union_id}-{int(chief)}@test.example",
        department_id=None if chief else department_id, union_id=union_id,
        roles=["chief_safety_rep" if chief else "safety_rep"]))
    return await make_caller("union", union_id=union_id, email=person.email)


def assessment(department_id: int, **extra) -> dict:
    return {
        "department_id": department_id, "unit": "Hemvården Norr", "title": "Sammanslagning av hemvårdsgrupper",
        "date": (clock.today() - dt.timedelta(days=10)).isoformat(), "reason": "change",
        "participants": [{"name": "Anna Chef", "role": "manager"}, {"name": "Sara Skyddsombud", "role": "safety_rep"}],
        "risks": [
            {"description": "Ensamarbete kvällstid", "likelihood": 3, "consequence": 4, "measures": "Larm till alla"},
            {"description": "Längre körsträckor", "likelihood": 2, "consequence": 2},
        ],
        **extra,
    }


def follow_up(department_id: int, year: int, **extra) -> dict:
    return {
        "department_id": department_id, "year": year, "date": f"{year}-03-02",
        "checklist": [{"element": e, "answer": "yes" if i % 3 else "partly", "comment": f"Kommentar {i}"}
                      for i, e in enumerate(CHECKLIST)],
        **extra,
    }
