"""The comments of a policy text: where each `#` comment is, and whether it has a line to itself."""
from __future__ import annotations

import attrs


@attrs.frozen
class Comment:
    line: int
    column: int
    text: str        # including the leading `#`, without trailing spaces
    own_line: bool   # nothing but whitespace before it on its line


def scan_comments(text: str) -> list[Comment]:
    """Every comment, in order. Strings never span lines, so a line-by-line scan that skips
    quoted text (with backslash escapes) finds exactly the comments the lexer ignores.

    >>> [c.text for c in scan_comments('a # one\\n"#not" # two\\n  # three')]
    ['# one', '# two', '# three']
    """
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        in_string = False
        i = 0
        while i < len(line):
            ch = line[i]
            if in_string:
                if ch == "\\":
                    i += 2
                    continue
                if ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#":
                out.append(Comment(number, i + 1, line[i:].rstrip(), not line[:i].strip()))
                break
            i += 1
    return out
