"""Files written through ``atomic_path`` get the mode a plain ``open()`` would give them (0666 less the umask),
or keep the mode of the file they replace: the temporary file's private 0600 never reaches the target."""

from __future__ import annotations

import os
import stat

import pytest

from udfs.atomic import atomic_path


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="Unix permission bits")
@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)], ids=oct)
def test_a_new_file_gets_0666_less_the_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        with atomic_path(tmp_path / "new.xlsx") as tmp:
            tmp.write_bytes(b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.xlsx") == expected


@pytest.mark.skipif(os.name != "posix", reason="Unix permission bits")
def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    target = tmp_path / "shared.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o664)  # group-writable on the team's share
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o664


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("stop")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]
