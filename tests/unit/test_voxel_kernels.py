"""Unit tests for brainrit.dosimetry.voxel.kernels (geometry engine, conservation, errors)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brainrit.dosimetry.voxel.kernels import (
    MEV_PER_G_TO_MGY_PER_MBQ_S,
    alpha_cube_escape_fraction,
    emission_spectrum,
    energy_within_radius_MeV,
    kernel_from_profile,
    voxel_kernel,
    voxel_kernel_components,
)
from brainrit.errors import InputError


def _energy_in_kernel(k, voxel_mm, rho=1.0):
    mass_g = float(np.prod(np.broadcast_to(voxel_mm, 3))) / 1000 * rho
    return k.sum() * mass_g / MEV_PER_G_TO_MGY_PER_MBQ_S


def test_local_point_deposit_goes_to_source_voxel():
    k = kernel_from_profile(lambda r: np.full_like(r, 2.0), (1.0, 2.0, 3.0), (1, 2, 0), density_g_cm3=1.5)
    assert k.shape == (3, 5, 1)
    assert k[1, 2, 0] == pytest.approx(2.0 / (6e-3 * 1.5) * MEV_PER_G_TO_MGY_PER_MBQ_S)
    assert k.sum() == pytest.approx(k[1, 2, 0])


@settings(max_examples=12, deadline=None)
@given(
    st.floats(0.05, 3.0),
    st.tuples(st.floats(0.3, 3.0), st.floats(0.3, 3.0), st.floats(0.3, 3.0)),
)
def test_shell_source_energy_conserved_and_symmetric(shell_mm, vox):
    """A thin spherical shell of energy inside the kernel box is fully recovered, with mirror symmetry."""
    h = tuple(int(np.ceil(shell_mm / v)) + 1 for v in vox)
    k = kernel_from_profile(lambda r: (r >= shell_mm).astype(float), vox, h, density_g_cm3=1.0)
    assert _energy_in_kernel(k, vox) == pytest.approx(1.0, rel=1e-9)
    np.testing.assert_allclose(k, k[::-1, ::-1, ::-1], rtol=1e-12)
    assert k.min() >= 0


def test_uniform_sphere_geometric_function():
    """Energy at radius r split between source voxel and neighbours matches the 1-D triangle identity.

    For r along a direction, mean overlap of the source voxel with itself displaced by r is
    Π(1 - |r_a|/L); averaged over directions the self fraction for small r/L is 1 - (3/2)(r/L)·<|cos|>
    summed over axes = 1 - 1.5 r/L (mean |direction cosine| = 1/2).
    """
    r = 0.02
    k = kernel_from_profile(lambda x: (x >= r).astype(float), 1.0, 1, density_g_cm3=1.0)
    self_frac = k[1, 1, 1] * 1e-3 / MEV_PER_G_TO_MGY_PER_MBQ_S
    assert self_frac == pytest.approx(1 - 1.5 * r, abs=5e-4)  # O((r/L)²) term ≈ 2e-4


def test_alpha_edge_correction_matches_first_order_formula():
    """Po-212 α (8.785 MeV, 91 µm) in a 3 mm water voxel: exact escape vs A/(4V)∫E_res ds/E (< 2 %)."""
    ks = voxel_kernel_components("Po-212", 3.0, 1, material="water", chain=False)
    k = ks["alpha"]
    total = _energy_in_kernel(k, 3.0)
    spec = emission_spectrum("Po-212", chain=False)
    assert total == pytest.approx(spec.emitted_MeV()["alpha"], rel=1e-9)
    escape = 1 - _energy_in_kernel(k[1:2, 1:2, 1:2], 3.0) / total
    alpha_E = float(spec.alpha_MeV @ spec.alpha_yield)
    first_order = alpha_cube_escape_fraction(8.785, 3.0, material="water") * alpha_E / total
    assert escape == pytest.approx(first_order, rel=0.02)
    assert ks["electron"].max() == 0 and ks["photon"].max() == 0
    # the six face neighbours share the escaping energy equally
    faces = [k[0, 1, 1], k[2, 1, 1], k[1, 0, 1], k[1, 2, 1], k[1, 1, 0], k[1, 1, 2]]
    assert np.ptp(faces) < 2e-3 * max(faces)  # direction-grid quadrature


def test_chain_weights_and_cut():
    full = emission_spectrum("Pb-212")
    alone = emission_spectrum("Pb-212", chain=False)
    assert alone.emitted_MeV()["alpha"] == 0.0
    # Bi-212 α (35.94 %) + Po-212 α (64.06 %) + recoils, per Pb-212 decay
    assert full.emitted_MeV()["alpha"] == pytest.approx(7.952, abs=0.01)
    cut = emission_spectrum("Pb-212", cut=["Bi-212"])
    assert cut.emitted_MeV()["alpha"] == 0.0
    assert emission_spectrum("212Pb") is full


def test_energy_within_radius_limits():
    spec = emission_spectrum("Y-90")
    e = energy_within_radius_MeV(spec, [0.0, 20.0])
    assert e["electron"][0] == pytest.approx(0.0, abs=1e-15)
    assert e["electron"][1] == pytest.approx(spec.emitted_MeV()["electron"], rel=1e-6)
    spec_i = emission_spectrum("I-131")
    far = energy_within_radius_MeV(spec_i, [1e5])["photon"][0]
    assert far == pytest.approx(spec_i.emitted_MeV()["photon"], rel=1e-6)  # build-up conserves energy


def test_voxel_kernel_is_sum_of_components_and_density_scaling():
    comps = voxel_kernel_components("I-131", 4.0, 2)
    total = voxel_kernel("I-131", 4.0, 2)
    np.testing.assert_allclose(total, comps["alpha"] + comps["electron"] + comps["photon"])
    # local alpha: doubling density halves the self S-value, times (1 - f/2)/(1 - f) for the escape f
    a1 = voxel_kernel("Po-212", 2.0, 0, chain=False, material="water")[0, 0, 0]
    a2 = voxel_kernel("Po-212", 2.0, 0, chain=False, material="water", density_g_cm3=2.0)[0, 0, 0]
    f = alpha_cube_escape_fraction(8.785, 2.0, material="water")
    assert a2 / a1 == pytest.approx(0.5 * (1 - f / 2) / (1 - f), rel=2e-3)


def test_anisotropic_kernel_orientation():
    k = voxel_kernel("Y-90", (1.0, 2.0, 4.0), 2)
    c = 2
    assert k[c + 1, c, c] > k[c, c + 1, c] > k[c, c, c + 1]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"voxel_mm": 0.0}, "voxel_mm"),
        ({"voxel_mm": (1.0, -1.0, 1.0)}, "voxel_mm"),
        ({"voxel_mm": float("nan")}, "voxel_mm"),
        ({"half_width_voxels": -1}, "half_width_voxels"),
        ({"half_width_voxels": 1.5}, "half_width_voxels"),
        ({"half_width_voxels": (1, 2)}, "half_width_voxels"),
        ({"material": "unobtainium"}, "material"),
        ({"material": "bone"}, "material"),
        ({"density_g_cm3": 0.0}, "density_g_cm3"),
        ({"nuclide": 42}, "nuclide"),
        ({"nuclide": "Xx-999"}, "nuclide"),
        ({"cut": ["Foo-1"]}, "nuclide"),
    ],
)
def test_errors(kwargs, field):
    args = {"nuclide": "Y-90", "voxel_mm": 3.0, "half_width_voxels": 1}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        voxel_kernel(args.pop("nuclide"), args.pop("voxel_mm"), args.pop("half_width_voxels"), **args)
    assert err.value.field.startswith(field)


def test_radius_errors():
    spec = emission_spectrum("Y-90")
    with pytest.raises(InputError):
        energy_within_radius_MeV(spec, [-1.0])
    with pytest.raises(InputError):
        energy_within_radius_MeV(spec, [1.0], material="air")


def test_geometry_engine_against_monte_carlo_point_pairs():
    """dE/dr = 1 MeV/mm (dose ∝ 1/r²): voxel energies vs Monte Carlo over uniform point pairs (< 1 %)."""
    vox, h = 2.0, 5
    k = kernel_from_profile(lambda r: r.copy(), vox, h, density_g_cm3=1.0)
    energy = k * (vox**3 / 1000) / MEV_PER_G_TO_MGY_PER_MBQ_S
    rng = np.random.default_rng(0)
    n = 400_000
    for off in [(0, 0, 5), (5, 0, 0), (5, 5, 5), (3, 1, 2), (0, 0, 1), (1, 1, 1)]:
        src = rng.uniform(-vox / 2, vox / 2, (n, 3))
        tgt = rng.uniform(-vox / 2, vox / 2, (n, 3)) + np.array(off) * vox
        r = np.linalg.norm(tgt - src, axis=1)
        mc = vox**3 * np.mean(1 / (4 * np.pi * r**2))
        assert energy[h + off[0], h + off[1], h + off[2]] == pytest.approx(mc, rel=0.01)


def test_mirrored_directions_cover_the_octant():
    """φ < π/4 (and φ = π/4 at half weight) plus the x ↔ y mirror image = the full direction grid."""
    from scipy.spatial import cKDTree

    from brainrit.dosimetry.voxel.kernels import _directions

    for step in (0.3, 0.05, 0.0066):
        full_d, full_w = _directions(step)
        half_d, half_w = _directions(step, True)
        assert 2 * half_w.sum() == pytest.approx(1.0, rel=1e-14)
        mirrored = np.concatenate([half_d, half_d[:, [1, 0, 2]]])
        weights = np.concatenate([half_w, half_w])
        # every direction of the full grid appears with its weight (the diagonal ones twice at half weight)
        dist, idx = cKDTree(full_d).query(mirrored)
        assert dist.max() < 1e-12
        got = np.bincount(idx, weights=weights, minlength=len(full_d))
        np.testing.assert_allclose(got, full_w, rtol=1e-12)


@pytest.mark.parametrize(("vox", "h"), [((1.0, 1.0, 1.0), 6), ((2.0, 2.0, 3.0), (3, 3, 2))])
def test_mirrored_kernel_equals_full_direction_sum(monkeypatch, vox, h):
    """The x ↔ y mirror shortcut changes only the summation order: same kernel to 1e-12."""
    from brainrit.dosimetry.voxel import kernels

    spec = emission_spectrum("Bi-212", chain=False)
    for comp in ("alpha", "electron", "photon"):

        def profile(r, c=comp):
            return energy_within_radius_MeV(spec, r, material="brain")[c]

        fast = kernel_from_profile(profile, vox, h, density_g_cm3=1.04)
        with monkeypatch.context() as m:
            m.setattr(kernels, "_mirror_xy", lambda vox, h: False)
            full = kernel_from_profile(profile, vox, h, density_g_cm3=1.04)
        np.testing.assert_allclose(fast, full, rtol=1e-12, atol=0)
        np.testing.assert_array_equal(fast, fast.transpose(1, 0, 2))
