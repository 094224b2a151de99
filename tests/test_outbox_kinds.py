"""/utkorg names every kind of message the code plans: a test finds each kind in the source (the
second argument of Plan.add, the third of protocols' _tell) and renders the page with one of each."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import login

import samverkan
from samverkan.reminders.texts import KIND_LABELS


def planned_kinds() -> set[str]:
    kinds = set()
    for path in Path(samverkan.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            at = {"add": 1, "_tell": 2}.get(name)
            if name == "add" and "plan" not in ast.unparse(getattr(node.func, "value", node.func)).lower():
                continue  # a set's or a calendar's add
            if at is not None and len(node.args) > at and isinstance(node.args[at], ast.Constant) and isinstance(node.args[at].value, str):
                kinds.add(node.args[at].value)
            kinds.update(k.value.value for k in node.keywords if k.arg == "kind" and name == "OutboxMessage"
                         and isinstance(k.value, ast.Constant))
    return kinds


def test_every_planned_kind_has_a_label_and_is_in_the_api():
    from typing import get_args, get_type_hints

    from samverkan.reminders.schemas import OutboxMessage

    found = planned_kinds()
    assert {"reminder", "justering", "protocol", "comment", "proposal", "decision"} <= found, found  # the finder finds
    assert found <= set(KIND_LABELS), f"no label in reminders/texts.py KIND_LABELS for {found - set(KIND_LABELS)}"
    api_kinds = set(get_args(get_args(get_type_hints(OutboxMessage, include_extras=True)["kind"])[0]))
    assert found <= api_kinds, f"missing in reminders/schemas.py OutboxMessage.kind: {found - api_kinds}"


async def test_the_outbox_page_shows_every_kind(client, make_caller):
    from samverkan.reminders.tables import OutboxMessage

    admin = await make_caller("admin")
    kinds = [*KIND_LABELS, "okänd"]
    await OutboxMessage.insert(*[OutboxMessage(key=f"t:{k}", kind=k, to_address="a@b.example", subject=f"Ämne {k}", body="",
                                               message_id=f"<{k}@x>") for k in kinds])
    await login(client, admin.email, admin.password)
    page = await client.get("/utkorg")
    assert page.status_code == 200, page.text
    for label in KIND_LABELS.values():
        assert f"<td>{label}</td>" in page.text
    assert "<td>Meddelande (okänd)</td>" in page.text
