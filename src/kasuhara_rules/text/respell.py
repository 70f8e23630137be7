"""Spoken spellings the dictionary splits into other words, respelled for the analysis (words.py).

The offsets of the words keep pointing into the text as written: `respell` returns, with the new
text, where each of its offsets falls in the old one.
"""
from __future__ import annotations

import re

# Spoken spellings the dictionary splits into other words, respelled before the analysis (offsets
# still index the text as written): a drawn-out vowel after a kanji stands for を (火ぃつける →
# 火をつける, 手ぇ出す), the Kanto っぞ for ぞ (ぶっ殺すっぞ), the Kansai benefactive たる / たろか
# after a verb's stem for てやる / てやろうか (しばいたろか is otherwise read as 芝居 + だろう), and
# タレこむ (垂れ込む) in mixed script, otherwise read as タレ + 此れ.
RESPELL = re.compile(
    r"(?P<wo>(?<=[\u4e00-\u9fff])[ぁぃぅぇぉ](?=[\u3041-\u3096]))"
    r"|(?P<zo>(?<=[すくるつむぶぬうぐ])っ(?=ぞ))"
    r"|(?P<taro>(?<=[いきしちにひみりぎびえけせてねへめれげぜでべ])たろ(?=か|思))"
    r"|(?P<taru>(?<=[いきしちにひみりぎびえけせてねへめれげぜでべ])たる(?=[わでぞがよねっ!、。\s]|から|けん|$))"
    r"|(?P<tare>タレこ(?=[まみむめもんー]))")
RESPELLED = {"wo": "を", "zo": "", "taro": "てやろう", "taru": "てやる", "tare": "タレ込"}


def respell(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """The text as the analyser should read it (see RESPELL) and, for each offset of that text,
    the offset in `text` where a word starting there (`starts`) or ending there (`ends`) starts or
    ends; None when nothing is respelled (the common case costs one search).

    >>> respell("火ぃつけたろか")[0], respell("ぶっ殺すっぞ")[0]
    ('火をつけてやろうか', 'ぶっ殺すぞ')
    """
    if RESPELL.search(text) is None:
        return text, None, None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    closed: dict[int, int] = {}  # boundary → where a word ending there ends (before deleted letters)
    done = 0
    for m in RESPELL.finditer(text):
        a, b = m.span()
        new = RESPELLED[m.lastgroup or ""]
        pieces += [text[done:a], new]
        starts += range(done, a)
        ends += range(done, a)
        # Words starting or ending inside the new spelling start or end where the old one starts;
        # the boundary after it is the old one's end, so the last word read there shows it as written.
        starts += [a] * len(new)
        ends += [a] * len(new)
        if not new:
            closed[len(ends)] = a
        done = b
    pieces.append(text[done:])
    starts += range(done, len(text) + 1)
    ends += range(done, len(text) + 1)
    for at, where in closed.items():
        ends[at] = where
    return "".join(pieces), starts, ends
