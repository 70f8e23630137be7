"""`kasu init [FILE] [--industry NAME]`: start a new policy that extends a shipped policy.

The new policy extends the shipped baseline (`mhlw-baseline.kasu`) or an industry policy that
extends it. Those files are copied next to FILE (a policy may only extend files in its own
directory, E606), never over a different file of the same name. FILE gets a header, commented
places to adapt, and one example whose expectation is what the policy decides today, so the
new file passes `kasu check` and `kasu test` as written.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TextIO, cast

from ..i18n import N_, gettext_for, os_reason, translate

if TYPE_CHECKING:
    from ..check.checked import Field
    from ..values import Type

BASELINE = "mhlw-baseline"
DEFAULT_FILE = "policy.kasu"
TUTORIAL = "tutorial"  # the tutorials' own policies (tutorial.kasu, tutorial.en.kasu) extend it too, but are no industry


def shipped_dir() -> Path:
    """The shipped policies: inside the installed package, or examples/ of a source checkout."""
    from importlib import resources

    packaged = Path(str(resources.files("kasuhara_rules") / "examples"))
    if (packaged / f"{BASELINE}.kasu").is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "examples"


def industries(directory: Path | None = None) -> list[str]:
    """The shipped industry policies: those that extend the baseline directly (the tutorials' aside)."""
    directory = directory or shipped_dir()
    out = []
    for path in sorted(directory.glob("*.kasu")):
        text = path.read_text(encoding="utf-8")
        if path.stem != BASELINE and not path.stem.startswith(TUTORIAL) and re.search(rf'^extends\s+"{BASELINE}\.kasu"', text, re.M):
            out.append(path.stem)
    return out


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu init` to the subcommands."""
    from .common import exit_codes

    p = sub.add_parser("init", help=_("start a new policy that extends the shipped baseline"),
                       description=_("Write a new policy extending the shipped baseline (or an industry policy), "
                                     "with commented places to adapt and a first example; the shipped policy it "
                                     "extends is copied next to it. Never overwrites a file."),
                       epilog=exit_codes(_, _("0  written"), _("1  refused: a file would be overwritten, or an unknown "
                                                          "industry"), _("2  usage error")))
    p.add_argument("file", nargs="?", default=DEFAULT_FILE, metavar="FILE",
                   help=_("the new policy file (default policy.kasu)"))
    p.add_argument("--industry", metavar="NAME",
                   help=_("extend this industry policy instead of the baseline (e.g. retail, call-centre)"))
    p.set_defaults(run=cmd_init)


def cmd_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the new policy and the shipped files it extends: all of them, or none. A name that is a
    symbolic link (even a dangling one) is refused, as is a file that exists and differs."""
    from ..check.loader import control_character
    from .common import emit

    lang = args.msg_lang
    target = Path(args.file)
    source = shipped_dir()

    def refuse(message: str) -> int:
        emit(err, translate(message, lang) + "\n")
        return 1

    names = [BASELINE]
    if args.industry:
        if args.industry not in industries(source):
            return refuse(N_("kasu init: unknown industry `{name}`; the industries are {names}",
                             name=args.industry, names=", ".join(industries(source))))
        names.append(args.industry)
    bad = control_character(str(target))
    if bad is not None:
        return refuse(N_("kasu init: the name {path} contains the control character {char}; nothing was written",
                         path=repr(str(target)), char=bad))
    if target.is_symlink():
        return refuse(N_("kasu init: {path} is a symbolic link; nothing was written through it (choose another FILE)",
                         path=str(target)))
    if target.exists():
        return refuse(N_("kasu init: {path} already exists; nothing was written (choose another FILE)",
                         path=str(target)))
    directory = target.parent
    copies: list[tuple[Path, bytes]] = []  # the shipped files to copy, each to write or already there
    shipped_files = [(Path(f"{name}.kasu"), (source / f"{name}.kasu").read_bytes()) for name in names]
    shipped_files += [(Path("lexicon") / p.name, p.read_bytes()) for p in sorted((source / "lexicon").glob("*.txt"))]
    for relative, shipped in shipped_files:  # the phrase files the baseline names, too
        there = directory / relative
        if there.is_symlink():
            return refuse(N_("kasu init: {path} is a symbolic link; nothing was written through it",
                             path=str(there)))
        if there.exists() and there.read_bytes() != shipped:
            return refuse(N_("kasu init: {path} exists and differs from the shipped file; nothing was written",
                             path=str(there)))
        copies.append((there, shipped))
    base = f"{names[-1]}.kasu"
    declared = {m.group(1) for name in names for m in re.finditer(
        r'^\s+(\w+)\s+"[^"\n]*"\s*:', (source / f"{name}.kasu").read_text(encoding="utf-8"), re.M)}
    text = policy_text(base, target.name, lang, frozenset(declared))
    try:  # decided in memory, against the shipped files: nothing is on disk until all is known
        text = canonical(text + first_example_of(_load_new(text, target, copies), lang), str(target))
    except Exception as exc:  # noqa: BLE001 - a policy that cannot be loaded: say why, write nothing
        from ..policy import PolicyError

        reason = exc.render(lang) if isinstance(exc, PolicyError) else str(exc)
        return refuse(N_("kasu init: the new policy could not be checked, so nothing was written:\n{reason}",
                         reason=reason))
    written = _write_all([(there, shipped) for there, shipped in copies if not there.exists()] +
                         [(target, text.encode("utf-8"))], err, lang)
    if written is None:
        return 1
    for there in written[:-1]:
        emit(out, translate(N_("copied {path}", path=str(there)), lang) + "\n")
    # the commands as a shell takes them (a path with a space or quote is quoted; a plain one is as it is)
    emit(out, translate(N_("wrote {path}: check it with `kasu check {quoted}` and `kasu test {quoted}`",
                           path=str(target), quoted=shlex.quote(str(target))), lang) + "\n")
    return 0


def canonical(text: str, name: str) -> str:
    """The new file in `kasu fmt`'s layout, so that `kasu fmt --check` passes on it as written."""
    from ..render.formatter import FormatError, format_text

    try:
        return format_text(text, name)
    except FormatError:  # pragma: no cover - the text is built to parse; never lose it over the layout
        return text


def _load_new(text: str, target: Path, copies: list[tuple[Path, bytes]]) -> Any:
    """The new policy loaded from memory: its text and the shipped files as they will be beside it."""
    import os
    import posixpath

    from ..check.loader import load_text
    from ..policy import policy_from

    directory = os.fspath(target.parent).replace("\\", "/")
    preloaded = {posixpath.normpath(posixpath.join(directory, os.fspath(there.relative_to(target.parent))
                                                   .replace("\\", "/"))): shipped for there, shipped in copies}
    name = os.fspath(target)
    loaded = load_text(text, name=name, base_dir=directory, preloaded=preloaded)
    return policy_from(loaded.result, loaded.files, name, loaded.sources)


def _write_all(files: list[tuple[Path, bytes]], err: TextIO, lang: str) -> list[Path] | None:
    """Write every file, each as a new file (never over one, never through a link), or none: a failure
    removes the files and folders this call made. The paths written, in order; None on failure."""
    from ..files import write_atomic
    from .common import emit

    made: list[Path] = []
    folders: list[Path] = []
    try:
        for path, data in files:
            missing = [d for d in [path.parent, *path.parent.parents] if not d.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            folders += reversed(missing)
            write_atomic(path, data, symlinks="refuse", exclusive=True)
            made.append(path)
    except OSError as exc:
        for path in reversed(made):
            try:
                path.unlink()
            except OSError:
                pass
        for folder in reversed(folders):
            try:
                folder.rmdir()
            except OSError:
                pass
        where = exc.filename or (str(files[len(made)][0]) if len(made) < len(files) else "")
        emit(err, translate(N_("kasu init: cannot write {path}: {reason}; nothing was written",
                               path=where, reason=os_reason(exc)), lang) + "\n")
        return None
    return made


def policy_text(base: str, filename: str, lang: str, taken: frozenset[str] = frozenset()) -> str:
    """The new policy without its example: header, extends, and the places to adapt as comments
    (the example field is one the base policy does not declare: `taken`)."""
    _ = gettext_for(lang)
    field, label = next((f, t) for f, t in (("store", _("store")), ("floor", _("sales floor")),
                                             ("work_shift", _("work shift"))) if f not in taken)
    today = _dt.date.today().isoformat()
    ident = re.sub(r"\W", "_", Path(filename).stem).strip("_") or "my_policy"
    from ..syntax.grammar import keywords

    if not re.match(r"[^\W\d]", ident) or ident in keywords():
        ident = "our_" + ident
    lines = [
        "# " + _("Our customer-harassment criteria (written by `kasu init`)."),
        "# " + _("It extends {base}: write here only what differs for us.").format(base=base),
        "# " + _("Check it with `kasu check {file}` and `kasu test {file}`.").format(file=shlex.quote(filename)),
        "",
        'policy "' + _("Our customer-harassment criteria") + '" {',
        f"  id        {ident}",
        '  version   "1"',
        f"  effective {today}",
        '  timezone  "Asia/Tokyo"',
        "  otherwise claim",
        "}",
        "",
        f'extends "{base}"',
        "",
        "# " + _("To adapt (1): fields of our own incident records, e.g.:"),
        "# schema {",
        f'#   {field} "{label}": optional text',
        "# }",
        "",
        "# " + _("To adapt (2): change a rule of the base policy, or add one, e.g.:"),
        "# override rule persistent_contacts {",
        "#   when     same_matter_contacts is present and same_matter_contacts >= 3 and deadlocked",
        "# }",
        "",
        "# " + _("To adapt (3): an example for each case that matters to us; `kasu test` checks them."),
    ]
    return "\n".join(lines) + "\n"


def first_example_of(policy: Any, lang: str) -> str:
    """One example block: a record with every required field, expecting what the policy decides."""
    _ = gettext_for(lang)
    fields = policy.checked.fields
    given = {}
    for f in fields:
        if f.optional and f.type.kind != "bool":
            continue
        given[f.name] = _value(f, f.type)
    decision = policy.evaluate({k: _plain(v) for k, v in given.items()})
    expect = cast(str, decision.outcome)  # the example record is valid: it has an outcome
    if decision.severity:
        expect += f" severity {decision.severity}"
    if decision.rule:
        expect += f" by {decision.rule}"
    entries = ",\n".join(f"    {k}: {v}" for k, v in given.items())
    title = _("a first example: what the policy decides today")
    return f'\nexample "{title}" {{\n  given {{\n{entries}\n  }}\n  expect {expect}\n}}\n'


def _value(field: Field, t: Type) -> str:
    from ..values import BOOL, DATE, DATETIME, DURATION, ENUM, INT, LIST, NUMBER, RECORD

    if field.key:
        return '"INIT-1"'
    kind = t.kind
    if kind == BOOL:
        return "false"
    if kind in (INT, NUMBER):
        return "0"
    if kind == ENUM:
        return '"' + t.values[0] + '"'
    if kind == DATE:
        return _dt.date.today().isoformat()
    if kind == DATETIME:
        return _dt.date.today().isoformat() + "T10:00:00+09:00"
    if kind == DURATION:
        return "0s"
    if kind == LIST:
        return "[]"
    if kind == RECORD:
        return "{ " + ", ".join(f"{g.name}: {_value(g, g.type)}" for g in t.fields if not g.optional) + " }"
    return '""'


def _plain(text: str) -> Any:
    """The example value as the record value `evaluate` takes (the policy coerces dates and durations)."""
    import json

    if text.startswith("{"):
        inner = {}
        for part in re.findall(r"(\w+): (\"[^\"]*\"|[^,}]+)", text):
            inner[part[0]] = _plain(part[1].strip())
        return inner
    if text in ("true", "false", "[]", "0") or text.startswith('"'):
        return json.loads(text)
    if text == "0s":
        return 0
    return text
