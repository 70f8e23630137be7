"""`kasu schema`: the JSON Schema (draft 2020-12) of a policy's incident record."""
from __future__ import annotations

from typing import Any

from .. import values as vt
from ..check.checked import CheckedPolicy, Field

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# What records.parse_duration_text accepts: a number glued to a unit, or ISO 8601 without Y/M.
DURATION_TEXT = (r"^\s*([+-]?\d[\d_]*(\.\d[\d_]*)?\s*(s|sec|min|h|d)"
                 r"|[+-]?[Pp](?=\d|[Tt]\d)(\d+([.,]\d+)?[Ww])?(\d+([.,]\d+)?[Dd])?"
                 r"([Tt](?=\d)(\d+([.,]\d+)?[Hh])?(\d+([.,]\d+)?[Mm])?(\d+([.,]\d+)?[Ss])?)?)\s*$")
DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"
DATE_SLASH = r"^\s*\d{4}/\d{1,2}/\d{1,2}\s*$"  # YYYY/M/D, as spreadsheets write dates
DATETIME_TEXT = r"^\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})\s*$"
# YYYY/M/D H:MM[:SS], with an offset; and the forms without one, accepted in a policy with a `timezone`
DATETIME_SLASH = r"^\s*\d{4}/\d{1,2}/\d{1,2}[Tt ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?\s*([Zz]|[+-]\d{2}:?\d{2})\s*$"
DATETIME_LOCAL = (r"^\s*(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                  r"|\d{4}/\d{1,2}/\d{1,2}[Tt ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?)\s*$")


def record_schema(policy: CheckedPolicy) -> dict[str, Any]:
    """A JSON Schema that accepts what the engine accepts (labels as `title`,
    `x-kasu-sensitive` on personal data, `x-kasu-key` on the key, `x-kasu-unit` on durations)."""
    schema = {"$schema": DIALECT, "title": policy.header.title,
              "description": f"Incident record of policy {policy.header.id} {policy.header.version}"}
    schema.update(_object(policy.fields, policy.header.timezone))
    return schema


def _object(fields: tuple[Field, ...], zone: str | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: _field(f, zone) for f in fields},
        "required": [f.name for f in fields if not f.optional],
        "additionalProperties": True,
    }


def _field(f: Field, zone: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if f.label:
        out["title"] = f.label
    body = _type(f.type, zone)
    if f.optional:
        body = _nullable(body)
    out.update(body)
    if f.key:
        out["x-kasu-key"] = True
    if f.sensitive:
        out["x-kasu-sensitive"] = True
    return out


def _nullable(body: dict[str, Any]) -> dict[str, Any]:
    """The same schema, also accepting null (an optional field may be null)."""
    body = dict(body)
    if "anyOf" in body:
        body["anyOf"] = body["anyOf"] + [{"type": "null"}]
        return body
    body["type"] = [body["type"], "null"]
    if "enum" in body:
        body["enum"] = body["enum"] + [None]
    return body


def _type(t: vt.Type, zone: str | None = None) -> dict[str, Any]:
    """The schema of a value of type `t` (`zone`: the policy's timezone, which admits date-times
    written without an offset)."""
    kind = t.kind
    if kind == vt.BOOL:
        return {"type": "boolean"}
    if kind == vt.INT:
        return {"type": "integer"}
    if kind == vt.NUMBER:
        return {"type": "number"}
    if kind == vt.TEXT:
        return {"type": "string"}
    if kind == vt.ENUM:
        if not t.labels:
            return {"type": "string", "enum": list(t.values)}
        labels = [lab for lab in t.labels if lab is not None and lab not in t.values]
        return {"type": "string", "enum": list(t.values) + labels,  # a record may give a value or its label
                "x-kasu-labels": {v: lab for v, lab in zip(t.values, t.labels) if lab is not None}}
    if kind == vt.DATE:
        return {"anyOf": [{"type": "string", "format": "date", "pattern": DATE_TEXT},
                          {"type": "string", "pattern": DATE_SLASH}]}
    if kind == vt.DATETIME:
        forms: list[dict[str, Any]] = [{"type": "string", "format": "date-time", "pattern": DATETIME_TEXT},
                                       {"type": "string", "pattern": DATETIME_SLASH}]
        if zone is not None:
            forms.append({"type": "string", "pattern": DATETIME_LOCAL, "x-kasu-timezone": zone})
        return {"anyOf": forms}
    if kind == vt.DURATION:
        return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": DURATION_TEXT}],
                "x-kasu-unit": t.unit,
                "description": f"a number of {t.unit}, or text such as \"35min\", \"1.5h\" or \"PT35M\""}
    if kind == vt.LIST:
        return {"type": "array", "items": _type(t.elem(), zone)}
    if kind == vt.RECORD:
        return _object(t.fields, zone)
    raise TypeError(t)  # pragma: no cover
