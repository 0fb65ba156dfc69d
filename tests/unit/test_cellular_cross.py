"""Unit tests for cellular cross-dose and multicellular clusters."""

from __future__ import annotations

import numpy as np
import pytest

from brainrit.dosimetry import cellular as cel
from brainrit.dosimetry import geometry as geo
from brainrit.errors import InputError


def test_cross_dose_falls_with_distance_and_vanishes_beyond_alpha_range():
    d = np.array([10.0, 20.0, 40.0, 80.0, 120.0])
    s = cel.cross_s_value_monoenergetic("alpha", 5.0, "N", "C", d, cell_radius_um=5.0, nucleus_radius_um=3.0)
    assert np.all(np.diff(s) <= 0)
    assert s[-1] == 0.0  # 5 MeV α range 36 µm + radii < 120 µm
    assert s[0] > 0


def test_cross_dose_by_class_and_shapes():
    tab = cel.cross_s_values("Pb-212", 15.0, 5.0, 3.0)
    assert tab["total"].shape == (3, 4)
    total = sum(v for k, v in tab.items() if k != "total")
    assert np.allclose(total, tab["total"])
    by = cel.cross_s_value(
        "Pb-212", "N", "CS", 15.0, cell_radius_um=5.0, nucleus_radius_um=3.0, by_class=True
    )
    assert by["alpha"] > by["beta_minus"] > 0
    # a larger source cell at the same centre distance changes the result
    big = cel.cross_s_value(
        "Pb-212",
        "N",
        "C",
        15.0,
        cell_radius_um=5.0,
        nucleus_radius_um=3.0,
        source_cell_radius_um=8.0,
        source_nucleus_radius_um=4.0,
    )
    assert big != pytest.approx(
        cel.cross_s_value("Pb-212", "N", "C", 15.0, cell_radius_um=5.0, nucleus_radius_um=3.0)
    )


def test_cross_dose_errors():
    with pytest.raises(InputError, match="distance_um"):
        cel.cross_s_value("Pb-212", "N", "C", 9.0, cell_radius_um=5.0, nucleus_radius_um=3.0)
    with pytest.raises(InputError, match="distance_um"):
        cel.cross_s_value("Pb-212", "N", "C", [20.0, -1.0], cell_radius_um=5.0, nucleus_radius_um=3.0)
    with pytest.raises(InputError, match="target"):
        cel.cross_s_value("Pb-212", "Q", "C", 20.0, cell_radius_um=5.0, nucleus_radius_um=3.0)
    with pytest.raises(InputError, match="nucleus_radius_um"):
        cel.cross_s_value("Pb-212", "N", "C", 20.0, cell_radius_um=5.0, nucleus_radius_um=6.0)
    with pytest.raises(InputError, match="energy_MeV"):
        cel.cross_s_value_monoenergetic(
            "alpha", -1.0, "N", "C", 20.0, cell_radius_um=5.0, nucleus_radius_um=3.0
        )


def test_cluster_self_plus_cross_and_labelling():
    pop = geo.cubic_lattice(3, 5.0, 3.0)
    one = cel.cluster_dose(pop, "At-211", source="N", labelled_fraction=1 / 27, seed=0)
    assert one.labelled.sum() == 1
    k = int(np.argmax(one.labelled))
    assert one.self_Gy[k] == pytest.approx(cel.s_value("At-211", "N", "N", 5.0, 3.0))
    assert np.all(one.self_Gy[~one.labelled] == 0)
    # cross-dose of a neighbour equals the two-cell cross S-value at the lattice spacing
    j = int(
        np.argmin(
            np.where(np.arange(27) == k, np.inf, np.linalg.norm(pop.centres_um - pop.centres_um[k], axis=1))
        )
    )
    d = float(np.linalg.norm(pop.centres_um[j] - pop.centres_um[k]))
    assert one.cross_Gy[j] == pytest.approx(
        cel.cross_s_value("At-211", "N", "N", d, cell_radius_um=5.0, nucleus_radius_um=3.0), rel=1e-3
    )
    assert np.allclose(one.nucleus_dose_Gy, one.self_Gy + one.cross_Gy)
    assert np.allclose(sum(one.by_class_Gy.values()), one.nucleus_dose_Gy)


def test_cluster_lognormal_mean_preserved_and_seeded():
    pop = geo.random_close_packing(200, 5.0, 3.0, 0.4, seed=1)
    a = cel.cluster_dose(pop, "Lu-177", lognormal_sigma=1.0, seed=3, tia_Bq_s=10.0)
    b = cel.cluster_dose(pop, "Lu-177", lognormal_sigma=1.0, seed=3, tia_Bq_s=10.0)
    assert np.array_equal(a.nucleus_dose_Gy, b.nucleus_dose_Gy)
    assert a.activity_Bq_s.mean() == pytest.approx(10.0, rel=0.2)
    s = a.summary()
    assert s["p05_Gy"] <= s["median_Gy"] <= s["p95_Gy"]
    assert 0 < s["self_fraction"] < 1


def test_cluster_errors():
    pop = geo.cubic_lattice(2, 5.0, 3.0)
    with pytest.raises(InputError, match="labelled_fraction"):
        cel.cluster_dose(pop, "Pb-212", labelled_fraction=1.5)
    with pytest.raises(InputError, match="lognormal_sigma"):
        cel.cluster_dose(pop, "Pb-212", lognormal_sigma=-1)
    with pytest.raises(InputError, match="population"):
        cel.cluster_dose("cells", "Pb-212")
    mixed = geo.CellPopulation([[0, 0, 0], [20, 0, 0]], [5.0, 6.0], 3.0)
    with pytest.raises(InputError, match="population"):
        cel.cluster_dose(mixed, "Pb-212")
    with pytest.raises(InputError, match="source"):
        cel.cluster_dose(pop, "Pb-212", source="blood")
