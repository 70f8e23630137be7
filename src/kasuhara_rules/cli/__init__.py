"""Stage 5, tools: the `kasu` commands, batch input and output, `--jobs`, `kasu test`, `kasu diff`."""
from __future__ import annotations

from .commands import entry, main

__all__ = ["entry", "main"]
