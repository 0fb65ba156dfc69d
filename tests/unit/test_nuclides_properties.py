"""Property tests (hypothesis) of brainrit.nuclides: cumulated decays and name parsing invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.nuclides import (
    VCAM1_COMPARISON_NUCLIDES,
    cumulated_decays,
    decay_chain,
    known_names,
    parse_name,
)

PARENTS = st.sampled_from((*VCAM1_COMPARISON_NUCLIDES, "I-131", "I-125"))
TIMES_H = st.floats(min_value=0.0, max_value=5000.0, allow_nan=False)
# members that outlive their parent, cut so that an equilibrium start exists
EQUILIBRIUM_CUTS = {
    "At-211": ["Bi-207"],
    "Tb-149": ["Gd-149", "Eu-145"],
    "I-131": ["Xe-131m"],
    "Bi-213": ["Pb-209"],
}
ACTIVITY = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


def _close(a: dict, b: dict, scale: float, rel: float = 1e-9) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=rel, abs=1e-12 * scale), k


def _scale(parent: str, activity_MBq: float) -> float:
    """Total decays of the parent over all time: the natural absolute scale for round-off."""
    return activity_MBq * 1e6 / decay_chain(parent).members[0].decay_constant_per_s


@given(PARENTS, TIMES_H, TIMES_H, TIMES_H, st.sampled_from(["parent", "equilibrium"]))
def test_additive_over_adjacent_windows(parent, a, b, c, initial):
    t1, t2, t3 = sorted((a, b, c))
    cut = EQUILIBRIUM_CUTS.get(parent, [])
    whole = cumulated_decays(parent, 1.0, t1, t3, initial=initial, cut=cut)
    first = cumulated_decays(parent, 1.0, t1, t2, initial=initial, cut=cut)
    second = cumulated_decays(parent, 1.0, t2, t3, initial=initial, cut=cut)
    _close(whole, {k: first[k] + second[k] for k in first}, _scale(parent, 1.0))


@pytest.mark.parametrize("parent", (*VCAM1_COMPARISON_NUCLIDES, "I-131", "I-125"))
def test_equilibrium_cuts_cover_every_parent(parent):
    d = cumulated_decays(parent, 1.0, 0.0, 1.0, initial="equilibrium", cut=EQUILIBRIUM_CUTS.get(parent, []))
    assert d[parent] > 0


@given(PARENTS, ACTIVITY, TIMES_H, TIMES_H)
def test_linear_in_activity(parent, activity, a, b):
    t1, t2 = sorted((a, b))
    one = cumulated_decays(parent, 1.0, t1, t2)
    many = cumulated_decays(parent, activity, t1, t2)
    _close(many, {k: activity * v for k, v in one.items()}, _scale(parent, activity))


@given(PARENTS, TIMES_H)
def test_bounded_by_all_time_decays(parent, t):
    """Decays up to t never exceed (and never fall below zero) the all-time total per member."""
    part = cumulated_decays(parent, 1.0, 0.0, t)
    total = cumulated_decays(parent, 1.0, 0.0, math.inf)
    for k in part:
        assert -1e-12 * _scale(parent, 1.0) <= part[k] <= total[k] * (1 + 1e-9) + 1e-12 * _scale(parent, 1.0)


@given(st.sampled_from(known_names()), st.sampled_from(["canonical", "compact", "mass_first", "lower"]))
def test_every_known_name_round_trips(name, style):
    symbol, rest = name.split("-")
    text = {
        "canonical": name,
        "compact": symbol + rest,
        "mass_first": rest + symbol,
        "lower": name.lower(),
    }[style]
    assert parse_name(text) == name
