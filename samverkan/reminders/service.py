"""The sweep: plan what is due (idempotently), claim it (conditional UPDATE with a lease), send it,
mark it; and reading notifications and the outbox. Any number of instances may sweep at once; the database decides who sends what.

Planning inserts outbox rows with a unique key and ON CONFLICT DO NOTHING, so two instances
planning the same reminder make one row. Claiming sets state and lease in one UPDATE on rows that
are still claimable (on PostgreSQL they are locked FOR UPDATE SKIP LOCKED first, so instances
take different rows).
An instance that dies mid-send leaves its claimed rows "sending" until the lease runs out; then
another instance sends them again, with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any, Awaitable
from urllib.parse import urlsplit

from piccolo.columns.combination import WhereRaw

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.service import VIEWER_COLUMNS, Viewer, viewer_from_row
from samverkan.accounts.tables import User
from samverkan.database import Param, Prepared, Read, engine, ids_in, insert_new, update_each
from samverkan.deadlines import catalogue
from samverkan.deadlines.derive import RESPONSIBLE_LABELS
from samverkan.deadlines.service import list_deadlines
from samverkan.deadlines.tables import Deadline
from samverkan.documents import storage
from samverkan.documents.tables import Document
from samverkan.matters.tables import Matter
from samverkan.errors import Conflict, Forbidden, NotFound
from samverkan.pagination import Page, PageRequest, fetch_page
from samverkan.reminders import planning
from samverkan.reminders import schemas as s
from samverkan.reminders.audience import MatterFacts, Recipient, audience, user_recipient
from samverkan.reminders.mail import Mailer, Outgoing, mailer_for
from samverkan.reminders.tables import DeadlineFailure, OutboxMessage, SweepState
from samverkan.reminders.texts import one_line, render
from samverkan.settings import Settings

log = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"
PLAN_BATCH = 500
SEND_BATCH = 200  # claimed at once: also the most that can go twice if the instance dies mid-batch


# --- planning ------------------------------------------------------------------------


def _address_key(email: str) -> str:
    return hashlib.sha256(email.casefold().encode()).hexdigest()[:16]


class Plan:
    """Outbox rows collected for one insert (plain tuples: a sweep may plan thousands, and
    building a Piccolo object per row costs more than the insert)."""

    _COLUMNS = ("key", "kind", "deadline", "user", "to_address", "subject", "body", "message_id", "link",
                "next_attempt_at", "created_at", "attachment")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.domain = urlsplit(settings.base_url).hostname or "samverkan.local"
        self.now = clock.now()
        self.messages: list[tuple] = []

    def add(self, key: str, kind: str, recipients: list[Recipient], template: str, deadline_id: int | None = None,
            link: str = "", document_id: int | None = None, **context: Any) -> None:
        """One text to each recipient, rendered once: the texts greet no one by name."""
        if not recipients:
            return
        subject, body = render(template, employer_name=self.settings.employer_name, base_url=self.settings.base_url, **context)
        for to in recipients:
            mail_key = f"{key}:{_address_key(to.email)}"
            self.messages.append((mail_key, kind, deadline_id, to.user_id, to.email, subject, body,
                                  planning.message_id(mail_key, self.domain), link, self.now, self.now, document_id))

    async def save(self) -> int:
        """Insert what is not there yet; returns how many messages are new (another instance
        may have planned the rest a moment ago)."""
        return await insert_new(OutboxMessage, self._COLUMNS, self.messages)


def deadline_context(row: dict, m: MatterFacts, settings: Settings) -> dict[str, Any]:
    rule = catalogue.BY_ID.get(row["rule_id"])
    if rule is None:
        raise LookupError(f"okänd regel {row['rule_id']!r}")
    if m.id:
        # Mail is less private than the app: an individärende's title stays there.
        concerns = f"i ärende {m.diary_no}" + ("" if m.personal_data or not m.title else f" – {m.title}")
    else:
        concerns = f"för {m.diary_no}"  # a SAM item's or meeting's label
    return {
        "title": rule.title, "basis": rule.basis, "due": row["due"], "reason": row.get("reason") or "",
        "responsible_label": RESPONSIBLE_LABELS[row["responsible"]], "short": one_line(m.diary_no, 60),
        "concerns": concerns, "is_matter": bool(m.id), "safety_rep_request": row["rule_id"] == "AML6-6a-ANSWER",
        "link": settings.base_url + m.link,
    }


_PLAN_COLUMNS = (Deadline.id, Deadline.matter, Deadline.rule_id, Deadline.trade_union, Deadline.due, Deadline.reason,
                 Deadline.responsible, Deadline.department, Deadline.subject, Deadline.subject_id, Deadline.label)


async def plan_deadline_reminders(settings: Settings, today: dt.date) -> int:
    """Plan the stage that has come for every open deadline the sweep should look at today,
    then move each deadline's next look forward. Proportional to what is due: the index on
    (next_reminder_on) WHERE state = 'open' finds them.

    One deadline that cannot be planned (its rule unknown, its text failing) never stops the
    others: it is recorded in deadline_failure with its error and looked at again after a
    growing delay."""
    planned = 0
    failing = {r["deadline"] for r in await DeadlineFailure.select(DeadlineFailure.deadline)}
    while True:
        rows = await Deadline.select(*_PLAN_COLUMNS).where(
            Deadline.state == "open", Deadline.next_reminder_on <= today,
        ).limit(PLAN_BATCH)  # no ORDER BY: it would walk the primary key instead of the sweep index
        if not rows:
            return planned
        people = await audience(rows)
        plan = Plan(settings)
        next_look: dict[int, dt.date | None] = {}
        failures: dict[int, str] = {}
        for row in rows:
            try:
                stage, look = planning.stage_now(row["due"], today)
                m = people.about(row)
                d = deadline_context(row, m, settings)
                key = f"r:{row['id']}:{stage}:{row['due'].isoformat()}"
                if stage == "overdue":
                    plan.add(key, "escalation", people.escalation(m), "escalation.txt", row["id"], m.link, d=d)
                elif stage is not None:
                    plan.add(key, "reminder", people.responsible(m, row["responsible"], row["trade_union"]), "reminder.txt",
                             row["id"], m.link, d=d, days_left=(row["due"] - today).days)
                next_look[row["id"]] = look
            except Exception as exc:  # noqa: BLE001 - recorded per deadline, below
                failures[row["id"]] = f"{type(exc).__name__}: {exc}"
        planned += await plan.save()
        next_look.update(await _record_failures(failures, today))
        if recovered := [i for i in next_look if i in failing and i not in failures]:
            await DeadlineFailure.delete().where(ids_in(DeadlineFailure.deadline, recovered))
        await update_each(Deadline.next_reminder_on, next_look)


async def _record_failures(failures: dict[int, str], today: dt.date) -> dict[int, dt.date]:
    """Each failing deadline's error and count of failures; returns when to look at each again."""
    if not failures:
        return {}
    ids = list(failures)
    before = {r["deadline"]: r["attempts"] for r in await DeadlineFailure.select(
        DeadlineFailure.deadline, DeadlineFailure.attempts).where(ids_in(DeadlineFailure.deadline, ids))}
    again: dict[int, dt.date] = {}
    for deadline_id, error in failures.items():
        attempts = before.get(deadline_id, 0) + 1
        if deadline_id in before:
            await DeadlineFailure.update({DeadlineFailure.error: error[:2000], DeadlineFailure.attempts: attempts,
                                          DeadlineFailure.failed_at: clock.now()}).where(DeadlineFailure.deadline == deadline_id)
        else:
            await DeadlineFailure.insert(DeadlineFailure(deadline=deadline_id, error=error[:2000], attempts=attempts,
                                                         failed_at=clock.now())).on_conflict(action="DO NOTHING")
        again[deadline_id] = today + planning.failure_backoff(attempts)
        log.error("frist %s kunde inte planeras (gång %s): %s", deadline_id, attempts, error)
    return again


