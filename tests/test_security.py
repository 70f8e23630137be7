"""The guarantees of docs/security.md that need a process of their own: which files a policy
makes the engine read, no network, no code from policy or record text; and hostile policies
of realistic worst-case size."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from kasuhara_rules import check_text, parse_policy
from tests.conftest import policy, sized

AUDIT = textwrap.dedent(r'''
    import json, os, sys
    import kasuhara_rules
    from kasuhara_rules import load_policy
    events = []

    def hook(event, args):
        if event == "open":
            events.append(["open", os.fspath(args[0]) if isinstance(args[0], (str, bytes, os.PathLike)) else "fd"])
        elif event == "compile":  # source text that becomes code: never the policy's or a record's
            source = args[0]
            if isinstance(source, bytes):
                source = source.decode("utf-8", "replace")
            if isinstance(source, str) and ("ZZPOLICY" in source or "ZZRECORD" in source):
                events.append(["compiled text", source[:200]])
            elif not isinstance(source, str):
                events.append(["compiled tree", type(source).__name__])
        elif event.startswith(("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.fork",
                               "os.remove", "os.rename", "shutil.", "urllib.", "http.")):
            events.append([event, repr(args)[:2000]])

    records = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
    sys.addaudithook(hook)
    policy = load_policy(sys.argv[1])
    mark = len(events)
    for decision in policy.evaluate_many(records, explain=True):
        json.dumps(decision.to_dict(explain=True), ensure_ascii=False)
        decision.explain("ja")
    print(json.dumps({"load": events[:mark], "evaluate": events[mark:]}))
''')


BASE = """policy "base" { id base  version "1"  otherwise claim }
schema { incident_id: text key, a: bool, remarks: text sensitive }
outcomes { claim, kasuhara }
phrases words from "words.txt"
rule r1 "ZZPOLICY title" { when a then kasuhara respond "ZZPOLICY response" }
rule r2 { when remarks contains any words then kasuhara respond "r2" }
"""
CHILD = 'policy "child" { id child  version "2"  otherwise claim }\nextends "base.kasu"\n'


def _engine_file(path: str, cache: str) -> bool:
    """Files the engine itself opens: Python's, the dependencies' and its own modules and
    grammar, and its built-parser cache."""
    if path == "fd":  # os.fdopen of the parser cache's temporary file
        return True
    import kasuhara_rules

    package = str(Path(kasuhara_rules.__file__).resolve().parent)
    return path.endswith((".py", ".pyc", ".lark", ".so")) or path.startswith((sys.prefix, sys.base_prefix, cache,
                                                                              package))


def test_a_policy_reads_only_the_files_it_names_and_nothing_else_happens(tmp_path):
    """Loading opens the policy, its base and its phrase file (besides the engine's own files);
    evaluating and explaining open nothing, start no process, touch no network and compile
    nothing but the engine's own generated syntax trees."""
    home = tmp_path / "policies"
    home.mkdir()
    (home / "base.kasu").write_text(BASE, encoding="utf-8")
    (home / "child.kasu").write_text(CHILD, encoding="utf-8")
    (home / "words.txt").write_text("殺す\n晒す\n", encoding="utf-8")
    (home / "other.kasu").write_text(BASE, encoding="utf-8")  # never named, never read
    records = tmp_path / "r.jsonl"
    records.write_text("\n".join(json.dumps({"incident_id": f"ZZRECORD{i}", "a": i % 2 == 0, "remarks": "ZZRECORD晒す"})
                                 for i in range(60)), encoding="utf-8")  # more than INTERPRET_FIRST:
    # the first explanations are interpreted, the later ones compiled, so both tiers run here
    cache = str(tmp_path / "cache")
    import kasuhara_rules

    package_parent = str(Path(kasuhara_rules.__file__).resolve().parents[1])  # the checkout, or site-packages
    env = {"PYTHONPATH": package_parent, "XDG_CACHE_HOME": cache, "PATH": "/usr/bin:/bin",
           "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-c", AUDIT, str(home / "child.kasu"), str(records)],
                          capture_output=True, env=env, cwd=tmp_path, text=True)
    assert proc.returncode == 0, proc.stderr
    events = json.loads(proc.stdout)
    opened = [arg for kind, arg in events["load"] if kind == "open" and not _engine_file(arg, cache)]
    assert sorted(p.rsplit("/", 1)[-1] for p in opened) == ["base.kasu", "child.kasu", "words.txt"]
    others = [e for e in events["load"] if e[0] not in ("open", "compiled tree")]
    assert others == []  # nothing written, renamed or removed: no cache on the user's disk
    during = [e for e in events["evaluate"] if not (e[0] == "open" and _engine_file(e[1], cache))]
    assert [e for e in during if e[0] != "compiled tree"] == []  # no file, process, network or text compiled
    # what is compiled from a tree is the engine's own generated module (evaluate, then explain)
    trees = [e[1] for e in events["load"] + events["evaluate"] if e[0] == "compiled tree"]
    assert trees == ["Module", "Module"]


