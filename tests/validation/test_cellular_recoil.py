"""Cellular S-values with and without the α-recoil energy.

MIRD cellular S-values (Goddu SM, Howell RW, Bouchet LG, Bolch WE, Rao DV, *MIRD Cellular S Values*,
SNM 1997) and MIRDcell (Vaziri B et al., J Nucl Med 2014;55:1557) score the α particle only; brainrit's
default adds the recoil nucleus's kinetic energy at the decay site. Published MIRD cellular tables
could not be reached to compare numbers (see ``test_cellular_identities.py``), so the recoil-excluded
values are checked by exact identities instead:

1. Recoil excluded, ²¹²Po alone (one α line, 8.78508 MeV, yield 1 in ICRP-107): S(T←S) equals the
   monoenergetic α S-value of the same geometry, the quantity MIRD tabulates per α (tolerance 1e-9).
2. The difference between the two switches is the recoil energy (ICRP-107: 0.16905 MeV per ²¹²Po
   decay) over the mass of the source compartment when target contains source (N←N, C←C, C←N), and
   exactly 0 for cross-irradiation (N←Cy, N←CS, Cy←N) (tolerance 1e-9).
3. For ²¹²Po with R_N = 3 µm the recoil is more than half of S(N←N) (0.169 MeV deposited in full
   against about 0.13 MeV that the α leaves over its ~2.25 µm mean path to the surface of the nucleus).
"""

from __future__ import annotations

import numpy as np
import pytest

from brainrit import nuclides
from brainrit.dosimetry import cellular as cel
from brainrit.errors import InputError

MEV_J = 1.602176634e-13
RC, RN = 5.0, 3.0


def test_recoil_excluded_equals_monoenergetic_alpha():
    e, y = nuclides.emissions("Po-212").lines["alpha"]
    t = cel.s_values("Po-212", RC, RN, chain=False, alpha_recoil=False)
    assert t.alpha_recoil is False
    for target in cel.TARGETS:
        for source in cel.SOURCES:
            mono = sum(
                float(yy)
                * cel.s_value_monoenergetic(
                    "alpha", float(ee), target, source, cell_radius_um=RC, nucleus_radius_um=RN
                )
                for ee, yy in zip(e, y, strict=True)
            )
            assert t.get(target, source) == pytest.approx(mono, rel=1e-9), (target, source)


def test_recoil_difference_is_local_recoil_energy():
    e_r, y_r = nuclides.emissions("Po-212").lines["alpha_recoil"]
    recoil_MeV = float(np.dot(e_r, y_r))
    assert recoil_MeV == pytest.approx(0.16905, rel=1e-4)  # ICRP-107
    with_r = cel.s_values("Po-212", RC, RN, chain=False)
    without = cel.s_values("Po-212", RC, RN, chain=False, alpha_recoil=False)
    for target, source in (("N", "N"), ("C", "C"), ("C", "N")):
        m = cel.compartment_mass_kg(target, RC, RN)
        diff = with_r.get(target, source) - without.get(target, source)
        assert diff == pytest.approx(recoil_MeV * MEV_J / m, rel=1e-9)
    for target, source in (("N", "Cy"), ("N", "CS"), ("Cy", "N")):
        assert with_r.get(target, source) == without.get(target, source)


def test_recoil_is_most_of_po212_self_dose_in_a_small_nucleus():
    with_r = cel.s_value("Po-212", "N", "N", RC, RN, chain=False)
    without = cel.s_value("Po-212", "N", "N", RC, RN, chain=False, alpha_recoil=False)
    share = 1.0 - without / with_r
    assert 0.5 < share < 0.6


def test_alpha_recoil_switch_is_validated():
    with pytest.raises(InputError, match="alpha_recoil"):
        cel.s_values("Po-212", RC, RN, alpha_recoil="no")
