"""Validation of brainrit.dosimetry.voxel against published voxel S-values and exact identities.

Reference: Lanconelli N, Pacilio M, Lo Meo S, Botta F, Di Dia A, Torres Aroche LA, Coca Pérez MA,
Cremonesi M. "A free database of radionuclide voxel S values for the dosimetry of nonuniform activity
distributions." Phys Med Biol 2012;57:517–533. Values from the database files (soft tissue, cubic
voxels, mGy/(MBq·s); files ``90Y3mmsoft``, ``90Y6mmsoft``, ``177Lu3mmsoft``, ``177Lu6mmsoft``,
``131I3mmsoft``, ``131I6mmsoft`` as redistributed in the MGHPhysicsResearch/MIRDCalculation
repository), offsets (i, j, k) = (0,0,0), (0,0,1), (0,1,1), (1,1,1), (0,0,2).

Model: electrons from the Monte Carlo scaled dose-point kernels of Seltzer (1991, ETRAN), density-scaled
by the ESTAR CSDA range (see the kernels module). Comparison conditions are the reference's:

* Density 1.04 g/cm³ (brainrit ``soft_tissue``): the reference's soft tissue. Its kernel sums balance the
  emitted energy at this density (3 mm ¹⁷⁷Lu: the 3×3×3 block holds 0.1387 MeV per decay, all of the
  electron energy plus 0.0009 MeV of photons; at 1.00 g/cm³ it would be 0.1334).
* Source term: ⁹⁰Y is a pure β⁻ emitter (ICRP-107 spectrum). For ¹⁷⁷Lu and ¹³¹I the database carries the
  β⁻ spectrum but only part of the internal-conversion and Auger electron energy: the electron energy its
  3 mm kernel holds (block sum minus our photon share; the block contains every electron track: the
  maximum CSDA ranges, 1.7 and 3.2 mm, are below the 4.5 mm from the source voxel to the block's faces)
  is 0.1378 MeV (¹⁷⁷Lu) and 0.1881 MeV (¹³¹I), against 0.1334 + 0.0147 and 0.1818 + 0.0100 MeV of β⁻ +
  IC/Auger in ICRP-107. We use the reference's source term so derived: the ICRP-107 β⁻ spectrum plus the
  ICRP-107 IC and Auger lines scaled by 0.30 (¹⁷⁷Lu) and 0.64 (¹³¹I), computed in the test from the
  3 mm block. The 6 mm values are then an independent check; at 3 mm only the total is constrained,
  the split between the self voxel and its neighbours is the kernel's.

Tolerances (set from the physics before comparing): self voxel ≤ 3 % (the reference's Monte Carlo
statistics are ≤ 1 %; the ETRAN kernel and the reference's code differ by ≈ 2 % in the 50 % radius at
1 MeV); face and edge neighbours ≤ 15 % (steep dose gradients: a 2 % shift of the kernel's radius moves
them by up to 10 %). Photon-dominated far field (4–9 voxels away): ours is 0–50 % higher (point
kernel in an infinite medium with a linear, energy-conserving build-up factor; the reference's finite
phantom loses scattered photons through its surface), tested at that band.
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
TOLERANCE = [0.03, 0.15, 0.15]  # relative, offsets (0,0,0), (0,0,1), (0,1,1): see module docstring
RHO_REFERENCE_G_CM3 = 1.04


def _reference_source(nuclide):
    """The reference's electron source (module docstring): β⁻ spectrum + IC/Auger lines × f, with f from
    the energy held by the reference's 3 mm 3×3×3 block (electrons only; our photon share removed)."""
    spec = emission_spectrum(nuclide, chain=False)
    x, dn = (np.asarray(a, float) for a in nuclides.emissions(nuclide).beta_minus_spectrum)
    beta_e, beta_y = x, dn * _trapezoid_weights(x)
    lines = [np.asarray(a, float) for c in ("ie", "auger") for a in nuclides.emissions(nuclide).lines[c]]
    line_e, line_y = np.r_[lines[0], lines[2]], np.r_[lines[1], lines[3]]
    if nuclide == "Y-90":
        return spec, 1.0
    ref = LANCONELLI_2012[(nuclide, 3.0)]
    mass_g = 0.027 * RHO_REFERENCE_G_CM3
    block = (ref[0] + 6 * ref[1] + 12 * ref[2] + 8 * ref[3]) * mass_g / MEV_PER_G_TO_MGY_PER_MBQ_S
    photons = voxel_kernel_components(nuclide, 3.0, 1, material="soft_tissue", chain=False)["photon"]
    electrons_ref = block - photons.sum() * mass_g / MEV_PER_G_TO_MGY_PER_MBQ_S
    f = (electrons_ref - beta_e @ beta_y) / (line_e @ line_y)
    src = dataclasses.replace(
        spec, electron_MeV=np.r_[beta_e, line_e], electron_yield=np.r_[beta_y, f * line_y]
    )
    return src, f


@pytest.mark.parametrize(("nuclide", "voxel_mm"), list(LANCONELLI_2012))
def test_against_lanconelli_2012(nuclide, voxel_mm):
    ref = LANCONELLI_2012[(nuclide, voxel_mm)]
    src, f = _reference_source(nuclide)
    assert 0.0 <= f <= 1.0  # the reference carries between none and all of the IC/Auger energy

    def profile(r):
        return sum(energy_within_radius_MeV(src, r, material="soft_tissue").values())

    k = kernel_from_profile(profile, voxel_mm, 1, density_g_cm3=RHO_REFERENCE_G_CM3)
    ours = [k[1 + i, 1 + j, 1 + kk] for i, j, kk in OFFSETS[:3]]
    for o, r, tol in zip(ours, ref[:3], TOLERANCE, strict=True):
        assert o == pytest.approx(r, rel=tol)


def test_soft_tissue_is_the_reference_density():
    from brainrit.physics import get_material

    assert get_material("soft_tissue").density_g_cm3 == RHO_REFERENCE_G_CM3


@pytest.mark.parametrize("voxel_mm", [3.0, 6.0])
def test_y90_full_kernel_against_lanconelli_2012(voxel_mm):
    """⁹⁰Y through the public kernel (ICRP-107 source, soft tissue): all five offsets within 3 % / 15 %
    (the (0,0,2) value at 6 mm, 4e-4 of the self voxel, sits in the kernel's last 10 % of range: ±30 %)."""
    ref = LANCONELLI_2012[("Y-90", voxel_mm)]
    k = voxel_kernel("Y-90", voxel_mm, 3, material="soft_tissue")
    ours = [k[3 + i, 3 + j, 3 + kk] for i, j, kk in OFFSETS]
    tol = [0.03, 0.15, 0.15, 0.15, 0.15 if voxel_mm == 3.0 else 0.30]
    for o, r, t in zip(ours, ref, tol, strict=True):
        assert o == pytest.approx(r, rel=t)


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


def _kernel_energy_MeV(k, voxel_mm, rho=RHO_REFERENCE_G_CM3):  # soft tissue
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
    voxel_mass_g = inside.sum() * 1e-3 * RHO_REFERENCE_G_CM3  # soft tissue, both routes
    expected = float(s.s_Gy_per_Bq_s[comp]) * tia_total * float(s.mass_g) / voxel_mass_g
    assert h.mean_Gy == pytest.approx(expected, rel=0.02)
