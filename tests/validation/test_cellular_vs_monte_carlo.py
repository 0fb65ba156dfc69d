"""Agreement of the analytic cellular S-values with the Monte Carlo module (dosimetry.microdosimetry).

Both use straight CSDA α tracks with the ASTAR range table, so the mean specific energy per decay of the
Monte Carlo must equal the analytic S-value within its statistical error. 40,000 decays: the standard
error of the mean z per decay is < 1 % for these geometries; tolerance 3 % (3σ). The Monte Carlo module
is independent code (track walker with ray–sphere intersections), not a re-use of the ψ factors.
"""

from __future__ import annotations

import pytest

from brainrit.dosimetry import cellular as cel
from brainrit.dosimetry.geometry import CellPopulation
from brainrit.dosimetry.microdosimetry import MicroGeometry, Source, simulate

N = 40_000


@pytest.mark.parametrize(
    ("compartment", "code"), [("nucleus", "N"), ("cytoplasm", "Cy"), ("cell_surface", "CS"), ("cell", "C")]
)
def test_self_dose_alpha(compartment, code):
    cells = CellPopulation([[0.0, 0.0, 0.0]], 6.0, 4.0)
    res = simulate(MicroGeometry(cells), Source(compartment, alpha_energy_MeV=6.0), n_decays=N, seed=11)
    mc = float(res.z_Gy[0]) / N
    an = cel.s_value_monoenergetic("alpha", 6.0, "N", code, cell_radius_um=6.0, nucleus_radius_um=4.0)
    assert mc == pytest.approx(an, rel=0.03)


def test_cross_dose_alpha():
    cells = CellPopulation([[0.0, 0.0, 0.0], [14.0, 0.0, 0.0]], 6.0, 4.0)
    res = simulate(MicroGeometry(cells), Source("cell", alpha_energy_MeV=6.0, cells=[0]), n_decays=N, seed=12)
    mc = float(res.z_Gy[1]) / N
    an = cel.cross_s_value_monoenergetic(
        "alpha", 6.0, "N", "C", 14.0, cell_radius_um=6.0, nucleus_radius_um=4.0
    )
    assert mc == pytest.approx(an, rel=0.03)
