"""The journal: policy versions, records decided by the version in force, and what people did.

Each write (a record and its decision, a verdict, an action, an attachment, a purge, a disclosure)
is one transaction appended to one hash chain."""
from __future__ import annotations

import datetime as _dt
import os
import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import sqlalchemy as sa

from ..check.checked import REVIEW
from ..coerce import RecordError
from ..i18n import N_
from . import facts as f
from .chain import canonical, link_entry, parse
from .errors import EXIT_INVALID_RECORD, JournalError, unkeepable
from .reading import INCIDENT_COLUMNS, Reading, record_of_tx
from .results import Added, PolicyVersion, Purged, Recorded, Registered, VERDICTS
from .sensitive import split
from .store import Store, Tx
from .tables import policy_files, policy_versions

if TYPE_CHECKING:
    from ..policy import Policy
    from .replay import ReplayReport

MAX_ACTION = 200
_SHA256 = re.compile(r"[0-9a-f]{64}")
_INCIDENT = f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incidents WHERE incident = ?"
_INSERT_NEW_INCIDENT = (f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in INCIDENT_COLUMNS)}) ON CONFLICT (incident) DO NOTHING")
_UPDATE_INCIDENT = (f"UPDATE incidents SET {', '.join(c + ' = ?' for c in INCIDENT_COLUMNS[1:])} "
                    "WHERE incident = ?")


