"""Writing a user's file all or nothing: a temporary file in the same folder, flushed to disk, then renamed."""
from __future__ import annotations

import os
import tempfile


def write_atomically(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` so that a failure (a full disk) leaves the old file, or none, never
    half a file; raises OSError."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".kasu-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
