"""Loading a policy: read and decode its files, parse, check, and compute its digest."""
from __future__ import annotations

import hashlib
import os
import stat
import posixpath
import unicodedata
from pathlib import Path
from typing import BinaryIO, Mapping, MutableMapping, Sequence

import attrs

from ..i18n import N_, os_reason
from ..syntax import nodes as n
from .checker import CheckResult, PhraseFileError, check, check_structure
from .extends import merge
from ..diagnostics import Diagnostic, error, printable, sort_diagnostics
from ..syntax.confusables import scan as scan_confusables
from ..syntax.parser import parse_source
from ..collector import paused_gc
from ..source import DecodeError, SourceText, Span, decode_source, relative_name

MAX_POLICY_BYTES = 64 * 1024 * 1024


@attrs.frozen
class Loaded:
    """The outcome of loading: the check result, every file read (name → bytes, top first), the
    decoded sources (for rendering diagnostics), and the parsed files of the `extends` chain, base
    first (for editor tools; empty when the top file does not parse)."""

    result: CheckResult
    files: tuple[tuple[str, bytes], ...]
    sources: Mapping[str, SourceText] = attrs.field(factory=dict)
    trees: tuple[n.PolicyFile, ...] = attrs.field(default=(), eq=False, repr=False)


class NotRegularFile(OSError):
    """A policy or phrase file that is a FIFO, a device or a directory (reading could block forever)."""


# a base policy parsed once, by (name, bytes): its tree (None when it did not parse), its
# diagnostics and its decoded source
ParsedBase = tuple[n.PolicyFile | None, tuple[Diagnostic, ...], SourceText | None]

