"""Questions raised at an APT, lifted up the groups (APT → FSG → CSG) and answered; the answer goes
back to every level it passed. Who sees a question: HR and admin; a department user when a group
on its path is their department's; a union user when their union is a party of a group on its path.
The chef of the APT's department raises and lifts; HR, the department of the group where it waits
and the group's employer-side members answer. No HTTP here."""

from __future__ import annotations

from typing import Any

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.service import Viewer
from samverkan.accounts.tables import User
from samverkan.audit import service as audit
from samverkan.database import engine
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.meetings import service as meetings
from samverkan.meetings.schemas import AgendaItemCreate
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import CollaborationGroup, GroupMember, GroupUnion
from samverkan.pagination import Page, PageRequest
from samverkan.questions import schemas as s
from samverkan.questions.tables import Question, QuestionComment, QuestionLevel
from samverkan.reminders.audience import Recipient
from samverkan.reminders.service import Plan
from samverkan.settings import get_settings

CHANGED = "Frågan ändrades samtidigt av någon annan. Ladda om och försök igen."
ANSWERED = "Frågan är redan besvarad."


def scope(viewer: Viewer) -> list[Any]:
    if rights.sees_all(viewer):
        return []
    if rights.is_department(viewer):
        groups = CollaborationGroup.select(CollaborationGroup.id).where(CollaborationGroup.department == (viewer.department_id or -1))
    elif rights.is_union(viewer):
        groups = GroupUnion.select(GroupUnion.group).where(GroupUnion.trade_union == (viewer.union_id or -1))
    else:
        return [Question.id == -1]
    return [Question.id.is_in(QuestionLevel.select(QuestionLevel.question).where(QuestionLevel.group.is_in(groups)))]


def _may_lift(viewer: Viewer, group: dict) -> bool:
    return rights.may_change_department(viewer, group["department"])


async def _may_answer(viewer: Viewer, group: dict) -> bool:
    if rights.sees_all(viewer) or _may_lift(viewer, group):
        return True
    return rights.is_employer(viewer) and viewer.person_id is not None and await GroupMember.exists().where(
        GroupMember.group == group["id"], GroupMember.person == viewer.person_id)


