"""Refusals of the journal: a stable code, a message and a hint in Japanese and English, an exit code."""
from __future__ import annotations

from typing import Any

from ..i18n import Message, N_, translate

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_INVALID_RECORD = 3

INSTALL = "pip install '.[journal]'"

# code → what it means (the catalogue docs/journal.md lists; tests/journal/test_errors.py keeps them in step)
CODES = {
    "J100": "the journal extra (SQLAlchemy, Alembic) is not installed",
    "J101": "the database URL does not parse",
    "J102": "a kind of database the journal does not support",
    "J103": "the database cannot be opened or reached",
    "J104": "the database is locked by another writer for too long",
    "J105": "the database or its disk is full",
    "J106": "the database is read-only",
    "J107": "the database was written by a newer kasuhara-rules",
    "J108": "another database error",
    "J109": "the database holds no journal (a reading command creates none)",
    "J110": "the chain's head is missing (changed behind the journal's back): nothing is appended",
    "J201": "no such incident in the journal",
    "J202": "an outcome, severity or escalation the policy does not have",
    "J203": "an override without a reason",
    "J204": "an override that changes nothing",
    "J205": "a confirmation that changes values",
    "J206": "a record the policy cannot decide",
    "J207": "no registered policy version is in force on the incident's date",
    "J208": "a record without an incident id",
    "J209": "a policy whose key field is sensitive",
    "J210": "no user named",
    "J211": "an action that is empty or too long",
    "J212": "a date-time that does not parse",
    "J213": "no policy is registered",
    "J214": "an attachment without a valid SHA-256 or name",
    "J215": "a purge on request without a reason",
    "J216": "a record whose values the journal cannot keep",
}


class JournalError(Exception):
    """A refusal: `code` (stable), `message` and `hint` (marked messages, shown in either language),
    `exit` (the exit code `kasu journal` gives: 1 refused, 2 usage, 3 an invalid record) and
    `incident` when it concerns one.

    >>> from kasuhara_rules.i18n import N_
    >>> e = JournalError("J201", N_("no incident `{incident}` in the journal", incident="X-1"))
    >>> e.render("en")
    'error[J201]: no incident `X-1` in the journal'
    """

    __module__ = "kasuhara_rules.journal"

    def __init__(self, code: str, message: Message | str, hint: Message | str | None = None,
                 exit: int = EXIT_REFUSED, incident: Any = None, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.hint = hint
        self.exit = exit
        self.incident = incident
        self.field = field

    def render(self, lang: str = "en") -> str:
        """`error[CODE]: message` and, on the next line, `hint: …`, in `lang`."""
        text = f"error[{self.code}]: {translate(self.message, lang)}"
        if self.hint:
            label = "ヒント" if lang == "ja" else "hint"
            text += f"\n  {label}: {translate(self.hint, lang)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "hint": str(self.hint) if self.hint else None,
                "incident": self.incident, "field": self.field}


def unavailable(missing: str) -> JournalError:
    """The journal's extra is not installed (the module that is missing, and the command that installs it)."""
    return JournalError("J100", N_("the journal needs {missing}, which is not installed", missing=missing),
                        N_("install the journal extra from the project's folder: {command}", command=INSTALL),
                        exit=EXIT_USAGE)


def unkeepable(incident: str, cause: BaseException | Message) -> JournalError:
    """J216: a record whose values the journal cannot keep, refused alone (the batch goes on). `cause`
    is the reason, or the exception serialising the record raised; the message names no value (the
    record may hold personal data), and the incident id is shown printable."""
    if isinstance(cause, UnicodeError):
        cause = N_("a text holds a character that UTF-8 cannot write (a lone surrogate)")
    elif isinstance(cause, BaseException):
        cause = N_("a value the chain cannot keep as JSON ({error})", error=type(cause).__name__)
    shown = incident.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")
    return JournalError("J216", N_("the record of {incident} cannot be journaled: {reason}", incident=shown,
                                   reason=cause),
                        N_("correct the record and add it again; nothing was written"), exit=EXIT_INVALID_RECORD,
                        incident=shown)
