"""The layers hold (import-linter, see [tool.importlinter] in pyproject.toml): pages, API handlers
and the web layer reach tables only through their area's service, and the pure domain modules
import nothing of the web or the database. A breach of either contract fails the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}  # this copy of samverkan, not the installed one
    return subprocess.run([LINT, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("samverkan/matters/pages.py", "from samverkan.matters.tables import Matter", "reach tables only through services"),
        ("samverkan/web/forms.py", "from samverkan.orgs.tables import Person", "reach tables only through services"),
        ("samverkan/meetings/rules.py", "import piccolo", "import nothing of the web or the database"),
        ("samverkan/deadlines/calendar.py", "from samverkan import database", "import nothing of the web or the database"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "samverkan", tmp_path / "samverkan", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert f"{contract} BROKEN" in result.stdout, result.stdout
