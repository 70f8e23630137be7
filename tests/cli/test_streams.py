"""`main(argv, out, err)` writes to the streams it is given, argparse's own output included: the help,
`--version` and usage errors of every command, nested ones (`kasu journal add`) too. An embedder that
runs `kasu` in its process (the docs' tests, an editor, a service) sees nothing on sys.stdout/stderr."""
import io

import pytest

from kasuhara_rules.cli.commands import main


def run(argv, capsys):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    leaked = capsys.readouterr()
    assert leaked.out == "" and leaked.err == "", leaked
    return code, out.getvalue(), err.getvalue()


def test_version_and_help_go_to_out(capsys):
    code, out, err = run(["--version"], capsys)
    assert code == 0 and out.startswith("kasu ") and err == ""
    code, out, err = run(["--help"], capsys)
    assert code == 0 and "COMMAND" in out and err == ""
    code, out, err = run(["journal", "add", "--help", "--lang", "ja"], capsys)
    assert code == 0 and "--db" in out and err == ""


@pytest.mark.parametrize("argv", [["eval"], ["no-such-command"], ["check", "--no-such-flag", "x.kasu"],
                                  ["journal", "add", "--no-such-flag"], ["survey", "template"]])
def test_usage_errors_go_to_err(argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: kasu") and "--help" in err, err


def test_usage_errors_in_japanese(capsys):
    code, out, err = run(["eval", "--lang", "ja"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("使い方: kasu eval") and "エラー" in err and "kasu eval --help" in err, err


def test_a_folder_given_as_records_is_named_a_folder(tmp_path, capsys):
    """`kasu eval p.kasu dir.csv` where dir.csv is a folder said "no such file"; every command that reads
    records or answers now says it is a folder (exit 2), and a missing name is still "no such file"."""
    from tests.conftest import ROOT

    policy = str(ROOT / "examples" / "retail.kasu")
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    for argv in (["eval", policy, str(folder)], ["report", policy, str(folder)], ["diff", policy, policy, str(folder)],
                 ["survey", "report", str(folder)]):
        for lang, said in (("en", "it is a folder"), ("ja", "フォルダーです")):
            code, out, err = run(argv + ["--lang", lang], capsys)
            assert code == 2 and said in err and "no such file" not in err and "ファイルがありません" not in err, err
        code, out, err = run([a if a != str(folder) else str(tmp_path / "nope.csv") for a in argv], capsys)
        assert code == 2 and "no such file" in err, err
