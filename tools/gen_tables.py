"""Regenerate src/kasuhara_rules/syntax/tables.json from grammar/kasu.lark (run after editing the grammar).

The tables are written in a canonical form (grammar.generate_tables renumbers Lark's states and
rules), so the same grammar and Lark always give the same file.
`--stdout` prints the file instead of writing it (the test compares that with the shipped one).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def render() -> str:
    """The tables file's exact text: one JSON object, keys sorted, one line a state."""
    sys.path.insert(0, str(ROOT / "src"))
    from kasuhara_rules.syntax import grammar

    data = grammar.generate_tables()
    states = data.pop("states")
    head = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    rows = ",\n".join(json.dumps(s, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for s in states)
    return head[:-1] + ',"states":[\n' + rows + "\n]}\n"


if __name__ == "__main__":
    text = render()
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
    else:
        target = ROOT / "src" / "kasuhara_rules" / "syntax" / "tables.json"
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
