"""Writing a file so that a reader never sees it half-written: write a temporary file in the same folder,
flush it to disk, then rename it over the target (an atomic step on POSIX and Windows).

The temporary file is created private (``tempfile.mkstemp`` gives it mode 0600), so nobody reads it while it
is written; before the rename it gets the mode the finished file should have: the replaced file's mode, or for a
new file the mode ``open()`` would give it (0666 less the umask), so files shared on a network drive stay
readable by the people they were shared with.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)  # the only portable way to read it: set it and put it back
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permission bits ``open()`` gives a new file: 0666 less the process umask.

    >>> old = os.umask(0o027)
    >>> oct(new_file_mode()), oct(new_folder_mode())
    ('0o640', '0o750')
    >>> _ = os.umask(old)
    """
    return 0o666 & ~_umask()


def new_folder_mode() -> int:
    """The permission bits ``mkdir`` gives a new folder: 0777 less the process umask."""
    return 0o777 & ~_umask()


def mode_for(target: str | os.PathLike[str]) -> int:
    """The permission bits a file written to ``target`` should get: those of the file it replaces, else
    :func:`new_file_mode`."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return new_file_mode()


def give_mode(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Give the temporary file ``tmp`` the mode of :func:`mode_for` ``target``, before it is renamed there.

    Best effort: a file system that keeps no Unix modes (some network shares) may refuse, and then the
    file keeps the mode the share gives it."""
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode_for(target))


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on error it is removed
    and ``target`` is left as it was.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (folder / "a.txt").read_text()
    'done'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        give_mode(tmp, target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
