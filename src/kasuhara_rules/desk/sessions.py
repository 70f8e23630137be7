"""Server-side sessions (starsessions) kept in the desk's table: a random id in the cookie, the data in the database.

The cookie holds only a random id (starsessions makes it with `secrets`); the table keeps the SHA-256
of that id, the data and its expiry. Logging in gives the session a new id and deletes the old row
(no session fixation); logging out deletes it; disabling a user or changing a password deletes all
of theirs.
"""
from __future__ import annotations

import json
from typing import Any

from anyio import to_thread
from starsessions.stores import SessionStore

from .store import DeskStore

TOUCH_SECONDS = 60  # an unchanged session's expiry is written again only when it moves by more than this


class TableStore(SessionStore):
    """starsessions' store interface over `desk_sessions`."""

    def __init__(self, store: DeskStore) -> None:
        self.store = store

    async def read(self, session_id: str, lifetime: int) -> bytes:
        return await to_thread.run_sync(self.store.read_session, session_id)

    async def write(self, session_id: str, data: bytes, lifetime: int, ttl: int) -> str:
        user = _user_of(data)
        await to_thread.run_sync(self.store.write_session, session_id, data, ttl or lifetime, user, TOUCH_SECONDS,
                                 same)
        return session_id

    async def remove(self, session_id: str) -> None:
        await to_thread.run_sync(self.store.remove_session, session_id)


def same(old: bytes, new: bytes) -> bool:
    """Whether two versions of a session's data differ only in starsessions' time of last access."""
    return bool(_essence(old) == _essence(new))


def _essence(data: bytes) -> Any:
    try:
        loaded: Any = json.loads(data)
    except ValueError:
        return data
    if isinstance(loaded, dict) and isinstance(loaded.get("__metadata__"), dict):
        loaded["__metadata__"].pop("last_access", None)
    return loaded


def _user_of(data: bytes) -> str | None:
    try:
        loaded: Any = json.loads(data)
    except ValueError:
        return None
    user = loaded.get("user") if isinstance(loaded, dict) else None
    return str(user) if isinstance(user, str) else None
