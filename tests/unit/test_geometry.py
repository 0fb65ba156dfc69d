"""Unit tests for brainrit.dosimetry.geometry (cell and capillary arrangements)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainrit.dosimetry import geometry as g
from brainrit.errors import InputError


def test_cubic_lattice_touching_cells_and_centred():
    pop = g.cubic_lattice(4, 5.0, 3.0)
    assert pop.n_cells == 64
    assert np.allclose(pop.centres_um.mean(axis=0), 0.0)
    assert pop.min_gap_um() == pytest.approx(0.0, abs=1e-9)
    pop2 = g.cubic_lattice(2, 5.0, 3.0, spacing_um=14.0)
    assert pop2.min_gap_um() == pytest.approx(4.0)


def test_hexagonal_lattice_nearest_neighbours_and_density():
    pop = g.hexagonal_lattice(6, 5.0, 3.0)
    assert pop.n_cells == 216
    assert pop.min_gap_um() == pytest.approx(0.0, abs=1e-9)
    from scipy.spatial import cKDTree

    d, _ = cKDTree(pop.centres_um).query(pop.centres_um, k=13)
    # a bulk HCP cell has 12 nearest neighbours at the spacing
    inner = np.linalg.norm(pop.centres_um, axis=1).argmin()
    assert np.allclose(d[inner, 1:13], 10.0)


def test_random_close_packing_no_overlap_and_fraction():
    pop = g.random_close_packing(300, 5.0, 3.0, 0.5, seed=3)
    assert pop.n_cells == 300
    assert pop.min_gap_um() > -1e-6
    edge = (300 * 4 / 3 * math.pi * 125 / 0.5) ** (1 / 3)
    assert np.all(np.abs(pop.centres_um) <= edge / 2 + 1e-9)
    assert pop.packing_fraction(edge**3) == pytest.approx(0.5)


def test_random_packing_reproducible_with_seed():
    a = g.random_close_packing(40, 4.0, 2.0, 0.3, seed=11)
    b = g.random_close_packing(40, 4.0, 2.0, 0.3, seed=11)
    c = g.random_close_packing(40, 4.0, 2.0, 0.3, seed=12)
    assert np.array_equal(a.centres_um, b.centres_um)
    assert not np.array_equal(a.centres_um, c.centres_um)


def test_spheroid_cells_inside_and_count():
    pop = g.spheroid(40.0, 5.0, 3.0, 0.45, seed=0)
    assert pop.n_cells == round(0.45 * 8**3)
    assert np.all(np.linalg.norm(pop.centres_um, axis=1) <= 35.0 + 1e-9)
    assert pop.min_gap_um() > -1e-6


def test_perivascular_cells_in_cuff_along_tilted_vessel():
    cap = g.Capillary([10, 0, 0], [10, 80, 0], 3.0, 0.4)
    pop = g.perivascular_cells(
        cap, cuff_thickness_um=15.0, cell_radius_um=4.0, nucleus_radius_um=2.5, packing_fraction=0.3, seed=5
    )
    d = cap.distance_to_axis_um(pop.centres_um)
    assert d.min() >= 3.4 + 4.0 - 1e-9 and d.max() <= 3.4 + 15.0 - 4.0 + 1e-9
    t = (pop.centres_um - cap.start_um) @ cap.axis
    assert t.min() >= 4.0 - 1e-9 and t.max() <= 80 - 4.0 + 1e-9
    assert pop.min_gap_um() > -1e-6


def test_capillary_geometry_helpers():
    cap = g.Capillary([0, 0, 0], [0, 0, 10], 2.0, 0.5)
    assert cap.outer_radius_um == 2.5
    assert np.allclose(cap.axis, [0, 0, 1])
    pts = np.array([[3, 4, 5], [0, 3, 14]])
    assert np.allclose(cap.distance_to_axis_um(pts), [5, 3])
    assert np.allclose(cap.distance_to_segment_um(pts), [5, 5])


def test_parallel_capillaries_pitch():
    caps = g.parallel_capillaries(9, 40.0, 200.0, 3.0, 0.5)
    xy = np.array([c.start_um[:2] for c in caps])
    assert np.allclose(xy.mean(axis=0), 0)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    assert np.min(d[d > 0]) == pytest.approx(40.0)
    one = g.parallel_capillaries(1, 40.0, 100.0, 3.0, 0.5)
    assert np.allclose(one[0].start_um, [0, 0, -50])


def test_random_capillaries_and_segments():
    caps = g.random_capillaries(10, 100.0, length_um=30.0, lumen_radius_um=2.0, wall_thickness_um=0.3, seed=1)
    assert all(c.length_um == pytest.approx(30.0) for c in caps)
    segs = np.array([[[0, 0, 0], [0, 0, 5]], [[1, 1, 1], [2, 2, 2]]])
    assert len(g.capillaries_from_segments(segs, 2.0, 0.2)) == 2
    with pytest.raises(InputError, match="segments_um"):
        g.capillaries_from_segments(np.zeros((2, 3)), 2.0, 0.2)


def test_cells_from_csv(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(
        "# comment\nx_um,y_um,z_um,cell_radius_um,nucleus_radius_um,label\n0,0,0,5,3,a\n20,0,0,6,4,b\n"
    )
    pop = g.cells_from_csv(p)
    assert pop.n_cells == 2
    assert pop.cell_radius_um.tolist() == [5, 6]
    bad = tmp_path / "bad.csv"
    bad.write_text("x_um,y_um\n0,0\n")
    with pytest.raises(InputError, match="columns"):
        g.cells_from_csv(bad)
    bad.write_text("x_um,y_um,z_um,cell_radius_um,nucleus_radius_um\n0,0,zz,5,3\n")
    with pytest.raises(InputError, match="line 2"):
        g.cells_from_csv(bad)
    bad.write_text("x_um,y_um,z_um,cell_radius_um,nucleus_radius_um\n0,0,0,5,6\n")
    with pytest.raises(InputError, match=r"nucleus_radius_um\[0\]"):
        g.cells_from_csv(bad)
    with pytest.raises(InputError, match="path"):
        g.cells_from_csv(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: g.cubic_lattice(0, 5, 3), "n_per_side"),
        (lambda: g.cubic_lattice(2.5, 5, 3), "n_per_side"),
        (lambda: g.cubic_lattice(2, 5, 5), "nucleus_radius_um"),
        (lambda: g.cubic_lattice(2, -5, 3), "cell_radius_um"),
        (lambda: g.cubic_lattice(2, 5, 0), "nucleus_radius_um"),
        (lambda: g.cubic_lattice(2, 5, 3, spacing_um=9), "spacing_um"),
        (lambda: g.hexagonal_lattice(2, 5, 6), "nucleus_radius_um"),
        (lambda: g.random_close_packing(10, 5, 3, 0.7), "packing_fraction"),
        (lambda: g.random_close_packing(10, 5, 3, 0.0), "packing_fraction"),
        (lambda: g.spheroid(3.0, 5, 3, 0.4), "radius_um"),
        (
            lambda: g.perivascular_cells(
                "x", cuff_thickness_um=10, cell_radius_um=5, nucleus_radius_um=3, packing_fraction=0.3
            ),
            "capillary",
        ),
        (
            lambda: g.perivascular_cells(
                g.Capillary([0, 0, 0], [0, 0, 50], 3, 0.5),
                cuff_thickness_um=8,
                cell_radius_um=5,
                nucleus_radius_um=3,
                packing_fraction=0.3,
            ),
            "cuff",
        ),
        (lambda: g.Capillary([0, 0, 0], [0, 0, 0], 3, 0.5), "end_um"),
        (lambda: g.Capillary([0, 0], [0, 0, 1], 3, 0.5), "start_um"),
        (lambda: g.Capillary([0, 0, 0], [0, 0, 1], 0, 0.5), "lumen_radius_um"),
        (lambda: g.Capillary([0, 0, 0], [0, 0, 1], 3, -1), "wall_thickness_um"),
        (lambda: g.parallel_capillaries(2, 5.0, 100, 3, 0.5), "intercapillary_distance_um"),
        (lambda: g.CellPopulation(np.zeros((2, 2)), 5, 3), "centres_um"),
        (lambda: g.CellPopulation(np.zeros((2, 3)), [5, 5, 5], 3), "cell_radius_um"),
        (lambda: g.CellPopulation(np.zeros((2, 3)), [5, np.nan], 3), r"cell_radius_um\[1\]"),
    ],
)
def test_errors_name_the_field(call, field):
    with pytest.raises(InputError, match=field):
        call()


@given(
    n=st.integers(1, 4),
    rc=st.floats(1.0, 20.0),
    frac=st.floats(0.1, 0.95),
    extra=st.floats(0.0, 10.0),
)
def test_lattices_never_overlap(n, rc, frac, extra):
    for fn in (g.cubic_lattice, g.hexagonal_lattice):
        pop = fn(n, rc, rc * frac, spacing_um=2 * rc + extra)
        assert pop.min_gap_um() >= extra - 1e-9 * (1 + rc)


def test_relaxation_gives_up_with_clear_error():
    rng = np.random.default_rng(0)
    c = np.zeros((50, 3))
    with pytest.raises(InputError, match="packing_fraction"):
        g._relax(c, 5.0, lambda x: np.clip(x, -1.0, 1.0), rng, "packing_fraction", 0.5, max_iter=3)


def _cuff_start(n, seed, rmin=9.4, rmax=30.0, length=80.0, rc=5.0):
    rng = np.random.default_rng(seed)
    phi = rng.uniform(0, 2 * np.pi, n)
    rho = np.sqrt(rng.uniform(rmin**2, rmax**2, n))
    return np.stack([rho * np.cos(phi), rho * np.sin(phi), rng.uniform(rc, length - rc, n)], axis=1)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 120), seed=st.integers(0, 2**32 - 1), frac=st.floats(0.1, 0.45))
def test_compiled_cuff_relaxation_equals_python_reference(n, seed, frac):
    """The numba cuff relaxation (neighbour lists) gives the kd-tree Python loop's positions, bit for bit."""
    rc, rmin, length = 5.0, 9.4, 80.0
    rmax = np.sqrt(rmin**2 + n * 4 / 3 * rc**3 / (frac * length))  # cuff volume for this fraction
    c = _cuff_start(n, seed, rmin, rmax, length, rc)

    def project(x):
        return g._cuff_project(x, rc, rmin, rmax, length)

    ref = g._relax(c.copy(), rc, project, np.random.default_rng(1), "packing_fraction", frac)
    fast = g._relax_cuff(c.copy(), rc, rmin, rmax, length, np.random.default_rng(1), "packing_fraction", frac)
    np.testing.assert_array_equal(fast, ref)
    if n > 1:
        d = np.linalg.norm(fast[:, None] - fast[None], axis=-1)[np.triu_indices(n, 1)]
        assert d.min() > 2 * rc * (1 - 1e-8)


