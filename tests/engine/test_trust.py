"""Decisions that are true and self-contained (issue 14 items 12 and 13)."""
import copy

from kasuhara_rules import parse_policy
from tests.conftest import policy

NESTED = '''policy "n" {
  id n
  version "1"
  otherwise ok
}
outcomes { ok, bad }
schema {
  incident_id: text key
  case: { contacts: list of { length: optional duration in minutes, note: optional text sensitive } }
}
rule long { when sum(case.contacts.length) >= 30min then bad }
rule noted { when count(case.contacts where note is present) > 0 then bad }
'''


def _nodes(node):
    yield node
    for child in node["children"]:
        yield from _nodes(child)


def test_reads_of_a_path_through_a_list_show_the_values_that_decided():
    """`sum(case.contacts.length)` over present values reads those values, not null."""
    p = parse_policy(NESTED, "n.kasu")
    record = {"incident_id": "1", "case": {"contacts": [{"length": "PT35M", "note": "秘密"}, {"length": 5}]}}
    d = p.evaluate(record, explain=True)
    assert d.outcome == "bad"
    reads = {}
    for entry in d.to_dict(explain=True)["trace"]:
        for node in _nodes(entry["condition"]):
            reads.update(node["reads"])
    assert reads["case.contacts.length"] == ["PT35M", 5]
    assert "秘密" not in str(d.to_dict(explain=True))
    shown = {}
    for entry in d.trace(show_sensitive=True):
        for node in _nodes(entry["condition"]):
            shown.update(node["reads"])
    assert "秘密" in str(shown)


def test_a_decision_does_not_change_when_the_callers_record_does():
    """Mutating (or reusing) the record after evaluate leaves the decision and its trace alone."""
    p = parse_policy(policy('rule d { when dogeza and count(contacts) > 0 and words contains "バカ" '
                            'then kasuhara respond "x" }'), "t.kasu")
    record = {"incident_id": "T-1", "channel": "phone", "repeat": 1, "dogeza": True, "words": ["バカ"],
              "contacts": [{"at": "2026-04-01T10:00:00+09:00"}], "reported_at": "2026-04-01T10:00:00+09:00"}
    for explain in (False, True):
        rec = copy.deepcopy(record)
        d = p.evaluate(rec, explain=explain)
        before = d.to_dict(explain=True)
        rec["dogeza"] = False
        rec["contacts"].clear()
        rec["contacts"].append({"at": "bad"})
        rec["words"].clear()  # a list of texts: the copy made while reading it (flat) must not share it
        assert d.to_dict(explain=True) == before
        assert before["trace"][0]["result"] == "matched"

    def reused():  # a generator that reuses one dict, as some readers do
        rec = copy.deepcopy(record)
        for dogeza in (True, False):
            rec["dogeza"] = dogeza
            yield rec

    for explain in (False, True):
        ds = list(p.evaluate_many(reused(), explain=explain))
        assert [d.outcome for d in ds] == ["kasuhara", "claim"]
        assert [d.to_dict(explain=True)["trace"][0]["result"] for d in ds] == ["matched", "not_matched"]
        assert "✔" in ds[0].explain(lang="en") or "matched" in ds[0].explain(lang="en")


def test_to_dict_policy_is_a_copy():
    """Editing one output's policy block changes neither the policy nor later outputs."""
    p = parse_policy(policy('rule d { when dogeza then kasuhara respond "x" }'), "t.kasu")
    record = {"incident_id": "T-1", "channel": "phone", "repeat": 1, "dogeza": True, "words": [],
              "contacts": [], "reported_at": "2026-04-01T10:00:00+09:00"}
    d = p.evaluate(record)
    out = d.to_dict()
    out["policy"]["digest"] = "sha256:forged"
    out["policy"].get("files", [{}])[0]["path"] = "x" if out["policy"].get("files") else None
    assert d.to_dict()["policy"]["digest"] == p.digest
    assert p.evaluate(record).to_dict()["policy"]["digest"] == p.digest


# ---- item 14: a decision names every file that produced it -------------------------------------

import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from kasuhara_rules import PolicyError, load_policy  # noqa: E402
from kasuhara_rules.check.loader import load_text  # noqa: E402
from kasuhara_rules.policy import policy_from  # noqa: E402

BASE = '''policy "base" {
  id base
  version "1"
  otherwise ok
}
outcomes { ok, bad }
schema {
  incident_id: text key
  remarks: text
}
phrases threats from "words/threats.txt"
rule threat { when remarks contains any threats then bad respond "x" }
'''
CHILD = '''policy "child" {
  id child
  version "2"
  otherwise ok
}
extends "base/base.kasu"
'''