async def record_unknown_rules() -> int:
    """At start: open deadlines whose rule is not in the catalogue (a rule renamed or removed by
    an upgrade) are logged and recorded as failing, so /health and the administrators see them
    at once, not only when the sweep reaches them. Returns how many."""
    rows = await Deadline.select(Deadline.id, Deadline.rule_id).where(
        Deadline.state == "open", Deadline.rule_id.not_in(list(catalogue.BY_ID)))
    if not rows:
        return 0
    now = clock.now()
    await insert_new(DeadlineFailure, ("deadline", "error", "attempts", "failed_at"),
                     [(r["id"], f"okänd regel {r['rule_id']!r}", 0, now) for r in rows])
    log.error("frister med regler som inte finns i katalogen: %s (%s öppna)",
              ", ".join(sorted({r["rule_id"] for r in rows})), len(rows))
    return len(rows)


async def plan_digests(settings: Settings, now: dt.datetime) -> int:
    """Once a day from 07:00 Stockholm time: each user with overdue deadlines or deadlines in
    the coming week gets one summary. Runs late after downtime, never twice (the key)."""
    local = now.astimezone(clock.STOCKHOLM)
    today = local.date()
    if local.hour < planning.DIGEST_HOUR:
        return 0
    state = await SweepState.select(SweepState.digests_on).where(SweepState.name == "sweep").first()
    if state and state["digests_on"] and state["digests_on"] >= today:
        return 0
    # Each user's deadlines through their own scope; then the diary numbers of them all at once.
    window = PageRequest(limit=100)
    wanted = []
    for u in await User.select(*[getattr(User, c) for c in VIEWER_COLUMNS]).where(User.active == True):  # noqa: E712
        viewer = viewer_from_row(u, "digest")
        overdue = (await list_deadlines(viewer, state="missed", due_after=today - planning.ESCALATION_WINDOW, page=window)).items
        soon = (await list_deadlines(viewer, state="open", due_before=today + dt.timedelta(days=8), page=window)).items
        if overdue or soon:
            wanted.append((u, overdue, soon))
    matter_ids = list({d.matter_id for _, overdue, soon in wanted for d in overdue + soon if d.matter_id}) or [-1]
    diary = {m["id"]: m["diary_no"] for m in await Matter.select(Matter.id, Matter.diary_no).where(ids_in(Matter.id, matter_ids))}

    def item(d) -> dict[str, Any]:
        short = one_line(diary[d.matter_id] if d.matter_id else d.label or "", 60)
        return {"due": d.due, "title": d.title, "short": short, "link": settings.base_url + d.link}

    plan = Plan(settings)
    for u, overdue, soon in wanted:
        plan.add(f"d:{u['id']}:{today.isoformat()}", "digest", [user_recipient(u)], "digest.txt", name=u["name"], today=today,
                 overdue=[item(d) for d in overdue], soon=[item(d) for d in soon])
    count = await plan.save()
    await SweepState.update({SweepState.digests_on: today}).where(SweepState.name == "sweep")
    return count


