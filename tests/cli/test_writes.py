"""A user's file is never destroyed (issue 25, items 6 and 21): `kasu fmt`, `-o FILE` and `kasu doc -o` write
all or nothing, even on a full disk; `kasu init` refuses symbolic links and writes all of its files or none."""
import io
import os
import subprocess
import sys

import pytest

from kasuhara_rules import files
from kasuhara_rules.cli.commands import main
from tests.conftest import ROOT

RETAIL = ROOT / "examples" / "retail.kasu"
QUICK = ROOT / "examples" / "quickstart.kasu"
INCIDENTS = ROOT / "examples" / "quickstart-incidents.jsonl"

FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)          # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (BYTES, BYTES))
from kasuhara_rules.cli.commands import main
sys.exit(main(sys.argv[1:]))
"""


def on_a_full_disk(argv, limit, cwd):
    """`kasu ARGV` in a process that cannot write any file past `limit` bytes."""
    return subprocess.run([sys.executable, "-c", FULL_DISK.replace("BYTES", str(limit))] + [str(a) for a in argv],
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), capture_output=True, timeout=120, cwd=cwd)


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_fmt_on_a_full_disk_keeps_the_policy(tmp_path):
    """`kasu fmt` of a policy that does not fit the disk: an error, and the policy is still there, whole."""
    policy = tmp_path / "p.kasu"
    messy = "\n".join(line.strip() for line in RETAIL.read_text(encoding="utf-8").splitlines()) + "\n"
    policy.write_text(messy, encoding="utf-8")
    proc = on_a_full_disk(["fmt", policy.name], 2000, tmp_path)
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr, proc.stderr
    assert policy.read_text(encoding="utf-8") == messy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.kasu"]


@pytest.mark.parametrize("argv", [["doc", QUICK, "-o", "out.txt"],
                                  ["report", QUICK, INCIDENTS, "--format", "md", "-o", "out.txt"],
                                  ["survey", "template", QUICK, "--format", "html", "-o", "out.txt"]])
def test_an_output_file_survives_a_failed_write(tmp_path, argv):
    """`-o FILE` over an existing file on a full disk: an error, and the old file is untouched."""
    (tmp_path / "out.txt").write_text("the earlier report\n", encoding="utf-8")
    proc = on_a_full_disk(argv, 500, tmp_path)
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr, proc.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "the earlier report\n"


def test_fmt_fails_cleanly_when_the_write_fails(tmp_path, monkeypatch):
    """In process: ENOSPC half-way through the write gives a message and exit 1; the policy is unchanged."""
    import errno

    policy = tmp_path / "p.kasu"
    messy = "\n".join(line.strip() for line in QUICK.read_text(encoding="utf-8").splitlines()) + "\n"
    policy.write_text(messy, encoding="utf-8")

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "write", full)
    code, _, err = run("fmt", policy)
    assert code == 1 and "No space left" in err and policy.read_text(encoding="utf-8") == messy


def test_fmt_through_a_link_formats_the_file_it_points_to(tmp_path):
    """A policy reached through a symbolic link is formatted where it lives; the link stays a link."""
    real = tmp_path / "real.kasu"
    real.write_text("\n".join(l.strip() for l in QUICK.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    link = tmp_path / "link.kasu"
    link.symlink_to(real)
    assert run("fmt", link)[0] == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == QUICK.read_text(encoding="utf-8")


# ---- kasu init --------------------------------------------------------------------------------------


def test_init_refuses_a_dangling_link(tmp_path, monkeypatch):
    """`kasu init p.kasu` where p.kasu is a dangling link: refused, nothing is written anywhere."""
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere" / "x.kasu"
    elsewhere.parent.mkdir()
    (tmp_path / "p.kasu").symlink_to(elsewhere)
    code, out, err = run("init", "p.kasu")
    assert code == 1 and "symbolic link" in err and out == ""
    assert not elsewhere.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "p.kasu"]


def test_init_refuses_a_link_among_the_copies(tmp_path, monkeypatch):
    """A dangling link where the baseline would be copied: refused before anything is written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mhlw-baseline.kasu").symlink_to(tmp_path / "nowhere.kasu")
    code, _, err = run("init", "p.kasu")
    assert code == 1 and "symbolic link" in err
    assert not (tmp_path / "nowhere.kasu").exists() and not (tmp_path / "p.kasu").exists()
    assert not (tmp_path / "lexicon").exists()


def test_init_refused_half_way_leaves_nothing(tmp_path, monkeypatch):
    """A policy that cannot be checked (a name with a control character) writes no baseline, no lexicon."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run("init", "a\x01b.kasu")
    assert code == 1 and "nothing was written" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_init_that_fails_to_write_removes_what_it_wrote(tmp_path, monkeypatch):
    """The last file cannot be written (a full disk): the copies written before it are removed, and the
    folders made for them."""
    import errno

    real = files.write_atomic

    def fail_on_the_policy(path, data, **kw):
        if str(path).endswith("p.kasu"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data, **kw)

    monkeypatch.setattr(files, "write_atomic", fail_on_the_policy)
    monkeypatch.chdir(tmp_path)
    code, _, err = run("init", "sub/p.kasu")
    assert code == 1 and "No space left" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


def test_init_still_writes_a_checked_policy(tmp_path, monkeypatch):
    """The ordinary case is unchanged: baseline, lexicon and the new policy, which checks and tests clean."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("init", "p.kasu", "--industry", "retail")
    assert code == 0 and "copied mhlw-baseline.kasu" in out and (tmp_path / "lexicon").is_dir()
    assert run("check", "p.kasu")[0] == 0 and run("test", "p.kasu")[0] == 0
