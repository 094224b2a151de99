"""Every link or form whose answer is a file opts out of boosting: htmx on <body> would otherwise
swap the file's bytes into the page and nothing would be saved (issue 17). The file routes are
found in the app (a page handler answering bytes), the links in every HTML template."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from samverkan.paths import templates_dir

# Jinja inside an attribute becomes a placeholder path segment; tags and comments go.
_EXPR = re.compile(r"\{\{.*?\}\}", re.S)
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)


def file_routes() -> list[tuple[str, re.Pattern]]:
    from samverkan.app import create_app

    patterns = []
    for route in create_app().routes:
        if route.path.startswith(("/api", "/static", "/calendar")):
            continue  # the API is not boosted; static files and feeds are not linked as pages
        for handler in getattr(route, "route_handlers", []):
            returns = str(handler.parsed_fn_signature.return_type.annotation)
            if "bytes" in returns or "File" in returns:
                path = re.sub(r"\{[^}]+\}", "[^/?#]+", route.path)
                patterns += [(method, re.compile(f"^{path}(?:[?#].*)?$")) for method in handler.http_methods]
    return patterns


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        target = attributes.get("href") if tag == "a" else attributes.get("action") if tag == "form" else None
        if target:
            self.found.append((tag, target, attributes))


def missing_opt_out(html: str, routes: list[tuple[str, re.Pattern]]) -> list[str]:
    """The links and forms to a file that lack hx-boost="false" (and, on a link, download)."""
    parser = _Links()
    parser.feed(_TAG.sub("", _EXPR.sub("x", html)))
    bad = []
    for tag, target, attributes in parser.found:
        method = "GET" if tag == "a" else (attributes.get("method") or "get").upper()
        if not any(m == method and r.match(target) for m, r in routes):
            continue
        if attributes.get("hx-boost") != "false" or (tag == "a" and "download" not in attributes):
            bad.append(f"<{tag} {target}>")
    return bad


def test_every_link_to_a_file_opts_out_of_boosting():
    routes = file_routes()
    assert len(routes) >= 6, routes  # Word, PDF, zip, SAM documents, templates, the log's CSV
    problems, links = [], 0
    for path in sorted(templates_dir().rglob("*.html")):
        html = path.read_text()
        problems += [f"{path.relative_to(templates_dir())}: {p}" for p in missing_opt_out(html, routes)]
        links += len(re.findall(r'hx-boost="false"', html))
    assert not problems, "Links or forms to a file without hx-boost=\"false\" download:\n" + "\n".join(problems)
    assert links >= 8


def test_the_check_finds_a_boosted_download():
    routes = file_routes()
    assert missing_opt_out('<a href="/dokument/{{ d.id }}/word">Word</a>', routes) == ["<a /dokument/x/word>"]
    assert missing_opt_out('<a href="/dokument/{{ d.id }}/word" hx-boost="false">Word</a>', routes)  # no download
    assert missing_opt_out('<form method="get" action="/logg.csv"></form>', routes) == ["<form /logg.csv>"]
    assert not missing_opt_out('<a href="/dokument/{{ d.id }}">Visa</a>', routes)  # a page, not a file
