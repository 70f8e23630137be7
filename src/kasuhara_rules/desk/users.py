"""Users of the desk: roles, names and sites, Argon2 password hashes, logins with a lockout."""
from __future__ import annotations

import secrets
import time
from typing import Any

import attrs

from ..i18n import N_
from .errors import DeskError
from .store import DeskStore, stamp

ROLES = ("staff", "supervisor", "author", "auditor", "admin")
MIN_PASSWORD = 10
MAX_NAME = 64


@attrs.frozen
class User:
    """Who is logged in: name, role and site (None: the incidents journaled without a site)."""

    name: str
    role: str
    site: str | None
    lang: str | None = None
    must_change: bool = False


def hasher() -> Any:
    """Argon2id with argon2-cffi's defaults (RFC 9106's second recommended setting: 64 MiB, 3 passes)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_name(name: str) -> str:
    text = (name or "").strip()
    if not text or len(text) > MAX_NAME or any(ch.isspace() and ch != " " for ch in text) or any(
            ord(ch) < 32 or ch in "<>\"'&/\\" for ch in text):
        raise DeskError("D101", N_("a user name is one line of at most {n} characters, without < > \" ' & / \\",
                                   n=MAX_NAME), N_("for example: sato or 佐藤"))
    return text


def check_site(site: str | None) -> str | None:
    if site is None:
        return None
    text = site.strip()
    if not text or len(text) > MAX_NAME or any(ord(ch) < 32 for ch in text):
        raise DeskError("D109", N_("a site name is one line of at most {n} characters", n=MAX_NAME),
                        N_("for example: 新宿店"))
    return text


def check_role(role: str) -> str:
    if role not in ROLES:
        raise DeskError("D102", N_("the desk has no role `{role}`", role=role),
                        N_("the roles are: {roles}", roles=", ".join(ROLES)))
    return role


def check_password(name: str, password: str) -> str:
    if len(password) < MIN_PASSWORD or password.strip().casefold() == name.strip().casefold():
        raise DeskError("D104", N_("a password has at least {n} characters and is not the user's name", n=MIN_PASSWORD),
                        N_("a few unrelated words make a long password that is easy to remember"))
    return password


def add_user(store: DeskStore, name: str, role: str, password: str, site: str | None = None, by: str = "kasu",
             must_change: bool = False) -> User:
    """Create a user (refused: a bad name, role, site or password; a name taken)."""
    name = check_name(name)
    role = check_role(role)
    site = check_site(site)
    check_password(name, password)
    row = {"name": name, "role": role, "site": site, "password": hasher().hash(password), "created_at": stamp(),
           "created_by": by, "disabled": False, "failures": 0, "locked_until": None, "must_change": must_change,
           "lang": None, "last_login": None}
    if not store.insert_user(row):
        raise DeskError("D103", N_("there is already a user `{name}`", name=name),
                        N_("choose another name, or change that user's password on the users page"))
    return User(name, role, site, None, must_change)


def set_password(store: DeskStore, name: str, password: str, must_change: bool = False) -> None:
    """Replace a user's password, unlock the account and end its sessions."""
    check_password(name, password)
    if not store.update_user(name, password=hasher().hash(password), failures=0, locked_until=None,
                             must_change=must_change):
        raise DeskError("D107", N_("no user `{name}`", name=name), N_("see the users page"))
    store.end_sessions(name)


def new_password() -> str:
    """A password for a first admin or a reset: 16 characters from a URL-safe alphabet (96 bits)."""
    return secrets.token_urlsafe(12)


@attrs.frozen
class Login:
    """The outcome of a login: the user, or why not (`wrong`, `locked` with until when, `disabled`)."""

    user: User | None
    refusal: str | None = None
    until: float | None = None


def authenticate(store: DeskStore, name: str, password: str, lock_after: int, lock_seconds: float,
                 dummy: str) -> Login:
    """Check a name and password. Five failures in a row (`lock_after`) lock the account for
    `lock_seconds`; a locked or disabled account is refused even with the right password. An unknown
    name is refused as a wrong password is, after the same work (a hash checked against `dummy`)."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    ph = hasher()
    row = store.user(name.strip()) if name else None
    if row is None:
        try:
            ph.verify(dummy, password or "-")
        except (VerificationError, VerifyMismatchError, InvalidHashError):
            pass
        return Login(None, "wrong")
    now = time.time()
    if row.locked_until is not None and row.locked_until > now:
        return Login(None, "locked", row.locked_until)
    try:
        ph.verify(row.password, password or "")
    except (VerificationError, VerifyMismatchError, InvalidHashError):
        store.failed_login(row.name, lock_after, lock_seconds)
        after = store.user(row.name)
        if after is not None and after.locked_until is not None and after.locked_until > now:
            return Login(None, "locked", after.locked_until)
        return Login(None, "wrong")
    if row.disabled:
        return Login(None, "disabled")
    values: dict[str, Any] = {"failures": 0, "locked_until": None, "last_login": stamp()}
    if ph.check_needs_rehash(row.password):
        values["password"] = ph.hash(password)
    store.update_user(row.name, **values)
    return Login(User(row.name, row.role, row.site, row.lang, bool(row.must_change)))


def user_of(row: Any) -> User:
    return User(row.name, row.role, row.site, row.lang, bool(row.must_change))
