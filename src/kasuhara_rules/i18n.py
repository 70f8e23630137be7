"""Messages in Japanese and English: the language choice, gettext catalogues, deferred messages.

A message the project prints is written in English in the code and marked with `N_`:

    N_("unknown name `{name}`", name=name)

`N_` returns a `Message`: a `str` whose value is the English text (so existing code and tests
that treat messages as text keep working), which also carries its template and arguments so
that `translate(message, "ja")` can render it later from the Japanese catalogue
(`locale/ja/LC_MESSAGES/kasu.po`, compiled to `kasu.mo`). Diagnostics therefore stay data —
the language is chosen when they are rendered, never stored in a global.

`pybabel extract` finds every `N_(...)` and `_(...)` (see babel.cfg and docs/i18n.md).

>>> m = N_("did you mean {name}?", name="`high`")
>>> m
'did you mean `high`?'
>>> translate(m, "ja")
'`high` のことですか？'
>>> choose_language(None, {"LANG": "ja_JP.UTF-8"})
'ja'
"""
from __future__ import annotations

import errno
import functools
import gettext
from importlib import resources
from typing import Any, Callable, Mapping, cast

LANGUAGES = ("ja", "en")
DOMAIN = "kasu"


class Message(str):
    """Text of a message (English unless `localize`d), with the template and arguments to render it in
    another language."""

    template: str
    args: Mapping[str, Any]
    lang: str  # the language of the text itself

    def __new__(cls, template: str, **args: Any) -> "Message":
        return cls._made(template, args, _english(template, args), "en")

    @classmethod
    def _made(cls, template: str, args: Mapping[str, Any], text: str, lang: str) -> "Message":
        self = super().__new__(cls, text)
        self.template = template
        self.args = args
        self.lang = lang
        return self

    def __reduce__(self) -> tuple[Callable[..., Message], tuple[Any, ...]]:  # picklable: policies and diagnostics go to worker processes
        return (_rebuild, (self.template, tuple(self.args.items()), self.lang))


def _english(template: str, args: Mapping[str, Any]) -> str:
    if not args:
        return template.replace("{{", "{").replace("}}", "}")
    return template.format(**{k: str(translate(v, "en")) for k, v in args.items()})


def _rebuild(template: str, items: tuple[tuple[str, Any], ...], lang: str = "en") -> Message:
    message = Message(template, **dict(items))
    return cast(Message, localize(message, lang))


def localize(text: Any, lang: str) -> Any:
    """`text` shown in `lang`, still a Message that `translate` can render in any language.

    What the Python API hands out: `str(m)` (and `m == …`) is the text in the chosen language.

    >>> m = localize(N_("did you mean {name}?", name="`high`"), "ja")
    >>> m, translate(m, "en")
    ('`high` のことですか？', 'did you mean `high`?')
    """
    if not isinstance(text, Message) or text.lang == lang:
        return text
    return Message._made(text.template, text.args, translate(text, lang), lang)


def N_(template: str, **args: Any) -> Message:
    """Mark `template` for translation; returns the English text carrying what `translate` needs."""
    return Message(template, **args)


# Why the operating system refused a file, by errno: the C library's own words (what strerror gives
# in English, so English output is as it always was), translated for the other languages; a reason
# not listed here is shown as the system gives it.
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"), errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"), errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"), errno.ENOSPC: N_("No space left on device"),
    errno.EDQUOT: N_("Disk quota exceeded"), errno.EROFS: N_("Read-only file system"),
    errno.ELOOP: N_("Too many levels of symbolic links"), errno.ENAMETOOLONG: N_("File name too long"),
    errno.EEXIST: N_("File exists"), errno.EFBIG: N_("File too large"), errno.EIO: N_("Input/output error"),
    errno.EADDRINUSE: N_("Address already in use"),
}


def os_reason(exc: BaseException) -> Any:
    """Why the operating system refused (an OSError) as a message that translates, by its errno; the
    system's own text for an errno not listed, and the exception's text for anything else.

    >>> import errno as e
    >>> translate(os_reason(FileNotFoundError(e.ENOENT, "No such file or directory")), "ja")
    'ファイルかフォルダーがありません'
    >>> os_reason(OSError(e.ENOEXEC, "Exec format error")), os_reason(OSError("plain"))
    ('Exec format error', 'plain')
    """
    if isinstance(exc, OSError):
        known = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
        if known is not None:
            return known
        if exc.strerror:
            return exc.strerror
        if len(exc.args) == 1:
            return str(exc.args[0])
    return str(exc)


def choose_language(explicit: str | None, environ: Mapping[str, str]) -> str:
    """The language of messages: `explicit` (--lang), else KASU_LANG, else the locale, else English.

    >>> choose_language("en", {"KASU_LANG": "ja"})
    'en'
    >>> choose_language(None, {"KASU_LANG": "ja", "LANG": "en_US"})
    'ja'
    >>> choose_language(None, {"LC_ALL": "", "LC_MESSAGES": "ja_JP", "LANG": "C"})
    'ja'
    >>> choose_language(None, {})
    'en'
    """
    if explicit in LANGUAGES:
        return explicit
    wanted = (environ.get("KASU_LANG") or "").strip().lower()
    if wanted[:2] in LANGUAGES:
        return wanted[:2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


@functools.cache
def translator(lang: str) -> gettext.NullTranslations:
    """The gettext translations for `lang` (a pure cache: the catalogue files never change)."""
    if lang == "en":
        return gettext.NullTranslations()
    root = resources.files("kasuhara_rules") / "locale"
    path = root / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:  # pragma: no cover - a broken install; English rather than a crash
        return gettext.NullTranslations()


def gettext_for(lang: str) -> Callable[[str], str]:
    """`_` for code that builds its text in one language at once (argparse help, summaries)."""
    return translator(lang).gettext


def translate(text: Any, lang: str) -> Any:
    """`text` in `lang` when it is a Message (arguments translated too); other values unchanged."""
    if isinstance(text, Message):
        if lang == text.lang:
            return str.__str__(text)
        if lang == "en":
            return _english(text.template, text.args)
        template = translator(lang).gettext(text.template)
        if not text.args:
            return template.replace("{{", "{").replace("}}", "}")
        args = {k: translate(v, lang) for k, v in text.args.items()}
        try:
            return template.format(**args)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English text
            return str.__str__(text)
    return text
