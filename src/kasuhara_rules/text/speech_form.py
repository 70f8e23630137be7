"""The form of an act as the speech-act reader finds it: one field per cue, the words that say it."""
from __future__ import annotations

import attrs


@attrs.define
class Form:
    """What the words after an act say of it (filled by Scan): each field the words of a cue."""

    passive: str = ""
    causative: str = ""
    negative: str = ""
    desire: str = ""
    past: str = ""
    volitional: str = ""
    imperative: str = ""
    benefactive: str = ""
    carrying: str = ""
    humble: str = ""
    request: str = ""
    progressive: str = ""
    polite: str = ""
    conditional: str = ""
    question: str = ""
    final: str = ""
    strong: str = ""
    reason: str = ""
    quoted: str = ""
    intent: str = ""
    decision: str = ""
    obligation: str = ""
    nominal: str = ""
    modifier: str = ""
    open: str = ""
    cancel: str = ""
    rhetorical: str = ""
    copula: str = ""
    hypothetical: str = ""
    explained: str = ""  # の/ん before です/だ: 書くんです, 殺されたいんですか
