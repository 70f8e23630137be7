"""What every `kasu` command shares: exit codes, the parser class, UTF-8 output, the progress line."""
from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import sys
import time
from typing import IO, Any, Callable, Iterable, Iterator, Sequence, TextIO, cast

from ..i18n import N_, gettext_for, translate

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID_RECORDS = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a tool whose reader went away


# argparse's own words, translated through our catalogue (argparse's gettext domain is never installed:
# nothing global changes; each parser translates its headings, usage prefix and errors itself)
ARGPARSE_WORDS = (N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
                  N_("show program's version number and exit"))

# argparse's error sentences (the msgids of its `_()` calls), matched on the finished English text
ARGPARSE_MESSAGES = (
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]|%[sr]")


@functools.cache
def _argparse_patterns() -> tuple[tuple[str, "re.Pattern[str]", tuple[str | None, ...]], ...]:
    """(msgid, regular expression of its English text, placeholder names) of each argparse message."""
    out = []
    for template in ARGPARSE_MESSAGES:
        found = list(_PLACEHOLDER.finditer(template))
        parts, pos = [], 0
        for i, m in enumerate(found):
            parts.append(re.escape(template[pos:m.start()]))
            parts.append(f"(.+{'?' if i < len(found) - 1 else ''})")
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        out.append((str(template), re.compile("".join(parts), re.S), tuple(m.group(1) for m in found)))
    return tuple(out)


def translate_argparse(message: str, lang: str) -> str:
    """An error sentence argparse wrote in English, in `lang` (unchanged when it is not one of argparse's).

    >>> translate_argparse("the following arguments are required: POLICY", "ja")
    '次の引数が必要です: POLICY'
    >>> translate_argparse("argument --format: invalid choice: 'x' (choose from 'json', 'text')", "ja")
    "引数 --format: 'x' は選べません（選べるのは 'json', 'text'）"
    """
    if lang == "en":
        return message
    _ = gettext_for(lang)
    for template, pattern, names in _argparse_patterns():
        m = pattern.fullmatch(message)
        if m is None:
            continue
        values = [translate_argparse(v, lang) if name == "message" else v for name, v in zip(names, m.groups())]
        translated = re.sub(r"%(\(\w+\))?r", r"%\1s", _(template))
        try:
            if names and names[0] is not None:
                return translated % dict(zip(names, values))
            return translated % tuple(values) if values else translated
        except (KeyError, TypeError, ValueError):  # a broken translation: the English text
            return message
    return message


class _Formatter(argparse.HelpFormatter):
    """argparse help in the message language; the epilog (exit codes) keeps its lines."""

    lang = "en"

    def start_section(self, heading: str | None) -> None:
        super().start_section(gettext_for(self.lang)(heading) if heading else heading)

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else gettext_for(self.lang)("usage: "))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + part if part.startswith(" ") else super(_Formatter, self)._fill_text(part, width, indent)
                         for part in text.split("\n"))


@functools.cache
def _formatter(lang: str) -> type[_Formatter]:
    return cast("type[_Formatter]", type("Formatter", (_Formatter,), {"lang": lang}))


class _Parser(argparse.ArgumentParser):
    """argparse in the message language (help, usage and errors); usage errors exit with 2 and a hint to
    --help (never a traceback). Subclassed per language (`parser_for`), so nothing global is touched."""

    lang = "en"
    # where help, --version and usage errors go: `main`'s own streams (`bind_streams`), so that an
    # embedder calling main(argv, out, err) gets them there; sys.stdout and sys.stderr otherwise
    out: TextIO | None = None
    err: TextIO | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter):
            kwargs["formatter_class"] = _formatter(self.lang)
        super().__init__(*args, **kwargs)
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = gettext_for(self.lang)("show this help message and exit")

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            if file is None or file is sys.stdout:
                file = self.out or sys.stdout
            elif file is sys.stderr:
                file = self.err or sys.stderr
            with contextlib.suppress(AttributeError, OSError, NoOutput):  # closed (`>&-`): argparse's own way
                file.write(message)

    def error(self, message: str) -> None:  # type: ignore[override]
        err = self.err or sys.stderr
        self.print_usage(err)
        emit(err, translate(N_("{prog}: error: {message}", prog=self.prog,
                                      message=translate_argparse(str(message), self.lang)), self.lang) + "\n"
             + translate(N_("(run `{prog} --help` for help)", prog=self.prog), self.lang) + "\n")
        raise SystemExit(EXIT_USAGE)


