"""Validation of brainrit.dosimetry.voxel against published voxel S-values and exact identities.

Reference: Lanconelli N, Pacilio M, Lo Meo S, Botta F, Di Dia A, Torres Aroche LA, Coca Pérez MA,
Cremonesi M. "A free database of radionuclide voxel S values for the dosimetry of nonuniform activity
distributions." Phys Med Biol 2012;57:517–533. Values from the database files (soft tissue, cubic
voxels, mGy/(MBq·s); files ``90Y3mmsoft``, ``90Y6mmsoft``, ``177Lu3mmsoft``, ``177Lu6mmsoft``,
``131I3mmsoft``, ``131I6mmsoft`` as redistributed in the MGHPhysicsResearch/MIRDCalculation
repository), offsets (i, j, k) = (0,0,0), (0,0,1), (0,1,1), (1,1,1), (0,0,2).

Our kernels use the straight-ahead CSDA electron model (see the kernels module docstring), so we
expect and observe, without tuning anything:

* self-voxel (0,0,0) within ±12 %: ⁹⁰Y −8/−9 % (3/6 mm), ¹⁷⁷Lu +9/+10 %, ¹³¹I +2/+4 %.
* face neighbour (0,0,1) within ±35 %: ⁹⁰Y −10/+4 %, ¹⁷⁷Lu +27/+29 %, ¹³¹I +24/+24 %.
* edge neighbour (0,1,1) within ±60 % (¹⁷⁷Lu 3 mm +53 %).

Why they differ:

1. Without multiple scattering our electrons reach their full CSDA range radially; Monte Carlo
   electrons deposit their energy closer to the source. Hence ⁹⁰Y (2.28 MeV end-point, 11 mm range)
   self-voxel values are low and distant values high (⁹⁰Y 6 mm: (1,1,1) +77 %, (0,0,2) ×3.9; the
   absolute values there are 4e-3 and 4e-4 of the self-voxel value). We assert only the sign there.
2. ¹⁷⁷Lu and ¹³¹I are *higher* than the database in the self voxel although they lose more energy
   to neighbours: our ICRP-107 sources include internal-conversion and Auger electrons (¹⁷⁷Lu
   0.0147 of 0.148 MeV, ¹³¹I 0.0100 of 0.192 MeV). With the β⁻ spectrum alone the self-voxel
   values agree within 1–4 % (test below), which suggests the database sources were β⁻ spectra
   only (our reading; the numbers are consistent with it, the paper was not available to confirm).
3. Photon-dominated far field (4–9 voxels away; ¹³¹I 364 keV, ¹⁷⁷Lu 113/208 keV γ): ours is
   13–28 % (¹³¹I) and 30–47 % (¹⁷⁷Lu) higher. Our point kernel assumes an infinite medium and a
   linear, energy-conserving build-up factor; a Monte Carlo phantom of finite size loses scattered
   photons through its surface, and low-energy photons (large (μ − μ_en)/μ_en) are where the linear
   shape is crudest. We test this region at ±50 %.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from brainrit import nuclides
from brainrit.dosimetry.voxel.dosemap import convolve_direct, convolve_fft, dose_map
from brainrit.dosimetry.voxel.dvh import Sphere, dvh
from brainrit.dosimetry.voxel.kernels import (
    MEV_PER_G_TO_MGY_PER_MBQ_S,
    _trapezoid_weights,
    emission_spectrum,
    energy_within_radius_MeV,
    kernel_from_profile,
    voxel_kernel,
    voxel_kernel_components,
)

OFFSETS = [(0, 0, 0), (0, 0, 1), (0, 1, 1), (1, 1, 1), (0, 0, 2)]
LANCONELLI_2012 = {
    ("Y-90", 3.0): [1.59, 2.75e-1, 9.50e-2, 4.29e-2, 2.05e-2],
    ("Y-90", 6.0): [3.42e-1, 3.80e-2, 6.86e-3, 1.45e-3, 1.31e-4],
    ("Lu-177", 3.0): [6.93e-1, 1.51e-2, 6.17e-4, 7.98e-5, 4.08e-5],
    ("Lu-177", 6.0): [9.25e-2, 1.04e-3, 3.94e-5, 1.46e-5, 1.04e-5],
    ("I-131", 3.0): [8.99e-1, 3.02e-2, 2.41e-3, 7.26e-4, 4.65e-4],
    ("I-131", 6.0): [1.25e-1, 2.47e-3, 2.98e-4, 1.63e-4, 1.17e-4],
}
TOLERANCE = [0.12, 0.35, 0.60]  # relative, for the first three offsets (see module docstring)


@pytest.mark.parametrize(("nuclide", "voxel_mm"), list(LANCONELLI_2012))
def test_against_lanconelli_2012(nuclide, voxel_mm):
    ref = LANCONELLI_2012[(nuclide, voxel_mm)]
    k = voxel_kernel(nuclide, voxel_mm, 3, material="soft_tissue")
    c = 3
    ours = [k[c + i, c + j, c + kk] for i, j, kk in OFFSETS]
    for o, r, tol in zip(ours[:3], ref[:3], TOLERANCE, strict=False):
        assert o == pytest.approx(r, rel=tol)
    if nuclide == "Y-90":  # straight-ahead electrons over-penetrate: far values high (docstring, 1.)
        assert ours[4] > ref[4]


@pytest.mark.parametrize(("nuclide", "voxel_mm"), [(n, v) for n, v in LANCONELLI_2012 if n != "Y-90"])
def test_beta_only_self_voxel_matches_database(nuclide, voxel_mm):
    """β⁻ spectrum alone (no IC/Auger electrons): self-voxel within 5 % of Lanconelli 2012."""
    spec = emission_spectrum(nuclide, chain=False)
    x, dn = (np.asarray(a, float) for a in nuclides.emissions(nuclide).beta_minus_spectrum)
    beta = dataclasses.replace(spec, electron_MeV=x, electron_yield=dn * _trapezoid_weights(x))

    def profile(r):
        return sum(energy_within_radius_MeV(beta, r).values())

    k = kernel_from_profile(profile, voxel_mm, 1, density_g_cm3=1.0)
    assert k[1, 1, 1] == pytest.approx(LANCONELLI_2012[(nuclide, voxel_mm)][0], rel=0.05)


FAR = {  # (offset): value, Lanconelli 2012 database files (photon-dominated region)
    ("I-131", 3.0): {(0, 0, 5): 7.23e-5, (0, 3, 3): 1.01e-4, (5, 5, 5): 2.37e-5},
    ("I-131", 6.0): {(0, 0, 5): 1.83e-5, (3, 3, 3): 1.68e-5, (5, 5, 5): 5.99e-6},
    ("Lu-177", 3.0): {(0, 0, 5): 6.51e-6, (5, 5, 5): 2.28e-6},
    ("Lu-177", 6.0): {(0, 0, 5): 1.78e-6, (5, 5, 5): 6.24e-7},
}


@pytest.mark.parametrize(("nuclide", "voxel_mm"), list(FAR))
def test_photon_far_field_against_lanconelli_2012(nuclide, voxel_mm):
    k = voxel_kernel(nuclide, voxel_mm, 5)
    for off, ref in FAR[(nuclide, voxel_mm)].items():
        ours = k[5 + off[0], 5 + off[1], 5 + off[2]]
        assert ref <= ours <= 1.5 * ref  # see docstring, 3.


def _kernel_energy_MeV(k, voxel_mm, rho=1.0):
    return k.sum() * voxel_mm**3 / 1000 * rho / MEV_PER_G_TO_MGY_PER_MBQ_S


@pytest.mark.parametrize(
    ("nuclide", "voxel_mm", "h"), [("Y-90", 2.0, 6), ("Lu-177", 1.0, 2), ("Pb-212", 3.0, 5)]
)
def test_energy_conservation(nuclide, voxel_mm, h):
    """Kernel sum × voxel mass = energy absorbed per decay within the kernel box.

    Non-penetrating radiation (α, electrons; box larger than the maximum electron range): equal to
    the emitted energy within 1e-6. Photons partly escape the box: the kernel holds exactly the
    energy the point kernel deposits inside it, between E(<r_in) and E(<r_out) for the inscribed and
    circumscribed spheres of the box.
    """
    comps = voxel_kernel_components(nuclide, voxel_mm, h, material="soft_tissue")
    spec = emission_spectrum(nuclide)
    emitted = spec.emitted_MeV()
    for comp in ("alpha", "electron"):
        assert _kernel_energy_MeV(comps[comp], voxel_mm) == pytest.approx(emitted[comp], rel=1e-6, abs=1e-12)
    r_in, r_out = (h + 0.5) * voxel_mm - voxel_mm / 2, (h + 1) * voxel_mm * np.sqrt(3)
    lo, hi = energy_within_radius_MeV(spec, [r_in, r_out])["photon"]
    e_ph = _kernel_energy_MeV(comps["photon"], voxel_mm)
    assert lo * (1 - 1e-3) <= e_ph <= hi * (1 + 1e-3)
    if emitted["photon"] > 0:
        assert e_ph < emitted["photon"]


def test_fft_equals_direct_summation_on_small_grid():
    """FFT dose map equals direct summation (max relative difference < 1e-10)."""
    rng = np.random.default_rng(7)
    tia = rng.uniform(0, 1e9, (18, 15, 12))
    tia[rng.uniform(size=tia.shape) < 0.5] = 0.0
    k = voxel_kernel("Pb-212", 2.0, 4)
    direct = dose_map(tia, k, method="direct")
    for slab in (None, 15 * 12 * 4):
        fft = dose_map(tia, k, max_slab_voxels=slab)
        assert np.max(np.abs(fft - direct)) / np.max(direct) < 1e-10
    np.testing.assert_allclose(
        convolve_fft(tia, k), convolve_direct(tia, k), rtol=1e-10, atol=1e-10 * direct.max()
    )


@pytest.mark.parametrize("diameter_mm", [4.0, 6.0, 8.0, 9.85])
def test_dvh_volume_of_analytic_spheres(diameter_mm):
    """Lesions of 0.03–0.5 cm³ on a 2 mm dose grid: volume within 1 % with supersample 8 (exact 4/3πr³)."""
    dose = np.ones((16, 16, 16))
    s = Sphere((15.3, 14.6, 15.1), diameter_mm / 2)
    h = dvh(dose, s, 2.0, supersample=8)
    assert h.volume_cm3 == pytest.approx(s.volume_cm3, rel=0.01)


def test_dvh_of_sphere_in_radial_dose():
    """Dose D(r) = r (mm) around a sphere's centre: D50 = radius × 2^(-1/3), mean = 3/4 radius (±1 %)."""
    n, v = 40, 0.5
    x = (np.arange(n) - (n - 1) / 2) * v
    g = np.meshgrid(x, x, x, indexing="ij")
    dose = np.sqrt(g[0] ** 2 + g[1] ** 2 + g[2] ** 2)
    radius = 7.0
    h = dvh(dose, Sphere((0.0, 0.0, 0.0), radius), v, supersample=4, origin_mm=(x[0], x[0], x[0]))
    assert h.mean_Gy == pytest.approx(0.75 * radius, rel=0.01)
    # fraction of the sphere with r >= d is 1 - (d/R)^3, so D50 = R 0.5^(1/3)
    assert h.D(50) == pytest.approx(radius * 0.5 ** (1 / 3), rel=0.01)
    assert h.V(radius / 2) == pytest.approx(1 - 0.125, abs=0.01)


