"""Stage 4, render: explanations, plain-language criteria, staff guide, formatter, JSON Schema."""
