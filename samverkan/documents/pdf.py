"""PDF copies through LibreOffice, when ``soffice`` is installed: an optional extra.

One conversion at a time per process (LibreOffice is heavy and its profile is not shared safely),
each with a time limit and a profile directory of its own."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from samverkan.errors import ServiceError

_ONE_AT_A_TIME = threading.Lock()


class PdfUnavailable(ServiceError):
    status_code = 503


def available() -> bool:
    return _soffice(os.environ.get("PATH")) is not None


@functools.lru_cache(maxsize=4)
def _soffice(path: str | None) -> str | None:
    """Where soffice is on this PATH: looked up once, not on every page that offers a PDF
    (a stat of each PATH entry; issue 15's profiles)."""
    return shutil.which("soffice", path=path)


def convert(docx: bytes, timeout: int) -> bytes:
    """The document as PDF; PdfUnavailable when LibreOffice is missing, fails or is too slow."""
    soffice = shutil.which("soffice")  # looked up again: it may have been removed since
    if soffice is None:
        raise PdfUnavailable("PDF kan inte skapas här: LibreOffice (soffice) är inte installerat.")
    if not _ONE_AT_A_TIME.acquire(timeout=timeout):
        raise PdfUnavailable("PDF-tjänsten är upptagen; försök igen om en stund.")
    try:
        with tempfile.TemporaryDirectory(prefix="samverkan-pdf-") as work:
            folder = Path(work)
            (folder / "document.docx").write_bytes(docx)
            # A session of its own: on timeout the whole group goes, soffice.bin included.
            process = subprocess.Popen(
                [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(folder), str(folder / "document.docx")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise PdfUnavailable(f"PDF-omvandlingen tog längre än {timeout} sekunder och avbröts.") from None
            if process.returncode != 0:
                raise PdfUnavailable(f"LibreOffice kunde inte göra en PDF (felkod {process.returncode}).")
            result = folder / "document.pdf"
            if not result.exists():
                raise PdfUnavailable("LibreOffice gjorde ingen PDF av dokumentet.")
            return result.read_bytes()
    finally:
        _ONE_AT_A_TIME.release()
