"""Saving a generated workbook: to a temporary file renamed into place, and optionally encrypted.

With a password the workbook is built in memory, encrypted with OOXML agile encryption (msoffcrypto-tool: the
encryption Excel 2010+ uses, which Excel and LibreOffice open with the password) and only then written, so no
unencrypted copy ever reaches the disk. The password is never logged or stored.
"""

from __future__ import annotations

import io
from pathlib import Path

import msoffcrypto
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

from udfs.atomic import atomic_path
from udfs.errors import InputError

from .fastrows import DeferredRows


def save(wb: Workbook, path: Path, password: str | None = None, deferred: DeferredRows | None = None) -> Path:
    """Save ``wb`` to ``path`` atomically; encrypted when ``password`` is given; with the ``deferred`` table
    rows streamed into their sheets (``workbooks.fastrows``)."""
    if deferred is not None and deferred.sheets:
        skeleton = io.BytesIO()  # every sheet but the deferred rows: small
        wb.save(skeleton)
        skeleton.seek(0)
        if password is not None:
            full = io.BytesIO()
            deferred.inject(skeleton, full)
            return write_encrypted(full.getvalue(), path, password)
        with atomic_path(path) as tmp:
            deferred.inject(skeleton, tmp)
        return path
    if password is None:
        with atomic_path(path) as tmp:
            wb.save(tmp)
        return path
    plain = io.BytesIO()
    wb.save(plain)
    return write_encrypted(plain.getvalue(), path, password)


def write_encrypted(data: bytes, path: Path, password: str) -> Path:
    """Encrypt the bytes of an .xlsx with ``password`` and write them to ``path`` atomically."""
    if not password:
        raise InputError("the password is empty")
    source = OOXMLFile(io.BytesIO(data))
    with atomic_path(path) as tmp, open(tmp, "wb") as out:
        source.encrypt(password, out)
    return path


def is_encrypted(path: Path) -> bool:
    """True for an encrypted Office file (an OLE compound file, not a zip)."""
    with open(path, "rb") as fh:
        return fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def decrypt(path: Path, password: str) -> bytes:
    """The plain .xlsx bytes of an encrypted workbook; a wrong password raises InputError."""
    with open(path, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        try:
            office.load_key(password=password)
            out = io.BytesIO()
            office.decrypt(out)
        except (msoffcrypto.exceptions.InvalidKeyError, msoffcrypto.exceptions.DecryptionError):
            raise InputError(f"{path.name}: the password does not open this workbook") from None
    return out.getvalue()
