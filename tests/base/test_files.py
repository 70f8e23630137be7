"""Tests for files.py: a user's file is written whole or not at all (issue 25, item 6)."""
import errno
import os
import stat

import pytest

from kasuhara_rules import files
from kasuhara_rules.files import SymlinkRefused, write_atomic


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_write_replaces_the_whole_file(tmp_path):
    """The new content replaces the old one; nothing else is left in the directory."""
    target = tmp_path / "p.kasu"
    target.write_text("old\n" * 1000, encoding="utf-8")
    write_atomic(target, "新しい\n")
    assert target.read_text(encoding="utf-8") == "新しい\n" and _leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_leaves_the_original_intact(tmp_path, monkeypatch, failing):
    """ENOSPC half-way through the write (or EIO at fsync): the original is untouched, no temporary file stays."""
    target = tmp_path / "p.kasu"
    original = "policy 原本\n" * 5000
    target.write_text(original, encoding="utf-8")
    real_write = os.write
    calls = []

    def half_then_full(fd, data):
        calls.append(fd)
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def broken_fsync(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    if failing == "write":
        monkeypatch.setattr(files.os, "write", half_then_full)
    else:
        monkeypatch.setattr(files.os, "fsync", broken_fsync)
    with pytest.raises(OSError) as info:
        write_atomic(target, "x" * 100_000)
    assert info.value.errno == (errno.ENOSPC if failing == "write" else errno.EIO)
    assert target.read_text(encoding="utf-8") == original
    assert _leftovers(tmp_path) == []


def test_permissions_of_the_original_are_kept(tmp_path):
    """A file that was 0640 (or executable) keeps its mode when rewritten."""
    target = tmp_path / "p.kasu"
    target.write_text("a", encoding="utf-8")
    os.chmod(target, 0o640)
    write_atomic(target, "b")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    os.chmod(target, 0o751)
    write_atomic(target, "c")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o751


def test_a_new_file_gets_the_usual_mode(tmp_path):
    """A new file is 0666 less the umask, not the 0600 of a temporary file."""
    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o644


def test_following_a_link_writes_its_target_and_keeps_the_link(tmp_path):
    """symlinks="follow" (the default) writes where the link points, as `>` would; the link stays."""
    real = tmp_path / "real.kasu"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.kasu"
    link.symlink_to(real)
    assert write_atomic(link, "new") == str(real)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_refusing_links_refuses_even_a_dangling_one(tmp_path):
    """symlinks="refuse": a link (dangling or not) is refused and nothing is created where it points."""
    elsewhere = tmp_path / "elsewhere.txt"
    link = tmp_path / "policy.kasu"
    link.symlink_to(elsewhere)
    with pytest.raises(SymlinkRefused):
        write_atomic(link, "x", symlinks="refuse")
    assert not elsewhere.exists() and _leftovers(tmp_path) == []


def test_exclusive_never_replaces(tmp_path):
    """exclusive=True: an existing file or a dangling link is never replaced."""
    target = tmp_path / "p.kasu"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_atomic(target, "x", exclusive=True)
    link = tmp_path / "l.kasu"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        write_atomic(link, "x", exclusive=True)
    assert target.read_text(encoding="utf-8") == "mine" and not (tmp_path / "nowhere").exists()
    write_atomic(tmp_path / "fresh.kasu", "y", exclusive=True)
    assert (tmp_path / "fresh.kasu").read_text(encoding="utf-8") == "y" and _leftovers(tmp_path) == []


def test_a_directory_is_not_replaced(tmp_path):
    """Writing to the name of a directory fails and leaves it as it was."""
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "d", "x")
    assert (tmp_path / "d").is_dir() and _leftovers(tmp_path) == []
