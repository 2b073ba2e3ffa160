"""Saving what a command writes: checked before anything is replaced, written to temporary files renamed into
place, optionally encrypted, and never over a file that must not be lost.

:func:`save` writes one workbook to a temporary file and renames it into place. With a password the workbook is
built in memory, encrypted with OOXML agile encryption (msoffcrypto-tool: the encryption Excel 2010+ uses, which
Excel and LibreOffice open with the password) and only then written, so no unencrypted copy ever reaches the
disk. The password is never logged or stored.

:class:`Outputs` holds the rules every command that writes a file follows (one place, called by each command):

* a target open in Excel or LibreOffice (its lock file ``~$name.xlsx`` or ``.~lock.name.xlsx#`` beside it,
  :func:`lock_files`) is refused, and so is a target that is one of the command's input files or
  a folder;
* a payer workbook of ``oonkit build`` (the defined name ``oonkit_template_version``) is replaced only by a build,
  which keeps the previous file; any other command refuses it (staff fill those in: ``oonkit update`` adds to them);
* a command that keeps backups (build, demo) keeps a replaced file as ``name.before-build-YYYYMMDD-HHMMSS.xlsx``
  beside it, as ``oonkit update`` keeps ``name.before-update-...``; the others replace their own earlier output
  and say so (an encrypted file, which cannot be looked into, is kept under the backup name all the same);
* every destination is checked before the work starts (a folder that is a file or cannot be written is named
  with the system's reason), and again just before the rename;
* while :meth:`Outputs.transaction` is active, :func:`save` only stages each workbook (a finished temporary file
  beside its target): the checks run on every target, and only then are they all renamed into place, so a
  refusal or an error leaves every file as it was.

A new file gets the mode ``open()`` gives (0666 less the umask), a replaced file keeps its mode
(:mod:`udfs.atomic`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import errno
import io
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import msoffcrypto
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

from udfs.atomic import atomic_path, give_mode
from udfs.errors import FileError, InputError, OonError

from .fastrows import DeferredRows

PathLike = str | os.PathLike[str]


def save(wb: Workbook, path: Path, password: str | None = None, deferred: DeferredRows | None = None) -> Path:
    """Save ``wb`` to ``path`` atomically; encrypted when ``password`` is given; with the ``deferred`` table
    rows streamed into their sheets (``workbooks.fastrows``). Within :meth:`Outputs.transaction` the file is
    staged and renamed into place when the transaction ends."""
    if deferred is not None and deferred.sheets:
        skeleton = io.BytesIO()  # every sheet but the deferred rows: small
        wb.save(skeleton)
        skeleton.seek(0)
        if password is not None:
            full = io.BytesIO()
            deferred.inject(skeleton, full)
            return write_encrypted(full.getvalue(), path, password)
        with _target(path) as tmp:
            deferred.inject(skeleton, tmp)
        return path
    if password is None:
        with _target(path) as tmp:
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
    with _target(path) as tmp, open(tmp, "wb") as out:
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


# --- reading and writing errors ------------------------------------------------------------------------------


def os_error_text(exc: OSError) -> str:
    """The system's reason, without Python's ``[Errno 28]``: ``No space left on device``."""
    return exc.strerror or str(exc)


@contextlib.contextmanager
def writing(path: PathLike) -> Iterator[None]:
    """Turn an OSError raised inside into ``cannot write PATH: <reason>`` (an :class:`OonError`)."""
    try:
        yield
    except OSError as exc:
        raise OonError(f"cannot write {path}: {os_error_text(exc)}") from exc


@contextlib.contextmanager
def reading(path: PathLike) -> Iterator[None]:
    """Turn an OSError or a UTF-8 decoding error raised inside into ``cannot read PATH: <reason>``."""
    try:
        yield
    except OSError as exc:
        raise OonError(f"cannot read {path}: {os_error_text(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise OonError(f"cannot read {path}: {decode_error_text(exc)}") from exc


def decode_error_text(exc: UnicodeDecodeError) -> str:
    r"""What is wrong with text that is not UTF-8, for a person.

    >>> try:
    ...     b"ok\xff".decode("utf-8")
    ... except UnicodeDecodeError as exc:
    ...     print(decode_error_text(exc))
    not UTF-8 text (byte 0xff at position 2): save it as UTF-8
    """
    return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position {exc.start}): save it as UTF-8"


# --- what is at a target --------------------------------------------------------------------------------------


def is_payer_workbook(path: Path) -> bool | None:
    """True for a payer workbook of ``oonkit build`` (it has the name ``oonkit_template_version``), False for
    any other file, None for an encrypted file (its contents cannot be read without the password)."""
    from .tracker import template_version  # tracker imports the payer workbook, which imports this module
    from .xlsx_package import Package

    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None
    if not head.startswith(b"PK"):
        return False
    try:
        package = Package(path, path.name)
    except FileError:
        return False
    try:
        return template_version(package.read(package.workbook_part)) is not None
    except FileError:
        return False
    finally:
        package.close()


def backup_path(path: Path, now: dt.datetime, command: str) -> Path:
    """``name.before-<command>-YYYYMMDD-HHMMSS.xlsx`` beside ``path`` (a counter added if taken), as ``oonkit
    update`` names its backups.

    >>> backup_path(Path("set/summit-health.xlsx"), dt.datetime(2026, 3, 9, 10, 15), "build").as_posix()
    'set/summit-health.before-build-20260309-101500.xlsx'
    """
    stem = f"{path.stem}.before-{command}-{now:%Y%m%d-%H%M%S}"
    out, n = path.with_name(stem + path.suffix), 2
    while out.exists():
        out, n = path.with_name(f"{stem}-{n}{path.suffix}"), n + 1
    return out


def lock_files(path: Path) -> list[Path]:
    """The lock files Excel (``~$name``; long names lose their first two characters) and LibreOffice
    (``.~lock.name#``) keep beside a workbook they have open."""
    folder, name = path.parent, path.name
    candidates = [folder / f"~${name}", folder / f"~${name[2:]}", folder / f".~lock.{name}#"]
    return [p for p in dict.fromkeys(candidates) if p.exists()]


def keep(path: Path, backup: Path) -> None:
    """The file ``path`` also under the name ``backup``: a hard link (instant) where the file system allows one,
    else a copy."""
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not os.path.lexists(path) and path.parent != path:
        path = path.parent
    return path


# --- the files of one command ---------------------------------------------------------------------------------

_ACTIVE: contextvars.ContextVar[Outputs | None] = contextvars.ContextVar("oonkit_outputs", default=None)


@dataclass(frozen=True)
class Replaced:
    """A file a command replaced; ``backup`` is where the previous file was kept (None: replaced, as the
    command's own earlier output)."""

    path: Path
    backup: Path | None

    def describe(self) -> str:
        if self.backup is None:
            return "replaced the previous file"
        return f"the previous file kept as {self.backup.name}"


class Outputs:
    """The files one command writes, checked before anything is replaced (see the module's docstring).

    Parameters
    ----------
    command : str
        The command (``build``); names the backups: ``name.before-build-YYYYMMDD-HHMMSS.xlsx``.
    inputs : mapping of path to str
        The command's input files and how messages name them (``{claims: "claims file"}``); None paths skipped.
        A target that is one of them is refused.
    backup : bool
        True (build, demo): an existing file at a target is kept under a backup name, a payer workbook
        included. False: a payer workbook is refused; another existing file is replaced and reported.
    now : datetime, optional
        Time in the backups' names (default now).
    """

    def __init__(
        self,
        command: str,
        inputs: Mapping[PathLike | None, str] | None = None,
        *,
        backup: bool = False,
        now: dt.datetime | None = None,
    ):
        self.command = command
        self.inputs = [(Path(p), label) for p, label in (inputs or {}).items() if p is not None]
        self.backup = backup
        self.now = now or dt.datetime.now().replace(microsecond=0)
        self.replaced: list[Replaced] = []
        self._targets: dict[Path, tuple[str, bool]] = {}  # target -> (argument, keep a backup)
        self._folders: dict[Path, str] = {}  # destination folder -> argument
        self._probed: set[Path] = set()
        self._staged: dict[Path, Path] = {}  # target -> finished temporary file

    # checks

    def check_folder(self, folder: PathLike, argument: str) -> Path:
        """A folder the command writes files into: it must be a folder (or be creatable) and writable."""
        folder = Path(folder)
        if os.path.lexists(folder) and not folder.is_dir():
            raise InputError(f"{argument} {folder} exists and is not a folder")
        self._probe(folder, folder)
        self._folders[folder] = argument
        return folder

    def check(self, path: PathLike, argument: str, *, backup: bool | None = None) -> Path:
        """A file the command writes: checked now (the rules of the module's docstring), and again before it
        replaces anything. ``backup`` overrides the command's rule for this file."""
        path = Path(path)
        keep_backup = self.backup if backup is None else backup
        self._targets[path] = (argument, keep_backup)
        self._check_target(path, argument, keep_backup)
        self._probe(path.parent, path)
        return path

    def _check_target(self, path: Path, argument: str, keep_backup: bool) -> None:
        if path.is_dir():
            raise InputError(f"{argument} {path}: is a folder; give a file name")
        locks = lock_files(path)
        if locks:
            raise InputError(
                f"{argument} {path}: {path.name} is open in Excel or LibreOffice (lock file {locks[0].name}): "
                f"close it and run the command again (if it is not open, delete {locks[0]})"
            )
        if not path.exists():
            return
        for source, label in self.inputs:
            if source.exists() and _same(source, path):
                raise InputError(f"{argument} {path} is the {label} itself; choose another name")
        if not keep_backup:
            with reading(path):
                payer = is_payer_workbook(path)
            if payer:
                raise InputError(
                    f"{argument} {path}: {path.name} is a payer workbook of oonkit build, which staff fill in: "
                    f"oonkit {self.command} does not replace it. Choose another name (to add remits or claims to "
                    "the workbook, use oonkit update)"
                )

    def _probe(self, folder: Path, target: Path) -> None:
        """Can files be created in ``folder`` (or in the nearest existing folder above it, where the missing
        ones will be made)? Tried by creating and removing an empty temporary file there."""
        base = _existing_ancestor(folder)
        if base in self._probed:
            return
        if not base.is_dir():
            raise OonError(f"cannot write {target}: {os.strerror(errno.ENOTDIR)} ({base} is a file)")
        try:
            fd, name = tempfile.mkstemp(prefix=".oonkit-check-", dir=base)
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            raise OonError(f"cannot write {target}: {os_error_text(exc)}") from exc
        self._probed.add(base)

    # writing

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Outputs]:
        """While active, :func:`save` stages its workbooks here; on success the targets are checked again and
        renamed into place (:meth:`commit`), on any error the staged files are removed and no target changes.
        An OSError that concerns a destination becomes ``cannot write PATH: <reason>``."""
        token = _ACTIVE.set(self)
        try:
            yield self
        except OSError as exc:
            self.discard()
            where = self._destination(exc)
            if where is None:
                raise
            raise OonError(f"cannot write {where}: {os_error_text(exc)}") from exc
        except BaseException:
            self.discard()
            raise
        finally:
            _ACTIVE.reset(token)
        self.commit()

    @contextlib.contextmanager
    def stage(self, path: Path) -> Iterator[Path]:
        """A temporary file beside ``path`` to write the file into; renamed over ``path`` by :meth:`commit`.

        A target not checked before is checked once it is written (a workbook being saved is not left
        half-saved: openpyxl's write-only streams must be closed)."""
        with writing(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
        tmp = Path(name)
        try:
            with writing(path):
                yield tmp
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if path in self._staged:  # two outputs of one command with one name: the first would be lost
            tmp.unlink(missing_ok=True)
            raise ValueError(f"{path} is written twice by one command")
        self._staged[path] = tmp
        if path not in self._targets:
            self.check(path, "--out")

    def commit(self) -> list[Replaced]:
        """Check every staged target again (a workbook may have been opened meanwhile), then keep the backups
        and rename the staged files into place. Returns (and adds to :attr:`replaced`) what was replaced."""
        try:
            for path in self._staged:
                self._check_target(path, *self._targets[path])
        except BaseException:
            self.discard()
            raise
        done: list[Replaced] = []
        try:
            while self._staged:
                path, tmp = next(iter(self._staged.items()))
                existed = path.exists()
                with writing(path):
                    backup = self._keep_previous(path) if existed else None
                    give_mode(tmp, path)
                    os.replace(tmp, path)
                del self._staged[path]
                if existed:
                    done.append(Replaced(path, backup))
        finally:
            self.discard()
            self.replaced += done
        return done

    def _keep_previous(self, path: Path) -> Path | None:
        """The backup made of the existing file ``path``, or None when the rules need none."""
        _, keep_backup = self._targets.get(path, ("--out", self.backup))
        if not keep_backup and is_payer_workbook(path) is not None:
            return None
        backup = backup_path(path, self.now, self.command)
        keep(path, backup)
        return backup

    def discard(self) -> None:
        """Remove the staged files (no target changes)."""
        for tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
        self._staged.clear()

    def _destination(self, exc: OSError) -> Path | None:
        """The target or destination folder an OSError is about, if it is about one."""
        if exc.filename is None:
            return None
        name = Path(os.fsdecode(exc.filename)).absolute()
        for place in [*self._targets, *self._folders]:
            if name == place.absolute() or place.absolute() in name.parents:
                return place
        return None


@contextlib.contextmanager
def _target(path: Path) -> Iterator[Path]:
    """Where :func:`save` writes ``path``: staged in the active :class:`Outputs`, else :func:`atomic_path`."""
    outputs = _ACTIVE.get()
    if outputs is None:
        with atomic_path(path) as tmp:
            yield tmp
    else:
        with outputs.stage(path) as tmp:
            yield tmp
