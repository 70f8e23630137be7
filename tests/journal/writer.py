"""A writer process for the concurrency and kill tests: `python -m tests.journal.writer URL NAME COUNT`
appends COUNT incidents named NAME-0… (one transaction each) and prints each one it committed."""
from __future__ import annotations

import sys

from kasuhara_rules.journal import open_journal
from tests.journal.test_journal import policy, record


def main(url: str, name: str, count: int) -> None:
    p = policy()
    with open_journal(url, timeout=120) as journal:
        for i in range(count):
            added = journal.add(record(f"{name}-{i}", remarks=f"{name} の発言 {i}"), by=name, policy=p)
            journal.verdict(added.incident, "confirm", by=name)
            print(added.incident, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
