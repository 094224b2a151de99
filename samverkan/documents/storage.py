"""Generated files on disk, named by their sha256 under the documents directory
(``SAMVERKAN_DOCUMENTS_DIR``). A file is written once, whole, and checked against its hash
whenever it is read back: a changed or missing file is reported, never served."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from samverkan.errors import ServiceError


class StorageProblem(ServiceError):
    status_code = 503


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _path(root: Path, digest: str, suffix: str) -> Path:
    return root / digest[:2] / f"{digest}{suffix}"


def put(root: Path, data: bytes, suffix: str = ".docx", digest: str | None = None) -> str:
    """Store data (once; the same bytes are the same file) and return its sha256. ``digest``
    names a derived file by its source's hash instead (a PDF by its Word file's)."""
    name = digest or sha256(data)
    path = _path(root, name, suffix)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # whole or not at all, even with two instances writing the same file
    return name


def get(root: Path, digest: str, suffix: str = ".docx") -> bytes:
    """A stored file (a Word file unless ``suffix`` says otherwise); StorageProblem when it is
    missing or no longer has its hash."""
    path = _path(root, digest, suffix)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StorageProblem("Filen saknas i dokumentlagret (SAMVERKAN_DOCUMENTS_DIR); återställ den från säkerhetskopian.") from None
    if sha256(data) != digest:
        raise StorageProblem("Filen i dokumentlagret har ändrats sedan den skapades och lämnas inte ut.")
    return data


def find(root: Path, digest: str, suffix: str) -> bytes | None:
    """A derived file if it has been made (it carries no hash of its own to check)."""
    path = _path(root, digest, suffix)
    return path.read_bytes() if path.exists() else None
