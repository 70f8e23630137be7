"""`python -m kasuhara_rules`: the `kasu` command line."""
from .cli import entry

entry()
