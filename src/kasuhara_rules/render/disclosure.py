"""Which counts of one report may be published: no combination of them singles out fewer than K people.

A survey report publishes, for one round, the number of respondents (and of those who
experienced each kind of conduct) in several sets of people: the whole round, and each group
of each grouping question (department, role, a store, a store's floor…). Each set is a union of
*atoms*: the people who gave the same answer to every grouping question. An attacker who
reads the published counts can compute the count of any set S of atoms whose indicator vector
is a linear combination (rational coefficients) of the published sets' vectors: 売場 (12)
minus 横浜売場 (11) is the one person of 東京売場. `unsafe_set` finds such an S with fewer than K
people when one exists; `publishable` drops published sets (the smallest first) until none
exists. The same sets carry every measure (respondents, and experienced per kind), so the
proof covers them all.

Exactness: the vectors are rational and the elimination uses `fractions.Fraction`. Atoms that
lie in exactly the same published sets are indistinguishable, so every derivable vector is
constant on such a *class*; the search runs over classes. With the published vectors in reduced
row-echelon form, a 0/1 vector v of the row space is the sum of the rows whose pivot column v
has as 1, so a derivable set of fewer than K people is the sum of rows whose pivot classes hold
fewer than K people together: that finite search is complete. It is bounded (`MAX_STEPS`); a
search that would exceed it counts as unsafe, so the caller withholds more, never less.
"""
from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Hashable, Mapping, Sequence, TypeVar

A = TypeVar("A", bound=Hashable)  # an atom: people alike in every grouping answer
C = TypeVar("C", bound=Hashable)  # the key of a candidate set

MAX_STEPS = 200_000  # subsets of pivot rows tried per search; beyond it the figures count as unsafe

Vector = list[Fraction]


def _classes(sets: Sequence[frozenset[A]], sizes: Mapping[A, int]) -> list[tuple[frozenset[A], int]]:
    """The atoms grouped by the published sets they lie in (atoms in none are never derivable)."""
    by_signature: dict[tuple[int, ...], list[A]] = {}
    for atom, size in sizes.items():
        if size <= 0:
            continue
        signature = tuple(i for i, s in enumerate(sets) if atom in s)
        if signature:
            by_signature.setdefault(signature, []).append(atom)
    return [(frozenset(atoms), sum(sizes[a] for a in atoms)) for atoms in by_signature.values()]


def _rref(rows: list[Vector], weights: Sequence[int]) -> tuple[list[Vector], list[int]]:
    """Reduced row-echelon form (exact) and the pivot column of each row; pivots are taken in
    columns of the largest classes first, so that few pivots fall on small classes."""
    rows = [r[:] for r in rows]
    order = sorted(range(len(weights)), key=lambda c: -weights[c])
    basis: list[Vector] = []
    pivots: list[int] = []
    for col in order:
        found = next((r for r in rows if r[col] != 0), None)
        if found is None:
            continue
        rows = [r for r in rows if r is not found]
        lead = found[col]
        pivot = [x / lead for x in found]
        rows = [[a - r[col] * b for a, b in zip(r, pivot)] if r[col] != 0 else r for r in rows]
        basis = [[a - r[col] * b for a, b in zip(r, pivot)] if r[col] != 0 else r for r in basis]
        basis.append(pivot)
        pivots.append(col)
    return basis, pivots


def unsafe_set(sets: Sequence[frozenset[A]], sizes: Mapping[A, int], k: int) -> frozenset[A] | None:
    """A set of atoms holding 1 to k−1 people whose count follows from the counts of `sets`, or None.

    When the search is too large to finish, the union of every atom is returned (unsafe).

    >>> shop, yokohama = frozenset({"y", "t"}), frozenset({"y"})
    >>> sorted(unsafe_set([shop, yokohama], {"y": 11, "t": 1}, 5))
    ['t']
    >>> unsafe_set([shop], {"y": 11, "t": 1}, 5) is None
    True
    """
    classes = _classes(sets, sizes)
    if not classes:
        return None
    weights = [n for _, n in classes]
    rows = [[Fraction(1) if atoms <= s else Fraction(0) for atoms, _ in classes] for s in sets]
    basis, pivots = _rref(rows, weights)
    small = [i for i, p in enumerate(pivots) if weights[p] < k]
    steps = [0]
    width = len(classes)

    def search(start: int, total: Vector, people_at_pivots: int) -> list[int] | None:
        for j in range(start, len(small)):
            i = small[j]
            if people_at_pivots + weights[pivots[i]] >= k:
                continue
            steps[0] += 1
            if steps[0] > MAX_STEPS:
                return list(range(width))
            vector = [a + b for a, b in zip(total, basis[i])]
            if all(x == 0 or x == 1 for x in vector):
                members = [c for c in range(width) if vector[c] == 1]
                people = sum(weights[c] for c in members)
                if 0 < people < k:
                    return members
            found = search(j + 1, vector, people_at_pivots + weights[pivots[i]])
            if found is not None:
                return found
        return None

    members = search(0, [Fraction(0)] * width, 0)
    if members is None:
        return None
    return frozenset(a for c in members for a in classes[c][0])


