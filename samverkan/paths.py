"""Where the top-level templates/ directory is, installed or not."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    # A wheel carries templates/ inside the package (pyproject force-include);
    # a source checkout or editable install has it beside the package.
    for candidate in (_PACKAGE / "_templates", _PACKAGE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError("templates/ not found: the installation is incomplete")
