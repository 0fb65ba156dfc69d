"""Unit tests of brainrit.dosimetry.microdosimetry: grid walker, sources, tallies, survival, errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from brainrit.dosimetry import microdosimetry as md
from brainrit.dosimetry.geometry import Capillary, CellPopulation, cubic_lattice, perivascular_cells
from brainrit.dosimetry.microdosimetry import (
    MicroGeometry,
    Source,
    engine,
    response,
    simulate,
    sources,
    tcp_distribution,
    walker,
)
from brainrit.errors import InputError
from brainrit.physics import RangeTable, alpha_range_table
from brainrit.units import MEV_TO_J


@pytest.fixture(scope="module")
def vessel():
    cap = Capillary([0.0, 0.0, 0.0], [0.0, 0.0, 80.0], 3.0, 0.5)
    cells = perivascular_cells(
        cap, cuff_thickness_um=25.0, cell_radius_um=5.0, nucleus_radius_um=3.0, packing_fraction=0.3, seed=4
    )
    return MicroGeometry(cells, (cap,))


def _walk(geom: MicroGeometry, p, d, e, recoil=None):
    t = alpha_range_table()
    grid = walker._build_grid(geom)
    n = geom.n_nuclei
    hits, z = np.zeros(n, np.int64), np.zeros((n, 2))
    hist, acc = np.zeros(engine._N_EVENT_BINS + 2, np.int64), np.zeros(6)
    rec = np.zeros(e.size) if recoil is None else recoil
    gy = MEV_TO_J / geom.nucleus_mass_kg()
    walker._walk_tracks(
        np.ascontiguousarray(p), np.ascontiguousarray(d), e, rec, geom.centres_um, geom.nucleus_radius_um, gy,
        grid.lo, grid.bin_um, grid.shape, grid.start, grid.items, t.energy_MeV, t.range_um,
        -20.0, 10.0, hits, z, hist, acc, np.full(n, -1, np.int64),
    )  # fmt: skip
    ref_h, ref_z = walker._brute_force_numpy(
        p, d, e, geom.centres_um, geom.nucleus_radius_um, gy, t.energy_MeV, t.range_um
    )
    return hits, z[:, 0], ref_h, ref_z, acc


@pytest.mark.parametrize("bin_um", [None, 1.3, 40.0])
def test_grid_walker_equals_brute_force(vessel, bin_um):
    """The grid/DDA walker finds exactly the nuclei that the all-tracks × all-nuclei reference finds."""
    geom = MicroGeometry(vessel.cells, vessel.capillaries, grid_bin_um=bin_um)
    rng = np.random.default_rng(1)
    n = 5000
    lo, hi = geom.box_um
    p = lo - 15 + (hi - lo + 30) * rng.random((n, 3))  # some start outside the grid
    d = sources._unit_vectors(n, rng)
    d[:50] = [1.0, 0.0, 0.0]  # axis-parallel tracks
    d[50:100] = [0.0, 0.0, -1.0]
    e = rng.uniform(2.0, 9.0, n)
    hits, z, ref_h, ref_z, acc = _walk(geom, p, d, e)
    assert hits.sum() > 100
    np.testing.assert_array_equal(hits, ref_h)
    np.testing.assert_allclose(z, ref_z, rtol=1e-9, atol=1e-12)
    assert acc[0] == hits.sum()
    assert acc[3] == pytest.approx(e.sum())


def test_track_starting_inside_a_nucleus_scores_recoil_there():
    geom = MicroGeometry(CellPopulation([[0.0, 0.0, 0.0], [30.0, 0.0, 0.0]], 5.0, 3.0))
    p = np.array([[0.5, 0.0, 0.0]])
    d = np.array([[0.0, 1.0, 0.0]])
    hits, z, _ref_h, ref_z, _ = _walk(geom, p, d, np.array([6.0]), recoil=np.array([0.1]))
    assert hits.tolist() == [1, 0]
    gy = MEV_TO_J / geom.nucleus_mass_kg()[0]
    assert z[0] == pytest.approx(ref_z[0] + 0.1 * gy)


def test_positions_lie_in_their_compartments(vessel):
    rng = np.random.default_rng(0)
    cap = vessel.capillaries[0]
    for comp, check in [
        ("endothelial_surface", lambda r: np.allclose(r, 3.0)),
        ("lumen", lambda r: np.all(r <= 3.0)),
        ("endothelium", lambda r: np.all((r >= 3.0 - 1e-9) & (r <= 3.5 + 1e-9))),
    ]:
        pos, cell = sources._positions(vessel, Source(comp, alpha_energy_MeV=5.0), 2000, rng)
        assert check(cap.distance_to_axis_um(pos)), comp
        assert np.all((pos[:, 2] >= 0) & (pos[:, 2] <= 80.0)) and np.all(cell == -1)
    for comp, lo, hi in [("nucleus", 0, 3), ("cytoplasm", 3, 5), ("cell_surface", 5, 5), ("cell", 0, 5)]:
        src = Source(comp, alpha_energy_MeV=5.0, cells=[2, 7])
        pos, cell = sources._positions(vessel, src, 2000, rng)
        assert set(np.unique(cell).tolist()) == {2, 7}
        r = np.linalg.norm(pos - vessel.centres_um[cell], axis=1)
        assert np.all((r >= lo - 1e-9) & (r <= hi + 1e-9)), comp
    pos, cell = sources._positions(vessel, Source("tissue", alpha_energy_MeV=5.0), 5000, rng)
    lo_b, hi_b = vessel.box_um
    assert np.all((pos >= lo_b) & (pos <= hi_b))
    inside = (cap.distance_to_axis_um(pos) < 3.0) & (pos[:, 2] >= 0) & (pos[:, 2] <= 80)
    assert not inside.any()


def test_uniform_volume_sampling_has_the_right_radial_distribution():
    """Uniform in a sphere: P(r < R/2) = 1/8; uniform on a lumen: P(ρ < r/2) = 1/4."""
    geom = MicroGeometry(
        CellPopulation([[0.0, 0.0, 0.0]], 5.0, 4.0), (Capillary([20, 0, 0], [20, 0, 50], 4.0, 0.5),)
    )
    rng = np.random.default_rng(3)
    pos, _ = sources._positions(geom, Source("nucleus", alpha_energy_MeV=5.0), 40_000, rng)
    frac = np.mean(np.linalg.norm(pos, axis=1) < 2.0)
    assert frac == pytest.approx(1 / 8, abs=4 * math.sqrt(0.125 * 0.875 / 40_000))
    pos, _ = sources._positions(geom, Source("lumen", alpha_energy_MeV=5.0), 40_000, rng)
    frac = np.mean(geom.capillaries[0].distance_to_axis_um(pos) < 2.0)
    assert frac == pytest.approx(1 / 4, abs=4 * math.sqrt(0.25 * 0.75 / 40_000))


def test_chain_sampling_branching_and_retention():
    """Pb-212 chain: one α per decay, 35.94 % from Bi-212 (6.05/6.09 MeV), 64.06 % from Po-212
    (8.785 MeV), ICRP-107; retaining 64 % of Bi-212 keeps 64 % of the α."""
    prog = sources._program(Source("cell", nuclide="Pb-212"))
    idx, e, rec = sources._sample_alphas(prog, 200_000, np.random.default_rng(0))
    assert idx.size == 200_000
    assert np.mean(e > 8.0) == pytest.approx(0.6406, abs=0.004)
    # 0.3594 × 6.05 + 0.6406 × 8.785 = 7.80 MeV per decay (ICRP 107)
    assert e.mean() == pytest.approx(7.80, abs=0.01)
    # recoil: E_R = E_α·4.0015/(A−4): 8.785 MeV → 0.169 MeV on Pb-208
    assert rec[e > 8.0][0] == pytest.approx(8.78508 * 4.001506 / 208, rel=1e-9)
    prog = sources._program(Source("cell", nuclide="Pb-212", retained={"Bi-212": 0.64}))
    idx, e, _ = sources._sample_alphas(prog, 200_000, np.random.default_rng(0))
    assert idx.size / 200_000 == pytest.approx(0.64, abs=0.004)
    assert sources._reach_probability(prog)[:4] == pytest.approx([1.0, 0.64, 0.64 * 0.6406, 0.64 * 0.3594])
    prog = sources._program(Source("cell", nuclide="Ac-225"))
    idx, e, _ = sources._sample_alphas(prog, 20_000, np.random.default_rng(0))
    assert idx.size == pytest.approx(4 * 20_000, rel=0.002)  # Ac-225: four α per decay
    prog = sources._program(Source("cell", nuclide="Bi-212", chain=False, recoil=False))
    idx, e, rec = sources._sample_alphas(prog, 100_000, np.random.default_rng(0))
    assert idx.size / 100_000 == pytest.approx(0.3594, abs=0.006) and np.all(rec == 0)


def test_same_seed_same_result_for_any_worker_count(vessel):
    """Reproducibility: chunks are fixed by the problem, so 1 and 2 workers give identical arrays."""
    src = [Source("endothelial_surface", nuclide="Pb-212"), Source("tissue", nuclide="Bi-212", weight=0.36)]
    r1 = simulate(vessel, src, n_decays=80_000, seed=42, workers=1)
    r2 = simulate(vessel, src, n_decays=80_000, seed=42, workers=2)
    assert r1.n_chunks > 2
    np.testing.assert_array_equal(r1.hits, r2.hits)
    np.testing.assert_array_equal(r1.z_Gy, r2.z_Gy)
    np.testing.assert_array_equal(r1.single_event_counts, r2.single_event_counts)
    assert r1.single_event_mean_Gy == r2.single_event_mean_Gy
    r3 = simulate(vessel, src, n_decays=80_000, seed=43, workers=2)
    assert not np.array_equal(r1.z_Gy, r3.z_Gy)


def test_result_tallies_spectra_and_summary(vessel):
    r = simulate(
        vessel, Source("endothelial_surface", nuclide="Pb-212"), n_decays=20_000, seed=1, progress=True
    )
    assert r.n_decays == (20_000,) and r.n_tracks == 20_000
    assert r.hits.sum() == r.n_events
    assert r.single_event_counts.sum() + r.single_event_underflow + r.single_event_overflow == r.n_events
    _zc, f = r.single_event_spectrum()
    assert np.sum(f * np.diff(r.single_event_edges_Gy)) == pytest.approx(
        1.0 - r.single_event_underflow / r.n_events
    )
    zpe = r.z_per_event_Gy
    assert np.all(np.isnan(zpe[r.hits == 0])) and np.all(zpe[r.hits > 0] > 0)
    _edges, frac, f0 = r.multi_event_spectrum(20)
    assert frac.sum() + f0 == pytest.approx(1.0)
    assert f0 == r.fraction_unhit
    edges2, frac2, _ = r.multi_event_spectrum(np.linspace(0, 100, 5))
    assert edges2.size == 5 and frac2.size == 4
    bands = r.by_distance([0, 10, 20, 40])
    assert sum(b["n_nuclei"] for b in bands) == r.n_nuclei
    assert bands[0]["mean_z_Gy"] > bands[-1]["mean_z_Gy"]
    s = r.summary()
    json.dumps(s)
    assert s["electrons_included"] is True and "vascular" in s["notes"][-1]
    mono = simulate(
        vessel, Source("endothelial_surface", alpha_energy_MeV=6.0), n_decays=10, seed=1
    ).summary()
    assert mono["electrons_included"] is False and "NOT included" in mono["notes"][-1]
    with pytest.raises(ValueError):
        r.z_Gy[0] = 1.0  # frozen arrays


def test_time_integrated_activity_gives_poisson_number_of_decays(vessel):
    src = Source("lumen", alpha_energy_MeV=6.0)
    counts = [simulate(vessel, src, tia_Bq_s=400.0, seed=s).n_decays[0] for s in range(40)]
    assert np.mean(counts) == pytest.approx(400, abs=4 * math.sqrt(400 / 40))
    assert len(set(counts)) > 5
    empty = simulate(vessel, src, n_decays=0, seed=0)
    assert empty.n_tracks == 0 and empty.z_Gy.sum() == 0 and empty.fraction_unhit == 1.0
    assert empty.single_event_mean_Gy == 0.0


def test_weights_split_decays():
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    r = simulate(g, [Source("cell", alpha_energy_MeV=5.0), Source("cell", alpha_energy_MeV=5.0, weight=0.25)],
                 n_decays=1000, seed=0)  # fmt: skip
    assert r.n_decays == (1000, 250)
    assert len(r.source_labels) == 2


def test_electron_self_dose_from_cellular_s_values():
    """Low-LET self-dose = decays in the cell × S(N ← Cy) without the α classes (cellular module)."""
    from brainrit.dosimetry.cellular import s_value

    g = MicroGeometry(CellPopulation([[0.0, 0.0, 0.0], [40.0, 0.0, 0.0]], 5.0, 3.0))
    r = simulate(g, Source("cytoplasm", nuclide="Pb-212", cells=[0]), n_decays=1000, seed=2)
    sv = s_value("Pb-212", "N", "Cy", 5.0, 3.0, by_class=True)
    s_low = sum(v for k, v in sv.items() if k not in ("alpha", "alpha_recoil"))
    assert r.electrons_included
    assert r.low_let_dose_Gy[0] == pytest.approx(1000 * s_low, rel=1e-9)
    # cross-dose to the unlabelled cell 40 µm away (cellular.cross_s_value, table interpolated: 0.1 %)
    from brainrit.dosimetry.cellular import cross_s_value

    cross = cross_s_value("Pb-212", "N", "Cy", 40.0, cell_radius_um=5.0, nucleus_radius_um=3.0, by_class=True)
    c_low = sum(v for k, v in cross.items() if k not in ("alpha", "alpha_recoil"))
    assert r.low_let_dose_Gy[1] == pytest.approx(1000 * c_low, rel=1e-3)
    assert any("cross-dose" in note for note in r.notes)
    mixed = MicroGeometry(CellPopulation([[0.0, 0.0, 0.0], [40.0, 0.0, 0.0]], [5.0, 6.0], 3.0))
    rm = simulate(mixed, Source("cytoplasm", nuclide="Pb-212", cells=[0]), n_decays=1000, seed=2)
    assert rm.low_let_dose_Gy[1] == 0.0 and any("one size" in note for note in rm.notes)
    r2 = simulate(g, Source("cytoplasm", nuclide="Pb-212"), n_decays=100, seed=2, electron_dose=False)
    assert not r2.electrons_included and np.all(r2.low_let_dose_Gy == 0)
    r3 = simulate(g, Source("cytoplasm", nuclide="Pb-212"), n_decays=100, seed=2, low_let_dose_Gy=[1.0, 2.0])
    assert r3.electrons_included and r3.low_let_dose_Gy.tolist() == [1.0, 2.0]


def test_survival_and_tcp():
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    r = simulate(g, Source("nucleus", alpha_energy_MeV=6.0), n_decays=40, seed=3, low_let_dose_Gy=2.0)
    s = r.survival(z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0)
    expected = np.exp(-r.z_Gy / 0.5 - 0.3 * 2.0 - 0.03 * 4.0)
    np.testing.assert_allclose(s, expected, rtol=1e-12)
    assert r.surviving_fraction(z0_Gy=0.5) == pytest.approx(np.mean(expected))
    assert r.tcp(z0_Gy=0.5) == pytest.approx(np.prod(1 - expected), rel=1e-9)
    mask = np.array([True, False] * 4)
    assert r.tcp(clonogenic=mask) == pytest.approx(np.prod(1 - r.survival()[mask]), rel=1e-9)
    # G = 0 removes the quadratic term
    np.testing.assert_allclose(r.survival(g_low_let=0.0), np.exp(-r.z_Gy / 0.5 - 0.3 * 2.0))
    unhit = simulate(g, Source("nucleus", alpha_energy_MeV=6.0), n_decays=0, seed=0)
    assert unhit.tcp() == 0.0 and unhit.surviving_fraction() == 1.0


def test_tcp_distribution_is_reproducible():
    g = MicroGeometry(cubic_lattice(3, 5.0, 3.0))
    src = Source("cell_surface", alpha_energy_MeV=6.0)
    a = tcp_distribution(g, src, n_realisations=4, n_decays=150, seed=9, z0_Gy=0.4)
    b = tcp_distribution(g, src, n_realisations=4, n_decays=150, seed=9, z0_Gy=0.4)
    np.testing.assert_array_equal(a.tcp, b.tcp)
    assert a.tcp.size == 4 and a.sd >= 0 and 0 <= a.mean <= 1
    assert np.all((a.fraction_unhit >= 0) & (a.fraction_unhit <= 1))
    assert tcp_distribution(g, src, n_realisations=1, n_decays=10, seed=1).sd == 0.0


def test_geometry_defaults_and_helpers(vessel):
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    assert g.box_um.tolist() == [[-10.0] * 3, [10.0] * 3]
    assert np.all(np.isinf(g.distance_to_nearest_capillary_um()))
    assert g.nucleus_mass_kg()[0] == pytest.approx(1e-15 * 4 / 3 * math.pi * 27)
    assert MicroGeometry(g.cells, density_g_cm3=1.04).resolved_density_g_cm3() == 1.04
    d = vessel.distance_to_nearest_capillary_um()
    np.testing.assert_allclose(d, vessel.capillaries[0].distance_to_segment_um(vessel.centres_um))
    # a CellPopulation can be passed straight to simulate
    r = simulate(g.cells, Source("cell", alpha_energy_MeV=5.0), n_decays=10, seed=0)
    assert r.n_nuclei == 8


def test_constant_let_range_table_override():
    """A stand-in table E = L·R: a track through the centre of an isolated nucleus deposits L·d."""
    e = np.array([0.0, 50.0])
    table = RangeTable(e, e / 0.1, "water", 1.0, "alpha", 0.0)  # 100 keV/µm, range 500 µm
    g = MicroGeometry(CellPopulation([[0.0, 0.0, 0.0]], 5.0, 4.0), box_um=[[-60.0] * 3, [60.0] * 3])
    r = simulate(g, Source("tissue", alpha_energy_MeV=50.0), n_decays=20_000, seed=1, range_table=table)
    zmax = 0.1 * 8.0 * MEV_TO_J / g.nucleus_mass_kg()[0]
    assert r.n_events > 0 and r.z_per_event_Gy[0] <= zmax * (1 + 1e-9)


# ------------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"compartment": "blood"}, "compartment"),
        ({"compartment": "cell"}, "nuclide / alpha_energy_MeV"),
        ({"compartment": "cell", "nuclide": "Pb-212", "alpha_energy_MeV": 5.0}, "nuclide / alpha_energy_MeV"),
        ({"compartment": "cell", "alpha_energy_MeV": -1.0}, "alpha_energy_MeV"),
        ({"compartment": "cell", "alpha_energy_MeV": 500.0}, "alpha_energy_MeV"),
        ({"compartment": "cell", "nuclide": 212}, "nuclide"),
        ({"compartment": "cell", "alpha_energy_MeV": 5.0, "weight": -1}, "weight"),
        ({"compartment": "cell", "alpha_energy_MeV": 5.0, "retained": {"Bi-212": 1.5}}, "retained['Bi-212']"),
        ({"compartment": "cell", "alpha_energy_MeV": 5.0, "retained": [1]}, "retained"),
        ({"compartment": "lumen", "alpha_energy_MeV": 5.0, "cells": [0]}, "cells"),
        ({"compartment": "cell", "alpha_energy_MeV": 5.0, "cells": [0.5]}, "cells"),
        ({"compartment": "cell", "alpha_energy_MeV": 5.0, "cells": []}, "cells"),
    ],
)
def test_source_errors(kwargs, field):
    with pytest.raises(InputError) as exc:
        Source(**kwargs)
    assert exc.value.field == field


def test_unknown_nuclide_and_chain_member():
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    with pytest.raises(InputError, match="nuclide"):
        simulate(g, Source("cell", nuclide="Xx-999"), n_decays=1, seed=0)
    with pytest.raises(InputError, match="retained"):
        simulate(g, Source("cell", nuclide="Pb-212", retained={"Po-210": 0.5}), n_decays=1, seed=0)


def test_geometry_errors():
    cells = cubic_lattice(2, 5.0, 3.0)
    with pytest.raises(InputError, match="cells"):
        MicroGeometry("not cells")
    with pytest.raises(InputError, match="capillaries"):
        MicroGeometry(cells, ("pipe",))
    with pytest.raises(InputError, match="box_um"):
        MicroGeometry(cells, box_um=[[0, 0, 0], [0, 1, 1]])
    with pytest.raises(InputError, match="material"):
        MicroGeometry(cells, material="lead")
    with pytest.raises(InputError, match="material"):
        MicroGeometry(cells, material="bone")  # photon data only, no α range table
    with pytest.raises(InputError, match="density_g_cm3"):
        MicroGeometry(cells, density_g_cm3=0)
    with pytest.raises(InputError, match="grid_bin_um"):
        MicroGeometry(cells, grid_bin_um=-1)

    class Bad:
        centres_um = np.array([[0.0, 0.0, np.nan]])
        cell_radius_um = np.array([5.0])
        nucleus_radius_um = np.array([3.0])

    with pytest.raises(InputError, match="centres_um"):
        MicroGeometry(Bad())
    Bad.centres_um = np.zeros((2, 3))
    with pytest.raises(InputError, match="cells"):
        MicroGeometry(Bad())


def test_simulate_errors(vessel):
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    src = Source("cell", alpha_energy_MeV=5.0)
    bad = [
        ({"sources": []}, "sources"),
        ({"sources": ["x"]}, "sources"),
        ({"sources": Source("lumen", alpha_energy_MeV=5.0)}, "sources[0].compartment"),
        ({"sources": Source("cell", alpha_energy_MeV=5.0, cells=[9])}, "sources[0].cells"),
        ({"n_decays": None}, "n_decays / tia_Bq_s"),
        ({"tia_Bq_s": 5.0}, "n_decays / tia_Bq_s"),
        ({"n_decays": -1}, "n_decays"),
        ({"n_decays": 1.5}, "n_decays"),
        ({"n_decays": True}, "n_decays"),
        ({"n_decays": None, "tia_Bq_s": -1.0}, "tia_Bq_s"),
        ({"n_decays": None, "tia_Bq_s": 1e12}, "tia_Bq_s"),
        ({"seed": -1}, "seed"),
        ({"seed": "a"}, "seed"),
        ({"workers": 0}, "workers"),
        ({"low_let_dose_Gy": [1.0, 2.0]}, "low_let_dose_Gy"),
        ({"low_let_dose_Gy": -1.0}, "low_let_dose_Gy"),
        ({"range_table": "astar"}, "range_table"),
        ({"range_table": RangeTable(np.array([0.0, 1.0]), np.array([1.0, 0.5]))}, "range_table"),
    ]
    for kw, field in bad:
        args = {"sources": src, "n_decays": 10, "seed": 0} | kw
        with pytest.raises(InputError) as exc:
            simulate(g, **args)
        assert exc.value.field == field, kw
    no_wall = MicroGeometry(vessel.cells, (Capillary([0, 0, 0], [0, 0, 80], 3.0, 0.0),))
    with pytest.raises(InputError, match="wall_thickness_um"):
        simulate(no_wall, Source("endothelium", alpha_energy_MeV=5.0), n_decays=1, seed=0)


def test_result_method_errors():
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    r = simulate(g, Source("cell", alpha_energy_MeV=5.0), n_decays=10, seed=0)
    for kw, field in [
        ({"z0_Gy": 0}, "z0_Gy"),
        ({"alpha_per_Gy": -1}, "alpha_per_Gy"),
        ({"alpha_beta_Gy": 0}, "alpha_beta_Gy"),
        ({"g_low_let": 2}, "g_low_let"),
    ]:
        with pytest.raises(InputError) as exc:
            r.survival(**kw)
        assert exc.value.field == field
    with pytest.raises(InputError, match="clonogenic"):
        r.tcp(clonogenic=np.ones(3, bool))
    with pytest.raises(InputError, match="band_edges_um"):
        r.by_distance([10, 5])
    with pytest.raises(InputError, match="n_realisations"):
        tcp_distribution(g, Source("cell", alpha_energy_MeV=5.0), n_realisations=0, n_decays=1, seed=0)


def test_activity_response_and_distance_histograms(vessel):
    src = Source("endothelial_surface", alpha_energy_MeV=8.78)
    rows = md.activity_response(
        vessel, src, decays_per_MBq=2000.0, activities_MBq=[0.0, 1.0, 5.0], seed=3, band_edges_um=[0, 15, 40]
    )
    assert [r["activity_MBq"] for r in rows] == [0.0, 1.0, 5.0]
    assert rows[0]["n_decays"] == 0 and rows[0]["fraction_unhit"] == 1.0 and rows[0]["tcp"] == 0.0
    assert rows[2]["mean_z_Gy"] > rows[1]["mean_z_Gy"] > 0
    assert rows[2]["fraction_unhit"] <= rows[1]["fraction_unhit"]
    assert len(rows[1]["bands"]) == 2
    again = md.activity_response(vessel, src, decays_per_MBq=2000.0, activities_MBq=[0.0, 1.0, 5.0], seed=3)
    assert [r["mean_z_Gy"] for r in again] == [r["mean_z_Gy"] for r in rows]
    low = md.activity_response(
        vessel, src, decays_per_MBq=10.0, activities_MBq=[2.0], seed=0, low_let_dose_Gy_per_MBq=0.5
    )
    assert low[0]["mean_low_let_dose_Gy"] == pytest.approx(1.0) and low[0]["electrons_included"]
    r = simulate(vessel, src, n_decays=3000, seed=1)
    bands = r.by_distance([0, 15, 40], z_bins_Gy=[0.0, 1.0, 10.0, 1000.0])
    for b in bands:
        assert sum(b["z_histogram"]) == pytest.approx(1.0)
    assert r.single_event_laplace(1e9) == pytest.approx(1.0)
    assert 0 < r.single_event_laplace(0.5) < 1
    assert simulate(vessel, src, n_decays=0, seed=1).single_event_laplace(0.5) == 1.0
    for kw, field in [
        ({"decays_per_MBq": -1.0}, "decays_per_MBq"),
        ({"activities_MBq": []}, "activities_MBq"),
        ({"activities_MBq": [-1.0]}, "activities_MBq[0]"),
        ({"low_let_dose_Gy_per_MBq": -1.0}, "low_let_dose_Gy_per_MBq"),
    ]:
        args = {"decays_per_MBq": 1.0, "activities_MBq": [1.0], "seed": 0} | kw
        with pytest.raises(InputError) as exc:
            md.activity_response(vessel, src, **args)
        assert exc.value.field == field
    with pytest.raises(InputError, match="z_bins_Gy"):
        r.by_distance([0, 10], z_bins_Gy=[1.0])
    with pytest.raises(InputError, match="z0_Gy"):
        r.single_event_laplace(0.0)


def test_overlapping_nuclei_are_reported_and_tissue_box_inside_lumen_fails():
    cells = CellPopulation([[0.0, 0.0, 0.0], [5.0, 0.0, 0.0]], [5.0, 5.0], [3.0, 3.0])
    g = MicroGeometry(cells)
    assert g.overlapping_nuclei() == 1
    r = simulate(g, Source("cell", alpha_energy_MeV=5.0), n_decays=10, seed=0)
    assert any("overlap" in note for note in r.notes)
    assert MicroGeometry(cubic_lattice(2, 5.0, 3.0)).overlapping_nuclei() == 0
    assert MicroGeometry(CellPopulation([[0.0, 0.0, 0.0]], 5.0, 3.0)).overlapping_nuclei() == 0
    cap = Capillary([0.0, 0.0, -100.0], [0.0, 0.0, 100.0], 50.0, 0.5)
    g = MicroGeometry(cells, (cap,), box_um=[[-1.0] * 3, [1.0] * 3])
    with pytest.raises(InputError, match="box_um"):
        simulate(g, Source("tissue", alpha_energy_MeV=5.0), n_decays=10, seed=0)


def test_electron_dose_from_capillary_sources_matches_vascular_module(vessel):
    """Low-LET dose of capillary sources = decays per µm × vascular.dose_at_points (electron + photon),
    chain members weighted by their decays at the site (here all retained: the equilibrium chain)."""
    from brainrit.dosimetry.vascular import dose_at_points

    r = simulate(vessel, Source("lumen", nuclide="Pb-212"), n_decays=500, seed=0)
    ref = dose_at_points(
        "Pb-212", vessel.centres_um, vessel.capillaries, source="lumen", nucleus_radius_um=3.0
    )
    g = ref.by_group()
    np.testing.assert_allclose(r.low_let_dose_Gy, 500 / 80.0 * (g["electron"] + g["photon"]), rtol=1e-9)
    t = simulate(vessel, Source("tissue", nuclide="Bi-212"), n_decays=10, seed=0)
    assert not t.electrons_included and any("tissue" in note for note in t.notes)
    mixed = MicroGeometry(CellPopulation(vessel.centres_um[:3], 5.0, [3.0, 2.0, 3.0]), vessel.capillaries)
    m = simulate(mixed, Source("endothelial_surface", nuclide="Pb-212"), n_decays=10, seed=0)
    assert not m.electrons_included and any("one nucleus radius" in note for note in m.notes)


def test_per_nucleus_second_moment():
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0))
    r = simulate(g, Source("cell", alpha_energy_MeV=6.0), n_decays=3000, seed=1)
    assert r.z2_event_sum_Gy2.sum() == pytest.approx(
        r.n_events * (r.single_event_var_Gy2 + r.single_event_mean_Gy**2)
    )
    hit = r.hits > 0
    # Σz² ≥ (Σz)²/n (Cauchy–Schwarz) for every nucleus
    assert np.all(r.z2_event_sum_Gy2[hit] >= r.z_Gy[hit] ** 2 / r.hits[hit] * (1 - 1e-12))


def test_brain_material_uses_its_density():
    g = MicroGeometry(cubic_lattice(2, 5.0, 3.0), material="brain")
    assert g.resolved_density_g_cm3() == pytest.approx(1.04)
    r = simulate(g, Source("nucleus", alpha_energy_MeV=5.0), n_decays=100, seed=0)
    assert r.nucleus_mass_kg[0] == pytest.approx(1.04e-15 * 4 / 3 * math.pi * 27)


def test_repeated_runs_reuse_cached_work_without_changing_results(vessel):
    """activity_response / tcp_distribution prepare programs, grid and electron doses once: same numbers as
    separate simulate() calls with the documented child seeds."""
    src = [Source("endothelial_surface", nuclide="Pb-212"), Source("cell", nuclide="Bi-212", weight=0.1)]
    rows = md.activity_response(vessel, src, decays_per_MBq=3000.0, activities_MBq=[1.0, 2.0], seed=5)
    for row, s, a in zip(rows, response._child_seeds(5, 2), [1.0, 2.0], strict=True):
        r = simulate(vessel, src, tia_Bq_s=3000.0 * a, seed=s)
        assert row["mean_z_Gy"] == r.mean_z_Gy and row["tcp"] == r.tcp()
        assert row["mean_low_let_dose_Gy"] == pytest.approx(r.low_let_dose_Gy.mean(), rel=1e-12)
    # the analytic tables are cached per prepared problem, keyed by that problem's own sources
    prob = engine._prepare(vessel, src, None)
    engine._simulate(prob, n_decays=None, tia_Bq_s=3000.0, seed=1)
    assert set(prob.low_let_tables) == {("vascular", 0), ("self", 1), ("cross", 1)}
    swapped = engine._prepare(vessel, src[::-1], None)  # same positions, other sources: no stale table
    r_swapped = engine._simulate(swapped, n_decays=None, tia_Bq_s=3000.0, seed=1)
    r_fresh = simulate(vessel, src[::-1], tia_Bq_s=3000.0, seed=1)
    np.testing.assert_array_equal(r_swapped.low_let_dose_Gy, r_fresh.low_let_dose_Gy)


def test_user_cell_list_from_csv(tmp_path):
    from brainrit.dosimetry.geometry import cells_from_csv

    path = tmp_path / "cells.csv"
    path.write_text("x_um,y_um,z_um,cell_radius_um,nucleus_radius_um\n0,0,0,5,3\n11,0,0,5,2.5\n0,14,0,6,4\n")
    g = MicroGeometry(cells_from_csv(path))
    r = simulate(g, Source("cell_surface", alpha_energy_MeV=7.0, cells=[0]), n_decays=5000, seed=3)
    assert r.n_nuclei == 3 and r.hits[0] > 0 and r.hits[1] > 0
    np.testing.assert_allclose(r.nucleus_mass_kg, 1e-15 * 4 / 3 * np.pi * np.array([3.0, 2.5, 4.0]) ** 3)
