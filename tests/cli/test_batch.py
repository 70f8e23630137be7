"""Tests for batch.py: JSON, JSON Lines and CSV input, one item per record, nothing lost."""
import io

from kasuhara_rules import parse_policy
from kasuhara_rules.reading.batch import csv_cell, read_csv, read_json, read_jsonl
from kasuhara_rules.engine.records import RecordError
from tests.conftest import policy

FIELDS = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n')).checked.fields


def items(reader, data: bytes, *args):
    return list(reader(io.BytesIO(data), *args))


def test_jsonl_every_line_yields_one_item():
    """Good lines, a non-JSON line, invalid UTF-8, NaN, deep nesting and huge numbers each give one item."""
    lines = [b'{"a": 1}', b"not json", b'{"a": "\xff"}', b'{"a": NaN}', b"[" * 100_000 + b"]" * 100_000,
             b'{"a": ' + b"9" * 5000 + b"}", b"", b"  ", b'{"b": 2}\r']
    got = items(read_jsonl, b"\n".join(lines) + b"\n")
    assert [n for n, _ in got] == [1, 2, 3, 4, 5, 6, 9]
    assert got[0][1] == {"a": 1} and got[-1][1] == {"b": 2}
    errors = [item for _, item in got[1:6]]
    assert all(isinstance(e, RecordError) for e in errors)
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert "UTF-8" in errors[1].message and "NaN" in errors[2].message
    assert "nested too deeply" in errors[3].message and "digits" in errors[4].message


def test_jsonl_bom_is_ignored():
    """A byte-order mark on the first line is skipped."""
    assert items(read_jsonl, b'\xef\xbb\xbf{"a": 1}\n') == [(1, {"a": 1})]


def test_json_object_and_array_with_line_numbers():
    """A JSON file holds one object or an array; each element keeps the line it starts on."""
    assert items(read_json, b'{"a": 1}') == [(1, {"a": 1})]
    got = items(read_json, b'[\n  {"a": 1},\n\n  {"a": 2}, 3\n]')
    assert got == [(2, {"a": 1}), (4, {"a": 2}), (4, 3)]
    assert items(read_json, b"[]") == []


def test_broken_json_array_reports_where():
    """A broken element is an error at its line; earlier elements are still read."""
    got = items(read_json, b'[\n{"a": 1},\n{"a": oops}\n]')
    assert got[0] == (2, {"a": 1})
    assert isinstance(got[1][1], RecordError) and got[1][0] == 3


def test_csv_cells_follow_the_schema():
    """CSV cells become bools, ints, durations and JSON lists; empty cells are absent."""
    data = ("incident_id,channel,repeat,dogeza,call_length,words,contacts,reported_at,remarks,extra\n"
            'T-1,phone,3,TRUE,35,"[""a""]",[],2026-05-01T10:00:00+09:00,,x\n'
            "T-2,phone,x,no,35min,[],[],2026-05-01T10:00:00+09:00,hello,\n").encode()
    got = items(read_csv, data, FIELDS)
    assert got[0] == (2, {"incident_id": "T-1", "channel": "phone", "repeat": 3, "dogeza": True, "call_length": 35,
                          "words": ["a"], "contacts": [], "reported_at": "2026-05-01T10:00:00+09:00", "extra": "x"})
    assert got[1][1]["repeat"] == "x" and got[1][1]["dogeza"] is False and got[1][1]["call_length"] == "35min"


def test_csv_bad_rows():
    """A bad JSON cell, too many cells and invalid UTF-8 are errors for that row only."""
    data = ("incident_id,words\n"
            "T-1,[oops\n"
            "T-2,[],extra\n").encode() + b"T-3,\xff\n" + b"T-4,[]\n"
    got = items(read_csv, data, FIELDS)
    assert [n for n, _ in got] == [2, 3, 4, 5]
    assert all(isinstance(x, RecordError) for _, x in got[:3]) and got[3][1] == {"incident_id": "T-4", "words": []}


def test_csv_multiline_cell_keeps_start_line():
    """A quoted cell over several lines: the record has the line it starts on."""
    data = 'incident_id,remarks\nT-1,"line one\nline two"\nT-2,x\n'.encode()
    assert [n for n, _ in items(read_csv, data, FIELDS)] == [2, 4]


def test_csv_cell_bool_words():
    """Booleans accept true/false, yes/no, 1/0 and はい/いいえ."""
    dogeza = [f for f in FIELDS if f.name == "dogeza"][0]
    assert [csv_cell(dogeza, c) for c in ("true", "No", "1", "はい", "maybe")] == [True, False, True, True, "maybe"]


class _Endless(io.RawIOBase):
    """An endless JSON Lines stream that counts the lines handed out and refuses read-all."""

    def __init__(self) -> None:
        self.lines = 0

    def readable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> bytes:
        self.lines += 1
        return b'{"n": %d}\n' % self.lines

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        return self.readline()

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("JSON Lines must be read line by line, never all at once")


def test_jsonl_is_read_lazily():
    """JSON Lines are read one line at a time: the first records of an endless stream arrive
    after reading only their lines (so memory is bounded whatever the file size)."""
    import itertools

    stream = _Endless()
    first = list(itertools.islice(read_jsonl(stream), 3))
    assert [record for _, record in first] == [{"n": 1}, {"n": 2}, {"n": 3}] and stream.lines == 3


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6).map(lambda v: __import__("json").dumps(v).encode())


@given(st.lists(st.one_of(st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b), _json_text),
                max_size=8))
def test_random_lines_never_raise(lines):
    """Random bytes and random JSON, a line each: one item per non-blank line, in order,
    each a record or a RecordError with its line number; nothing raises."""
    got = items(read_jsonl, b"\n".join(lines) + b"\n")

    def blank(n: int, line: bytes) -> bool:
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            return not line.decode("utf-8").strip()
        except UnicodeDecodeError:
            return False

    assert [n for n, _ in got] == [n for n, line in enumerate(lines, 1) if not blank(n, line)]
    for n, item in got:
        assert not isinstance(item, RecordError) or item.line == n
