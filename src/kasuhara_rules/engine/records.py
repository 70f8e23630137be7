"""Incident records: validation of one whole record against the schema (values: coerce.py)."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from ..i18n import N_
from ..check.checked import Field
from ..coerce import (  # noqa: F401  (re-exported: the engine's view of record values)
    MAX_DURATION, MAX_NUMBER, REDACTED, Problem, RecordError, coerce, coerce_fields, date_iso, datetime_iso,
    duration_iso, is_absent, json_kind, kind_phrase, parse_duration_text, plain, raw_json, shown, to_json,
)


__all__ = [  # the engine's view of record values (coerce.py), and validate_record
    "MAX_DURATION", "MAX_NUMBER", "REDACTED", "Problem", "RecordError", "coerce", "coerce_fields", "date_iso",
    "datetime_iso", "duration_iso", "is_absent", "json_kind", "kind_phrase", "parse_duration_text", "plain", "raw_json", "shown",
    "to_json", "validate_record",
]


def validate_record(fields: Sequence[Field], record: Any, zone: str | None = None) -> tuple[Any, ...]:
    """Check a whole record against the schema; the coerced values in field order.

    Fields that the schema does not name are ignored; `zone` is the policy's time zone.
    """
    if not isinstance(record, Mapping):
        raise RecordError(N_("a record must be a JSON object, not {article}", article=kind_phrase(record)))
    return coerce_fields(fields, record, zone=zone)
