"""Jinja2 for pages (autoescaped); times shown in Europe/Stockholm."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from samverkan.accounts import rights
from samverkan.clock import STOCKHOLM
from samverkan.paths import templates_dir
from samverkan.settings import Settings

ROLE_LABELS = {"admin": "Administratör", "hr": "HR", "department": "Förvaltning", "union": "Fackförbund"}


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # stored as UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(STOCKHOLM).strftime(fmt)


def _domain_labels() -> dict:
    """Swedish names of the domain's values, for every template."""
    from samverkan.documents import kinds as document_kinds
    from samverkan.matters import rules as matter_rules
    from samverkan.meetings import rules as meeting_rules
    from samverkan.sam import rules as sam_rules

    return {
        "matter_kinds": {k: v.label for k, v in matter_rules.KINDS.items()},
        "matter_basis": {k: v.basis for k, v in matter_rules.KINDS.items()},
        "matter_hold": {k: v.hold for k, v in matter_rules.KINDS.items()},  # kinds with a decision hold
        "matter_status": {"open": "Pågår", "on_hold": "Beslut får inte fattas", "closed": "Förhandlat klart", "decided": "Beslutat"},
        "event_types": {k: v.label for k, v in matter_rules.EVENT_TYPES.items()},
        "party_states": matter_rules.PARTY_STATE_LABELS,
        "outcomes": {"agreement": "Enighet", "disagreement": "Oenighet", "informed": "Informerad"},
        "meeting_kinds": meeting_rules.KINDS,
        "meeting_status": meeting_rules.STATUS_LABELS,
        "agenda_kinds": meeting_rules.AGENDA_KINDS,
        "participant_roles": meeting_rules.PARTICIPANT_ROLES,
        "document_kinds": {k: v.label for k, v in document_kinds.KINDS.items()},
        "deadline_states": {"open": "Öppen", "met": "Uppfylld", "missed": "Missad", "waived": "Eftergiven", "superseded": "Ersatt"},
        "responsible": {"employer": "Arbetsgivaren", "union": "Fackförbundet", "claimant": "Den som vill kräva"},
        "risk_levels": sam_rules.LEVEL_LABELS,
        "likelihood": sam_rules.LIKELIHOOD_LABELS,
        "consequence": sam_rules.CONSEQUENCE_LABELS,
        "sam_reasons": sam_rules.REASONS,
        "sam_roles": sam_rules.PARTICIPANT_ROLES,
        "action_status": sam_rules.STATUSES,
        "checklist": sam_rules.CHECKLIST,
        "answers": sam_rules.ANSWERS,
        "request_states": sam_rules.REQUEST_STATES,
    }


def template_config(settings: Settings) -> TemplateConfig:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        undefined=StrictUndefined,  # a typo in a template fails the test, not the page silently
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # they ship with the code: no stat() of every template on every render
    )
    env.filters["local_time"] = local_time
    # id -> name, and id -> (id, name), through a lookup dict: for lists of ids in templates.
    env.filters["extract"] = lambda key, mapping: mapping.get(key)
    env.filters["extract_pair"] = lambda key, mapping: (key, mapping.get(key, key))
    env.globals["employer_name"] = settings.employer_name
    env.globals["role_labels"] = ROLE_LABELS
    env.globals["rights"] = rights  # templates ask rights.is_admin(viewer), not viewer.role
    env.globals["labels"] = _domain_labels()
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))