def _rank(sets: Sequence[frozenset[A]], columns: Sequence[A]) -> int:
    rows = [[Fraction(1) if c in s else Fraction(0) for c in columns] for s in sets]
    return len(_rref(rows, [1] * len(columns))[0])


def publishable(fixed: Sequence[frozenset[A]], candidates: Mapping[C, frozenset[A]], sizes: Mapping[A, int],
                k: int) -> set[C]:
    """The keys of the candidate sets that may be published beside the `fixed` ones (published in any
    case, such as the round's total): candidates of fewer than k people never are; then, while
    some set of fewer than k people follows from what is published, the smallest candidate whose
    withholding breaks that derivation is withheld (else the smallest of all).

    >>> people = {("y", "floor"): 11, ("t", "floor"): 1, ("y", "desk"): 6, ("t", "desk"): 7}
    >>> atoms = lambda test: frozenset(a for a in people if test(a))
    >>> floor, yokohama_floor = atoms(lambda a: a[1] == "floor"), atoms(lambda a: a == ("y", "floor"))
    >>> sorted(publishable([frozenset(people)], {"floor": floor, "yokohama floor": yokohama_floor}, people, 5))
    ['floor']
    """
    def size(key: C) -> int:
        return sum(sizes.get(a, 0) for a in candidates[key])

    chosen = {key for key in candidates if size(key) >= k}
    while True:
        published = list(fixed) + [candidates[key] for key in sorted(chosen, key=repr)]
        bad = unsafe_set(published, sizes, k)
        if bad is None or not chosen:
            return chosen
        by_size = sorted(chosen, key=lambda key: (size(key), repr(key)))
        columns = list(sizes)
        drop = by_size[0]
        for key in by_size:
            rest = list(fixed) + [candidates[c] for c in chosen if c != key]
            if _rank(rest + [bad], columns) > _rank(rest, columns):
                drop = key
                break
        chosen.discard(drop)


def joint_cells(people: Sequence[tuple[str, ...]], k: int) -> set[tuple[int, str]]:
    """The group cells of one round that may be published beside its total: each person is the tuple of
    their answers to the grouping questions; a cell is (the question's index, an answer).

    >>> people = [("売場", "横浜売場")] * 11 + [("売場", "東京売場")] + [("窓口", "横浜窓口")] * 9 + [("窓口", "東京窓口")] * 8
    >>> sorted(joint_cells(people, 5))
    [(0, '売場'), (0, '窓口'), (1, '東京窓口'), (1, '横浜窓口')]
    """
    atoms = Counter(people)
    width = len(people[0]) if people else 0
    candidates = {(i, v): frozenset(a for a in atoms if a[i] == v) for i in range(width) for v in {a[i] for a in atoms}}
    return publishable([frozenset(atoms)], candidates, atoms, k)


def mostly_unique(answers: Sequence[str], k: int) -> tuple[int, int] | None:
    """(answers given by one person only, answers given) when more than half of the people who answered
    gave an answer nobody else gave (names, free text: they group no one), else None. Judged once at
    least 2k people answered: with fewer, no group can ever be published beside the rest.

    >>> mostly_unique([f"name{i}" for i in range(12)], 5), mostly_unique(["売場"] * 6 + ["レジ"] * 6, 5)
    ((12, 12), None)
    """
    if len(answers) < 2 * k:
        return None
    counts = Counter(answers)
    lone = sum(1 for v in answers if counts[v] == 1)
    return (lone, len(answers)) if 2 * lone > len(answers) else None
