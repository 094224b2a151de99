"""A generated Word file as HTML, for reading it on the page before downloading: the header's
letterhead, headings, paragraphs with bold and italic, lists and tables, in document order.
Every piece of text is escaped. No web or database imports."""

from __future__ import annotations

import io

from docx import Document
from markupsafe import Markup, escape

# One level down: the page around the preview has its own h1.
_HEADINGS = {"Title": "h2", "Heading 1": "h2", "Heading 2": "h3", "Heading 3": "h4"}


def _runs(paragraph) -> str:
    out = []
    for run in paragraph.runs:
        text = escape(run.text).replace("\n", Markup("<br>"))
        if run.bold:
            text = Markup("<strong>{}</strong>").format(text)
        if run.italic:
            text = Markup("<em>{}</em>").format(text)
        out.append(str(text))
    return "".join(out)


def _blocks(container) -> list[str]:
    html: list[str] = []
    in_list = False
    for block in container.iter_inner_content():
        is_item = not hasattr(block, "rows") and block.style is not None and block.style.name.startswith("List")
        if in_list and not is_item:
            html.append("</ul>")
            in_list = False
        if hasattr(block, "rows"):
            rows = "".join(
                "<tr>" + "".join(f"<td>{''.join(_blocks(cell))}</td>" for cell in row.cells) + "</tr>" for row in block.rows
            )
            html.append(f'<table class="doc-table">{rows}</table>')
        elif is_item:
            if not in_list:
                html.append("<ul>")
                in_list = True
            html.append(f"<li>{_runs(block)}</li>")
        else:
            tag = _HEADINGS.get(block.style.name if block.style is not None else "", "p")
            html.append(f"<{tag}>{_runs(block)}</{tag}>" if block.text.strip() else "")
    if in_list:
        html.append("</ul>")
    return html


def to_html(docx: bytes) -> Markup:
    document = Document(io.BytesIO(docx))
    section = document.sections[0]
    header = "".join(_blocks(section.header))
    footer = "".join(_blocks(section.footer))
    body = "".join(_blocks(document))
    return Markup(
        f'<div class="doc-page"><header class="doc-header">{header}</header>'
        f'<div class="doc-body">{body}</div><footer class="doc-footer">{footer}</footer></div>'
    )