def _tree(root: Path) -> Path:
    (root / "base" / "words").mkdir(parents=True)
    (root / "base" / "base.kasu").write_text(BASE, encoding="utf-8")
    (root / "base" / "words" / "threats.txt").write_text("殺す\n晒す\n", encoding="utf-8")
    (root / "child.kasu").write_text(CHILD, encoding="utf-8")
    return root / "child.kasu"


def _sha(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_policy_files_name_every_file_base_first(tmp_path):
    """`policy.files`: every file (base, its phrase file, the child), relative to the root
    policy's directory, each with its own digest; the same from any working directory; on
    error decisions too."""
    child = _tree(tmp_path)
    p = load_policy(child)
    want = [{"path": "base/base.kasu", "digest": _sha(tmp_path / "base" / "base.kasu")},
            {"path": "base/words/threats.txt", "digest": _sha(tmp_path / "base" / "words" / "threats.txt")},
            {"path": "child.kasu", "digest": _sha(child)}]
    d = p.evaluate({"incident_id": "1", "remarks": "晒すぞ"})
    assert d.to_dict()["policy"]["files"] == want
    lines = "".join(f"{f['digest'][7:]} {f['path']}\n" for f in want)
    assert d.to_dict()["policy"]["digest"] == "sha256:" + hashlib.sha256(lines.encode()).hexdigest()
    bad = list(p.evaluate_many([{"incident_id": "2"}]))[0]
    assert bad.error is not None and bad.to_dict()["policy"]["files"] == want
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path / "base")
        assert load_policy("../child.kasu").evaluate({"incident_id": "1", "remarks": "x"}).to_dict()["policy"] \
            == d.to_dict()["policy"]
    finally:
        os.chdir(cwd)