NOT_REGULAR_HINT = N_("name a plain file; a named pipe (FIFO), a device or a directory is never read, "
                       "since reading it could wait forever / 通常のファイルを指定してください")


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading without ever blocking: a FIFO is refused, not waited on."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = (N_("a named pipe (FIFO)") if stat.S_ISFIFO(mode) else N_("a directory") if stat.S_ISDIR(mode)
                    else N_("a device or socket"))
            raise NotRegularFile(0, N_("it is not a regular file but {kind}", kind=kind), str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _Files:
    """Reads policy and phrase files below one root directory; remembers what it read."""

    def __init__(self, root: Path | None, preloaded: Mapping[str, bytes] | None, allow_outside: bool) -> None:
        self.root = root
        self.preloaded = dict(preloaded or {})
        self.allow_outside = allow_outside
        self.read_order: list[tuple[str, bytes]] = []
        self.directories: dict[str, str] = {}  # a file's directory, where its name does not say it
        # base policies already parsed, by (name, bytes): given by a caller that loads often (kasu lsp)
        self.parsed: MutableMapping[tuple[str, bytes], ParsedBase] | None = None

    def name_for(self, relative: str, from_name: str) -> str:
        """The display name of `relative` as named in the file `from_name`."""
        directory = self.directories.get(from_name, posixpath.dirname(from_name))
        joined = posixpath.normpath(posixpath.join(directory, relative.replace("\\", "/")))
        return joined

    def read(self, name: str) -> bytes:
        bad = control_character(name)
        if bad is not None:  # it would make the digest's lines `<digest> <name>` ambiguous
            raise PhraseFileError(N_("its name contains the control character {char}", char=bad), "E607",
                                  N_("rename the file: names of policy and phrase files may not contain control, "
                                     "format or line-separator characters"))
        if name in self.preloaded:  # a file open in the editor: inside the root all the same (E606)
            self.resolve(name)
            data = self.preloaded[name]
        else:
            path = self.resolve(name)
            with _open_regular(path) as handle:
                data = handle.read(MAX_POLICY_BYTES + 1)
            if len(data) > MAX_POLICY_BYTES:
                raise OSError(N_("the file is larger than {size} MB", size=MAX_POLICY_BYTES // (1024 * 1024)))
        if all(existing != name for existing, _ in self.read_order):
            self.read_order.append((name, data))
        return data

    def resolve(self, name: str) -> Path:
        """The path of a file to read; files other than the top policy stay inside the root."""
        path = Path(name)
        if self.root is not None and not self.allow_outside and self.read_order:
            real = os.path.realpath(path)
            root = os.path.realpath(self.root)
            if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
                raise PhraseFileError(N_("it lies outside the policy's directory"), "E606",
                                      N_("keep every file a policy names inside the policy's own directory, "
                                         "or allow other directories explicitly"))
        return path


def control_character(name: str) -> str | None:
    """`U+XXXX NAME` of the first control, format or line-separator character in `name`, else None."""
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'CONTROL CHARACTER')}"
    return None


def load_path(path: str | os.PathLike[str], allow_outside: bool = False,
              tolerate_example_errors: bool = False) -> Loaded:
    """Load the policy file at `path` (and the files it names)."""
    name = os.fspath(path)
    files = _Files(Path(name).parent, None, allow_outside)
    try:
        data = files.read(name)
    except PhraseFileError as exc:
        return Loaded(CheckResult(None, (error(exc.code, N_("cannot use the policy file: {reason}", reason=exc.reason),
                                               Span(name, 1, 1, 1, 1), exc.hint),)), ())
    except OSError as exc:
        reason = os_reason(exc)
        diag = error("E100", N_("cannot read the policy file: {reason}", reason=reason), Span(name, 1, 1, 1, 1))
        return Loaded(CheckResult(None, (diag,)), ())
    return _load(name, data, files, tolerate_example_errors)


def load_text(text: str | bytes, name: str = "<policy>", base_dir: str | os.PathLike[str] | None = None,
              preloaded: Mapping[str, bytes] | None = None, allow_outside: bool = False,
              parsed_bases: MutableMapping[tuple[str, bytes], ParsedBase] | None = None) -> Loaded:
    """Load a policy given as text; files it names are read relative to `base_dir` (or preloaded).

    `parsed_bases`, a mapping the caller keeps between loads, lets a base policy whose bytes
    did not change be reused instead of parsed again (syntax trees are immutable).
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    root = Path(base_dir) if base_dir is not None else Path(name).parent
    files = _Files(root, preloaded, allow_outside)
    files.parsed = parsed_bases
    if base_dir is not None:  # the text's own name need not be a path: it names files from base_dir
        files.directories[name] = os.fspath(base_dir).replace("\\", "/")
    files.read_order.append((name, data))
    return _load(name, data, files)




def _load(name: str, data: bytes, files: _Files, tolerate_example_errors: bool = False) -> Loaded:
    with paused_gc():
        return _load_unpaused(name, data, files, tolerate_example_errors)


def _load_unpaused(name: str, data: bytes, files: _Files, tolerate_example_errors: bool) -> Loaded:
    if all(existing != name for existing, _ in files.read_order):
        files.read_order.append((name, data))
    sources: dict[str, SourceText] = {}
    tree, diags = _parse_file(name, data, sources)
    if tree is None:
        return Loaded(CheckResult(None, tuple(sort_diagnostics(diags))), tuple(files.read_order), sources)
    diags.extend(check_structure(tree))
    chain_trees: list[n.PolicyFile] = []
    chain = _chain(tree, files, sources, diags, chain_trees)
    if chain is None:
        return Loaded(CheckResult(None, tuple(sort_diagnostics(diags))), tuple(files.read_order), sources,
                      tuple(reversed(chain_trees)))
    header, decls, merge_diags, dropped = merge(chain)
    diags.extend(merge_diags)
    extended = len(chain) > 1
    phrase_owner: dict[str, str] = {}

    def read_phrases(relative: str, from_file: str) -> str:
        target = files.name_for(relative, from_file)
        phrase_owner.setdefault(target, from_file)
        try:
            raw = files.read(target)
        except NotRegularFile as exc:
            raise PhraseFileError(exc.strerror or str(exc), "E221", NOT_REGULAR_HINT) from None
        except OSError as exc:
            raise PhraseFileError(os_reason(exc)) from None
        try:
            return decode_source(raw)
        except DecodeError as exc:
            raise PhraseFileError(exc.message) from None

    result = check(header, decls, sources, "", read_phrases, extended, name, tolerate_example_errors, dropped)
    all_diags = tuple(sort_diagnostics(list(diags) + list(result.diagnostics)))
    read = tuple(files.read_order)
    root = files.directories.get(name, _root_name(name))
    ordered = _digest_order(read, [t.file for t in chain], phrase_owner)
    digest = policy_digest(ordered, name, root)
    top = relative_name(name, root, name)
    policy = result.policy
    tolerated = {p for e in policy.examples for p in e.problems} if policy is not None else set()
    if policy is not None and not any(d.is_error and d not in tolerated for d in all_diags):
        listed = tuple((relative_name(f, root, name), "sha256:" + hashlib.sha256(data).hexdigest())
                       for f, data in ordered)
        policy = attrs.evolve(policy, digest=digest, files=listed, root=root, top=(name, top))
    else:
        policy = None
    return Loaded(CheckResult(policy, all_diags), read, sources, tuple(chain))


def _chain(tree: n.PolicyFile, files: _Files, sources: dict[str, SourceText],
           diags: list[Diagnostic], parsed: list[n.PolicyFile] | None = None) -> list[n.PolicyFile] | None:
    """The policy and the bases it extends, base first; None when one cannot be read or parsed
    (`parsed` then still receives the files that did parse, top first)."""
    def identity(name: str) -> str:
        return name if name in files.preloaded else os.path.realpath(name)

    chain = [tree] if parsed is None else parsed
    chain.append(tree)
    seen = {identity(tree.file)}
    while True:
        ext = chain[-1].extends()
        if ext is None:
            return list(reversed(chain))
        base_name = files.name_for(ext.path.value, chain[-1].file)
        key = identity(base_name)
        if key in seen:
            cycle = " → ".join([t.file for t in chain] + [base_name])
            diags.append(error("E602", N_("`extends` forms a cycle: {cycle}", cycle=cycle), ext.path.span,
                               N_("a policy cannot extend itself, directly or through other policies")))
            return None
        seen.add(key)
        try:
            data = files.read(base_name)
        except PhraseFileError as exc:
            diags.append(error(exc.code, N_("cannot use the base policy \"{value}\": {reason}", value=printable(ext.path.value), reason=exc.reason),
                               ext.path.span, exc.hint))
            return None
        except OSError as exc:
            diags.append(error("E601", N_("cannot read the base policy \"{value}\": {value2}", value=ext.path.value, value2=os_reason(exc)), ext.path.span,
                               N_("the path is relative to the file that says `extends`")))
            return None
        cached = files.parsed.get((base_name, data)) if files.parsed is not None else None
        base_diags: Sequence[Diagnostic]
        if cached is not None:
            base, base_diags, source = cached
            if source is not None:
                sources[base_name] = source
        else:
            base, base_diags = _parse_file(base_name, data, sources)
            if files.parsed is not None:
                files.parsed[(base_name, data)] = (base, tuple(base_diags), sources.get(base_name))
        diags.extend(base_diags)
        if base is None:
            return None
        diags.extend(check_structure(base))
        chain.append(base)


def _digest_order(read: tuple[tuple[str, bytes], ...], policies: list[str],
                  phrase_owner: dict[str, str]) -> tuple[tuple[str, bytes], ...]:
    """Files in digest order: each policy file, base first, followed by the phrase files it names."""
    data = dict(read)
    ordered = []
    for policy_file in policies:
        if policy_file in data:
            ordered.append((policy_file, data[policy_file]))
        for phrase_file, owner in phrase_owner.items():
            if owner == policy_file and phrase_file in data:
                ordered.append((phrase_file, data[phrase_file]))
    return tuple(ordered)


def _root_name(name: str) -> str:
    return posixpath.dirname(name.replace("\\", "/")) or "."


def _parse_file(name: str, data: bytes, sources: dict[str, SourceText]) -> tuple[n.PolicyFile | None, list[Diagnostic]]:
    try:
        text = decode_source(data)
    except DecodeError as exc:
        code = "E102" if "NUL" in exc.message else "E101"
        return None, [error(code, exc.message, Span(name, exc.line, exc.column, exc.line, exc.column + 1),
                            N_("save the file as UTF-8 text (in Notepad: Save As → Encoding: UTF-8; Shift_JIS/cp932 is not read)")
                            if code == "E101" else None)]
    source = SourceText.from_text(name, text)
    sources[name] = source
    if not text.strip():
        return None, [error("E201", N_("the file is empty; a policy starts with its `policy` header"),
                            Span(name, 1, 1, 1, 1),
                            N_("begin the file with: policy \"title\" { id NAME  version \"1\"  otherwise claim }"))]
    tree, diags = parse_source(source)
    return tree, list(diags) + scan_confusables(source)


def policy_digest(files: tuple[tuple[str, bytes], ...], top: str, root: str | None = None) -> str:
    """`sha256:` + the SHA-256 of the file's bytes for one file; for several, of the lines
    `<hex digest> <name>` (names relative to the top policy's directory, `root`), base first."""
    if len(files) == 1:
        return "sha256:" + hashlib.sha256(files[0][1]).hexdigest()
    root = _root_name(top) if root is None else root
    lines = []
    for name, data in files:
        lines.append(f"{hashlib.sha256(data).hexdigest()} {relative_name(name, root, top)}\n")
    return "sha256:" + hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
