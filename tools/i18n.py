"""The message catalogues: extract with Babel, merge into the Japanese .po, compile the .mo.

    python tools/i18n.py update     # extract N_()/_() messages, merge into locale/ja/.../kasu.po, compile kasu.mo
    python tools/i18n.py extract    # the same (the .po and the .mo are always written together)
    python tools/i18n.py compile    # only recompile kasu.mo from kasu.po (after filling in translations)
    python tools/i18n.py check      # exit 1 when the .po is stale, a message is untranslated or the .mo is old

The compiled `kasu.mo` is checked in next to `kasu.po` (so a wheel built without Babel carries it);
tests/test_i18n.py fails when recompiling the .po would give different bytes.
Needs Babel (`pip install -e .[test]`).
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "kasuhara_rules"
PO = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "kasu.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "gettext": None}


def extract() -> list[str]:
    """Every message id marked in the package, sorted."""
    found = set()
    # the desk's templates too: `{{ _("…") }}` in Jinja2 (Jinja2's own Babel extractor)
    methods = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), methods, keywords=KEYWORDS, options_map={"**/templates/**.html": {"trimmed": "true"}}):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.add(message)
    return sorted(found)


def read_catalog(path: Path = PO) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale="ja", domain="kasu")


MO_HEADER = "Content-Type: text/plain; charset=UTF-8\nLanguage: ja\nPlural-Forms: nplurals=1; plural=0;\n"


def mo_bytes(catalog: Catalog) -> bytes:
    """The GNU .mo file of the translated messages: sorted, fixed header, the same bytes whatever the Babel version."""
    pairs = sorted([("", MO_HEADER)] + [(m.id, m.string) for m in catalog if m.id and m.string])
    ids = [k.encode("utf-8") for k, _ in pairs]
    strs = [v.encode("utf-8") for _, v in pairs]
    n = len(pairs)
    keystart = 7 * 4 + 16 * n
    offsets, data = [], b""
    for blob in ids:
        offsets.append((len(blob), keystart + len(data)))
        data += blob + b"\0"
    valuestart = keystart + len(data)
    voffsets, vdata = [], b""
    for blob in strs:
        voffsets.append((len(blob), valuestart + len(vdata)))
        vdata += blob + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets) + b"".join(struct.pack("<2I", *o) for o in voffsets)
    return header + table + data + vdata


def update(translations: dict[str, str] | None = None) -> Catalog:
    """Merge the extracted ids into the .po (keeping translations; adding `translations`), write .po and .mo."""
    old = read_catalog() if PO.exists() else Catalog(locale="ja")
    new = Catalog(locale="ja", domain="kasu", project="kasuhara-rules", fuzzy=False)
    new.creation_date = new.revision_date = old.creation_date if PO.exists() else new.creation_date
    for msgid in extract():
        current = old.get(msgid)
        text = (translations or {}).get(msgid) or (current.string if current is not None else "")
        new.add(msgid, text, flags=("python-brace-format",) if "{" in msgid else ())
    with open(PO, "wb") as handle:
        write_po(handle, new, width=0, omit_header=False, sort_output=True, no_location=True)
    catalog = read_catalog()
    MO.write_bytes(mo_bytes(catalog))
    return catalog


def problems() -> list[str]:
    """What is wrong with the catalogue, one line each; empty when it is complete and current."""
    catalog = read_catalog()
    have = {m.id for m in catalog if m.id}
    wanted = set(extract())
    out = [f"not in kasu.po (run tools/i18n.py update): {m!r}" for m in sorted(wanted - have)]
    out += [f"in kasu.po but no longer in the code: {m!r}" for m in sorted(have - wanted)]
    out += [f"no Japanese translation: {m.id!r}" for m in catalog if m.id and not m.string]
    if not MO.exists() or MO.read_bytes() != mo_bytes(catalog):
        out.append("kasu.mo is not the compiled kasu.po (run tools/i18n.py update)")
    return out


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command in ("update", "extract"):
        update()
    elif command == "compile":
        MO.write_bytes(mo_bytes(read_catalog()))
    elif command != "check":
        sys.exit(f"unknown command {command!r}: use update, extract, compile or check")
    found = problems()
    for line in found:
        print(line)
    sys.exit(1 if found and command == "check" else 0)
