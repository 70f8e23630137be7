"""What every `kasu` command shares: exit codes, the parser class, UTF-8 output, the progress line."""
from __future__ import annotations

import argparse
import sys
import time
from typing import Iterable, TextIO, cast

from ..i18n import N_, gettext_for, translate

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID_RECORDS = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a tool whose reader went away


# argparse's own words, translated through our catalogue (argparse's domain is not installed)
ARGPARSE_WORDS = (N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
                  N_("show program's version number and exit"))


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


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    return cast("type[argparse.HelpFormatter]", type("Formatter", (_Formatter,), {"lang": lang}))


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 and a hint to --help (never a traceback)."""

    lang = "en"

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        emit(sys.stderr, f"{self.prog}: error: {message}\n" + translate(N_(
            "(run `{prog} --help` for help)", prog=self.prog), self.lang)+ "\n")
        raise SystemExit(EXIT_USAGE)


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


def stdin_bytes():
    """The binary standard input; NoInput when it is closed (`<&-`)."""
    stream = sys.stdin
    if stream is None or getattr(stream, "closed", False):
        raise NoInput(N_("standard input is closed: give RECORDS files, or pipe records in"))
    return getattr(stream, "buffer", stream)