def test_compiled_cuff_relaxation_coincident_centres_use_the_generator():
    """Pairs at zero distance take a random direction from the caller's generator, as in the reference."""
    rc, rmin, rmax, length = 4.0, 7.4, 20.0, 60.0
    c = _cuff_start(30, 3, rmin, rmax, length, rc)
    c[5] = c[4]
    c[17] = c[4]

    def project(x):
        return g._cuff_project(x, rc, rmin, rmax, length)

    ref = g._relax(c.copy(), rc, project, np.random.default_rng(9), "packing_fraction", 0.2)
    fast = g._relax_cuff(c.copy(), rc, rmin, rmax, length, np.random.default_rng(9), "packing_fraction", 0.2)
    np.testing.assert_array_equal(fast, ref)
    other = g._relax_cuff(c.copy(), rc, rmin, rmax, length, np.random.default_rng(10), "pf", 0.2)
    assert not np.array_equal(other, fast)  # the generator did decide a direction
    with pytest.raises(InputError, match="packing_fraction"):
        g._relax_cuff(c.copy(), rc, rmin, rmax, length, np.random.default_rng(9), "packing_fraction", 0.2,
                      max_iter=2)  # fmt: skip


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 300), seed=st.integers(0, 2**32 - 1), r=st.floats(0.5, 20.0))
def test_cell_list_pairs_equal_kd_tree_pairs(n, seed, r):
    from scipy.spatial import cKDTree

    from brainrit.dosimetry import _packing

    c = np.random.default_rng(seed).uniform(-30.0, 30.0, (n, 3)) * [1.0, 0.5, 3.0]
    kd = cKDTree(c).query_pairs(r, output_type="ndarray")
    kd = kd[np.lexsort((kd[:, 1], kd[:, 0]))]
    np.testing.assert_array_equal(_packing.pairs_within(c, r), kd.reshape(-1, 2))
    np.testing.assert_array_equal(
        _packing.cuff_project(c, 2.0, 5.0, 12.0, 40.0), g._cuff_project(c, 2.0, 5.0, 12.0, 40.0)
    )
