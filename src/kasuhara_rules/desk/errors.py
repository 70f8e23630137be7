"""Refusals of the desk and of `kasu users`: a stable code, a message and a hint in Japanese and English."""
from __future__ import annotations

from ..i18n import N_, translate

INSTALL = "pip install '.[desk]'"
EXIT_REFUSED = 1

# code → what it means (docs/desk.md lists them; tests/desk/test_errors.py keeps the two in step)
CODES = {
    "D100": "the desk extra (Starlette, uvicorn, Jinja2, Argon2…) is not installed",
    "D101": "a user name that is empty, too long or not on one line",
    "D102": "a role the desk does not have",
    "D103": "a user that already exists",
    "D104": "a password that is too short, or the same as the name",
    "D105": "the two passwords typed differ",
    "D106": "no password given",
    "D107": "no such user",
    "D108": "the address or port cannot be used",
    "D109": "a site name that is empty, too long or not on one line",
}


class DeskError(Exception):
    """A refusal: `code` (stable), `message` and `hint` (marked messages), `exit` for the command line."""

    def __init__(self, code: str, message: str, hint: str | None = None, exit: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.exit = exit

    def render(self, lang: str) -> str:
        """`error[D103]: message` and, on the next line, `hint: …`, in `lang`.

        >>> DeskError("D107", N_("no user `{name}`", name="sato"), N_("list them with kasu users list")).render("en")
        'error[D107]: no user `sato`\\n  hint: list them with kasu users list'
        """
        text = str(translate(N_("error[{code}]: {message}", code=self.code, message=self.message), lang))
        if self.hint:
            text += "\n  " + str(translate(N_("hint: {hint}", hint=self.hint), lang))
        return text


def unavailable(what: str) -> DeskError:
    """The desk's libraries are missing: name the extra to install."""
    return DeskError("D100", N_("the desk needs {what}, which is not installed", what=what),
                     N_("install the desk: {command}", command=INSTALL))

