"""The `kasu` command line: subcommands, options and exit codes (section 8 of the contract)."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, Sequence, TextIO, cast

from .. import __version__
from ..i18n import N_, choose_language, gettext_for, os_reason, translate
from .common import (
    EXIT_BROKEN_PIPE, EXIT_FAIL, EXIT_INTERRUPTED, EXIT_USAGE, ClosedOutput, Discard, NoInput, NoOutput, _formatter, _Parser,
    emit, exit_codes, parser_for,
)


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser, its help in `lang`."""
    _ = gettext_for(lang)
    parser_class = parser_for(lang)
    ap = parser_class(prog="kasu", formatter_class=_formatter(lang),
                      description=_("Customer-harassment (カスハラ) policies: check, evaluate, test, "
                                    "format and document .kasu files."),
                      epilog=exit_codes(_, _("0  success"), _("1  errors in a policy or a failed test"),
                                    _("2  usage error"), _("3  some records invalid")))
    ap.add_argument("--version", action="version", version=f"kasu {__version__}", help=_("show the version and exit"))
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class,
                            title=_("commands"), help=_("run `kasu COMMAND --help` for its arguments"))

    # One module per command, each with `register(sub, _, lang)`, in the order of `kasu --help`.
    from . import check, diff, doc, evaluate, examples, fmt, init, journal, lsp, report, survey

    for command in (check, evaluate, examples, fmt, diff, doc, init, lsp, report, survey, journal):
        command.register(sub, _, lang)
    for register in plugged_commands():
        register(sub, _, lang)
    return ap


PLUGGED = "kasuhara_rules.commands"


def plugged_commands() -> list[Callable[[Any, Callable[[str], str], str], None]]:
    """The `register` functions of commands that live above this layer (`kasu serve` and `kasu users`
    from the desk), from the package's entry points of the group `kasuhara_rules.commands`, by name.

    The cli never imports the desk: the desk plugs into it, as a plugin would (pyproject.toml)."""
    from importlib.metadata import entry_points

    found = sorted(entry_points(group=PLUGGED), key=lambda point: point.name)
    return [point.load() for point in found if point.module.startswith("kasuhara_rules.")]


def finish_parser(ap: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Give every command `--lang` and translate argparse's own -h help (call after all commands exist)."""
    _ = gettext_for(lang)
    for p in _parsers(ap):  # nested commands (`kasu journal add`) get --lang too
        if not any("--lang" in a.option_strings for a in p._actions):
            p.add_argument("--lang", choices=("ja", "en"), default=None,
                           help=_("language of messages (default: KASU_LANG, then the locale, else en)"))
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                a.help = _("show this help message and exit")
    return ap


def _parsers(ap: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser and every command's parser under it, nested ones included."""
    parsers = [ap]
    for parent in parsers:  # grows as it goes
        for action in parent._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    return parsers


def bind_streams(ap: argparse.ArgumentParser, out: TextIO, err: TextIO) -> None:
    """Send the help, --version and usage errors of `ap` and its commands to `out` and `err`."""
    for p in _parsers(ap):
        if isinstance(p, _Parser):
            p.out, p.err = out, err


def _peek_lang(argv: Sequence[str]) -> str | None:
    """The value of --lang in argv, before parsing (the help itself is in that language)."""
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return None






















def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run `kasu` with `argv`; returns the exit code."""
    out = out or sys.stdout or cast(TextIO, ClosedOutput())  # None when the shell closed it (`>&-`)
    err = err or sys.stderr or cast(TextIO, Discard())
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(_peek_lang(argv), os.environ)
    ap = finish_parser(build_parser(lang), lang)
    bind_streams(ap, out, err)
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:
        ap.print_help(out)
        return EXIT_USAGE
    args.msg_lang = lang
    try:
        code: int = args.run(args, out, err)
        if not getattr(out, "closed", False):  # (the language server closes it when the client exits)
            out.flush()  # a full disk shows here, not silently at exit
        return code
    except KeyboardInterrupt:
        emit(err, translate(N_("interrupted"), lang) + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`kasu eval … | head`): quiet, but not success
        _discard(out)
        return EXIT_BROKEN_PIPE
    except NoInput as exc:
        emit(err, f"kasu {args.command}: " + translate(exc.args[0], lang) + "\n")
        return EXIT_USAGE
    except NoOutput as exc:
        emit(err, f"kasu {args.command}: " + translate(exc.args[0], lang) + "\n")
        return EXIT_FAIL
    except OSError as exc:  # a full disk, a failing device: say so, never exit 0
        _discard(out)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        emit(err, f"kasu {args.command}: " + translate(N_("cannot go on: {reason}{where}",
                                                           reason=os_reason(exc), where=where), lang) + "\n")
        return EXIT_FAIL


def _discard(out: TextIO) -> None:
    """After a write failed: point standard output at /dev/null so that the final flush at
    exit cannot fail again (and print "Exception ignored …")."""
    try:
        if out is sys.stdout or out is sys.__stdout__:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    except (OSError, ValueError):
        pass


def _hold_closed_descriptors() -> None:
    """Standard input, output or error closed by the shell (`<&-`, `>&-`): keep their descriptors taken
    (by /dev/null) so that no file this process opens lands on them; `sys.stdin`/`sys.stdout` stay
    None, so the commands still see them as closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                held = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if held != fd:
                os.dup2(held, fd)
                os.close(held)


def entry() -> None:  # pragma: no cover - the console script
    _hold_closed_descriptors()
    try:
        code = main()
    except KeyboardInterrupt:  # Ctrl-C before main's own handler (while starting up)
        emit(sys.stderr, "kasu: " + translate(N_("interrupted"), choose_language(_peek_lang(sys.argv), os.environ))
             + "\n")
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        # Ctrl-C: leave now, without the interpreter's shutdown, whose joining of the worker
        # pool's feeder threads can print "Exception ignored …" about pipes the workers closed.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)