async def notify_moved(settings: Settings, rule_set_id: int, rule_set_name: str, moved: list[dict]) -> int:
    """Tell the responsible people that a rule-set change moved their deadlines."""
    people = await audience(moved)
    plan = Plan(settings)
    for row in moved:
        m = people.about(row)
        d = deadline_context(row, m, settings)
        plan.add(f"c:{rule_set_id}:{row['id']}", "rule_change", people.responsible(m, row["responsible"], row["trade_union"]),
                 "rule_change.txt", row["id"], m.link, d=d, old_due=row["old_due"], rule_set=rule_set_name,
                 why=row.get("why", ""))
    return await plan.save()


# --- claiming and sending --------------------------------------------------------------


_CLAIMED = (OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body, OutboxMessage.attachment,
            OutboxMessage.message_id, OutboxMessage.kind, OutboxMessage.deadline, OutboxMessage.attempts, OutboxMessage.calendar,
            OutboxMessage.files)


async def claim(settings: Settings, now: dt.datetime, limit: int = SEND_BATCH, taken_over: bool = True) -> list[dict]:
    """Take up to `limit` messages for this instance: ones whose sender's lease ran out (unless
    `taken_over` is false), then pending ones that are due."""
    lease = clock.now() + dt.timedelta(seconds=settings.mail_lease_seconds)
    claimed: list[dict] = []
    # The states are literals in the SQL, not parameters: the partial indexes (WHERE state = …)
    # can serve only a query that names the state, and PostgreSQL's cached generic plan for a
    # parameter would scan the whole outbox, sent history included.
    expired = WhereRaw("state = 'sending'") & (OutboxMessage.lease_until < now)
    due = WhereRaw("state = 'pending'") & (OutboxMessage.next_attempt_at <= now)
    for claimable in (expired, due) if taken_over else (due,):
        candidates = OutboxMessage.select(OutboxMessage.id).where(claimable).limit(limit - len(claimed))
        take = OutboxMessage.update({
            OutboxMessage.state: "sending", OutboxMessage.lease_until: lease, OutboxMessage.claimed_by: WORKER,
            OutboxMessage.attempts: OutboxMessage.attempts + 1,
        })
        if settings.is_postgres:
            # Ids first, then the UPDATE, in one transaction that holds the row locks. As a
            # subquery of the UPDATE, PostgreSQL may run the LIMIT … SKIP LOCKED select once per
            # outer row (a semi join) and claim far more than `limit`.
            async with engine().transaction():
                ids = [r["id"] for r in await candidates.lock_rows("UPDATE", skip_locked=True)]
                if ids:  # locked by this transaction: no one else can have changed them
                    claimed += await take.where(ids_in(OutboxMessage.id, ids)).returning(*_CLAIMED)
        else:
            # SQLite has one writer at a time: the statement alone is atomic.
            claimed += await take.where(OutboxMessage.id.is_in(candidates), claimable).returning(*_CLAIMED)
        if len(claimed) >= limit:
            break
    return claimed


