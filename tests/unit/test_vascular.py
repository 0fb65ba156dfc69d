"""Unit tests for brainrit.dosimetry.vascular."""

from __future__ import annotations

import numpy as np
import pytest

from brainrit.dosimetry import vascular as vas
from brainrit.dosimetry.geometry import Capillary, parallel_capillaries
from brainrit.errors import InputError


def test_profile_monotone_and_classes():
    r = np.linspace(7.0, 120.0, 50)
    p = vas.dose_profile("Pb-212", r, nucleus_radius_um=3.0)
    assert set(p.dose_per_decay_per_um_vessel_Gy) == set(vas.RADIATION_CLASSES)
    assert np.all(np.diff(p.total_Gy) <= 1e-15)
    g = p.by_group()
    assert g["alpha"][0] > 10 * g["electron"][0]
    assert g["alpha"][-1] == 0.0  # beyond the Po-212 α range + nucleus
    assert np.all(g["photon"] < 1e-2 * p.total_Gy[0])


def test_sources_lumen_vs_surface_and_wall():
    r = np.array([8.0, 20.0])
    s = vas.dose_profile("At-211", r, source="surface", nucleus_radius_um=3.0).total_Gy
    lum = vas.dose_profile("At-211", r, source="lumen", nucleus_radius_um=3.0).total_Gy
    wall = vas.dose_profile("At-211", r, source="wall", nucleus_radius_um=3.0).total_Gy
    assert np.all(lum < s) and np.all(s < wall)  # sources further from / closer to the target
    far = vas.dose_profile("At-211", [40.0], source="lumen", nucleus_radius_um=3.0).total_Gy
    near = vas.dose_profile("At-211", [40.0], source="surface", nucleus_radius_um=3.0).total_Gy
    assert far == pytest.approx(near, rel=0.05)  # far away the cross-section hardly matters


def test_dose_at_points_matches_profile_for_long_vessel():
    cap = Capillary([0, 0, -400.0], [0, 0, 400.0], 3.0, 0.4)
    pts = np.array([[10.0, 0, 0], [0, 30.0, 0], [-50.0, 0, 0]])
    a = vas.dose_at_points("Pb-212", pts, [cap], nucleus_radius_um=3.0).total_Gy
    b = vas.dose_profile("Pb-212", [10.0, 30.0, 50.0], nucleus_radius_um=3.0).total_Gy
    assert np.allclose(a, b, rtol=2e-3)


def test_short_segment_gives_less_than_long():
    short = Capillary([0, 0, -5.0], [0, 0, 5.0], 3.0, 0.4)
    long = Capillary([0, 0, -500.0], [0, 0, 500.0], 3.0, 0.4)
    a = vas.dose_at_points("Pb-212", [[20.0, 0, 0]], [short], nucleus_radius_um=3.0).total_Gy
    b = vas.dose_at_points("Pb-212", [[20.0, 0, 0]], [long], nucleus_radius_um=3.0).total_Gy
    assert 0 < a[0] < b[0]


def test_network_adds_cross_fire():
    single = vas.dose_profile("Pb-212", [15.0], nucleus_radius_um=3.0).total_Gy
    net = vas.dose_profile("Pb-212", [15.0], nucleus_radius_um=3.0, intercapillary_distance_um=40.0).total_Gy
    assert net[0] > single[0]
    caps = parallel_capillaries(9, 40.0, 800.0, 3.0, 0.4)
    pts = [[15.0, 0.0, 0.0]]
    nine = vas.dose_at_points("Pb-212", pts, caps, nucleus_radius_um=3.0).total_Gy
    assert single[0] < nine[0] <= net[0] * 1.001


def test_shell_mean_and_tissue():
    m = vas.shell_mean_dose(lambda r: vas.dose_profile("Pb-212", r, nucleus_radius_um=3.0), 6.4, 25.0)
    lo = vas.dose_profile("Pb-212", [25.0], nucleus_radius_um=3.0).total_Gy[0]
    hi = vas.dose_profile("Pb-212", [6.4], nucleus_radius_um=3.0).total_Gy[0]
    assert lo < sum(m.values()) < hi
    t = vas.tissue_dose_per_decay_per_um3_Gy("Pb-212")
    assert t["alpha"] > t["beta_minus"] > t["gamma"] > 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: vas.dose_profile("Pb-212", [5.0], nucleus_radius_um=3.0), "distances_um"),
        (lambda: vas.dose_profile("Pb-212", [10.0], source="blood"), "source"),
        (lambda: vas.dose_profile("Pb-212", [10.0], lumen_radius_um=0), "lumen_radius_um"),
        (lambda: vas.dose_profile("Pb-212", [10.0], wall_thickness_um=-1), "wall_thickness_um"),
        (lambda: vas.dose_profile("Pb-212", [10.0], nucleus_radius_um=0), "nucleus_radius_um"),
        (lambda: vas.dose_profile("Pb-212", [30.0], intercapillary_distance_um=40.0), "distances_um"),
        (lambda: vas.dose_profile("Pb-212", [10.0], intercapillary_distance_um=10.0), "intercapillary"),
        (lambda: vas.dose_profile("Pb-212", [[10.0]]), "distances_um"),
        (
            lambda: vas.dose_at_points("Pb-212", [[1.0, 0, 0]], [Capillary([0, 0, 0], [0, 0, 9], 3, 0.4)]),
            "points_um",
        ),
        (
            lambda: vas.dose_at_points("Pb-212", [[10.0, 0]], [Capillary([0, 0, 0], [0, 0, 9], 3, 0.4)]),
            "points_um",
        ),
        (lambda: vas.dose_at_points("Pb-212", [[10.0, 0, 0]], []), "capillaries"),
        (lambda: vas.shell_mean_dose(lambda r: r, 10.0, 5.0), "r_outer_um"),
    ],
)
def test_errors(call, field):
    with pytest.raises(InputError, match=field):
        call()


def test_population_dose_in_cuff_and_random_network():
    from brainrit.dosimetry.geometry import perivascular_cells, random_capillaries

    cap = Capillary([0, 0, -80.0], [0, 0, 80.0], 3.0, 0.4)
    pop = perivascular_cells(
        cap, cuff_thickness_um=25.0, cell_radius_um=5.0, nucleus_radius_um=3.0, packing_fraction=0.35, seed=2
    )
    d = vas.population_dose("Pb-212", pop, [cap])
    assert d.total_Gy.shape == (pop.n_cells,)
    near = d.distance_um < np.median(d.distance_um)
    assert d.total_Gy[near].mean() > d.total_Gy[~near].mean()
    net = random_capillaries(6, 150.0, length_um=60.0, lumen_radius_um=3.0, wall_thickness_um=0.4, seed=4)
    pts = np.array([[100.0, 100.0, 100.0], [300.0, 0.0, 0.0]])
    r = vas.dose_at_points("Y-90", pts, net, nucleus_radius_um=3.0)
    assert np.all(r.total_Gy >= 0) and r.total_Gy[0] > r.total_Gy[1]
    with pytest.raises(InputError, match="population"):
        vas.population_dose("Pb-212", "cells", [cap])
