"""The message catalogues: complete, current, and used by every command (`--lang`, KASU_LANG, locale)."""
from __future__ import annotations

import io
import pickle
import sys
from pathlib import Path

import pytest

from kasuhara_rules.cli.commands import main
from kasuhara_rules.diagnostics import error
from kasuhara_rules.i18n import N_, choose_language, translate
from kasuhara_rules.source import Span

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


def test_catalogue_is_complete_and_current():
    """Every extracted message has a Japanese translation, the .po matches the code, the .mo the .po."""
    pytest.importorskip("babel", reason="Babel is in the test extra: pip install -e .[test]")
    import i18n as catalogue

    assert catalogue.problems() == []


def test_language_choice_order():
    """--lang wins, then KASU_LANG, then LC_ALL / LC_MESSAGES / LANG, else English."""
    assert choose_language("ja", {"KASU_LANG": "en"}) == "ja"
    assert choose_language(None, {"KASU_LANG": "ja", "LC_ALL": "en_US.UTF-8"}) == "ja"
    assert choose_language(None, {"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US"}) == "ja"
    assert choose_language(None, {"LC_ALL": "C", "LANG": "ja_JP"}) == "en"
    assert choose_language(None, {"LANG": "ja_JP.eucJP"}) == "ja"
    assert choose_language(None, {}) == "en"


def test_message_is_english_text_translated_late():
    """A marked message is its English text, translated with its arguments only when rendered."""
    m = N_("did you mean {name}?", name="`high`")
    assert m == "did you mean `high`?"
    assert translate(m, "ja") == "`high` のことですか？"
    assert translate(pickle.loads(pickle.dumps(m)), "ja") == "`high` のことですか？"


def test_diagnostic_code_is_the_same_in_both_languages():
    """A diagnostic is data: its code is stable, its message and hint are rendered per language."""
    d = error("E303", N_("did you mean {name}?", name="`x`"), Span("p.kasu", 2, 3, 2, 4),
              hint=N_("did you mean {name}?", name="`high`"))
    ja, en = d.to_dict("ja"), d.to_dict("en")
    assert ja["code"] == en["code"] == "E303"
    assert ja["hint"] == "`high` のことですか？" and en["hint"] == "did you mean `high`?"
    assert "ヒント: `high` のことですか？" in d.render(None, "ja")
    assert d.in_language("ja").message == "`x` のことですか？"


def run(argv, env=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("env,expect", [({"KASU_LANG": "ja"}, "ファイルを検査"), ({"LANG": "ja_JP.UTF-8"}, "ファイルを検査"),
                                        ({"LANG": "C"}, "checked 1 file")])
def test_language_from_the_environment(monkeypatch, env, expect):
    """Without --lang the summary follows KASU_LANG, then the locale."""
    for name in ("KASU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code, out, _ = run(["check", str(ROOT / "examples" / "retail.kasu")])
    assert code == 0 and expect in out


@pytest.mark.parametrize("command", ["check", "eval", "test", "fmt", "diff", "doc", "schema", "init"])
def test_every_command_has_lang_and_lists_exit_codes(command, capsys):
    """`--help` of every command lists its exit codes and describes every argument, in both languages."""
    for lang, exits in (("en", "exit codes:"), ("ja", "終了コード:")):
        assert main([command, "--help", "--lang", lang]) == 0
        text = capsys.readouterr().out
        assert exits in text and "--lang" in text, (command, lang)
        from kasuhara_rules.cli.commands import build_parser, finish_parser
        ap = finish_parser(build_parser(lang), lang)
        sub = next(a for a in ap._actions if a.__class__.__name__ == "_SubParsersAction").choices[command]
        assert all(a.help for a in sub._actions), [a.dest for a in sub._actions if not a.help]


def test_check_directory_checks_every_policy(tmp_path):
    """`kasu check DIR` checks every .kasu file under DIR."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "bad.kasu").write_text("rule {\n", encoding="utf-8")
    (tmp_path / "ok.kasu").write_text('policy "t" { id t  version "1"  otherwise claim }\n'
                                      "outcomes { claim, kasuhara }\nschema { dogeza: bool }\n"
                                      'rule r { when dogeza then kasuhara respond "断る" }\n', encoding="utf-8")
    code, out, _ = run(["check", "--lang", "en", str(tmp_path)])
    assert code == 1
    assert "bad.kasu" in out and "checked 2 files" in out