def _still_ours(ids: list[int]) -> Any:
    """Rows this instance claimed and still holds: after a lease ran out, another instance may
    have taken a row over, and then its outcome is that instance's to record."""
    return ids_in(OutboxMessage.id, ids) & (OutboxMessage.state == "sending") & (OutboxMessage.claimed_by == WORKER)


async def _still_wanted(batch: list[dict]) -> set[int]:
    """Reminders of deadlines that closed after planning are not sent."""
    ids = {m["deadline"] for m in batch if m["deadline"] and m["kind"] in ("reminder", "escalation")}
    if not ids:
        return {m["id"] for m in batch}
    open_ids = {r["id"] for r in await Deadline.select(Deadline.id).where(ids_in(Deadline.id, list(ids)), Deadline.state == "open")}
    return {m["id"] for m in batch if m["kind"] not in ("reminder", "escalation") or m["deadline"] in open_ids}


async def _attachments(settings: Settings, document_ids: list[int]) -> dict[int, tuple[str, bytes] | str]:
    """The Word files to send along (a justerat protocol's copy), read and checked by hash; a
    file that cannot be read is its error instead, which fails the messages that carry it only."""
    if not document_ids:
        return {}
    files: dict[int, tuple[str, bytes] | str] = {}
    for r in await Document.select(Document.id, Document.filename, Document.sha256).where(Document.id.is_in(document_ids)):
        try:
            files[r["id"]] = (r["filename"], storage.get(settings.documents_dir, r["sha256"]))
        except Exception as exc:  # noqa: BLE001 - one message's error, below
            files[r["id"]] = f"bilagan {r['filename']}: {type(exc).__name__}: {exc}"
    return files


def _files(settings: Settings, listed: str) -> tuple[tuple[str, str, bytes], ...] | str:
    """The papers a message carries (outbox_message.files), read and checked by hash; or the
    error that fails this message only."""
    out = []
    for f in json.loads(listed) if listed else []:
        try:
            out.append((f["filename"], f["media_type"], storage.get(settings.documents_dir, f["sha256"], f["suffix"])))
        except Exception as exc:  # noqa: BLE001 - one message's error
            return f"bilagan {f['filename']}: {type(exc).__name__}: {exc}"
    return tuple(out)


async def _send(mailer: Mailer, batch: list[dict], files: dict[int, tuple[str, bytes] | str],
                settings: Settings) -> tuple[list[int], dict[int, str]]:
    """Send what can be sent; every message that cannot, whatever the reason, fails alone."""
    failed: dict[int, str] = {}
    outgoing: list[Outgoing] = []
    for m in batch:
        file = files.get(m["attachment"]) if m["attachment"] else None
        papers = _files(settings, m["files"])
        if isinstance(file, str) or isinstance(papers, str):
            failed[m["id"]] = file if isinstance(file, str) else papers  # type: ignore[assignment]
        else:
            outgoing.append(Outgoing(m["id"], m["to_address"], m["subject"], m["body"], m["message_id"], file, m["calendar"], papers))
    try:
        sent, not_sent = await mailer.send(outgoing) if outgoing else ([], {})
    except Exception as exc:  # noqa: BLE001 - a mailer that breaks fails its messages, which are retried later
        log.exception("utskicket misslyckades")
        sent, not_sent = [], {o.id: f"{type(exc).__name__}: {exc}" for o in outgoing}
    return sent, failed | not_sent