async def _assemble(rows: list[dict], comments: bool = False) -> list[s.Question]:
    """Questions with their paths and flags: three queries for any number (four with comments)."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    levels: dict[int, list[s.QuestionLevel]] = {i: [] for i in ids}
    for lv in await QuestionLevel.select(
        QuestionLevel.question, QuestionLevel.group, QuestionLevel.reached_at,
        QuestionLevel.group.name.as_alias("name"), QuestionLevel.group.level.as_alias("level"),
    ).where(QuestionLevel.question.is_in(ids)).order_by(QuestionLevel.reached_at).order_by(QuestionLevel.id):
        levels[lv["question"]].append(s.QuestionLevel(group_id=lv["group"], group_name=lv["name"], level=lv["level"], reached_at=lv["reached_at"]))
    lifted = [r for r in rows if r["state"] == "escalated"]
    met: list[dict] = []
    now = clock.now()
    if lifted:
        met = await Meeting.select(Meeting.group, Meeting.starts_at).where(
            Meeting.group.is_in(list({r["group"] for r in lifted})), Meeting.status != "cancelled",
            Meeting.starts_at <= now, Meeting.starts_at > min(r["escalated_at"] for r in lifted))
    said: dict[int, list[s.QuestionComment]] = {i: [] for i in ids}
    if comments:
        for c in await QuestionComment.select().where(QuestionComment.question.is_in(ids)).order_by(QuestionComment.id):
            said[c["question"]].append(s.QuestionComment(author_name=c["author_name"], text=c["text"], created_at=c["created_at"]))
    return [
        s.Question(
            id=r["id"], text=r["text"], raised_by=r["raised_by"], meeting_id=r["meeting"], origin_group_id=r["origin"],
            group_id=r["group"], state=r["state"], levels=levels[r["id"]], answer=r["answer"] or None, answered_at=r["answered_at"],
            answered_by=r["answered_by"], version=r["version"], comments=said[r["id"]],
            overdue=r["state"] == "escalated" and any(m["group"] == r["group"] and m["starts_at"] > r["escalated_at"] for m in met),
        )
        for r in rows
    ]


async def _row(viewer: Viewer, id: int) -> dict:
    row = await Question.select().where(Question.id == id, *scope(viewer)).first()
    if row is None:
        raise NotFound(f"Frågan {id} finns inte.")
    return row


async def get_question(viewer: Viewer, id: int) -> s.Question:
    return (await _assemble([await _row(viewer, id)], comments=True))[0]


def _list_state(group_id: int | None, state: str | None) -> list[Any]:
    if group_id is None:
        return [(Question.state == state) if state else None]
    passed = Question.id.is_in(QuestionLevel.select(QuestionLevel.question).where(QuestionLevel.group == group_id))
    if state == "open":  # waiting at this group
        return [Question.group == group_id, Question.state != "answered"]
    if state == "answered":
        return [passed, Question.state == "answered"]
    return [passed]


async def list_questions(viewer: Viewer, *, group_id: int | None = None, state: str | None = None,
                         page: PageRequest = PageRequest()) -> Page[s.Question]:
    """For a group: `open`, the questions waiting there; `answered`, those answered that passed it;
    none, all that passed it. A fixed number of queries."""
    where = [w for w in scope(viewer) + _list_state(group_id, state) if w is not None]
    rows = await Question.select().where(*where).order_by(Question.created_at, ascending=False).order_by(
        Question.id, ascending=False).limit(page.limit).offset(page.offset)
    return Page(items=await _assemble(rows), total=await Question.count().where(*where))


async def meeting_questions(viewer: Viewer, meeting: dict) -> tuple[list[s.Question], list[s.Question]]:
    """For an APT meeting's page: the questions raised at it, and the feedback (Återkoppling): the
    answers to the group's questions given since its previous meeting and before this one ends."""
    raised = await Question.select().where(Question.meeting == meeting["id"], *scope(viewer)).order_by(Question.id)
    if meeting["group"] is None:
        return await _assemble(raised), []
    previous = await Meeting.select(Meeting.starts_at).where(
        Meeting.group == meeting["group"], Meeting.starts_at < meeting["starts_at"], Meeting.status != "cancelled",
    ).order_by(Meeting.starts_at, ascending=False).first()
    where = [Question.origin == meeting["group"], Question.state == "answered", Question.answered_at <= meeting["ends_at"],
             *scope(viewer)] + ([Question.answered_at > previous["starts_at"]] if previous else [])
    answered = await Question.select().where(*where).order_by(Question.answered_at)
    both = await _assemble(list(raised) + [r for r in answered if r["id"] not in {q["id"] for q in raised}])
    return both[:len(raised)], both[len(raised):]


async def _group(group_id: int) -> dict:
    return await CollaborationGroup.select().where(CollaborationGroup.id == group_id).first()


async def raise_question(viewer: Viewer, meeting_id: int, data: s.QuestionCreate) -> s.Question:
    meeting = await meetings.visible_row(viewer, meeting_id)
    group = await _group(meeting["group"]) if meeting["group"] else None
    if group is None or group["level"] != "apt":
        raise Invalid("Frågor lyfts från en arbetsplatsträff (APT): mötet hör inte till en APT-grupp.", field="meeting_id")
    if not _may_lift(viewer, group):
        raise Forbidden("Bara chefen för arbetsplatsen (förvaltningen) eller HR registrerar frågor från APT.")
    now = clock.now()
    async with engine().transaction():
        row = (await Question.insert(Question(
            meeting=meeting_id, origin=group["id"], group=group["id"], text=data.text.strip(), raised_by=data.raised_by.strip(),
            created_by=viewer.user_id, created_at=now, updated_at=now,
        )).returning(Question.id))[0]
        await QuestionLevel.insert(QuestionLevel(question=row["id"], group=group["id"], reached_at=now))
        created = await get_question(viewer, row["id"])
        await audit.record(viewer, "create", "question", row["id"], after=created)
    return created


async def _change(current: dict, values: dict) -> None:
    """A conditional write: only from the version read and while not answered."""
    values = {**values, "version": current["version"] + 1, "updated_at": clock.now()}
    changed = await Question.update(values).where(
        (Question.id == current["id"]) & (Question.version == current["version"]) & (Question.state != "answered"),
    ).returning(Question.id)
    if not changed:
        raise Conflict(CHANGED, field="version")