@functools.cache
def parser_for(lang: str) -> type[_Parser]:
    """The parser class whose help and errors are in `lang`."""
    return cast("type[_Parser]", type("Parser", (_Parser,), {"lang": lang}))


def typed(convert: Callable[[str], Any], lang: str) -> Callable[[str], Any]:
    """An argparse `type=` converter whose refusal (a marked message) is in `lang`."""

    def run(text: str) -> Any:
        try:
            return convert(text)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(translate(exc.args[0], lang) if exc.args else str(exc)) from None

    run.__name__ = getattr(convert, "__name__", "value")
    return run


def say(err: TextIO, command: str, message: str, lang: str) -> None:
    """`kasu COMMAND: message` on standard error, the message (a marked one) in `lang`."""
    emit(err, f"kasu {command}: " + str(translate(message, lang)) + "\n")


@contextlib.contextmanager
def output_to(path: str | None, out: TextIO) -> Iterator[TextIO]:
    """`out`, or a file written whole or not at all (files.open_atomic: a temporary file beside `path`,
    renamed to it when the block ends without an exception; a link followed, permissions kept)."""
    if path is None:
        yield out
        return
    from ..files import open_atomic

    with open_atomic(path) as target:
        yield target


def notices(err: TextIO, command: str, lang: str) -> Callable[[str], None]:
    """What a reader tells (a file read as Shift_JIS): each notice once, on standard error."""
    told: set[str] = set()

    def tell(message: str) -> None:
        if message not in told:
            told.add(message)
            say(err, command, N_("notice: {message}", message=message), lang)

    return tell


def emit(out: TextIO, text: str) -> None:
    """Write text as UTF-8 whatever the locale (to the binary buffer when there is one)."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8", "backslashreplace"))
    else:
        out.write(text)


class Progress:
    """A progress line on standard error, only when it is a terminal."""

    def __init__(self, err: TextIO, enabled: bool, lang: str = "en", label: str = "kasu eval") -> None:
        self.err = err
        self.lang = lang
        self.label = label
        self.enabled = enabled and hasattr(err, "isatty") and err.isatty()
        self.count = 0
        self.start = time.monotonic()
        self.next = self.start + 0.5

    def tick(self, count: int = 1) -> None:
        before = self.count
        self.count += count
        if self.enabled and self.count // 256 != before // 256:
            now = time.monotonic()
            if now >= self.next:
                self.next = now + 0.5
                rate = self.count / max(now - self.start, 1e-9)
                self.err.write("\r" + translate(N_("{label}: {count} records ({rate}/s)", label=self.label,
                                                    count=format(self.count, ","),
                                                    rate=format(rate, ",.0f")), self.lang))
                self.err.flush()

    def done(self) -> None:
        if self.enabled and self.count >= 256:
            self.err.write("\r" + " " * 60 + "\r")
            self.err.flush()


class NoInput(Exception):
    """Standard input is needed but closed."""


class NoOutput(Exception):
    """Standard output is needed but closed (`>&-`)."""


class ClosedOutput:
    """Standard output when it was closed: writing to it is an error the command reports (exit 1),
    never a traceback; a command that writes nothing there (`-o FILE`) is not bothered."""

    closed = False

    def write(self, text: str) -> int:
        raise NoOutput(N_("standard output is closed: nothing could be written (use -o FILE where the command "
                          "has it, or leave standard output open)"))

    def flush(self) -> None:
        pass


class Discard:
    """Standard error when it was closed (`2>&-`): messages go nowhere, the exit code still tells."""

    closed = False

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def stdin_bytes(message: str | None = None) -> IO[bytes]:
    """The binary standard input; NoInput (with `message`, by default about RECORDS) when it is closed (`<&-`)."""
    stream: Any = sys.stdin  # None, or without `buffer`, in some embeddings
    if stream is None or getattr(stream, "closed", False):
        raise NoInput(message or N_("standard input is closed: give RECORDS files, or pipe records in"))
    return cast("IO[bytes]", getattr(stream, "buffer", stream))


def is_input(path: str) -> bool:
    """Whether `path` names something records can be read from: a file, or a pipe or device such as
    `/dev/stdin` or a shell's process substitution (`<(…)`); not a directory, not a missing name."""
    return os.path.exists(path) and not os.path.isdir(path)


