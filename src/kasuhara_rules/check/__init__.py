"""Stage 2, check: loading and `extends`, declarations, names and types, lints; the checked form."""
