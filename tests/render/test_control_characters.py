"""Control characters in values never reach a text or Markdown output raw (issue 25, item 20): ESC (which
drives a terminal), a bare CR or an LF (which forge a line or a Markdown heading) are shown as escapes, in
explanations, `kasu diff`, `kasu test`, the reports in Markdown and the guides; Japanese stays readable."""
import io
import re

from kasuhara_rules import parse_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.cli.diff import compare, render_text

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what must never appear (LF is the outputs' own line break)
POLICY = '''policy "t" { id t version "1" otherwise claim }
outcomes { claim, kasuhara "カスハラ" }
schema {
  id: text key
  remarks: text
  channel: one of ["counter", "phone"]
}
rule said "発言" { when remarks contains "土下座" then kasuhara respond "対応する" }
'''
FORGED = "A-1\x1b[2J\r\nINC-9 → claim (forged)"
REMARKS = "土下座しろ\x1b]0;owned\x07\r## 偽の見出し\n次の行"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_explanations_show_controls_as_escapes():
    """The explanation of a record whose key and text hold ESC, CR and LF: no raw control, no extra line."""
    p = parse_policy(POLICY)
    d = p.evaluate({"id": FORGED, "remarks": REMARKS, "channel": "counter"})
    clean = p.evaluate({"id": "A-1", "remarks": "土下座しろ", "channel": "counter"})
    for lang in ("ja", "en"):
        text = d.explain(lang=lang, show_sensitive=True)
        assert not RAW.search(text) and len(text.splitlines()) == len(clean.explain(lang=lang).splitlines())
        assert "\\u{1b}[2J\\r\\nINC-9" in text and "土下座しろ" in text
    bad = p.evaluate_numbered({"id": FORGED, "remarks": 3, "channel": "counter"}, 1)
    assert not RAW.search(bad.explain()) and len(bad.explain().splitlines()) == 2


def test_eval_text_and_diff_and_test_outputs(tmp_path):
    """`kasu eval --format text`, `kasu diff` (text) and `kasu test` print no raw control character."""
    import json

    policy = tmp_path / "p.kasu"
    policy.write_text(POLICY.replace('"発言"', '"発言\\u{1b}[31m"'), encoding="utf-8")
    newer = tmp_path / "q.kasu"
    newer.write_text(POLICY.replace('"土下座"', '"しろ"'), encoding="utf-8")
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"id": FORGED, "remarks": "しろ\r\n", "channel": "counter"}) + "\n", encoding="utf-8")
    code, out, _ = run("eval", policy, records, "--format", "text")
    assert code == 0 and not RAW.search(out) and "INC-9 → claim (forged)" not in out.splitlines()
    code, out, _ = run("diff", policy, newer, records)
    assert code == 1 and not RAW.search(out) and not any(l.startswith("INC-9") for l in out.splitlines())
    p, q = parse_policy(POLICY), parse_policy(POLICY.replace('"土下座"', '"しろ"'))
    text = render_text(compare(p, q, [(1, {"id": FORGED, "remarks": "しろ", "channel": "counter"})]))
    assert not RAW.search(text)
    policy.write_text(POLICY + 'example "例\\u{1b}[2J\\r偽" { given { id: "x", remarks: "a", channel: "counter" } '
                      "expect kasuhara }\n", encoding="utf-8")
    code, out, _ = run("test", policy)
    assert code == 1 and not RAW.search(out)


def test_markdown_reports_and_guides_forge_no_heading(tmp_path):
    """A bare CR in a survey group name or a policy's title never starts a Markdown line of its own."""
    rows = [["売場\r# 偽の見出し", "なかった"]] * 12 + [["レジ", "1〜2回"]] * 12
    answers = tmp_path / "r.csv"
    answers.write_text("所属部署,過去6か月に、お客様から「脅迫」を受けたことは何回ありますか。\n"
                       + "".join(f'"{a}",{b}\n' for a, b in rows), encoding="utf-8")
    code, md, _ = run("survey", "report", answers, "--format", "md", "--seal", tmp_path / "seal.json")
    assert code == 0 and not RAW.search(md) and not any(l.startswith("# 偽") for l in md.splitlines())
    policy = tmp_path / "p.kasu"
    policy.write_text(POLICY.replace('"発言"', '"発言\\u{d}# 偽の見出し\\u{1b}[2J"').replace(
        '"対応する"', '"対応する\\n## 偽"'), encoding="utf-8")
    code, guide, _ = run("doc", policy, "--format", "md")
    assert code == 0 and not RAW.search(guide)
    assert not any(l.startswith(("# 偽", "## 偽")) for l in guide.splitlines())
    assert "発言" in guide


def test_diagnostics_show_a_source_line_without_its_controls(tmp_path):
    """`kasu check` quotes the source line of a diagnostic: an ESC or CR in it is shown as one visible
    character (␛, ␍), so the caret under the span still points at it."""
    policy = tmp_path / "p.kasu"
    policy.write_bytes(b'policy "t" { id t version "1" otherwise claim }\noutcomes { claim }\nschema { x: bool }\n'
                       b'rule r { when \x1b y then claim respond "a" } # \x1b[2J\r\n')
    code, out, _ = run("check", policy)
    assert not RAW.search(out)
    line, carets = next((a, b) for a, b in zip(out.splitlines(), out.splitlines()[1:]) if "when" in a and "^" in b)
    assert "␛" in line and line[carets.index("^")] in "␛y"
