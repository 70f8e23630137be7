"""The json module's reasons for refusing a text, as our own messages (in any language, with N_)."""
from __future__ import annotations

from ..i18n import N_

# The json module's reasons (fixed English texts) as our own messages; any other as "this is not JSON".
_JSON_REASONS = {
    "Expecting value": N_("a value is expected here"), "Expecting ',' delimiter": N_("a `,` is expected here"),
    "Expecting property name enclosed in double quotes": N_("a field name in double quotes is expected here"),
    "Expecting ':' delimiter": N_("a `:` is expected here"),
    "Unterminated string starting at": N_("a text is not closed with `\"`"),
    "Invalid control character at": N_("a text holds a line break, tab or other control character; write it as \\n or \\t"),
    "Invalid \\escape": N_("a text holds an unknown backslash escape"),
    "Invalid \\uXXXX escape": N_("a text holds a broken \\u escape"),
    "Illegal trailing comma before end of object": N_("a `,` before the closing `}}`"),
    "Illegal trailing comma before end of array": N_("a `,` before the closing `]`")}


def json_reason(msg: str) -> str:
    """The json module's reason for refusing a text (`JSONDecodeError.msg`) as our own message.

    >>> json_reason("Expecting property name enclosed in double quotes"), json_reason("Something new")
    ('a field name in double quotes is expected here', 'this is not JSON')
    """
    return _JSON_REASONS.get(msg) or N_("this is not JSON")
