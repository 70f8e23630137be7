"""Sealed survey rounds: a round, once reported, is not reported again with other answers unless reopened.

Re-running a report after one late answer lets anyone who compares the two reports work out
that person's answers (differencing). So the first report of a round keeps a fingerprint of its
answers and of its published figures in a seal file beside the output (`kasu-survey.seal.json`);
a later report of that round whose answers or figures differ (a late or removed answer, other
groupings, another K) is refused unless the round is reopened explicitly (`--reopen ROUND`),
which warns and re-seals. The fingerprint of the answers is salted (a random salt per round,
kept in the seal), so the seal does not let anyone test guesses of the answers.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import secrets
from typing import Any, Mapping, Sequence

from ..i18n import N_, os_reason

SEAL_NAME = "kasu-survey.seal.json"
FORMAT = "kasu survey seal"


class SealError(ValueError):
    """A seal file that cannot be read or written (a usage error)."""


def seal_path(explicit: str | None, output: str | None) -> str:
    """`--seal FILE`, else the seal beside `-o FILE`, else in the current directory (beside `> FILE`)."""
    if explicit:
        return explicit
    directory = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    return os.path.join(directory, SEAL_NAME)


def read_seal(path: str) -> dict[str, Any]:
    """The sealed rounds of a seal file ({} when there is none yet)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SealError(N_("cannot read the seal {path}: {reason}", path=path, reason=os_reason(exc))) from None
    try:
        data = json.loads(raw.decode("utf-8"))
        rounds = data["rounds"] if data.get("format") == FORMAT else None
        if not isinstance(rounds, dict) or not all(isinstance(v, dict) for v in rounds.values()):
            raise ValueError
    except (ValueError, UnicodeDecodeError, AttributeError, KeyError, TypeError):
        raise SealError(N_("the seal {path} is not a seal of kasu survey; it was left as it is (give another "
                           "--seal FILE)", path=path)) from None
    return dict(rounds)


def answers_fingerprint(answers: Sequence[Any], salt: str, labels: Mapping[str, str] | None = None) -> str:
    """The salted SHA-256 of a round's usable answers (in any order); kinds of conduct named by `labels`
    (their questions' labels, the same with or without --policy) where given."""
    labels = labels or {}
    lines = sorted(json.dumps([sorted(a.groups.items()), sorted((labels.get(k, k), v) for k, v in a.experienced.items())],
                              ensure_ascii=False) for a in answers)
    return "sha256:" + hashlib.sha256((salt + "\n" + "\n".join(lines)).encode("utf-8")).hexdigest()


def figures_fingerprint(data: Mapping[str, Any], round_name: str) -> str:
    """The SHA-256 of every figure a report publishes about one round; a kind of conduct is named by its
    question's label (the same with or without --policy), the language of the report is left out."""
    label = {k["kind"]: k["label"] for k in data["kinds"]}

    def named(cell: Mapping[str, Any]) -> dict[str, Any]:
        out = {key: value for key, value in cell.items() if key not in ("kind", "kinds")}
        if "kind" in cell:
            out["kind"] = label.get(cell["kind"], cell["kind"])
        if "kinds" in cell:
            out["kinds"] = {label.get(k, k): v for k, v in cell["kinds"].items()}
        return out

    figures = {
        "min_group": data["min_group"],
        "round": [r for r in data["rounds"] if r["round"] == round_name],
        "prevalence": [named(c) for c in data["prevalence"] if c["round"] == round_name],
        "groups": [[g["group"], [named(c) for c in g["cells"] if c["round"] == round_name]] for g in data["groups"]],
    }
    text = json.dumps(figures, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_rounds(sealed: Mapping[str, Any], data: Mapping[str, Any], answers: Sequence[Any],
                 reopen: Sequence[str]) -> tuple[dict[str, Any], list[tuple[str, Any, int]], list[tuple[str, Any, int]]]:
    """(the seal's rounds after this report, the refused rounds, the reopened rounds); each refused or
    reopened round as (name, respondents before, respondents now). Only rounds whose figures are
    published are sealed (a round of fewer than K people published nothing to compare)."""
    out = dict(sealed)
    refused, reopened = [], []
    labels = {k["kind"]: k["label"] for k in data["kinds"]}
    today = _dt.date.today().isoformat()
    for entry in data["rounds"]:
        name = entry["round"]
        if entry["suppressed"]:
            continue
        people = [a for a in answers if a.round == name]
        before = sealed.get(name)
        figures = figures_fingerprint(data, name)
        if before is not None:
            salt = str(before.get("salt", ""))
            same = before.get("answers") == answers_fingerprint(people, salt, labels) and before.get("figures") == figures
            if same:
                continue
            if name not in reopen:
                refused.append((name, before.get("respondents"), len(people)))
                continue
            reopened.append((name, before.get("respondents"), len(people)))
        salt = secrets.token_hex(16)
        out[name] = {"salt": salt, "answers": answers_fingerprint(people, salt, labels), "figures": figures,
                     "respondents": len(people), "sealed": today}
    return out, refused, reopened


def seal_text(rounds: Mapping[str, Any]) -> str:
    """The seal file's content."""
    return json.dumps({"format": FORMAT, "rounds": dict(sorted(rounds.items()))}, ensure_ascii=False, indent=2) + "\n"
