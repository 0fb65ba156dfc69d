"""Unit tests for brainrit.dosimetry.cellular (self-cell S-values)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.dosimetry import cellular as cel
from brainrit.dosimetry.cellular import _psi
from brainrit.dosimetry.cellular import _sources as src
from brainrit.errors import InputError


@given(a=st.floats(0.5, 20), b=st.floats(0.5, 20), x=st.floats(0.01, 45))
def test_ball_psi_derivative_matches_finite_difference(a, b, x):
    h = 1e-5 * max(a, b)
    fd = (_psi.psi_ball(x + h, a, b) - _psi.psi_ball(x - h, a, b)) / (2 * h)
    kinks = [abs(a - b), a + b]
    if min(abs(x - k) for k in kinks) > 10 * h and x > 10 * h:
        assert _psi.dpsi_ball(x, a, b) == pytest.approx(fd, rel=1e-4, abs=1e-6 / max(a, b))


@given(a=st.floats(0.5, 20), b=st.floats(0.5, 20), x=st.floats(0.01, 45))
def test_point_pair_symmetry_of_ball_psi(a, b, x):
    """V_a ψ_{b←a}(x) = V_b ψ_{a←b}(x): the point-pair distance density is symmetric."""
    lhs = a**3 * _psi.psi_ball(x, a, b)
    rhs = b**3 * _psi.psi_ball(x, b, a)
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-12 * max(a, b) ** 3)


def test_ball_psi_closed_form_self():
    """Uniform ball on itself: ψ(x) = 1 − 3x/(4a) + x³/(16a³) for x <= 2a (Berger 1971, MIRD Pamphlet 7)."""
    a = 3.0
    for x in (0.1, 1.0, 3.0, 5.9):
        assert _psi.psi_ball(x, a, a) == pytest.approx(1 - 3 * x / (4 * a) + x**3 / (16 * a**3), rel=1e-12)


@given(s=st.floats(0.1, 30), b=st.floats(0.5, 10), x1=st.floats(0.0, 40), dx=st.floats(0.01, 20))
def test_frac_integral_matches_quadrature(s, b, x1, dx):
    from scipy.integrate import quad

    x2 = x1 + dx
    pts = [p for p in (abs(s - b), s + b, b - s) if x1 < p < x2]
    ref, _ = quad(lambda x: _psi.frac_in_ball(s, x, b), x1, x2, points=pts or None, limit=200)
    assert _psi.frac_integral(s, x1, x2, b) == pytest.approx(ref, rel=1e-6, abs=1e-8)


def test_s_value_matches_table_and_aliases():
    t = cel.s_values_monoenergetic("alpha", 6.0, 8.0, 4.0)
    assert cel.s_value_monoenergetic(
        "alpha", 6.0, "nucleus", "cell_surface", cell_radius_um=8.0, nucleus_radius_um=4.0
    ) == t.get("N", "CS")
    assert t.values_Gy_per_Bq_s.shape == (3, 4)


def test_nuclide_by_class_sums_to_total_and_photons_negligible():
    tot = cel.s_value("Pb-212", "N", "CS", 6.0, 4.0)
    by = cel.s_value("Pb-212", "N", "CS", 6.0, 4.0, by_class=True)
    assert set(by) == set(cel.RADIATION_CLASSES)
    assert sum(by.values()) == pytest.approx(tot, rel=1e-12)
    photons = by["gamma"] + by["xray"] + by["annihilation"]
    assert photons / tot < 1e-3  # photons are negligible at cell scale (reported, not dropped)


def test_chain_and_daughter_localisation():
    parent_only = cel.s_value("Pb-212", "N", "N", 6.0, 4.0, chain=False)
    full = cel.s_value("Pb-212", "N", "N", 6.0, 4.0)
    away = cel.s_value("Pb-212", "N", "N", 6.0, 4.0, daughter_sources={"Bi-212": "away"})
    assert full > 10 * parent_only  # the α come from Bi-212 / Po-212
    # Bi-212 away still leaves Po-212 and Tl-208 in place
    assert parent_only < away < full
    all_away = cel.s_value(
        "Pb-212", "N", "N", 6.0, 4.0, daughter_sources={"Bi-212": "away", "Po-212": "away", "Tl-208": "away"}
    )
    assert all_away == pytest.approx(parent_only, rel=1e-12)
    # a daughter placed in a fixed compartment is the same for every source column
    t = cel.s_values("Pb-212", 6.0, 4.0, daughter_sources={"Bi-212": "C", "Po-212": "C", "Tl-208": "C"})
    p = cel.s_values("Pb-212", 6.0, 4.0, chain=False)
    diff = t.values_Gy_per_Bq_s - p.values_Gy_per_Bq_s
    assert np.allclose(diff, diff[:, [3]])


def test_line_merging_changes_s_values_by_less_than_1e3():
    tb = src.tables("water", "cole")
    from brainrit.nuclides import emissions

    em = emissions("In-111")
    parts = []
    for name, (e, y) in em.lines.items():
        if name in ("ie", "auger"):
            n = len(e)
            c = src.RADIATION_CLASSES.index(name)
            parts.append(src.EmissionSet(np.ones(n, np.int64), np.asarray(e, float), np.asarray(y, float),
                                         np.full(n, c, np.int64), np.zeros(n), np.zeros(n)))  # fmt: skip
    raw = src.EmissionSet.concat(parts)
    merged = src.merge_close_lines(raw)
    assert merged.energy_MeV.size < raw.energy_MeV.size
    assert merged.energy_per_decay_MeV().sum() == pytest.approx(raw.energy_per_decay_MeV().sum(), rel=1e-12)
    from brainrit.dosimetry.cellular.svalues import _energy_matrix

    a = _energy_matrix(raw, tb, 5.0, 3.0).sum(axis=0)
    b = _energy_matrix(merged, tb, 5.0, 3.0).sum(axis=0)
    assert np.allclose(a, b, rtol=1e-3)


def test_material_density_scales_mass():
    mw = cel.compartment_mass_kg("N", 5.0, 3.0)
    mb = cel.compartment_mass_kg("N", 5.0, 3.0, material="brain")
    assert mb / mw == pytest.approx(1.04)
    assert cel.compartment_volume_um3("C", 5.0, 3.0) == pytest.approx(4 / 3 * math.pi * 125)


def test_estar_electron_model_close_to_cole_for_50keV():
    a = cel.s_value_monoenergetic("electron", 0.05, "N", "N", cell_radius_um=5.0, nucleus_radius_um=3.0)
    b = cel.s_value_monoenergetic(
        "electron", 0.05, "N", "N", cell_radius_um=5.0, nucleus_radius_um=3.0, electron_model="estar"
    )
    assert b == pytest.approx(a, rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cell_radius_um": 3.0, "nucleus_radius_um": 3.0}, "nucleus_radius_um"),
        ({"cell_radius_um": 3.0, "nucleus_radius_um": 4.0}, "nucleus_radius_um"),
        ({"cell_radius_um": -3.0}, "cell_radius_um"),
        ({"nucleus_radius_um": 0.0}, "nucleus_radius_um"),
        ({"target": "CS"}, "target"),
        ({"target": "nucleolus"}, "target"),
        ({"source": "X"}, "source"),
        ({"particle": "proton"}, "particle"),
        ({"energy_MeV": 0.0}, "energy_MeV"),
        ({"energy_MeV": 5e3}, "energy_MeV"),
        ({"material": "lead"}, "material"),
        ({"electron_model": "geant4"}, "electron_model"),
    ],
)
def test_monoenergetic_errors(kwargs, field):
    args = {
        "particle": "alpha", "energy_MeV": 5.0, "target": "N", "source": "N",
        "cell_radius_um": 5.0, "nucleus_radius_um": 3.0,
    }  # fmt: skip
    args.update(kwargs)
    with pytest.raises(InputError, match=field):
        cel.s_value_monoenergetic(**args)


def test_nuclide_errors():
    with pytest.raises(InputError, match="nuclide"):
        cel.s_value("Xx-999", "N", "N", 5.0, 3.0)
    with pytest.raises(InputError, match="daughter_sources"):
        cel.s_value("Pb-212", "N", "N", 5.0, 3.0, daughter_sources={"Ra-224": "C"})
    with pytest.raises(InputError, match="daughter_sources"):
        cel.s_value("Pb-212", "N", "N", 5.0, 3.0, daughter_sources={"Bi-212": "blood"})
    with pytest.raises(InputError, match="source"):
        cel.s_values("Pb-212", 5.0, 3.0).get("N", "Q")


def test_by_group_photons_negligible_for_all_comparison_nuclides():
    from brainrit.nuclides import VCAM1_COMPARISON_NUCLIDES

    # α and β⁻ emitters: photons < 1 % of the nucleus self-dose. Auger emitters (Ga-67, Zr-89, In-111,
    # I-124): their few-keV X-rays are absorbed within micrometres, 1-3 % of S(N←N) (measured, reported).
    auger = {"Ga-67", "Zr-89", "In-111", "I-124"}
    for n in VCAM1_COMPARISON_NUCLIDES:
        g = cel.s_values(n, 5.0, 3.0).by_group("N", "N")
        assert g["photon_fraction"] < (0.05 if n in auger else 0.01), n
        assert g["alpha"] + g["electron"] + g["photon"] == pytest.approx(cel.s_value(n, "N", "N", 5.0, 3.0))


def test_emission_sets_conserve_energy_per_decay():
    """Energy emitted per decay by class equals brainrit.nuclides.energy_per_decay (ICRP-107): exact for
    lines, within 0.5 % for β spectra (trapezoid on the tabulated grid vs ICRP-107's mean energies)."""
    from brainrit.nuclides import VCAM1_COMPARISON_NUCLIDES, energy_per_decay

    for n in VCAM1_COMPARISON_NUCLIDES:
        mine = src.member_emissions(n, "water", 1.0).energy_per_decay_MeV()
        ref = energy_per_decay(n)
        for i, c in enumerate(src.RADIATION_CLASSES):
            tol = 5e-3 if c.startswith("beta") else 1e-9
            assert mine[i] == pytest.approx(ref[c], rel=tol, abs=1e-12), (n, c)
