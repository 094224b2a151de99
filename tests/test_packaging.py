"""The installed package finds templates/, from a source checkout and from a wheel."""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_source_tree_finds_templates():
    from samverkan.paths import templates_dir

    assert templates_dir() == ROOT / "templates"
    assert (templates_dir() / "base.html").is_file()


def test_wheel_carries_templates_and_migrations(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "samverkan/_templates/base.html",
        "samverkan/_templates/registry/form.html",
        "samverkan/_templates/static/htmx.min.js",
        "samverkan/_templates/static/app.css",
        "samverkan/_templates/word/protocol.docx",
        "samverkan/_templates/word/logo.png",
        "samverkan/piccolo_conf.py",
    ):
        assert required in names, required
    assert any(n.startswith("samverkan/orgs/migrations/orgs_") for n in names)
    assert any(n.startswith("samverkan/documents/migrations/documents_") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "samverkan = samverkan.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
