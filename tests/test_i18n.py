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


COMMANDS = ["check", "eval", "test", "fmt", "diff", "doc", "schema", "init", "lsp", "report", "survey",
            "survey template", "survey report"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_lang_and_lists_exit_codes(command, capsys):
    """`--help` of every command (nested ones too) lists its exit codes and describes every argument,
    in both languages."""
    for lang, exits in (("en", "exit codes:"), ("ja", "終了コード:")):
        assert main(command.split() + ["--help", "--lang", lang]) == 0
        text = capsys.readouterr().out
        assert exits in text and "--lang" in text, (command, lang)
        from kasuhara_rules.cli.commands import build_parser, finish_parser
        sub = finish_parser(build_parser(lang), lang)
        for word in command.split():
            sub = next(a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction").choices[word]
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


# ---- kasu report and kasu survey: every refusal in the chosen language ------------------------------------

RETAIL = ROOT / "examples" / "retail.kasu"


def _report_and_survey_errors(tmp_path, monkeypatch):
    """(argv, English words, Japanese words) of every refusal `kasu report` / `kasu survey` print."""
    incidents = tmp_path / "incidents.jsonl"
    incidents.write_text("{}\n", encoding="utf-8")
    odd = tmp_path / "incidents.txt"
    odd.write_text("{}\n", encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"\x80\xff\xfe,\x81\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    plain = tmp_path / "plain.csv"
    plain.write_text("部署,役職\n営業,社員\n", encoding="utf-8")
    bad_policy = tmp_path / "bad.kasu"
    bad_policy.write_text("rule {\n", encoding="utf-8")
    return [
        (["report", RETAIL, tmp_path / "nope.jsonl", "--format", "json"], "no such file", "ファイルがありません"),
        (["report", RETAIL, odd, "--format", "json"], "cannot tell the format", "形式が分かりません"),
        (["report", RETAIL, incidents, "--format", "json", "--date-field", "channel"],
         "not a date or datetime field", "日付・日時の項目ではありません"),
        (["report", bad_policy, incidents, "--format", "json"], "hint:", "ヒント:"),
        (["report", RETAIL, incidents, "-o", tmp_path / "no" / "dir" / "r.md", "--format", "md"],
         "cannot write", "書き込めません"),
        (["survey", "report", incidents, "--min-group", "2"], "can never be anonymous", "匿名性を守れません"),
        (["survey", "report", tmp_path / "nope.csv"], "no such file", "ファイルがありません"),
        (["survey", "report", latin], "neither UTF-8 nor Shift_JIS", "UTF-8 でも Shift_JIS"),
        (["survey", "report", empty], "is empty", "は空です"),
        (["survey", "report", broken], "not a readable .xlsx workbook", "読める .xlsx のブックではありません"),
        (["survey", "report", plain], "no column of the answers", "どの列にも"),
        (["survey", "template", RETAIL, "--months", "0"], "--months must be at least 1", "1 以上にしてください"),
        (["survey", "template", bad_policy], "hint:", "ヒント:"),
        (["survey"], "choose `template` or `report`", "を指定してください"),
    ]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_and_survey_refusals_are_in_the_chosen_language(tmp_path, monkeypatch, lang):
    """Bad input files, K too small, an unreadable workbook, a file that cannot be written, a broken policy:
    each is a usage error (or 1 for the policy) with its message in --lang, never a traceback."""
    pytest.importorskip("openpyxl")
    for name in ("KASU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for argv, english, japanese in _report_and_survey_errors(tmp_path, monkeypatch):
        code, out, err = run([str(a) for a in argv] + ["--lang", lang])
        assert code in (1, 2) and out == "", (argv, err)
        assert (japanese if lang == "ja" else english) in err, (argv, lang, err)
        if lang == "ja":
            assert english not in err, (argv, err)


def test_missing_extras_are_explained_in_japanese(tmp_path, monkeypatch):
    """Without vl-convert (HTML charts) or openpyxl (.xlsx), the message says so in Japanese, with the command."""
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    incidents = tmp_path / "incidents.jsonl"
    incidents.write_text("{}\n", encoding="utf-8")
    code, _, err = run(["report", str(RETAIL), str(incidents), "--lang", "ja"])
    assert code == 2 and "インストールされていません" in err and "pip install '.[report]'" in err
    assert "追加のインストールなしで" in err
    book = tmp_path / "answers.xlsx"
    book.write_bytes(b"PK")
    code, _, err = run(["survey", "report", str(book), "--lang", "ja"])
    assert code == 2 and "openpyxl が必要です" in err


# ---- argparse's own sentences --------------------------------------------------------------------------


@pytest.mark.parametrize("argv,japanese,english", [
    (["eval"], "次の引数が必要です: POLICY", "the following arguments are required: POLICY"),
    (["check", "--format", "xml", "p.kasu"], "引数 --format: 'xml' は選べません",
     "argument --format: invalid choice: 'xml'"),
    (["check", "p.kasu", "--bogus"], "知らない引数です: --bogus", "unrecognized arguments: --bogus"),
    (["eval", "p.kasu", "--jobs"], "引数 --jobs: 値が 1 個必要です", "argument --jobs: expected one argument"),
    (["eval", "p.kasu", "--jobs", "0"], "引数 --jobs: 1 以上にしてください", "argument --jobs: must be at least 1"),
    (["eval", "p.kasu", "--jobs", "x"], "引数 --jobs: 'x' は整数ではありません", "'x' is not a whole number"),
    (["eval", "p.kasu", "--encoding", "nope"], "未知の文字コード", "unknown encoding"),
    (["nope"], "引数 COMMAND: 'nope' は選べません", "argument COMMAND: invalid choice: 'nope'"),
    (["survey", "report", "a.csv", "--min-group", "x"], "'x' は int として正しい値ではありません",
     "invalid int value: 'x'"),
])
def test_argparse_errors_in_the_chosen_language(argv, japanese, english, capsys):
    """argparse's own error sentences and the usage line are Japanese with --lang ja; exit code 2."""
    assert main(argv + ["--lang", "ja"]) == 2
    err = capsys.readouterr().err
    assert japanese in err and "使い方: kasu" in err and "エラー:" in err and "--help` で使い方を表示" in err, err
    assert english not in err
    assert main(argv + ["--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert english in err and "usage: kasu" in err and "error:" in err, err


def test_argparse_translation_leaves_argparse_alone(capsys):
    """Translating is per parser: argparse's module and a plain parser in the same process stay English."""
    import argparse

    before = argparse._
    assert main(["eval", "--lang", "ja"]) == 2
    capsys.readouterr()
    assert argparse._ is before
    plain = argparse.ArgumentParser(prog="other")
    plain.add_argument("x")
    with pytest.raises(SystemExit):
        plain.parse_args([])
    err = capsys.readouterr().err
    assert "the following arguments are required: x" in err and "usage: other" in err


@pytest.mark.parametrize("argv", [["--help"], ["survey", "--help"], ["survey", "template", "--help"],
                                  ["survey", "report", "--help"], ["report", "--help"], ["lsp", "--help"]])
def test_help_headings_in_japanese(argv, capsys):
    """Every parser, nested ones included, writes its usage, headings and -h help in the chosen language."""
    assert main(argv + ["--lang", "ja"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("使い方: kasu") and "オプション:" in text and "このヘルプを表示して終了する" in text, text
    assert "usage:" not in text and "options:" not in text and "show this help" not in text


# ---- the Python API: PolicyError and diagnostics in the chosen language -----------------------------------

BROKEN = 'policy "t" { id t  version "1"  otherwise claim }\noutcomes { claim, kasuhara }\nschema { dogeza: bool }\n' \
         'rule r { when dogza then kasuhara respond "断る" }\n'


@pytest.mark.parametrize("how", ["argument", "KASU_LANG", "locale"])
def test_policy_error_in_japanese(how, monkeypatch):
    """str(PolicyError) and the diagnostics' message/hint follow lang=, else KASU_LANG, else the locale;
    the code is the same, and render() still shows either language."""
    from kasuhara_rules import PolicyError, check_text, parse_policy

    for name in ("KASU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    kwargs = {"lang": "ja"} if how == "argument" else {}
    if how == "KASU_LANG":
        monkeypatch.setenv("KASU_LANG", "ja")
    elif how == "locale":
        monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    with pytest.raises(PolicyError) as caught:
        parse_policy(BROKEN, "p.kasu", **kwargs)
    exc = caught.value
    assert str(exc) == "エラー 1 件。最初のエラー: p.kasu:4:15: 未知の名前 `dogza`"
    d = exc.diagnostics[0]
    assert d.code == "E301" and d.message == "未知の名前 `dogza`" and d.hint == "`dogeza` のことですか？"
    assert "hint: did you mean `dogeza`?" in exc.render("en") and "ヒント: `dogeza` のことですか？" in exc.render("ja")
    again = pickle.loads(pickle.dumps(d))
    assert again.message == "未知の名前 `dogza`" and translate(again.message, "en") == "unknown name `dogza`"
    result = check_text(BROKEN, "p.kasu", **kwargs)
    assert [(x.code, x.message) for x in result.diagnostics] == [("E301", "未知の名前 `dogza`")]


def test_policy_error_in_english(monkeypatch):
    """lang="en" wins over KASU_LANG=ja; without any choice the API speaks English."""
    from kasuhara_rules import PolicyError, check_text, load_policy, parse_policy

    monkeypatch.setenv("KASU_LANG", "ja")
    with pytest.raises(PolicyError) as caught:
        parse_policy(BROKEN, "p.kasu", lang="en")
    assert str(caught.value) == "1 error; first: p.kasu:4:15: unknown name `dogza`"
    assert caught.value.diagnostics[0].hint == "did you mean `dogeza`?"
    for name in ("KASU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(PolicyError) as caught:
        load_policy(ROOT / "no" / "such.kasu")
    assert str(caught.value).startswith("1 error; first: ") and "cannot read the policy file" in str(caught.value)
    assert check_text(BROKEN, "p.kasu").diagnostics[0].message == "unknown name `dogza`"


def test_lsp_without_its_extra_and_fmt_diff_headers_in_japanese(tmp_path, monkeypatch, capsys):
    """`kasu lsp` without pygls says so in the chosen language; `kasu fmt --diff` labels its two sides."""
    monkeypatch.setitem(sys.modules, "kasuhara_rules.cli.lsp.server", None)
    code, _, err = run(["lsp", "--lang", "ja"])
    assert code == 2 and "`lsp` の追加パッケージが必要です" in err and "ヒント: pip install" in err
    messy = tmp_path / "p.kasu"
    messy.write_text('policy "t" { id t  version "1"  otherwise claim }\noutcomes { claim, kasuhara }\n'
                     'schema { dogeza: bool }\nrule r { when dogeza then kasuhara respond "断る" }\n', encoding="utf-8")
    code, out, _ = run(["fmt", "--diff", str(messy), "--lang", "ja"])
    assert f"--- {messy}（元）" in out and f"+++ {messy}（整形後）" in out


@pytest.mark.parametrize("lang,reason", [("ja", "値がありません"), ("en", "missing")])
def test_report_lists_invalid_records_in_its_language(tmp_path, lang, reason):
    """The reasons of invalid records in a report are in the report's language, never English in a Japanese one."""
    records = tmp_path / "bad.jsonl"
    records.write_text('{}\n', encoding="utf-8")
    code, out, _ = run(["report", str(RETAIL), str(records), "--format", "md", "--lang", lang])
    assert code == 3
    row = next(line for line in out.splitlines() if "bad.jsonl:1 |" in line)
    assert reason in row, row
    if lang == "ja":
        assert "missing" not in row


@pytest.mark.parametrize("lang,text", [("ja", "define `unused` はどのルールにも使われていません"),
                                       ("en", "define `unused` is not used by any rule")])
def test_policy_warnings_in_the_chosen_language(lang, text):
    """A loaded policy's warnings follow lang= as PolicyError does; the code stays W101."""
    from kasuhara_rules import parse_policy

    source = ('policy "t" { id t  version "1"  otherwise claim }\noutcomes { claim, kasuhara }\n'
              'schema { dogeza: bool }\ndefine unused = dogeza\nrule r { when dogeza then kasuhara respond "x" }\n')
    warnings = parse_policy(source, "p.kasu", lang=lang).warnings
    assert [(w.code, w.message) for w in warnings] == [("W101", text)]
