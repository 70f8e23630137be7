"""Lay the records of a new incident file over those of an old one, matched by incident_id, so
that `kasu diff OLD_POLICY NEW_POLICY MERGED` compares two schema versions on the same incidents
(fields a schema does not name are ignored; records only in the new file are kept as they are).

    python tools/merge_records.py OLD.jsonl NEW.jsonl MERGED.jsonl
"""
import json, sys
old, new, out = sys.argv[1:4]
olds = {}
for l in open(old, encoding="utf-8"):
    try:
        r = json.loads(l)
    except json.JSONDecodeError:
        continue
    if isinstance(r, dict) and "incident_id" in r:
        olds[r["incident_id"]] = r
with open(out, "w", encoding="utf-8") as f:
    for l in open(new, encoding="utf-8"):
        try:
            r = json.loads(l)
        except json.JSONDecodeError:
            f.write(l); continue
        if isinstance(r, dict) and r.get("incident_id") in olds:
            m = dict(olds[r["incident_id"]]); m.update(r); r = m
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
