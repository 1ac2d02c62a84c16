"""The attacker's equations solved part by part (`secret.equations`): the same cells determined as
by one solve of the whole system, whatever the batches and whichever parts are asked for, checked
against a rank computation written here from the definition (a hidden cell is determined exactly
when adding its unit vector to the equations on hidden cells does not raise their rank)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.secret import equations
from indicators.secret.equations import (
    Members,
    certificate_partners,
    connected_parts,
    determined_cells,
)


@st.composite
def systems(draw: st.DrawFn) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Relations over up to 14 cells (a parent and two to four children each, in two families; as in the
    lattice, a cell is the parent of one relation of a family at most) and which cells are hidden."""
    size = draw(st.integers(4, 14))
    families = []
    for _family in range(2):
        members, ids = [], []
        parents: set[int] = set()
        for _relation in range(draw(st.integers(1, 4))):
            cells = draw(st.lists(st.integers(0, size - 1), min_size=3, max_size=5, unique=True))
            parent = cells[0]
            if parent in parents:
                continue
            parents.add(parent)
            members += cells
            ids += [parent] * len(cells)
        families.append((np.array(members, dtype=np.int64), np.array(ids, dtype=np.int64)))
    hidden = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    return families, hidden


def determined_by_rank(families: list[tuple[np.ndarray, np.ndarray]], hidden: np.ndarray) -> list[int]:
    """The definition: equations on hidden cells (the visible ones moved to the right-hand side); a hidden
    cell is determined when its unit vector adds nothing to their rank."""
    rows = []
    for members, ids in families:
        for relation in np.unique(ids):
            row = np.zeros(len(hidden))
            for cell in members[ids == relation]:
                if hidden[cell]:
                    row[cell] += 1.0 if cell == relation else -1.0
            rows.append(row)
    system = np.array(rows) if rows else np.zeros((0, len(hidden)))
    rank = np.linalg.matrix_rank(system) if len(system) else 0
    return [
        int(cell)
        for cell in np.flatnonzero(hidden)
        if np.linalg.matrix_rank(np.vstack([system, np.eye(len(hidden))[cell]])) == rank
    ]


@given(systems())
@settings(max_examples=150, deadline=None)
def test_the_cells_determined_part_by_part_are_those_of_the_definition(system):
    families, hidden = system
    expected = determined_by_rank(families, hidden)
    assert determined_cells(hidden, families).tolist() == expected
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(equations, "BATCH_MEMBERS", 2)  # every part its own batch
        assert determined_cells(hidden, families).tolist() == expected


@given(systems(), st.data())
@settings(max_examples=100, deadline=None)
def test_asking_for_some_parts_gives_exactly_their_determined_cells(system, data):
    families, hidden = system
    members = Members.of(families, len(hidden))
    parts = connected_parts(members.where(hidden[members.row]), len(hidden))
    around = np.array(data.draw(st.lists(st.integers(0, len(hidden) - 1), max_size=3)), dtype=np.int64)
    wanted = set(parts[around].tolist())
    expected = [cell for cell in determined_by_rank(families, hidden) if parts[cell] in wanted]
    assert determined_cells(hidden, families, around=around, members=members).tolist() == expected


def test_cells_sharing_a_relation_are_one_part_and_others_apart():
    # Relations (parent first): 0 = 1 + 2, 2 = 3 + 4; 5 = 6 + 7 apart; 8 in none.
    members = np.array([0, 1, 2, 2, 3, 4, 5, 6, 7])
    ids = np.array([0, 0, 0, 2, 2, 2, 5, 5, 5])
    parts = connected_parts(Members.of([(members, ids)], 9), 9)
    assert len({parts[cell] for cell in (0, 1, 2, 3, 4)}) == 1
    assert len({parts[cell] for cell in (5, 6, 7)}) == 1
    assert parts[0] != parts[5] and parts[8] not in {parts[0], parts[5]}


def test_a_determined_cell_gets_as_many_partners_from_its_certificate_as_asked():
    # One relation: 0 = 1 + 2 + 3 + 4, with only 1 hidden: 1 = 0 − 2 − 3 − 4 uses four visible cells.
    families = [(np.array([0, 1, 2, 3, 4]), np.array([0, 0, 0, 0, 0]))]
    hidden = np.array([False, True, False, False, False])
    values = np.array([40, 2, 9, 7, 0])
    choosable = np.ones(5, dtype=bool)
    exposed = np.array([1])
    assert certificate_partners(exposed, hidden, families, choosable, values).tolist() == [3]  # the smallest non-zero
    assert certificate_partners(exposed, hidden, families, choosable, values, partners=np.array([3])).tolist() == [
        0,
        2,
        3,
    ]
