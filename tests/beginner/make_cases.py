"""Write tests/beginner/*.kasu: base.kasu with one beginner's mistake each, and cases.tsv (python tests/beginner/make_cases.py)."""
from pathlib import Path
D = Path(__file__).resolve().parent
base = (D / "base.kasu").read_text(encoding="utf-8")
lines = base.split("\n")
# slug, old, new (first occurrence), line, code, hint substring (Japanese)
CASES = [
 ("label-field", "when     demanded_dogeza", "when     土下座の要求", "E301", "demanded_dogeza"),
 ("label-field-part", "when     demanded_dogeza", "when     土下座", "E301", "demanded_dogeza"),
 ("label-severity", "kasuhara severity high", "kasuhara severity 重度", "E303", "`high`"),
 ("label-outcome", "then     kasuhara severity high", "then     カスハラ severity high", "E302", "`kasuhara`"),
 ("label-outcome-hiragana", "then     kasuhara severity medium", "then     かすはら severity medium", "E302", "`kasuhara`"),
 ("label-outcome-halfwidth", "then     kasuhara severity medium", "then     ｶｽﾊﾗ severity medium", "E302", "`kasuhara`"),
 ("label-escalation", "escalate supervisor", "escalate 上長", "E304", "`supervisor`"),
 ("label-phrases", "contains any threats", "contains any 脅し文句", "E301", "`threats`"),
 ("label-define", "when     long_call", "when     長時間の電話", "E301", "`long_call`"),
 ("label-expect", "expect kasuhara severity high", "expect カスハラ severity high", "E302", "`kasuhara`"),
 ("label-expect-rule", "severity high by dogeza", "severity high by 土下座の要求", "E305", "`dogeza`"),
 ("bool-hai", "when     demanded_dogeza", "when     demanded_dogeza == はい", "E301", "`true`"),
 ("bool-shin", "when     demanded_dogeza", "when     demanded_dogeza == 真", "E301", "`true`"),
 ("bool-iie", "when     demanded_dogeza", "when     demanded_dogeza == いいえ", "E301", "`false`"),
 ("and-katsu", "when     remarks contains any threats", "when     remarks contains any threats かつ demanded_dogeza", "E122", "`and`"),
 ("or-matawa", "when     long_call", "when     long_call または demanded_dogeza", "E122", "`or`"),
 ("fullwidth-ge", "call_length >= 30min", "call_length ＞＝ 30min", "E103", "`>`"),
 ("ge-sign", "call_length >= 30min", "call_length ≧ 30min", "E103", "`>=`"),
 ("le-sign", "call_length >= 30min", "call_length ≦ 30min", "E103", "`<=`"),
 ("ne-sign", "when     demanded_dogeza", "when     channel ≠ \"phone\"", "E103", "`!=`"),
 ("fullwidth-brace", "schema {", "schema ｛", "E103", "`{`"),
 ("fullwidth-colon", "incident_id \"事案番号\":", "incident_id \"事案番号\"：", "E103", "`:`"),
 ("ideographic-comma", "claim \"クレーム\", kasuhara", "claim \"クレーム\"、 kasuhara", "E103", "`,`"),
 ("date-nen", "effective 2026-10-01", "effective 2026年10月1日", "E106", "`2026-10-01`"),
 ("unit-shuukan", "call_length >= 30min", "call_length >= 2週間", "E106", "`14d`"),
 ("fullwidth-digits", "call_length >= 30min", "call_length >= ３０min", "E103", "`30min`"),
 ("fullwidth-unit", "call_length >= 30min", "call_length >= ３０ｍｉｎ", "E103", "`30min`"),
 ("unit-fun", "call_length >= 30min", "call_length >= 30分", "E106", "`30min`"),
 ("unit-jikan", "call_length >= 30min", "call_length >= 1時間", "E106", "`1h`"),
 ("unit-nichi", "call_length >= 30min", "call_length >= 7日", "E106", "`7d`"),
 ("unit-byou", "call_length >= 30min", "call_length >= 45秒", "E106", "`45s`"),
 ("unit-fullwidth-fun", "call_length >= 30min", "call_length >= ３０分", "E103", "`30min`"),
 ("fullwidth-date", "effective 2026-10-01", "effective ２０２６-１０-０１", "E103", "`2026-10-01`"),
 ("kagikakko", "respond  \"対応を打ち切り、上長に引き継ぐ。\"", "respond  「対応を打ち切り、上長に引き継ぐ。」", "E103", "\""),
 ("nijukagikakko", "version   \"2026.1\"", "version   『2026.1』", "E103", "\""),
 ("curly-quotes", "version   \"2026.1\"", "version   “2026.1”", "E103", "\""),
 ("unclosed-string", "respond  \"対応を打ち切り、上長に引き継ぐ。\"", "respond  \"対応を打ち切り、上長に引き継ぐ。", "E104", "\""),
 ("single-equals", "when     demanded_dogeza", "when     channel = \"phone\"", "E124", "`==`"),
 ("given-hai", "demanded_dogeza: true }", "demanded_dogeza: はい }", "E120", "`true`"),
 ("given-unquoted-text", 'channel: "counter"', "channel: 窓口", "E120", '"窓口"'),
 ("quoted-severity", "kasuhara severity high", "kasuhara severity \"high\"", "E122", "high"),
]
BRACES = [  # slug, line index (0-based) of the `}` to delete, line of the `{`
 ("missing-brace-header", "  otherwise claim\n}", "  otherwise claim", "policy \"", "E128", "`}`"),
 ("missing-brace-schema", "sensitive\n}", "sensitive", "schema {", "E128", "`}`"),
 ("missing-brace-rule", "escalate supervisor\n}", "escalate supervisor", "rule dogeza", "E128", "`}`"),
 ("missing-brace-last-rule", "終話を告げる。\"\n}", "終話を告げる。\"", "rule long", "E128", "`}`"),
 ("missing-brace-example", "by dogeza\n}", "by dogeza", "example \"", "E128", "`}`"),
 ("missing-brace-outcomes", "kasuhara \"カスハラ\" }", "kasuhara \"カスハラ\"", "outcomes {", "E128", "`}`"),
 ("missing-brace-given", "demanded_dogeza: true }", "demanded_dogeza: true", "  given {", "E128", "`}`"),
]
rows = []
def line_of(text, needle):
    for i, l in enumerate(text.split("\n"), 1):
        if needle in l:
            return i
    raise SystemExit(needle)