class Journal(Reading):
    """An open journal. Build one with `kasuhara_rules.journal.open_journal(url)`.

    Every write is one transaction that appends its entries to the chain (and keeps the incident
    index and the sensitive values in step): it is written whole or not at all. Several processes
    and connections may append at once; their entries queue up into one chain.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._policies: dict[str, "Policy"] = {}
        self._readings: dict[str, f.VersionReading] = {}  # what is read from each version's records (by digest)
        self._versions: dict[str, PolicyVersion] = {}  # by digest: a registered version never changes
        # policy id → its versions' (digest, effective, seq) rows, and the chain's head at which they were
        # known to be all (None: read outside a write); no version is registered without moving the head
        self._rows: dict[str, tuple[list[tuple[Any, ...]], int | None]] = {}

    @property
    def url(self) -> str:
        """The database URL (its password hidden)."""
        return self.store.shown

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine (for an application that adds its own tables, as the desk does)."""
        return self.store.engine

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _append(self, tx: Tx, items: Sequence[tuple[str, str | None, Any, str]]) -> list[tuple[int, str]]:
        """Append entries (kind, incident, body — a value or its canonical JSON —, by) and move the head;
        `at`, the time of writing, is taken under the chain's lock."""
        at = f.stamp(f.now())
        seq, prev = tx.seq, tx.hash
        rows = []
        written = []
        for kind, incident, body, by in items:
            seq += 1
            data = body if isinstance(body, bytes) else canonical(body)
            prev = link_entry(prev, seq, at, by, kind, incident, data)
            rows.append((seq, at, by, kind, incident, data, prev))
            written.append((seq, prev))
        tx.many("INSERT INTO entries (seq, at, by_user, kind, incident, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows)
        tx.run("UPDATE head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))
        tx.seq, tx.hash = seq, prev
        return written

    # -- policies --------------------------------------------------------------------------------

    def register(self, policy: "Policy | str | os.PathLike[str]", by: str | None = None) -> Registered:
        """Register a policy version (a loaded Policy, or the path of its file), keeping its files'
        bytes so that it can be rebuilt and replayed later. The same digest is registered once; a file
        changed on disk is a new version (`same_version_other_digest` names the one it differs from),
        never a replacement."""
        if isinstance(policy, (str, os.PathLike)):
            from .. import load_policy

            policy = load_policy(policy)
        by = f.user(by)
        digest = policy.digest
        with self.store.write() as tx:
            found = tx.one("SELECT seq FROM policy_versions WHERE digest = ?", (digest,))
            same = None
            if found is None:
                same = tx.one("SELECT digest FROM policy_versions WHERE policy_id = ? AND version = ? "
                              "ORDER BY seq DESC", (policy.id, policy.version))
                effective = policy.checked.header.effective
                body = {"id": policy.id, "version": policy.version, "title": policy.title, "digest": digest,
                        "effective": effective.isoformat() if effective else None,
                        "files": [{"path": path, "digest": d} for path, d in policy.checked.files]}
                [(entry, _)] = self._append(tx, [("policy", None, body, by)])
                tx.run("INSERT INTO policy_versions (digest, policy_id, version, effective, title, name, root, seq) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (digest, policy.id, policy.version, body["effective"],
                                                          policy.title, policy.checked.top[1], ".", entry))
                tx.many("INSERT INTO policy_files (digest, position, path, content) VALUES (?, ?, ?, ?)",
                        [(digest, i, name, data) for i, (name, data) in enumerate(f.relative_files(policy))])
        self._policies.setdefault(digest, policy)
        self._versions.pop(digest, None)
        self._rows.pop(policy.id, None)
        version = self.version(digest)
        other = self.version(str(same[0])) if same is not None else None
        return Registered(version, found is None, other)

    def version(self, digest: str) -> PolicyVersion:
        """The registered version `digest` (J213 when there is none)."""
        known = self._versions.get(digest)
        if known is None:
            with self.store.read() as conn:
                row = conn.execute(sa.select(policy_versions).where(policy_versions.c.digest == digest)).first()
                if row is None:
                    raise JournalError("J213", N_("no policy version {digest} is registered", digest=digest),
                                       N_("register it first (kasu journal add POLICY … registers the policy it "
                                          "is given)"))
                known = self._versions[digest] = self._version(conn, row)
        return known

    def policy(self, digest: str) -> "Policy":
        """The registered version `digest`, rebuilt from its stored files (nothing is read from disk)."""
        cached = self._policies.get(digest)
        if cached is not None:
            return cached
        from ..check.loader import load_text
        from ..policy import policy_from

        version = self.version(digest)
        with self.store.read() as conn:
            name = conn.execute(sa.select(policy_versions.c.name).where(policy_versions.c.digest == digest)).scalar_one()
            files = conn.execute(sa.select(policy_files.c.path, policy_files.c.content)
                                 .where(policy_files.c.digest == digest).order_by(policy_files.c.position)).all()
        top = {str(path): bytes(content) for path, content in files}
        loaded = load_text(top[name], name, preloaded=top)
        policy = policy_from(loaded.result, loaded.files, name, loaded.sources)
        if policy.digest != version.digest:
            raise JournalError("J108", N_("the stored files of policy version {digest} give the digest {other}",
                                          digest=digest, other=policy.digest),
                               N_("run kasu journal verify: the journal was changed behind its back"))
        self._policies[digest] = policy
        return policy

    def in_force(self, policy_id: str, day: _dt.date) -> PolicyVersion:
        """The registered version of `policy_id` in force on `day`: the latest `effective` not after it
        (a version without `effective` is in force from the start; of versions with the same date,
        the one registered last). J207 when none is, J213 when none is registered."""
        return self.version(_in_force(policy_id, self._version_rows(policy_id, True), day))

    def _version_rows(self, policy_id: str, fresh: bool = False) -> list[tuple[Any, ...]]:
        return self._known_rows(policy_id, fresh)[0]

    def _known_rows(self, policy_id: str, fresh: bool = False) -> tuple[list[tuple[Any, ...]], int | None]:
        known = self._rows.get(policy_id)
        if known is None or fresh:
            with self.store.read() as conn:
                rows = [tuple(r) for r in conn.execute(
                    sa.select(policy_versions.c.digest, policy_versions.c.effective, policy_versions.c.seq)
                    .where(policy_versions.c.policy_id == policy_id).order_by(policy_versions.c.seq)).all()]
            known = self._rows[policy_id] = (rows, None)
        return known

    # -- facts and decisions ---------------------------------------------------------------------

    def add(self, record: Mapping[str, Any], by: str | None = None, policy: "Policy | None" = None,
            site: str | None = None, incident: str | None = None) -> Added:
        """Journal an incident's facts and decide them with the version in force on its date (the
        schema's first `datetime` field; the day of writing when it has none). A record of an incident
        already journaled is a new revision of its facts, decided again. `policy` is registered when
        new (default: the policy registered last).

        Refused (JournalError): a record the policy cannot decide (J206), no version in force (J207),
        no incident id (J208)."""
        by = f.user(by)
        if policy is not None and policy.digest not in self._versions:
            self.register(policy, by)
        return self._add(record, by, policy, policy.id if policy is not None else self._latest_policy_id(), site,
                         incident)

    def _add(self, record: Mapping[str, Any], by: str, policy: "Policy | None", policy_id: str, site: str | None,
             incident: str | None) -> Added:
        written = f.now()
        for _attempt in range(3):
            rows, known_at = self._known_rows(policy_id)
            dating = policy if policy is not None else self.policy(str(rows[-1][0]))
            occurred, day = f.occurred_of(self._reading(dating), record)
            chosen = self.version(_in_force(policy_id, rows, day or written.date()))
            deciding = self.policy(chosen.digest)
            name = f.incident_id(deciding, record, incident)
            try:
                decision = deciding.evaluate(record, explain=True)
            except RecordError as exc:
                raise JournalError("J206", N_("the record of {incident} cannot be decided: {reason}",
                                              incident=name, reason=exc.described),
                                   N_("correct the record and add it again; nothing was written"),
                                   exit=EXIT_INVALID_RECORD, incident=name, field=exc.field) from None
            try:
                # the decision's JSON with the engine's shared, read-only trace: serialised as it is, never
                # copied first (a copy of a 100 KB trace cost 7 ms an incident); `shown` leaves without it
                shown = decision._data(explain=True)
                decision_json = canonical(shown)
                chained, apart = split(record, deciding.checked.fields, day, written.date())
                index = f.index_columns(self._reading(deciding), shown, occurred, day, record)
            except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value the chain cannot
                raise unkeepable(name, exc) from None  # hold: this record alone is refused (contract §7)
            with self.store.write() as tx:
                if tx.seq != known_at:  # the chain moved since: another writer may have registered a version
                    current = [tuple(r) for r in tx.all("SELECT digest, effective, seq FROM policy_versions "
                                                        "WHERE policy_id = ? ORDER BY seq", (policy_id,))]
                    if current != rows:
                        self._rows[policy_id] = (current, tx.seq)
                        if _in_force(policy_id, current, day or written.date()) != chosen.digest:
                            continue  # decide again with the version now in force
                    rows = current
                # The incident's row as a first revision, written at once unless the incident is known:
                # for a new incident (the common case) one statement instead of a lookup and an insert.
                record_seq, decision_seq = tx.seq + 1, tx.seq + 2  # the entries _append writes next
                row = dict(index, incident=name, site=site, policy_id=chosen.id, digest=chosen.digest, revision=1,
                           record_seq=record_seq, decision_seq=decision_seq, verdict=None, verdict_seq=None,
                           final_outcome=None, final_severity=None, final_escalation=None, last_seq=decision_seq,
                           updated_at=f.stamp(written))
                old = None if tx.inserted(_INSERT_NEW_INCIDENT, [row[c] for c in INCIDENT_COLUMNS]) else \
                    tx.one("SELECT revision, site FROM incidents WHERE incident = ?", (name,))
                if old is not None:  # a new revision of a known incident, at the site it was at unless given
                    row.update(revision=int(old[0]) + 1, site=site if site is not None else old[1])
                record_body = {"record": chained, "revision": row["revision"], "site": row["site"],
                               "policy": chosen.digest}
                self._append(tx, [("record", name, record_body, by), ("decision", name, decision_json, by)])
                tx.many("INSERT INTO sensitive_values (seq, incident, path, digest, salt, value, retain_until) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(record_seq, name, canonical(list(a.path)).decode(), a.digest, a.salt, a.value,
                          a.retain_until.isoformat() if a.retain_until else None) for a in apart])
                if old is not None:
                    tx.run(_UPDATE_INCIDENT, [row[c] for c in INCIDENT_COLUMNS[1:]] + [name])
            self._rows[policy_id] = (rows, tx.seq)  # committed: these were all the versions up to this head
            shown.pop("trace", None)
            return Added(name, int(row["revision"]), record_seq, decision_seq, shown, chosen)
        raise JournalError("J104", N_("policy versions kept being registered while {incident} was added",
                                      incident=incident or "?"), N_("try again"))  # pragma: no cover

    def _reading(self, policy: "Policy") -> f.VersionReading:
        found = self._readings.get(policy.digest)
        if found is None:
            found = self._readings[policy.digest] = f.VersionReading(policy)
        return found

    def add_many(self, records: Iterable[Mapping[str, Any]], by: str | None = None, policy: "Policy | None" = None,
                 site: str | None = None) -> Iterable[Added | JournalError]:
        """`add` each record in turn (one transaction each); a record that is refused yields its
        JournalError and the rest go on (a database fault stops the batch)."""
        for record in records:
            try:
                yield self.add(record, by, policy, site)
            except JournalError as exc:
                if exc.exit != EXIT_INVALID_RECORD:
                    raise
                yield exc

    def amend(self, incident: str, changes: Mapping[str, Any], by: str | None = None) -> Added:
        """A new revision of an incident's facts: its latest record (sensitive values included, unless
        purged) with `changes` applied, decided again by the version in force on its date."""
        state = self.incident(incident)
        merged = self._full_record(incident)
        merged.update(changes)
        return self._add(merged, f.user(by), None, state.policy_id, state.site, incident)

    def _latest_policy_id(self) -> str:
        with self.store.read() as conn:
            row = conn.execute(sa.select(policy_versions.c.policy_id).order_by(policy_versions.c.seq.desc())).first()
        if row is None:
            raise JournalError("J213", N_("no policy is registered in this journal"),
                               N_("give the policy: kasu journal add POLICY RECORDS…"))
        return str(row.policy_id)

    # -- what people did -------------------------------------------------------------------------

    def verdict(self, incident: str, verdict: str, by: str, outcome: str | None = None, severity: str | None = None,
                escalation: str | None = None, reason: str | None = None) -> Recorded:
        """A person's verdict on the latest decision: `confirm`, or `override` with the outcome, severity
        or escalation they concluded (at least one changed) and a reason (required)."""
        by = f.user(by)
        if verdict not in VERDICTS:
            raise JournalError("J202", N_("the verdict is `confirm` or `override`, not `{verdict}`", verdict=verdict),
                               N_("write confirm or override"), incident=incident)
        reason = (reason or "").strip() or None
        with self.store.write() as tx:
            state = _state(tx, incident)
            f.check_values(self.policy(state["digest"]), outcome, severity, escalation, incident)
            given = {"outcome": outcome, "severity": severity, "escalation": escalation}
            changed = [k for k, v in given.items() if v is not None and v != state[k]]
            concluded = {k: given[k] if given[k] is not None else state[k] for k in given}
            if outcome is not None and outcome != state["outcome"] and severity is None:
                concluded["severity"] = None  # another outcome: the decision's severity no longer applies
            if verdict == "override":
                if reason is None:
                    raise JournalError("J203", N_("an override of {incident} needs a reason", incident=incident),
                                       N_("say why the decision was wrong: --reason \"…\""), incident=incident)
                if not changed:
                    raise JournalError("J204", N_("the override of {incident} changes nothing: the decision is "
                                                  "already {state}", incident=incident, state=_state_text(state)),
                                       N_("give the outcome, severity or escalation you concluded "
                                          "(--outcome, --severity, --escalate), or confirm"), incident=incident)
                if concluded["outcome"] == REVIEW:
                    raise JournalError("J202", N_("{incident} waits for review: say which outcome you concluded",
                                                  incident=incident),
                                       N_("add --outcome OUTCOME"), incident=incident)
            elif changed:
                raise JournalError("J205", N_("a confirmation keeps the decision as it is; to change {fields}, "
                                              "override", fields=", ".join(changed)),
                                   N_("write override with a reason"), incident=incident)
            elif state["outcome"] == REVIEW:
                raise JournalError("J205", N_("{incident} waits for review: there is no decision to confirm",
                                              incident=incident),
                                   N_("override it with the outcome you concluded and a reason"), incident=incident)
            body = {"verdict": verdict, "decision": state["decision_seq"], **concluded, "reason": reason}
            [(entry, hash_)] = self._append(tx, [("verdict", incident, body, by)])
            tx.run("UPDATE incidents SET verdict = ?, verdict_seq = ?, final_outcome = ?, final_severity = ?, "
                   "final_escalation = ?, last_seq = ?, updated_at = ? WHERE incident = ?",
                   (verdict, entry, concluded["outcome"], concluded["severity"], concluded["escalation"], entry,
                    f.stamp(f.now()), incident))
        return Recorded(incident, "verdict", entry, hash_)

    def act(self, incident: str, action: str, by: str, note: str | None = None,
            at: _dt.datetime | str | None = None) -> Recorded:
        """An escalation step taken (an escalation of the policy, or a short text on one line), when
        (`at`, default now) and a note."""
        by = f.user(by)
        action = (action or "").strip()
        if not action or len(action) > MAX_ACTION or any(ch in action for ch in "\r\n"):
            raise JournalError("J211", N_("an action is an escalation of the policy or a short text on one line "
                                          "(at most {n} characters)", n=MAX_ACTION),
                               N_("put details in --note"), incident=incident)
        taken = f.parse_time(at) if at is not None else f.now()
        with self.store.write() as tx:
            state = _state(tx, incident)
            policy = self.policy(state["digest"])
            body = {"action": action, "escalation": policy.checked.escalation(action) is not None,
                    "taken_at": f.stamp(taken), "note": (note or "").strip() or None}
            return self._one(tx, "action", incident, body, by)

    def attach(self, incident: str, name: str, sha256: str, by: str, media_type: str | None = None,
               size: int | None = None) -> Recorded:
        """An attachment kept elsewhere (a recording, a photo): its name, media type and SHA-256 only."""
        by = f.user(by)
        digest = (sha256 or "").lower().removeprefix("sha256:")
        if not _SHA256.fullmatch(digest) or not (name or "").strip():
            raise JournalError("J214", N_("an attachment needs a name and the 64 hex digits of its SHA-256"),
                               N_("kasu journal attach INCIDENT FILE computes both from the file"), incident=incident)
        with self.store.write() as tx:
            _state(tx, incident)
            body = {"name": name.strip(), "media_type": media_type or "application/octet-stream",
                    "sha256": digest, "size": size}
            return self._one(tx, "attachment", incident, body, by)

    def _one(self, tx: Tx, kind: str, incident: str, body: Any, by: str) -> Recorded:
        [(entry, hash_)] = self._append(tx, [(kind, incident, body, by)])
        tx.run("UPDATE incidents SET last_seq = ? WHERE incident = ?", (entry, incident))
        return Recorded(incident, kind, entry, hash_)

    def purge(self, by: str | None = None, today: _dt.date | None = None, incident: str | None = None,
              reason: str | None = None) -> Purged:
        """Remove sensitive values: those whose retention ended by `today` (default: today), or, with
        `incident`, all of that incident's at once (a person's request; `reason` required, J215).
        One `purge` entry per incident names the values removed; the chain stays verifiable."""
        by = f.user(by)
        day = today or f.now().date()
        if incident is not None and not (reason or "").strip():
            raise JournalError("J215", N_("a purge of {incident} on request needs a reason", incident=incident),
                               N_("say whose request it was and why: --reason \"…\""), incident=incident)
        with self.store.write() as tx:
            sql = "SELECT id, seq, incident, path, digest FROM sensitive_values WHERE value IS NOT NULL AND "
            if incident is not None:
                _state(tx, incident)
                due = tx.all(sql + "incident = ? ORDER BY seq, id", (incident,))
            else:
                due = tx.all(sql + "retain_until <= ? ORDER BY seq, id", (day.isoformat(),))
            per: dict[str, list[Any]] = {}
            for row in due:
                per.setdefault(row[2], []).append(row)
            items = [("purge", name, {"reason": "request" if incident is not None else "retention",
                                      "note": (reason or "").strip() or None, "until": day.isoformat(),
                                      "values": [{"entry": r[1], "path": parse(r[3]), "hash": r[4]} for r in rows]},
                      by) for name, rows in per.items()]
            written = self._append(tx, items) if items else []
            for (entry, _), (name, rows) in zip(written, per.items()):
                tx.many("UPDATE sensitive_values SET value = NULL, salt = NULL, purged_seq = ? WHERE id = ?",
                        [(entry, r[0]) for r in rows])
                tx.run("UPDATE incidents SET last_seq = ? WHERE incident = ?", (entry, name))
        return Purged(len(due), tuple(per), tuple(s for s, _ in written))

    def disclose(self, incident: str, to: str, purpose: str, fields: Sequence[str] = ()) -> Recorded:
        """Journal that sensitive values of `incident` were shown to `to` (a `disclosure` entry)."""
        return self._disclose(incident, to, purpose, fields)[0]

    def sensitive(self, incident: str, to: str, purpose: str) -> dict[str, Any]:
        """The latest record of `incident` with its sensitive values, for showing to `to`: the showing
        is journaled (a `disclosure` entry) in the same transaction that reads them."""
        return self._disclose(incident, to, purpose, ())[1]

    # -- documents ---------------------------------------------------------------------------------

    def case_file(self, incident: str, show_sensitive: bool = False, by: str | None = None,
                  purpose: str | None = None) -> dict[str, Any]:
        """The case file of `incident` as JSON data (render it with kasuhara_rules.render.casefile.to_html).
        With `show_sensitive` the values are included and the export is journaled as a disclosure to
        `by` for `purpose`."""
        from .casefile import case_file

        return case_file(self, incident, show_sensitive, by, purpose)

    def replay(self, policy: "Policy") -> "ReplayReport":
        """What `policy` would decide on every journaled incident, against the machine's latest decision
        and the people's verdict (see kasuhara_rules.journal.replay)."""
        from .replay import replay

        return replay(self, policy)

    def report(self, by: str = "month", date_field: str | None = None, fiscal_start: int = 4) -> dict[str, Any]:
        """The trend report's data (as `kasu report --db`): the latest decision of every incident, with
        people's verdicts per rule and the decisions still without one (`by` and `fiscal_start` as for
        render.report.aggregate: months, quarters, fiscal quarters or years)."""
        from .report import report

        return report(self, by, date_field, fiscal_start)

    def _disclose(self, incident: str, to: str, purpose: str, fields: Sequence[str]) -> tuple[Recorded, dict[str, Any]]:
        to = f.user(to)
        with self.store.write() as tx:
            state = _state(tx, incident)
            record, paths = record_of_tx(tx, state["record_seq"])
            shown = list(fields) or sorted(".".join(str(p) for p in path) for path in paths)
            body = {"to": to, "purpose": (purpose or "").strip() or None, "fields": shown,
                    "record": state["record_seq"]}
            return self._one(tx, "disclosure", incident, body, to), record


