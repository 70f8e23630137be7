"""Typing the text operators `contains`, `mentions` and `matches`, and the W110 speech lint."""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, cast

import attrs

from ..i18n import N_
from ..syntax import nodes as n
from .. import values as vt
from ..diagnostics import error, warning
from .regex import pattern_problem
from ..syntax.printer import expr as text_of
from ..values import Type

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from .resolved import Frame


class TextOperators:
    """Part of the type checker (`types.TypeChecker`): the `visit_` methods of the text operators."""

    if TYPE_CHECKING:  # provided by `types.TypeChecker`
        diags: list[Diagnostic]
        _frames: list[Frame]

        def infer(self, node: object, scope: tuple[Type, ...]) -> Type: ...
        def _typed(self, child: object) -> object: ...

    def visit_Contains(self, node: n.Contains, scope: tuple[Type, ...]) -> Type:
        s = self.infer(node.subject, scope)
        i = self.infer(node.item, scope)
        if s.is_error or i.is_error:
            return vt.T_BOOL
        word = {"one": "contains", "any": "contains any", "all": "contains all"}[node.mode]
        if s.is_textual:
            self._speech_lint(node, word)
        if node.mode == "one":
            if s.is_textual:
                if not i.is_textual:
                    hint = N_("to test a list use `{replace}`", replace=word.replace('contains', 'contains any')) if i.is_list else None
                    self.diags.append(error("E405", N_("`{text} contains` needs a text to look for, but `{text2}` is {noun}", text=text_of(node.subject), text2=text_of(node.item), noun=i.noun()), node.item.span, hint))
                return vt.T_BOOL
            if s.kind == vt.LIST:
                if not vt.comparable(s.elem(), i) or not i.is_scalar:
                    self.diags.append(error("E401", N_("`{text}` holds {noun} but `{text2}` is {noun2}", text=text_of(node.subject), noun=s.elem().noun(), text2=text_of(node.item), noun2=i.noun()), node.span))
                return vt.T_BOOL
            self.diags.append(error("E405", N_("`contains` needs a text or a list, but `{text}` is {noun}", text=text_of(node.subject), noun=s.noun()), node.subject.span))
            return vt.T_BOOL
        if not (s.is_textual or (s.kind == vt.LIST and s.elem().is_textual)):
            self.diags.append(error("E405", N_("`{word}` needs a text or a list of texts, but `{text}` is {noun}", word=word, text=text_of(node.subject), noun=s.noun()), node.subject.span))
        if not (i.kind == vt.PHRASES or (i.kind == vt.LIST and i.elem().is_textual) or
                (i.kind == vt.LIST and i.elem().is_error)):
            self.diags.append(error("E405", N_("`{word}` needs a phrase list or a list of texts, but `{text}` is {noun}", word=word, text=text_of(node.item), noun=i.noun()), node.item.span))
        return vt.T_BOOL

    def _speech_lint(self, node: n.Contains, word: str) -> None:
        """W110: `contains` on a field whose name or label says it holds what someone said."""
        ref = cast(n.Name, self._typed(node.subject)).ref if isinstance(node.subject, n.Name) else None
        f = getattr(ref, "field", None)
        if f is None or f.type.kind != vt.TEXT or not is_speech(f.name, f.label):
            return
        self.diags.append(warning(
            "W110", N_("`{text}` holds what was said, but `{word}` matches letters, not words",
                       text=text_of(node.subject), word=word),
            node.span, N_("use `{word}`: it finds inflected forms (晒してやる for 晒す) "
                          "and not parts of other words (バカ in 買ったばかり); keep `contains` for codes and fixed strings",
                          word=word.replace('contains', 'mentions'))))

    def visit_Mentions(self, node: n.Mentions, scope: tuple[Type, ...]) -> Type:
        """`t mentions "p"` / `mentions any|all P`: a text, and phrases written in the policy (they
        are analysed into words once, when the policy is compiled, never per record)."""
        s = self.infer(node.subject, scope)
        i = self.infer(node.item, scope)
        word = {"one": "mentions", "any": "mentions any", "all": "mentions all"}[node.mode]
        if not s.is_error and not s.is_textual:
            hint = N_("`mentions` looks for words in one text; to test the elements of a list use "
                      "`contains any`, or any(LIST where FIELD mentions …)") if s.kind == vt.LIST else None
            self.diags.append(error("E405", N_("`{word}` needs a text, but `{text}` is {noun}", word=word,
                                               text=text_of(node.subject), noun=s.noun()),
                                    node.subject.span, hint))
        if i.is_error:
            return vt.T_BOOL
        if node.mode == "one":
            if not isinstance(node.item, n.StringLit):
                if i.kind == vt.PHRASES:
                    hint = N_("for a phrase list write `{subject} mentions any {item}`",
                              subject=text_of(node.subject), item=text_of(node.item))
                elif i.kind == vt.LIST:
                    hint = N_("for several phrases write `mentions any {item}`", item=text_of(node.item))
                else:
                    hint = N_('write the phrase in quotes, e.g. remarks mentions "晒す": phrases are split into '
                              "words once, when the policy is loaded")
                self.diags.append(error("E405", N_("`mentions` needs a phrase in quotes, but `{item}` is {noun}",
                                                   item=text_of(node.item),
                                                   noun=i.noun() if not isinstance(node.item, n.Name) else N_("a name")),
                                        node.item.span, hint))
            return vt.T_BOOL
        literal_list = isinstance(node.item, n.ListLit) and all(isinstance(x, n.StringLit) for x in node.item.items)
        if not (i.kind == vt.PHRASES or literal_list):
            hint = (N_("for one phrase write `{subject} mentions {item}`", subject=text_of(node.subject),
                       item=text_of(node.item))
                    if isinstance(node.item, n.StringLit) else
                    N_("name a phrase list, or write the phrases in quotes, e.g. mentions any [\"晒す\", \"訴える\"]"))
            self.diags.append(error("E405", N_("`{word}` needs a phrase list or a list of phrases in quotes, but "
                                               "`{item}` is {noun}", word=word, item=text_of(node.item), noun=i.noun()),
                                    node.item.span, hint))
        return vt.T_BOOL

    def visit_Matches(self, node: n.Matches, scope: tuple[Type, ...]) -> Type:
        s = self.infer(node.subject, scope)
        self._frames[-1].done.append((node.pattern, attrs.evolve(node.pattern, type=vt.T_TEXT)))  # type: ignore[misc]  # node() makes every node class with attrs
        if not s.is_error and not s.is_textual:
            self.diags.append(error("E405", N_("`matches` needs a text, but `{text}` is {noun}", text=text_of(node.subject), noun=s.noun()),
                                    node.subject.span))
        problem = pattern_problem(node.pattern.value)
        if problem is not None:
            self.diags.append(error("E406", problem[0], node.pattern.span, problem[1]))
        elif unicodedata.normalize("NFKC", node.pattern.value) != node.pattern.value:
            self.diags.append(warning("W107", N_("this pattern is not in NFKC form, so parts of it can never match"),
                                      node.pattern.span,
                                      N_("texts are NFKC-normalised before matching: write half-width letters and digits and full-width kana")))
        return vt.T_BOOL


# Words in a field's name or label that say it holds speech (W110).
SPEECH_WORDS = ("発言", "発話", "言動", "内容", "暴言", "言葉", "台詞", "セリフ", "せりふ", "会話", "話した", "言った",
                "remark", "speech", "said", "utterance", "spoken", "statement", "transcript", "quote", "words")
_SPEECH_NAME_PARTS = ("remark", "speech", "said", "utterance", "spoken", "statement", "transcript", "quote",
                      "words", "wording", "naiyou", "hatsugen")


def is_speech(name: str, label: str | None) -> bool:
    """Whether a field's name or label suggests it holds what someone said.

    >>> is_speech("remarks", None), is_speech("memo", "発言内容"), is_speech("code", "受付番号")
    (True, True, False)
    """
    lowered = (label or "").casefold()
    if any(w in lowered for w in SPEECH_WORDS):
        return True
    return any(part in name.casefold() for part in _SPEECH_NAME_PARTS)