def test_extends_and_phrase_files_outside_the_directory_are_refused(tmp_path):
    """`extends` or `phrases … from` naming a file outside the policy's directory (by `..`, by
    an absolute path or through a symbolic link) is E606 and the file is not read, unless the
    caller allows it; a policy extending itself is E602."""
    from kasuhara_rules import check_path

    outside = tmp_path / "base.kasu"
    outside.write_text(BASE.replace('from "words.txt"', '= ["殺す"]'), encoding="utf-8")
    home = tmp_path / "policies"
    home.mkdir()
    (home / "link.kasu").symlink_to(outside)
    for target in ("../base.kasu", str(outside), "link.kasu"):
        (home / "p.kasu").write_text(CHILD.replace("base.kasu", target), encoding="utf-8")
        assert [d.code for d in check_path(home / "p.kasu").errors] == ["E606"], target
        assert check_path(home / "p.kasu", allow_outside=True).ok, target
    (home / "p.kasu").write_text(CHILD.replace("base.kasu", "p.kasu"), encoding="utf-8")
    assert [d.code for d in check_path(home / "p.kasu").errors] == ["E602"]
    (home / "q.kasu").write_text(BASE.replace("words.txt", "../base.kasu"), encoding="utf-8")
    assert [d.code for d in check_path(home / "q.kasu").errors] == ["E606"]


def test_fifty_thousand_rules_are_checked():
    """A policy of 50,000 rules (10,000 in a quick local run) is checked (no recursion limit, no
    quadratic step)."""
    count = sized(50000, 10000)
    rules = "".join(f'rule r{i} {{ when repeat > {i} then kasuhara respond "x" }}\n' for i in range(count))
    result = check_text(policy(rules), "big.kasu")
    assert result.ok and len(result.policy.rules) == count


def test_a_large_phrase_list_loads_and_matches():
    """A phrase list of 100,000 phrases (2 MB, on one line; 20,000 in a quick local run) is checked
    and compiled, and finds its phrases in a long text; the full 10 MB case is measured in
    docs/security.md."""
    words = [f"語{i:06d}" for i in range(sized(100000, 20000))]
    text = policy("phrases big = [" + ", ".join(f'"{w}"' for w in words) + "]\n"
                  'rule r { when remarks contains any big then kasuhara respond "x" }\n')
    p = parse_policy(text, "ph.kasu")
    record = {"incident_id": "T-1", "channel": "phone", "repeat": 3, "dogeza": False, "words": [], "contacts": [],
              "reported_at": "2026-05-01T10:00:00+09:00", "remarks": "x" * 100000 + words[-12345]}
    d = p.evaluate(record, explain=True)
    assert d.outcome == "kasuhara" and d.trace()[0]["condition"]["evidence"] == [words[-12345]]


def test_hostile_policy_text_gives_diagnostics():
    """NUL bytes, BOM, CRLF, unterminated strings and deep nesting give diagnostics (or load)."""
    ok = policy('rule r { when dogeza then kasuhara respond "x" }\n')
    assert check_text("\ufeff" + ok).ok and check_text(ok.replace("\n", "\r\n")).ok
    assert [d.code for d in check_text(ok + "\x00").errors] == ["E102"]
    assert [d.code for d in check_text(ok.replace('"x"', '"x')).errors][:1] == ["E104"]
    assert [d.code for d in check_text(policy("define d = " + "not " * 100000 + "dogeza\n")).errors] == ["E111"]
    assert check_text(policy("define d = " + "(" * 100000 + "dogeza" + ")" * 100000 + "\n")).policy is not None
