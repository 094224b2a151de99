"""Papers (underlag) and a union's agenda proposal on the VOF samverkansgrupp's next meeting, so
that the meeting page shows them at first login. Written through the papers services; loading
twice changes nothing (a meeting that has papers or proposals is left alone). The proposal comes
with a paper of its own."""

from __future__ import annotations

import io

from docx import Document

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.meetings import service as meetings
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import CollaborationGroup
from samverkan.papers import proposals, service
from samverkan.papers.schemas import AgendaProposalCreate
from samverkan.settings import Settings

from samverkan.demo.registry import DOMAIN
from samverkan.demo.year import VOF_GROUP


def _word(title: str, lines: list[str]) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def _viewer(email: str) -> Viewer:
    user = await User.select().where(User.email == email).first()
    return Viewer(user_id=user["id"], email=user["email"], name=user["name"], role=user["role"], department_id=user["department"],
                  union_id=user["trade_union"], person_id=user["person"], via="session")


async def add_papers(hr: Viewer, settings: Settings) -> None:
    group = await CollaborationGroup.select(CollaborationGroup.id).where(CollaborationGroup.name == VOF_GROUP).first()
    meeting = await Meeting.select(Meeting.id, Meeting.status).where(
        Meeting.group == group["id"], Meeting.starts_at > clock.now()).order_by(Meeting.starts_at).first() if group else None
    if meeting is None or await service.list_papers(hr, meeting_id=meeting["id"]):
        return
    await service.upload(hr, settings, [
        ("Bemanningsplan särskilt boende.docx", _word("Bemanningsplan särskilt boende", [
            "Förslag: grundbemanningen på natten höjs från två till tre undersköterskor per enhet från 1 april.",
            "Kostnaden ryms i nämndens ram genom minskade timanställningar."])),
        ("Frågor inför mötet.txt", "Frågor från arbetsgivaren inför mötet:\n- Hur fungerar introduktionen av nyanställda?\n".encode()),
    ], meeting_id=meeting["id"])
    # The proposal goes to the first of the group's coming meetings that is not called yet.
    vision = await _viewer(f"vision@{DOMAIN}")
    for later in await Meeting.select(Meeting.id, Meeting.status).where(
            Meeting.group == group["id"], Meeting.starts_at > clock.now(), Meeting.status == "planned").order_by(Meeting.starts_at):
        if vision.union_id in (await meetings.get_meeting(hr, later["id"])).union_ids and await proposals.open_for_proposals(later):
            if not await proposals.list_proposals(hr, later["id"]):
                await proposals.propose(vision, later["id"], AgendaProposalCreate(
                    title="Schemaläggning under sommaren", text="Vision vill diskutera hur sommarschemat läggs i hemtjänsten."),
                    settings, [("Visions enkät om sommarscheman.txt", "Enkät bland Visions medlemmar i hemtjänsten, maj:\n"
                                "- 7 av 10 vill veta sitt sommarschema före 1 april.\n".encode())])
            break