@pytest.mark.parametrize(("nuclide", "comp"), [("Y-90", "electron"), ("Pb-212", "alpha")])
def test_dose_map_of_uniform_sphere_matches_sphere_s_value(nuclide, comp):
    """Same physics, two routes: voxel kernels ⊛ a uniformly active 20 mm sphere (1 mm voxels), mean dose
    over the active voxels (DVH of the voxel mask), against S(sphere) × TIA from :func:`sphere_s_values`
    scaled to the voxelised mass. Agreement within 2 % (the voxelised surface is a staircase).

    (The mean over the *analytic* sphere with supersampling is 5 % lower for α: trilinear interpolation
    blurs the dose step at the staircase surface over ±½ voxel; use voxel masks for this comparison.)"""
    from brainrit.dosimetry.voxel.dosemap import dose_map_components
    from brainrit.dosimetry.voxel.spheres import sphere_s_values

    n, v, radius = 41, 1.0, 10.0
    x = (np.arange(n) - n // 2) * v
    g = np.meshgrid(x, x, x, indexing="ij")
    inside = g[0] ** 2 + g[1] ** 2 + g[2] ** 2 <= radius**2
    tia_total = 1e12
    tia = np.where(inside, tia_total / inside.sum(), 0.0)
    dose = dose_map_components(tia, nuclide, v)[comp]
    h = dvh(dose, inside, v)
    s = sphere_s_values(nuclide, 2 * radius)
    # the voxelised source has volume inside.sum() mm³ instead of 4/3 π r³: compare per decay per gram
    expected = float(s.s_Gy_per_Bq_s[comp]) * tia_total * float(s.mass_g) / (inside.sum() * 1e-3)
    assert h.mean_Gy == pytest.approx(expected, rel=0.02)
