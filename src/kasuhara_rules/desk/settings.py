"""How a desk runs: its database, address, the lifetimes of sessions and lockouts, cookies and the time zone."""
from __future__ import annotations

import attrs

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_URL = "sqlite:///kasu-journal.db"


@attrs.frozen
class Settings:
    """Everything `create_app` needs, fixed when the desk starts (nothing is read from the environment).

    >>> Settings().idle_minutes, Settings().lock_after
    (30, 5)
    """

    db: str = DEFAULT_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    lang: str = "ja"  # the language of the login page and of users who chose none
    idle_minutes: int = 30  # a session ends after this long without a request
    session_hours: int = 12  # …and this long after logging in, whatever happens
    lock_after: int = 5  # failed logins in a row that lock an account
    lock_minutes: int = 15  # how long it stays locked (an admin may unlock it at once)
    tls: bool = False  # behind a TLS proxy: Secure cookies, HSTS, the proxy's X-Forwarded-* trusted
    proxy: str = "127.0.0.1"  # the proxy's address whose X-Forwarded-* headers are trusted (with tls)
    timezone: str = "Asia/Tokyo"  # the zone of date-times entered in forms (policies may name their own)
    max_upload: int = 2_000_000  # bytes of a policy or survey file; attachments are hashed in chunks
    hash_limit: int = 2  # passwords hashed at once (Argon2 takes 64 MiB each)
