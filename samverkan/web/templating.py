"""Jinja2 for pages (autoescaped); times shown in Europe/Stockholm."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

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


def template_config(settings: Settings) -> TemplateConfig:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        undefined=StrictUndefined,  # a typo in a template fails the test, not the page silently
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = local_time
    env.globals["employer_name"] = settings.employer_name
    env.globals["role_labels"] = ROLE_LABELS
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))