def test_trace_at_is_relative_to_the_root_policy(tmp_path):
    """`--explain` output is the same from any working directory: no absolute path in `at`."""
    child = _tree(tmp_path)
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"incident_id": "1", "remarks": "殺す"}) + "\n", encoding="utf-8")
    outputs = []
    for cwd, policy_arg in [(tmp_path, "child.kasu"), (tmp_path / "base", str(child)), ("/", str(child))]:
        run = subprocess.run([sys.executable, "-m", "kasuhara_rules", "eval", "--explain", policy_arg, str(records)],
                             cwd=cwd, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")})
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    trace = json.loads(outputs[0])["trace"]
    assert trace[0]["at"].startswith("base/base.kasu:") and str(tmp_path) not in outputs[0]


def test_file_names_with_control_characters_are_refused(tmp_path):
    """A newline (or other control character) in a named file's name is E607, never read."""
    (tmp_path / "a\nb.txt").write_text("殺す\n", encoding="utf-8")
    text = BASE.replace("words/threats.txt", "a\\nb.txt")
    (tmp_path / "p.kasu").write_text(text, encoding="utf-8")
    try:
        load_policy(tmp_path / "p.kasu")
    except PolicyError as exc:
        codes = [d.code for d in exc.diagnostics if d.is_error]
        errors = [d for d in exc.diagnostics if d.is_error]
        assert codes == ["E607"] and "U+000A" in errors[0].message
    else:
        raise AssertionError("accepted")


def test_pickling_a_text_policy_carries_its_phrase_files(tmp_path):
    """`load_text(base_dir=…)`: a pickled policy keeps the phrase file's bytes; it never re-reads
    them (from the current directory or anywhere)."""
    (tmp_path / "words").mkdir()
    (tmp_path / "words" / "threats.txt").write_text("殺す\n", encoding="utf-8")
    loaded = load_text(BASE, "inline.kasu", base_dir=tmp_path)
    p = policy_from(loaded.result, loaded.files, "inline.kasu", loaded.sources)
    blob = pickle.dumps(p)
    (tmp_path / "words" / "threats.txt").write_text("other\n", encoding="utf-8")
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        q = pickle.loads(blob)
    finally:
        os.chdir(cwd)
    assert q.digest == p.digest
    assert q.evaluate({"incident_id": "1", "remarks": "殺す"}).outcome == "bad"


# ---- item 10: defines cannot hide unbounded size or depth ----------------------------------------

from kasuhara_rules import check_text  # noqa: E402

DEF_HEAD = 'policy "t" { id t  version "1"  otherwise ok }\noutcomes { ok, bad }\nschema { a: bool, b: optional bool, x: int }\n'


def _codes(text):
    return [d.code for d in check_text(text, "t.kasu").diagnostics if d.is_error]


def test_a_diamond_of_defines_is_refused_at_check():
    """`d_i = d_{i-1} and d_{i-1}` 20 deep (a million conditions; 76 s and 4 GB to load before):
    E311 at the define that crosses the bound, in check, without building anything."""
    body = "define d0 = a and b\n" + "".join(f"define d{i} = d{i-1} and d{i-1}\n" for i in range(1, 21))
    assert _codes(DEF_HEAD + body + 'rule r { when d20 then bad respond "x" }\n') == ["E311"]
    squares = "define s0 = x\n" + "".join(f"define s{i} = s{i-1} * s{i-1}\n" for i in range(1, 41))
    assert _codes(DEF_HEAD + squares + 'rule r { when s40 > 1 then bad respond "x" }\n') == ["E311"]


def test_long_chains_and_cycles_of_defines_are_diagnostics_not_crashes():
    """340 and 1,000 chained defines (RecursionError before) and a 2,000-define cycle."""
    for k in (340, 1000):
        chain = "define d0 = a\n" + "".join(f"define d{i} = d{i-1} or b\n" for i in range(1, k + 1))
        assert _codes(DEF_HEAD + chain + f'rule r {{ when d{k} then bad respond "x" }}\n') == ["E310"]
    cycle = "".join(f"define c{i} = c{(i + 1) % 2000} or a\n" for i in range(2000))
    assert "E307" in _codes(DEF_HEAD + cycle + 'rule r { when c0 then bad respond "x" }\n')


def test_defines_within_the_bounds_still_explain_as_before():
    """A small diamond loads, decides, and its trace shows each define's node with its children."""
    body = "define d0 = a and b\n" + "".join(f"define d{i} = d{i-1} and d{i-1}\n" for i in range(1, 6))
    p = parse_policy(DEF_HEAD + body + 'rule r { when d5 then bad respond "x" }\n')
    d = p.evaluate({"a": True, "b": None, "x": 1}, explain=True)
    assert d.outcome == "review"
    node = d.to_dict(explain=True)["trace"][0]["condition"]
    assert node["text"] == "d5" and node["value"] is None and node["children"][0]["text"] == "d4 and d4"
    leaf = node
    while leaf["children"]:
        leaf = leaf["children"][0]
    assert leaf["reads"] == {"a": True}


# ---- item 16: Trojan Source and look-alike letters ------------------------------------------------

import pytest  # noqa: E402

TROJAN_HEAD = 'policy "t" { id t  version "1"  otherwise ok }\noutcomes { ok, bad }\n'


def _diags(text):
    return [(d.code, d.severity, d.message) for d in check_text(text, "t.kasu").diagnostics
            if d.code in ("E113", "W120")]


@pytest.mark.parametrize("name, point", [
    ("cоde", "U+043E CYRILLIC SMALL LETTER O"),      # Cyrillic о in a Latin name
    ("pаyment", "U+0430 CYRILLIC SMALL LETTER A"),
    ("ΑBC", "U+0391 GREEK CAPITAL LETTER ALPHA"),    # Greek Α before Latin letters
    ("ﬁle", "U+FB01 LATIN SMALL LIGATURE FI"),
    ("co\u200bde", "U+200B ZERO WIDTH SPACE"),
    ("co\u202ede", "U+202E RIGHT-TO-LEFT OVERRIDE"),
])
def test_confusable_names_are_errors_naming_the_code_point(name, point):
    """A look-alike letter, ligature, invisible or bidi character in a name: E113 with U+XXXX NAME."""
    text = TROJAN_HEAD + f"schema {{ {name}: bool }}\n"
    found = _diags(text)
    assert found and all(code == "E113" and severity == "error" for code, severity, _ in found)
    assert any(point in message for _, _, message in found)


@pytest.mark.parametrize("where", ['rule r {{ when ok_flag then bad respond "{}" }}\n', "# {}\n"])
@pytest.mark.parametrize("bad, point", [("ab\u202ecd", "U+202E"), ("a\u2066b\u2069", "U+2066"),
                                        ("zero\u200dwidth", "U+200D"), ("bаd word", "U+0430"), ("ﬁne", "U+FB01")])
def test_confusables_in_strings_and_comments_are_warnings(where, bad, point):
    """The same characters in a string or a comment: W120 (a warning), the policy still loads."""
    text = TROJAN_HEAD + "schema { ok_flag: bool }\n" + where.format(bad)
    found = _diags(text)
    assert found and all(code == "W120" and severity == "warning" for code, severity, _ in found)
    assert any(point in message for _, _, message in found)
    parse_policy(text)  # warnings only


def test_japanese_names_are_not_flagged():
    """Kanji, hiragana, katakana, ASCII digits, `_` and Latin beside Japanese are ordinary."""
    text = (TROJAN_HEAD + "schema { 受付チャネル_2: bool, 土下座の要求: optional bool, sns投稿: optional bool, "
            "ｶﾀｶﾅ名: optional bool, café: optional bool, дата: optional bool }\n"
            '# 土下座の要求、ＳＮＳへの投稿 — ok\nrule 規則1 { when 受付チャネル_2 and 土下座の要求 then bad respond "断る" }\n')
    assert _diags(text) == []
    assert parse_policy(text).evaluate({"受付チャネル_2": True, "土下座の要求": True}).outcome == "bad"