async def escalate(viewer: Viewer, id: int) -> s.Question:
    current = await _row(viewer, id)
    if current["state"] == "answered":
        raise Conflict(ANSWERED, field="state")
    group = await _group(current["group"])
    if not _may_lift(viewer, group):
        raise Forbidden("Du får inte lyfta frågor från den här gruppen.")
    if group["parent"] is None:
        raise Conflict("Gruppen har ingen överordnad grupp att lyfta frågan till.", field="group_id")
    now = clock.now()
    async with engine().transaction():
        await _change(current, {"group": group["parent"], "state": "escalated", "escalated_at": now})
        await QuestionLevel.insert(QuestionLevel(question=id, group=group["parent"], reached_at=now))
        after = await get_question(viewer, id)
        await audit.record(viewer, "escalate", "question", id, before=current, after=after)
    return after


async def answer(viewer: Viewer, id: int, data: s.Answer) -> s.Question:
    current = await _row(viewer, id)
    if current["state"] == "answered":
        raise Conflict(ANSWERED, field="state")
    group = await _group(current["group"])
    if not await _may_answer(viewer, group):
        raise Forbidden("Frågan besvaras av HR eller av arbetsgivarens ledamöter i gruppen där den väntar.")
    async with engine().transaction():
        await _change(current, {"state": "answered", "answer": data.text.strip(), "answered_at": clock.now(),
                                "answered_by": f"{viewer.name} ({group['name']})"})
        after = await get_question(viewer, id)
        await audit.record(viewer, "answer", "question", id, before=current, after=after)
        await _mail_answer(after, group, current["created_by"])
    return after


async def _mail_answer(question: s.Question, answered_in: dict, raised_by_user: int | None) -> None:
    """The answer to the APT's chef: the department users of the APT's department and whoever raised it."""
    origin = await _group(question.origin_group_id)
    users = await User.select(User.id, User.email, User.name).where(
        User.active == True,  # noqa: E712
        ((User.role == "department") & (User.department == (origin["department"] or -1))) | (User.id == (raised_by_user or -1)),
    )
    recipients = [Recipient(u["email"], u["name"], u["id"]) for u in users]
    plan = Plan(get_settings())
    plan.add(f"q:{question.id}", "question_answer", recipients, "question_answered.txt", link=f"/fragor/{question.id}",
             group=origin["name"], answered_in=answered_in["name"], question=question.text, answer=question.answer or "",
             url=f"{get_settings().base_url}/fragor/{question.id}")
    await plan.save()


async def comment(viewer: Viewer, id: int, data: s.QuestionCommentCreate) -> s.Question:
    await _row(viewer, id)  # whoever sees it may comment
    async with engine().transaction():
        row = (await QuestionComment.insert(QuestionComment(
            question=id, author=viewer.user_id, author_name=viewer.name, text=data.text.strip(), created_at=clock.now(),
        )).returning(QuestionComment.id))[0]
        await audit.record(viewer, "create", "question_comment", row["id"], after={"question": id, "text": data.text.strip()})
    return await get_question(viewer, id)


async def to_agenda(viewer: Viewer, id: int, data: s.ToAgenda) -> s.Question:
    """An agenda item about the question on a meeting of the group where it waits."""
    current = await _row(viewer, id)
    meeting = await meetings.visible_row(viewer, data.meeting_id)
    if meeting["group"] != current["group"]:
        raise Invalid("Mötet hör inte till gruppen där frågan väntar.", field="meeting_id")
    origin = await _group(current["origin"])
    text = current["text"]
    title = f"Fråga från {origin['name']}: " + text
    await meetings.add_item(viewer, data.meeting_id, AgendaItemCreate(
        title=title if len(title) <= 300 else title[:299] + "…", kind="samverkan", text=f"Frågan: {text}"))
    return await get_question(viewer, id)


async def lift_targets(group_ids: list[int]) -> dict[int, str]:
    """The name of each group's parent, for the pages' "Lyft till …" buttons."""
    rows = await CollaborationGroup.select(CollaborationGroup.id, CollaborationGroup.parent.name.as_alias("parent_name")).where(
        CollaborationGroup.id.is_in(group_ids or [-1]), CollaborationGroup.parent.is_not_null())
    return {r["id"]: r["parent_name"] for r in rows}
