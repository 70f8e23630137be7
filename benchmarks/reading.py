"""Reading records as an office hands them over: rows per second of CSV (UTF-8 and Shift_JIS), .xlsx and a DataFrame.

    python benchmarks/reading.py                 # 20,000 rows of each
    python benchmarks/reading.py --rows 100000

The rows repeat the valid retail incidents of `examples/`, with label headers and Excel's
date-times (`2027/4/13 14:00`). Each format is read with `kasuhara_rules.read_records` (what
`kasu eval` uses) and the rows are decided with `evaluate_numbered`; the table gives the seconds
to read alone and to read and decide, and the encoding guess's own time on the Shift_JIS file.
Every run checks that every row is decided and none is an error.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kasuhara_rules import RecordError, load_policy, read_records  # noqa: E402
from kasuhara_rules.reading.encoding import sniff  # noqa: E402

POLICY = load_policy(ROOT / "examples" / "retail.kasu")


def rows(count: int) -> tuple[list[str], list[list[object]]]:
    """Label headers and `count` rows of the retail incidents, with Excel's date-times."""
    fields = {f.name: f for f in POLICY.checked.fields}
    records = []
    for line in (ROOT / "examples" / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if POLICY.evaluate_numbered(record, 1).error is None and record["reported_at"][10] == "T":
            records.append(dict(record, remarks=record.get("remarks") or "特になし"))  # an empty CSV cell is absent
    names = [f.name for f in POLICY.checked.fields if f.type.kind not in ("list", "record")]
    header = [fields[n].label or n for n in names]
    out = []
    for i in range(count):
        record = records[i % len(records)]
        day = record["reported_at"]
        excel = f"{int(day[:4])}/{int(day[5:7])}/{int(day[8:10])} {int(day[11:13])}:{day[14:16]}"
        out.append([f"B-{i}" if n == "incident_id" else excel if n == "reported_at" else
                    ("はい" if record.get(n) is True else "いいえ" if record.get(n) is False else record.get(n, ""))
                    for n in names])
    return header, out


def timed(source: object) -> tuple[float, float]:
    """(seconds to read, seconds to read and decide)."""
    started = time.perf_counter()
    items = list(read_records(source, POLICY))
    read = time.perf_counter() - started
    started = time.perf_counter()
    decided = [POLICY.evaluate_numbered(record, line) for line, record in read_records(source, POLICY)]
    both = time.perf_counter() - started
    assert not any(isinstance(r, RecordError) for _, r in items), [r for _, r in items if isinstance(r, RecordError)][:1]
    assert all(d.error is None for d in decided), [d.error.described for d in decided if d.error][:1]
    return read, both


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    header, body = rows(args.rows)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([header, *body])
        (tmp / "utf8.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
        (tmp / "sjis.csv").write_bytes(buf.getvalue().encode("cp932"))
        started = time.perf_counter()
        with open(tmp / "sjis.csv", "rb") as stream:
            assert sniff(stream) == "cp932"
        guess = time.perf_counter() - started
        results.append(("CSV, UTF-8", *timed(tmp / "utf8.csv")))
        results.append(("CSV, Shift_JIS (guessed)", *timed(tmp / "sjis.csv")))
        try:
            import openpyxl
        except ImportError:
            openpyxl = None
        if openpyxl is not None:
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append(header)
            for row in body:
                sheet.append(row)
            book.save(tmp / "records.xlsx")
            results.append((".xlsx (openpyxl-written)", *timed(tmp / "records.xlsx")))
        try:
            import pandas as pd
        except ImportError:
            pd = None
        if pd is not None:
            frame = pd.read_csv(tmp / "utf8.csv", encoding="utf-8-sig")
            results.append(("DataFrame (pd.read_csv)", *timed(frame)))
    print(f"{args.rows:,} rows; the Shift_JIS guess took {guess * 1000:.0f} ms")
    print(f"| input | read (rows/s) | read and decide (rows/s) |\n|---|---:|---:|")
    for name, read, both in results:
        print(f"| {name} | {args.rows / read:,.0f} | {args.rows / both:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
