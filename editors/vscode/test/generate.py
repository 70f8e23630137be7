"""Writes tokens.test.kasu, the vscode-tmgrammar-test file, with its carets counted by program.

    python editors/vscode/test/generate.py

Each case is a line of kasu and the tokens on it (in order) with the scope each must get.
"""
from pathlib import Path

CASES = [
    ('policy "方針" {', [("policy", "storage.type.kasu"), ('"方針"', "string.quoted.double.kasu")]),
    ("  effective 2026-04-01", [("2026-04-01", "constant.other.date.kasu")]),
    ("}", []),
    ("schema {", [("schema", "storage.type.kasu")]),
    ('  通話時間 "通話の長さ": optional duration in minutes',
     [("通話時間", "variable.other.property.kasu"), (":", "punctuation.separator.colon.kasu"),
      ("optional", "storage.modifier.kasu"), ("duration", "support.type.kasu"), ("minutes", "support.type.kasu")]),
    ('  channel "受付チャネル": one of ["counter" "窓口", "phone" "電話"]',
     [("channel", "variable.other.property.kasu"), ("one", "support.type.kasu"), ('"counter"', "string.quoted.double.kasu"),
      ('"窓口"', "string.quoted.double.kasu"), (",", "punctuation.separator.comma.kasu"),
      ('"電話"', "string.quoted.double.kasu")]),
    ("}", []),
    ("define 長電話 = 通話時間 >= 30min and reported_at >= 2026-04-01T09:00:00+09:00",
     [("define", "storage.type.kasu"), ("長電話", "entity.name.function.kasu"), ("通話時間", "variable.other.kasu"),
      (">=", "keyword.operator.comparison.kasu"), ("30min", "constant.numeric.duration.kasu"),
      ("and", "keyword.operator.word.kasu"), ("2026-04-01T09:00:00+09:00", "constant.other.datetime.kasu")]),
    ('rule 土下座 "土下座の要求" {',
     [("土下座", "entity.name.function.kasu"), ('"土下座の要求"', "string.quoted.double.kasu")]),
    ("  when     count(contacts where at >= 3) >= 1.5  # 回数",
     [("when", "keyword.control.kasu"), ("count", "support.function.kasu"), ("where", "keyword.operator.word.kasu"),
      ("1.5", "constant.numeric.kasu"), ("# 回数", "comment.line.number-sign.kasu")]),
    ("  then     kasuhara severity high", [("then", "keyword.control.kasu"), ("severity", "keyword.control.kasu")]),
    ('  respond  "a\\"b"', [('\\"', "constant.character.escape.kasu")]),
    ("}", []),
    ("override rule 長電話の反復 {",
     [("override", "storage.modifier.kasu"), ("長電話の反復", "entity.name.function.kasu")]),
    ('  when     channel in ["phone", "counter"] and not flag is missing',
     [("in", "keyword.operator.word.kasu"), ("[", "punctuation.section.brackets.kasu"),
      ('"phone"', "string.quoted.double.kasu"), ("not", "keyword.operator.word.kasu"),
      ("missing", "keyword.operator.word.kasu")]),
    ("}", []),
    ('phrases 脅し "脅迫的な表現" += ["殺す", "晒す"]',
     [("脅し", "entity.name.function.kasu"), ("+=", "keyword.operator.assignment.kasu")]),
    ('example "例" {', [("example", "storage.type.kasu")]),
    ('  given { incident_id: "T-1", on: true }',
     [("given", "keyword.control.kasu"), ("incident_id", "variable.other.property.kasu"),
      ("true", "constant.language.boolean.kasu")]),
    ("  expect kasuhara severity high by dogeza escalate 上長",
     [("expect", "keyword.control.kasu"), ("by", "keyword.control.kasu"), ("上長", "variable.other.kasu")]),
    ("}", []),
]


def render() -> str:
    out = ['# SYNTAX TEST "source.kasu" "kasu tokens, Japanese names included (written by test/generate.py)"']
    for line, marks in CASES:
        out.append(line)
        pos = 0
        for token, scope in marks:
            col = line.index(token, pos)
            pos = col + len(token)
            if col == 0:
                out.append("# <" + "-" * len(token) + " " + scope)
            else:
                out.append("#" + " " * (col - 1) + "^" * len(token) + " " + scope)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    (Path(__file__).parent / "tokens.test.kasu").write_text(render(), encoding="utf-8")
