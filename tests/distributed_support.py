"""Shared by the Dask and Spark tests: the skip rule, the input files and `kasu eval` on them."""
from __future__ import annotations

import importlib
import io
import os
import shutil
from pathlib import Path

import pytest

from kasuhara_rules.cli.commands import main
from tests.conftest import ROOT

POLICY = ROOT / "examples" / "retail.kasu"
INCIDENTS = ROOT / "examples" / "retail-incidents.jsonl"
REQUIRED = os.environ.get("KASU_REQUIRE_DISTRIBUTED") == "1"
# Lines that `kasu eval` turns into error decisions (or skips: the blank line), added to the
# shipped incidents, which already hold a few broken records.
BROKEN = [b"\n", b"not json at all\n", b'{"incident_id": "X-1", "channel": "fax"}\n', b"[1, 2]\n",
          b'{"incident_id": "X-2", "incident_id": "X-3"}\n', b"\xff\xfe not utf-8\n"]


def need(module: str):
    """Import `module`, or skip the test saying what is missing — unless KASU_REQUIRE_DISTRIBUTED=1,
    when a missing module fails the test (CI installs the extra and wants these run)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if REQUIRED:
            pytest.fail(f"KASU_REQUIRE_DISTRIBUTED=1 but {module} cannot be imported: {exc}")
        pytest.skip(f"{module} is not installed: pip install '.[distributed]' to run this test")


def need_java() -> None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if REQUIRED:
            pytest.fail("KASU_REQUIRE_DISTRIBUTED=1 but there is no Java runtime (apt-get install default-jre-headless)")
        pytest.skip("Spark needs a Java runtime (java is not on PATH)")


def write_parts(folder: Path, parts: int = 3, utf8_only: bool = False) -> list[Path]:
    """The shipped incidents split into `parts` JSON Lines files, broken lines added to each
    (with a byte-order mark on the second file, and a CRLF line end)."""
    lines = INCIDENTS.read_bytes().splitlines(keepends=True)
    broken = [b for b in BROKEN if not (utf8_only and b.startswith(b"\xff"))]
    paths = []
    for i in range(parts):
        chunk = lines[i::parts]
        chunk = chunk[:2] + broken[i % len(broken):] + chunk[2:] + broken[: i % len(broken)]
        if i == 1:
            chunk[0] = b"\xef\xbb\xbf" + chunk[0]
        chunk[-1] = chunk[-1].rstrip(b"\n") + b"\r\n"
        path = folder / f"part-{i}.jsonl"
        path.write_bytes(b"".join(chunk))
        paths.append(path)
    return paths


def kasu_eval(paths, *flags: str) -> list[str]:
    """The lines `kasu eval POLICY PATHS --format json FLAGS` writes (the command's own code path)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["eval", str(POLICY), *map(str, paths), "--format", "json", "--no-progress", *flags], out, err)
    assert code == 3, err.getvalue()  # some records are invalid on purpose
    return out.getvalue().splitlines()