async def deliver(settings: Settings, mailer: Mailer, now: dt.datetime) -> tuple[int, int]:
    sent_total = failed_total = 0
    first = True
    # Rows of a dead instance are looked for once per sweep; pending ones until none are left.
    while batch := await claim(settings, now, taken_over=first):
        first = False
        wanted = await _still_wanted(batch)
        cancelled = [m["id"] for m in batch if m["id"] not in wanted]
        if cancelled:
            await OutboxMessage.update({OutboxMessage.state: "cancelled", OutboxMessage.lease_until: None}).where(
                _still_ours(cancelled))
        batch = [m for m in batch if m["id"] in wanted]
        files = await _attachments(settings, [m["attachment"] for m in batch if m["attachment"]])
        sent, failed = await _send(mailer, batch, files, settings)
        if sent:
            await OutboxMessage.update({
                OutboxMessage.state: "sent", OutboxMessage.sent_at: clock.now(), OutboxMessage.lease_until: None,
                OutboxMessage.last_error: "",
            }).where(_still_ours(sent))
        attempts = {m["id"]: m["attempts"] for m in batch}
        for message_id, error in failed.items():
            # Back to the queue with a growing delay; after MAX_ATTEMPTS it waits for an administrator.
            given_up = attempts[message_id] >= planning.MAX_ATTEMPTS
            await OutboxMessage.update({
                OutboxMessage.state: "failed" if given_up else "pending", OutboxMessage.lease_until: None,
                OutboxMessage.next_attempt_at: clock.now() + planning.backoff(attempts[message_id]),
                OutboxMessage.last_error: error[:2000],
            }).where(_still_ours([message_id]))
            log.warning("e-post %s inte skickad (försök %s): %s", message_id, attempts[message_id], error)
        sent_total += len(sent)
        failed_total += len(failed)
    return sent_total, failed_total


# --- the sweep ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    planned: int
    digests: int
    sent: int
    failed: int


async def sweep(settings: Settings, mailer: Mailer | None = None, now: dt.datetime | None = None) -> SweepResult:
    """Plan, then send. Each step runs even when one before it failed (mail already planned is
    still sent); the errors are recorded in sweep_state.last_error, with the deadlines that could
    not be planned, and the first step's exception is raised at the end."""
    now = now or clock.now()
    today = now.astimezone(clock.STOCKHOLM).date()
    await SweepState.insert(SweepState(name="sweep")).on_conflict(action="DO NOTHING")
    await SweepState.update({SweepState.last_started_at: clock.now()}).where(SweepState.name == "sweep")
    raised: list[Exception] = []
    errors: list[str] = []

    async def step(name: str, work: Awaitable[Any], nothing: Any) -> Any:
        try:
            return await work
        except Exception as exc:  # noqa: BLE001 - recorded and raised below, after the other steps ran
            log.exception("svepet: %s misslyckades", name)
            raised.append(exc)
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
            return nothing

    planned = await step("planering", plan_deadline_reminders(settings, today), 0)
    digests = await step("sammanfattningar", plan_digests(settings, now), 0)
    # What was planned just now is due too (now was taken before planning).
    sent, failed = await step("utskick", deliver(settings, mailer or mailer_for(settings), max(now, clock.now())), (0, 0))
    failing = await DeadlineFailure.select(DeadlineFailure.deadline, DeadlineFailure.error).order_by(
        DeadlineFailure.failed_at, ascending=False).limit(1)
    if failing:
        count = await DeadlineFailure.count()
        errors.append(f"{count} frist(er) kunde inte planeras, senast frist {failing[0]['deadline']}: {failing[0]['error']}")
    done = {SweepState.last_error: "; ".join(errors)[:2000]}
    if not raised:  # a step that failed as a whole leaves the sweep unfinished: the pages warn after ten minutes
        done[SweepState.last_finished_at] = clock.now()
    await SweepState.update(done).where(SweepState.name == "sweep")
    if raised:
        raise raised[0]
    return SweepResult(planned, digests, sent, failed)


async def last_sweep() -> dict | None:
    return await SweepState.select(SweepState.last_finished_at, SweepState.last_error).where(SweepState.name == "sweep").first()


async def failing_counts() -> dict[str, int]:
    """Messages that failed at least once and are not sent yet, and deadlines the sweep could not plan."""
    outbox_failing = await OutboxMessage.count().where(
        WhereRaw("state = 'failed'") | (WhereRaw("state = 'pending'") & (OutboxMessage.attempts > 0)))
    return {"outbox_failing": outbox_failing, "deadlines_failing": await DeadlineFailure.count()}


# --- reading: notifications for their user, the outbox for administrators ----------------