def unreadable(path: str) -> str | None:
    """Why records cannot be read from `path` (a missing name, a folder), or None; `-` is standard input."""
    if path == "-" or is_input(path):  # /dev/stdin and <(…) are pipes
        return None
    if os.path.isdir(path):
        return N_("cannot read {path}: it is a folder; name a file of records", path=path)
    return N_("cannot read {path}: no such file", path=path)


FORMATS = ("jsonl", "json", "csv", "xlsx")  # batch.FORMATS, without importing the evaluator for `kasu check`


def exit_codes(_: Callable[[str], str], *codes: str) -> str:
    """The `exit codes:` epilog of a command's --help."""
    return _("exit codes:") + "\n" + "\n".join("  " + c for c in codes)


def encoding_option(p: argparse.ArgumentParser, _: Callable[[str], str] = lambda text: text,
                    lang: str = "en", help: str | None = None) -> None:
    """The `--encoding NAME` option of a command that reads records or answers (default None: UTF-8,
    or Shift_JIS when a file is that and not UTF-8, with a notice; reading/encoding.py)."""
    p.add_argument("--encoding", type=typed(_encoding, lang), default=None, metavar="NAME",
                   help=help or _("read RECORDS in this encoding (default: UTF-8, or Shift_JIS when a file is "
                                  "that, with a notice; e.g. cp932, euc_jp)"))


def _encoding(text: str) -> str:
    from ..reading.encoding import check_encoding

    try:
        return check_encoding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(exc.args[0] if exc.args else str(exc)) from None


def month(text: str) -> int:
    """A month number, 1 to 12 (`--fiscal-start`)."""
    if text.strip().isdigit() and 1 <= int(text) <= 12:
        return int(text)
    raise argparse.ArgumentTypeError(N_("{value} is not a month: give 1 to 12 (4 for April)", value=repr(text)))


def positive(text: str) -> int:
    """An argparse converter: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(N_("{text} is not a whole number", text=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(N_("must be at least 1"))
    return value


def decision_text(d: Any) -> str:
    """`kasuhara/high by dogeza, escalate supervisor`: the parts a decision (or what a pending
    rule `would` give) has, as `kasu test`, `kasu diff` and `kasu journal` print them.

    >>> decision_text({"outcome": "kasuhara", "severity": "critical", "escalation": "police"})
    'kasuhara/critical, escalate police'
    """
    text = str(d["outcome"]) + (f"/{d['severity']}" if d.get("severity") else "")
    if d.get("rule"):
        text += f" by {d['rule']}"
    if d.get("escalation"):
        text += f", escalate {d['escalation']}"
    return text


def pending_text(pending: Sequence[Any], review: bool, lang: str) -> str:
    """One line on the pending rules of a decision, said as the explanation says it: `review` when
    one could change the outcome, else the outcome is settled and each says what it would give."""
    _ = gettext_for(lang)
    items = "; ".join(_("{rule} (missing: {fields}) would give {decision}").format(
        rule=p["rule"], fields=", ".join(p["missing"]) or "—", decision=decision_text(p["would"])) for p in pending)
    if not any(p["missing"] for p in pending):  # nothing lacking: the recorded values leave these rules open
        if review:
            return _("review, the outcome depends on rules the recorded values do not settle: {items}").format(
                items=items)
        return _("outcome settled, rules the recorded values do not settle: {items}").format(items=items)
    if review:
        return _("review, the outcome depends on data not recorded: {items}").format(items=items)
    return _("outcome settled, data not recorded: {items}").format(items=items)
