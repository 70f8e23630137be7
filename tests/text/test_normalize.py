"""Tests for textnorm.py: normalisation, and phrase sets agreeing with the plain definitions."""
from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules.text.normalize import PhraseSet, normalize

ALPHABET = "あいアイaAｱ殺す"  # small, so phrases overlap, nest and repeat
phrases = st.lists(st.text(ALPHABET, min_size=1, max_size=4), min_size=1, max_size=40)
texts = st.text(ALPHABET + "xー", max_size=60)


def test_normalize_folds_width_case_and_kana():
    """NFKC, case folding and katakana → hiragana, as `contains` compares."""
    assert [normalize(t) for t in ("ＳＮＳ", "ﾊﾞｶ", "バカ", "ばか", "ABC")] == ["sns", "ばか", "ばか", "ばか", "abc"]


@given(phrases, texts)
def test_phrase_set_agrees_with_the_definitions(items, text):
    """search / found / all_in equal the one-phrase-at-a-time definitions, for small sets (a loop)
    and large ones (one pass with the trie pattern)."""
    p = PhraseSet(items)
    norm = normalize(text)
    keys = {normalize(x) for x in items if normalize(x)}
    assert p.search(norm) == any(k in norm for k in keys)
    assert p.all_in(norm) == all(k in norm for k in keys)
    want = []
    seen = set()
    for x in items:
        k = normalize(x)
        if k and k not in seen:
            seen.add(k)
            if k in norm:
                want.append(x)
    assert p.found(text) == want


def test_large_phrase_set_on_a_long_text():
    """100,000 phrases over a 1 MB text: found and all_in give the exact answer in one pass."""
    words = [f"語{i:05d}" for i in range(100000)]
    p = PhraseSet(words)
    text = "語" * 1_000_000 + "語00042x語99999"
    assert p.found(text) == ["語00042", "語99999"]
    assert not p.all_in(normalize(text)) and p.search(normalize(text))
    nested = PhraseSet(["ああ", "あああ", "ああああ"] + [f"い{i}" for i in range(20)])
    assert nested.found("あ" * 500_000) == ["ああ", "あああ", "ああああ"]
