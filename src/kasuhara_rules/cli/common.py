"""What every `kasu` command shares: exit codes, the parser class, UTF-8 output, the progress line."""
from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID_RECORDS = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a tool whose reader went away


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 and a hint to --help (never a traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n(run `{self.prog} --help` for help)\n")
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

    def __init__(self, err: TextIO, enabled: bool, label: str = "kasu eval") -> None:
        self.err = err
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
                self.err.write(f"\r{self.label}: {self.count:,} records ({rate:,.0f}/s)")
                self.err.flush()

    def done(self) -> None:
        if self.enabled and self.count >= 256:
            self.err.write("\r" + " " * 60 + "\r")
            self.err.flush()