def _in_force(policy_id: str, versions: Sequence[Any], day: _dt.date) -> str:
    """The digest in force on `day` among (digest, effective, seq) rows (see Journal.in_force)."""
    def effective(value: Any) -> _dt.date:
        return _dt.date.fromisoformat(value) if value else _dt.date.min

    candidates = [v for v in versions if effective(v[1]) <= day]
    if not candidates:
        if not versions:
            raise JournalError("J213", N_("no version of policy `{id}` is registered", id=policy_id),
                               N_("register it first (kasu journal add POLICY … registers the policy it is given)"))
        first = min(effective(v[1]) for v in versions)
        raise JournalError("J207", N_("no registered version of policy `{id}` is in force on {day} (the earliest "
                                      "takes effect on {first})", id=policy_id, day=day.isoformat(),
                                      first=first.isoformat()),
                           N_("register the version that was in force then, or check the incident's date"),
                           exit=EXIT_INVALID_RECORD)
    return str(max(candidates, key=lambda v: (effective(v[1]), int(v[2])))[0])


def _state(tx: Tx, incident: str) -> dict[str, Any]:
    row = tx.one(_INCIDENT, (incident,))
    if row is None:
        raise JournalError("J201", N_("no incident `{incident}` in the journal", incident=incident),
                           N_("check the incident id (kasu journal add journals incidents)"), incident=incident)
    return dict(zip(INCIDENT_COLUMNS, row))


def _state_text(state: Mapping[str, Any]) -> str:
    return "/".join(str(x) for x in (state["outcome"], state["severity"]) if x)