for slug, old, new, code, hint in CASES:
    assert old in base, old
    text = base.replace(old, new, 1)
    rows.append((slug, line_of(text, new.split("\n")[0]), code, hint, text))
for slug, old, new, opener, code, hint in BRACES:
    assert old in base, old
    text = base.replace(old, new, 1)
    rows.append((slug, line_of(text, opener), code, hint, text))
# the file's form: CRLF, BOM, tabs, Shift_JIS
t = base.replace("kasuhara severity high", "kasuhara severity 重度", 1)
rows.append(("crlf-label-severity", line_of(t, "kasuhara severity 重度"), "E303", "`high`", t.replace("\n", "\r\n")))
t = base.replace("when     demanded_dogeza", "when     土下座の要求", 1)
rows.append(("bom-label-field", line_of(t, "when     土下座の要求"), "E301", "demanded_dogeza", "\ufeff" + t))
t = base.replace("call_length >= 30min", "call_length >= 30分", 1).replace("  ", "\t")
rows.append(("tabs-unit", line_of(t, "30分"), "E106", "`30min`", t))
rows.append(("shift-jis", 1, "E101", "UTF-8", base))
table = ["# file\tline\tcode\thint (a substring of the Japanese hint)"]
for slug, line, code, hint, text in rows:
    name = f"{slug}.kasu"
    if slug == "shift-jis":
        (D / name).write_bytes(text.encode("cp932"))
    else:
        (D / name).write_bytes(text.encode("utf-8"))
    table.append(f"{name}\t{line}\t{code}\t{hint}")
(D / "cases.tsv").write_text("\n".join(table) + "\n", encoding="utf-8")
print(len(rows), "cases")
