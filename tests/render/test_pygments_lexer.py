"""The Pygments lexer: every shipped policy lexes without an Error token, with the language's words."""
import importlib.metadata
from pathlib import Path

import pytest

pytest.importorskip("pygments")

from pygments.token import Comment, Error, Keyword, Name, Number, String  # noqa: E402

from kasuhara_rules.render.pygments_lexer import KEYWORDS, KasuLexer  # noqa: E402
from kasuhara_rules.syntax.grammar import keywords  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
POLICIES = sorted((ROOT / "examples").glob("*.kasu"))


def test_the_lexer_knows_exactly_the_grammars_keywords():
    assert KEYWORDS == keywords()


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_shipped_policies_lex_without_errors(path):
    text = path.read_text(encoding="utf-8")
    tokens = list(KasuLexer().get_tokens(text))
    assert [v for t, v in tokens if t in Error] == []
    assert "".join(v for _, v in tokens) == (text if text.endswith("\n") else text + "\n")


def test_tokens_of_each_kind():
    text = ('# コメント\npolicy "方針" { id shop version "1" effective 2026-04-01 otherwise claim }\n'
            'define 長電話 = call_length >= 30min and reported_at >= 2026-04-01T09:00:00+09:00\n'
            'rule r { when count(contacts where 回数 > 3) >= 1.5 then kasuhara respond "a\\"b" }\n')
    tokens = [(t, v) for t, v in KasuLexer().get_tokens(text) if v.strip()]
    kinds = dict((v, t) for t, v in tokens)
    assert kinds["# コメント"] in Comment
    assert kinds["policy"] in Keyword and kinds["when"] in Keyword and kinds["and"] in Keyword
    assert kinds["長電話"] in Name and kinds["回数"] in Name and kinds["call_length"] in Name
    assert kinds["30min"] in Number and kinds["1.5"] in Number
    assert kinds["2026-04-01"] in String and kinds["2026-04-01T09:00:00+09:00"] in String
    assert kinds['\\"'] in String.Escape
    assert kinds["count"] in Name.Builtin


def test_registered_for_pygmentize():
    """Installed, the entry point makes `pygmentize -l kasu` find the lexer."""
    try:
        dist = importlib.metadata.distribution("kasuhara-rules")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("kasuhara-rules is not installed")
    points = [e for e in dist.entry_points if e.group == "pygments.lexers"]
    if not points:
        pytest.skip("installed from a version without the entry point")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert isinstance(get_lexer_by_name("kasu"), KasuLexer)
    assert isinstance(get_lexer_for_filename("acme.kasu"), KasuLexer)


def test_value_labels_lex_as_strings():
    """`one of ["counter" "窓口", …]`: each value and each label is a string, the field a name, no error."""
    text = 'schema {\n  channel "受付チャネル": one of ["counter" "窓口", "phone" "電話"]\n}\n'
    tokens = [(t, v) for t, v in KasuLexer().get_tokens(text) if v.strip()]
    assert not any(t in Error for t, _ in tokens)
    strings = [v for t, v in tokens if t in String and v not in ('"',)]
    assert strings[-4:] == ["counter", "窓口", "phone", "電話"]
