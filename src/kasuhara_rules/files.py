"""Writing a user's file whole or not at all: a temporary file beside it, fsync, then one rename.

Every command that writes a file the user named (`kasu fmt` in place, `kasu init`, each `-o
FILE`, `kasu doc -o`, the reports and the survey, the journal's exports) goes through
`write_atomic`, or `open_atomic`, its streamed form (`kasu eval -o`). The new content is written
to a temporary file in the same directory, flushed to the disk (`fsync`), given the permissions
of the file it replaces, and renamed over it in one step; if anything fails on the way (a full disk, a failing device, Ctrl-C) the temporary file is
removed and the original is untouched. Only the standard library is used.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from typing import Iterator, TextIO

__all__ = ["SymlinkRefused", "open_atomic", "write_atomic"]


class SymlinkRefused(OSError):
    """The file to write is a symbolic link and the caller refuses to write through one."""


def write_atomic(path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8",
                 symlinks: str = "follow", exclusive: bool = False) -> str:
    """Write `data` (bytes, or text encoded with `encoding`) to `path`, all or nothing; returns the
    path of the file actually written.

    `symlinks="follow"` writes to the file a symbolic link points to (the link stays, as a shell's
    `>` would); `symlinks="refuse"` raises SymlinkRefused when `path` is a link, even a dangling
    one. `exclusive=True` never replaces anything: FileExistsError when `path` exists (or is a
    link), also when it appears while writing. A replaced file keeps its permission bits (and
    owner, where the process may set it); a new file gets the usual ones (0666 less the umask).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_atomic(folder / "a.txt", "一\\n")
    >>> (folder / "a.txt").read_text(encoding="utf-8")
    '一\\n'
    >>> sorted(p.name for p in folder.iterdir())  # no temporary file is left behind
    ['a.txt']
    """
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    target, before = _target(path, symlinks, exclusive)
    directory, name = os.path.split(target)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory or ".")
    try:
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        _set_mode(temporary, before)
        if exclusive:
            _link_new(temporary, target)
        else:
            os.replace(temporary, target)
    except BaseException:
        _discard(temporary)
        raise
    _sync_directory(directory or ".")
    return target


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str], *, encoding: str = "utf-8", newline: str | None = "",
                symlinks: str = "follow") -> Iterator[TextIO]:
    """A text file to write `path` through, streamed, with the guarantees of `write_atomic`: the
    file appears (or replaces the old one, whose permissions it keeps) only when the block ends
    without an exception; otherwise nothing is left behind and the old file is untouched.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with open_atomic(folder / "b.csv") as out:
    ...     _ = out.write("一,二\\n")
    >>> (folder / "b.csv").read_text(encoding="utf-8"), sorted(p.name for p in folder.iterdir())
    ('一,二\\n', ['b.csv'])
    """
    target, before = _target(path, symlinks, exclusive=False)
    directory, name = os.path.split(target)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory or ".")
    except OSError as exc:  # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, target) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _set_mode(temporary, before)
        os.replace(temporary, target)
    except BaseException:
        _discard(temporary)
        raise
    _sync_directory(directory or ".")


def _discard(temporary: str) -> None:
    """Remove a temporary file a failed write leaves (gone already is fine)."""
    try:
        os.unlink(temporary)
    except OSError:
        pass


def _target(path: str | os.PathLike[str], symlinks: str, exclusive: bool) -> tuple[str, os.stat_result | None]:
    """The file to write (a followed link's target) and its status before (None when new); refusals
    as `write_atomic` documents them."""
    if symlinks not in ("follow", "refuse"):
        raise ValueError("symlinks must be 'follow' or 'refuse'")
    target = os.fspath(path)
    if os.path.islink(target):
        if symlinks == "refuse":
            raise SymlinkRefused(errno.ELOOP, "it is a symbolic link; nothing was written through it", target)
        if exclusive:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target)
        target = os.path.realpath(target)
    if exclusive and os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target)
    try:
        before: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        before = None
    if before is not None and stat.S_ISDIR(before.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
    return target, before


def _set_mode(temporary: str, before: os.stat_result | None) -> None:
    """The permissions of the replaced file, or those a new file would get (mkstemp makes 0600)."""
    if before is not None:
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except OSError:  # only a privileged process may give a file away; the mode is what matters
                pass
    else:
        os.chmod(temporary, 0o666 & ~_umask())


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, and set it back at once
    os.umask(mask)
    return mask


def _link_new(temporary: str, target: str) -> None:
    """Give the finished temporary file its name only if that name is free (a hard link fails on an
    existing name, atomically); where links are not supported, check and rename."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                             errno.ENOSYS, errno.EACCES):
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target) from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (best effort: not every system can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
