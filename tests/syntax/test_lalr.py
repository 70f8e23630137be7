"""Tests for lalr.py: the parser over Lark's tables builds exactly Lark's trees, accepts and
refuses exactly what Lark does, and its tables are cached safely."""
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules.syntax import grammar

from kasuhara_rules.syntax import lalr
from tests import strategies as S
from tests.conftest import ROOT, policy

EXAMPLES = sorted((ROOT / "examples").glob("*.kasu")) + sorted((ROOT / "tests" / "golden" / "fmt").glob("*.kasu"))


def shape(tree) -> object:
    """A comparable form of a tree: node names, token types, texts and positions."""
    out = []
    stack = [(tree, out)]
    while stack:
        node, into = stack.pop()
        if node is None:
            into.append(None)
        elif hasattr(node, "data"):
            kids: list = []
            into.append((node.data, kids))
            stack.extend((child, kids) for child in reversed(node.children))
        else:
            into.append((node.type, str(node), node.line, node.column, node.end_line, node.end_column))
    return out[0]


def both(text: str):
    """(lalr's tree or None, Lark's tree or None) for `text`."""
    from lark.exceptions import LarkError

    try:
        ours = shape(lalr.parse(text, grammar.tables()))
    except lalr.ParseFailed:
        ours = None
    try:
        theirs = shape(lalr.from_lark(grammar.parser().parse(text)))
    except LarkError:
        theirs = None
    return ours, theirs


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_same_trees_as_lark_on_every_shipped_policy(path):
    """Every shipped policy parses to the tree Lark builds, token positions included."""
    ours, theirs = both(path.read_text(encoding="utf-8"))
    assert theirs is not None and ours == theirs


@given(S.token_soup)
def test_same_verdict_as_lark_on_token_soup(text):
    """On random token sequences (at the top level and inside a rule) both accept or both refuse,
    and accepted text gives the same tree."""
    for candidate in (text, policy(f'rule r {{ when {text} then kasuhara respond "x" }}\n')):
        ours, theirs = both(candidate)
        assert ours == theirs


@given(st.data())
def test_same_verdict_as_lark_on_mutated_policies(data):
    """On shipped policies with tokens deleted, duplicated or inserted, the verdicts agree."""
    text = S.mutate(data, data.draw(st.sampled_from([p.read_text(encoding="utf-8") for p in EXAMPLES[:8]])))
    ours, theirs = both(text)
    assert ours == theirs


@given(st.text(max_size=200))
def test_same_verdict_as_lark_on_random_text(text):
    """On random text the verdicts agree (nearly always: both refuse)."""
    ours, theirs = both(text)
    assert ours == theirs


def test_deep_nesting_parses_without_recursion():
    """100,000 nested parentheses parse (the loop keeps explicit stacks)."""
    text = policy("define d = " + "(" * 100000 + "dogeza" + ")" * 100000 + "\n")
    assert lalr.parse(text, grammar.tables()).data == "start"


def test_checking_a_policy_does_not_import_lark(tmp_path):
    """With the shipped tables, `kasu check` of a good policy never imports Lark (that is the
    start-up time saved), not even the first time; a syntax error does, to explain itself."""
    import kasuhara_rules
    from pathlib import Path

    env = {"PYTHONPATH": str(Path(kasuhara_rules.__file__).resolve().parents[1]), "XDG_CACHE_HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    script = ("import sys; from kasuhara_rules import check_text; r = check_text(open(sys.argv[1], "
              "encoding='utf-8').read()); print(r.ok, 'lark' in sys.modules)")
    good = str(ROOT / "tests" / "syntax" / "contract-example.kasu")  # one self-contained file (check_text)
    bad = tmp_path / "bad.kasu"
    bad.write_text(policy("rule r { when then }\n"), encoding="utf-8")
    outputs = [subprocess.run([sys.executable, "-c", script, path], env=env, capture_output=True, text=True).stdout
               for path in (good, good, str(bad))]
    assert outputs == ["True False\n", "True False\n", "False True\n"]
