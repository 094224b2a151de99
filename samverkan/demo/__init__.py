"""Demo data that looks like Lunds kommun after a year of work. Loading it twice changes nothing.

registry.py: förvaltningar, unions, people, samverkansgrupper and the demo logins (natural keys).
year.py: matters of every kind, meetings, positions and events, written through the services so
that status, decision hold and party states are derived as for real input (builder.py).
groupyear.py: APT groups under VOF's FSG with questions, actions from the autumn meetings, next year's plan.
justering.py: a protocol waiting for Vision's justering, and an approved protocol for every union party.
sam.py: a year of SAM in two förvaltningar (risk assessments, action plans, annual follow-ups,
skyddsombud requests, comments), written through the SAM service in the same way.
"""

from __future__ import annotations

from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.database import engine
from samverkan.documents import worker
from samverkan.matters.tables import Matter
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import CollaborationGroup, Department, Person, TradeUnion
from samverkan.sam.tables import Action, AnnualFollowUp, RiskAssessment, SafetyRepRequest
from samverkan.settings import Settings, get_settings

from samverkan.demo import justering
from samverkan.demo.builder import Builder
from samverkan.demo.papers import add_papers
from samverkan.demo.groupyear import GroupYear
from samverkan.demo.registry import DEMO_PASSWORD, DOMAIN, LOGINS, DemoLogin, load_registry
from samverkan.demo.sam import SamYear
from samverkan.demo.year import Year, anchor_day

__all__ = ["DEMO_PASSWORD", "DOMAIN", "LOGINS", "DemoLogin", "load"]


async def _hr_viewer() -> Viewer:
    user = await User.select().where(User.email == f"hr@{DOMAIN}").first()
    return Viewer(user_id=user["id"], email=user["email"], name=user["name"], role="hr", department_id=None,
                  union_id=None, person_id=user["person"], via="session")


async def load(settings: Settings | None = None) -> dict[str, int]:
    """Insert what is missing; return counts of what the demo contains."""
    settings = settings or get_settings()
    worker.configure(settings).warm()  # the protocols sealed at the end fill Word copies
    # One transaction: a failed load leaves nothing half-made, and PostgreSQL without a pool uses
    # one connection instead of one per query. The services' own transactions nest into it.
    async with engine().transaction():
        registry = await load_registry()
        builder = Builder(registry, await _hr_viewer(), await anchor_day())
        await builder.prepare()
        year = Year(builder)
        await year.run()
        await SamYear(builder, year, settings).run()
        await add_papers(builder.viewer, settings)
        await GroupYear(builder, year).run()
        await justering.run(builder.viewer, settings)
    return {
        "departments": await Department.count(), "unions": await TradeUnion.count(),
        "people": await Person.count(), "groups": await CollaborationGroup.count(), "users": await User.count(),
        "matters": await Matter.count(), "meetings": await Meeting.count(),
        "risk_assessments": await RiskAssessment.count(), "actions": await Action.count(),
        "follow_ups": await AnnualFollowUp.count(), "requests": await SafetyRepRequest.count(),
    }
