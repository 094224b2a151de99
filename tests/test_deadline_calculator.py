"""The deadline calculator over the API and the CLI, and the rule listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys


async def test_calculator_api(client, make_caller):
    union = await make_caller("hr")
    r = await client.get("/api/v1/deadline-calculator?rule=MBL16-MEET-LOCAL&from=2025-12-17", headers=union.headers)
    assert r.status_code == 200
    assert r.json() == {"rule": "MBL16-MEET-LOCAL", "from": "2025-12-17", "unadjusted_due": "2025-12-31", "due": "2026-01-02",
                        "reason": "2025-12-31 är nyårsafton och 2026-01-01 nyårsdagen; fristen går ut fredag 2026-01-02"}
    plain = await client.get("/api/v1/deadline-calculator?rule=MBL65-SUIT&from=2026-03-31", headers=union.headers)
    assert plain.json()["reason"] is None and plain.json()["due"] == "2026-06-30"


async def test_calculator_bad_input(client, make_caller):
    hr = await make_caller("hr")
    unknown = await client.get("/api/v1/deadline-calculator?rule=NOPE&from=2026-01-01", headers=hr.headers)
    assert unknown.status_code == 404 and unknown.json()["field"] == "rule"
    impossible = await client.get("/api/v1/deadline-calculator?rule=MBL65-SUIT&from=2026-02-30", headers=hr.headers)
    assert impossible.status_code == 400 and impossible.json()["field"] == "from"
    missing = await client.get("/api/v1/deadline-calculator?rule=MBL65-SUIT", headers=hr.headers)
    assert missing.status_code == 400 and missing.json()["field"] == "from"
    assert (await client.get("/api/v1/deadline-calculator?rule=MBL65-SUIT&from=2026-01-01")).status_code == 401


async def test_rules_listing(client, make_caller):
    hr = await make_caller("hr")
    sets = (await client.get("/api/v1/rules", headers=hr.headers)).json()
    assert sets[0]["read_only"] is True
    rules = {r["id"]: r for r in sets[0]["rules"]}
    assert rules["MBL16-MEET-LOCAL"] | {"title": ""} == {
        "id": "MBL16-MEET-LOCAL", "title": "", "basis": "16 § 2 st. MBL",
        "trigger": "Arbetsgivaren eller den lokala organisationen fick del av framställan", "length": 2, "unit": "weeks",
        "direction": "after", "adjust_to_working_day": True, "statutory": True, "local": False, "optional": False}
    assert rules["SKR-SAMV-INVITE"]["direction"] == "before" and rules["SKR-SAMV-INVITE"]["adjust_to_working_day"] is False
    # The seven defaults of the local agreement are what a rule set may change; no other rule is.
    # AGR-MEET-LOCAL (a meeting limit for 11–13 §§ matters, where 16 § 2 st. does not apply) starts
    # no deadline until a rule set gives it a length.
    assert sorted(r for r, v in rules.items() if v["local"]) == [
        "AFS-SAM-ANNUAL", "AGR-CENTRAL-REQ", "AGR-MEET-LOCAL", "AGR-PROTOCOL-APPROVAL", "AMF8a-SK-MEET", "AML6-6a-ANSWER", "SKR-SAMV-INVITE"]
    assert [r for r, v in rules.items() if v["optional"]] == ["AGR-MEET-LOCAL"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "samverkan", "deadline", *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))


def test_cli_calculator():
    text = _cli("MBL16-MEET-LOCAL", "2025-12-17")
    assert text.returncode == 0
    assert text.stdout.splitlines() == [
        "MBL16-MEET-LOCAL från 2025-12-17: fristen går ut 2026-01-02",
        "2025-12-31 är nyårsafton och 2026-01-01 nyårsdagen; fristen går ut fredag 2026-01-02"]
    as_json = _cli("MBL64-LOCAL-KNOW", "2025-10-31", "--json")
    assert json.loads(as_json.stdout)["due"] == "2026-03-02"
    unknown = _cli("NOPE", "2025-10-31")
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr
    impossible = _cli("MBL65-SUIT", "2026-02-30")
    assert impossible.returncode == 1 and "2026-02-30" in impossible.stderr