def _notes_of(user: int | Param) -> list[Any]:
    """A user's notifications: the messages to them, except the daily digest (a summary)."""
    return [OutboxMessage.user == user, OutboxMessage.kind != "digest"]


async def notifications(viewer: Viewer, unread_only: bool = False, page: PageRequest = PageRequest()) -> Page[s.Notification]:
    where = [*_notes_of(viewer.user_id), OutboxMessage.read_at.is_null() if unread_only else None]
    rows, total = await fetch_page(OutboxMessage, where, OutboxMessage.id, page, descending=True)
    return Page(items=[s.Notification(id=r["id"], title=r["subject"], link=r["link"] or None, created_at=r["created_at"],
                                      read=r["read_at"] is not None) for r in rows], total=total)


# In every page's header (web/page_status.py): built once.
_UNREAD = Prepared(lambda: OutboxMessage.count().where(*_notes_of(Param("user")), OutboxMessage.read_at.is_null()))


def unread_read(viewer: Viewer) -> Read:
    """The statement unread_count runs (for database.read_ahead)."""
    return _UNREAD.read(user=viewer.user_id)


async def unread_count(viewer: Viewer) -> int:
    return (await unread_read(viewer).first())["count"]


async def mark_read(viewer: Viewer, notification_id: int | None = None) -> int:
    """One notification, or all of the viewer's; only the viewer's own are ever touched."""
    where = [*_notes_of(viewer.user_id), OutboxMessage.read_at.is_null()]
    if notification_id is not None:
        if not await OutboxMessage.exists().where(OutboxMessage.id == notification_id, *_notes_of(viewer.user_id)):
            raise NotFound(f"Notisen {notification_id} finns inte.")
        where.append(OutboxMessage.id == notification_id)
    done = await OutboxMessage.update({OutboxMessage.read_at: clock.now()}).where(*where).returning(OutboxMessage.id)
    return len(done)


def _admin_only(viewer: Viewer) -> None:
    if not rights.is_admin(viewer):
        raise Forbidden("Bara en administratör ser utkorgen.")


def _outbox_out(r: dict) -> s.OutboxMessage:
    return s.OutboxMessage(
        id=r["id"], kind=r["kind"], to_address=r["to_address"], subject=r["subject"], state=r["state"], attempts=r["attempts"],
        next_attempt_at=r["next_attempt_at"], last_error=r["last_error"] or None, sent_at=r["sent_at"], created_at=r["created_at"],
        deadline_id=r["deadline"], message_id=r["message_id"],
    )


async def outbox(viewer: Viewer, state: str | None = None, page: PageRequest = PageRequest()) -> Page[s.OutboxMessage]:
    _admin_only(viewer)
    # Newest first by id (the order they were planned in): an index on created_at would be one
    # more to maintain for every one of the thousands of rows a sweep inserts.
    rows, total = await fetch_page(OutboxMessage, [OutboxMessage.state == state if state else None], OutboxMessage.id,
                                   page, descending=True)
    return Page(items=[_outbox_out(r) for r in rows], total=total)


async def outbox_counts(viewer: Viewer) -> dict[str, int]:
    _admin_only(viewer)
    rows = await OutboxMessage.raw("SELECT state, COUNT(*) AS n FROM outbox_message GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


async def retry(viewer: Viewer, message_id: int) -> s.OutboxMessage:
    """Send a failed (or waiting) message at the next sweep, with a fresh count of attempts."""
    _admin_only(viewer)
    done = await OutboxMessage.update({
        OutboxMessage.state: "pending", OutboxMessage.attempts: 0, OutboxMessage.next_attempt_at: clock.now(),
    }).where(OutboxMessage.id == message_id, OutboxMessage.state.is_in(["failed", "pending"])).returning(OutboxMessage.id)
    if not done:
        if not await OutboxMessage.exists().where(OutboxMessage.id == message_id):
            raise NotFound(f"Meddelandet {message_id} finns inte.")
        raise Conflict("Bara ett misslyckat eller väntande meddelande kan skickas igen.", field="state")
    return _outbox_out(await OutboxMessage.select().where(OutboxMessage.id == message_id).first())


def is_stale(last: dict | None, max_age: dt.timedelta = dt.timedelta(minutes=10)) -> bool:
    """Whether the sweep record ``last_sweep()`` read says no sweep has finished for a while."""
    finished = last["last_finished_at"] if last else None
    return finished is None or clock.now() - finished > max_age
