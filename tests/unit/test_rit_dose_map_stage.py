"""The RIT dose-map stage's region formulation against per-member, per-region dose maps.

The stage convolves each region's mask once with Σ_member (decays per voxel × kernel) (low-LET: mask
spectra and one inverse FFT; α: direct sums). By linearity this must equal the sum over members and
regions of :func:`brainrit.dosimetry.voxel.dosemap.dose_map` of the region's TIA image — the formulation
it replaced — to FFT rounding; and caching the mask spectra and maps must not change a bit.
"""

from __future__ import annotations

import numpy as np

from brainrit.cache import disabled
from brainrit.dosimetry.voxel.dosemap import dose_map
from brainrit.dosimetry.voxel.kernels import voxel_kernel_components
from brainrit.physics import get_material
from brainrit.pipeline import run_scenario

STAGES = ["radionuclide", "kinetics", "rit_dose_map"]


def test_region_maps_equal_sum_of_member_dose_maps(mouse_map_scenario):
    r = run_scenario(mouse_map_scenario, stages=STAGES)
    st = r.stages["rit_dose_map"]
    assert st.status == "ok", st.message
    phantom = st.voxel_phantom
    kin = r.stages["kinetics"].solution
    voxel_g = float(np.prod(st.voxel_mm)) / 1000.0 * get_material("brain").density_g_cm3
    lesions = phantom.lesions_mask
    regions = {"brain": phantom.masks["brain"] & ~lesions, "metastasis": lesions}
    alpha = np.zeros(phantom.shape)
    low = np.zeros(phantom.shape)
    n_alpha = 0
    for member in kin.members:
        k = voxel_kernel_components(member, st.voxel_mm, st.kernel_half_width_voxels, material="brain",
                                    chain=False)  # fmt: skip
        for region, mask in regions.items():
            tia = mask * (kin.decays_per_g(region, member) * voxel_g)
            if k["alpha"].any():
                alpha += dose_map(tia, k["alpha"])
                n_alpha += 1
            low += dose_map(tia, k["electron"] + k["photon"])
    assert n_alpha >= 2 and low.max() > 0
    np.testing.assert_allclose(st.alpha_Gy, alpha, rtol=0, atol=1e-13 * alpha.max())
    np.testing.assert_allclose(st.low_let_Gy, low, rtol=0, atol=1e-13 * low.max())
    assert st.alpha_Gy.min() >= 0 and st.low_let_Gy.min() >= 0
    np.testing.assert_array_equal(st.alpha_Gy == 0, alpha == 0)  # α: exact zeros away from the activity


def test_cached_and_uncached_maps_identical(mouse_map_scenario):
    sc = mouse_map_scenario
    cached = [run_scenario(sc, stages=STAGES).stages["rit_dose_map"] for _ in range(2)]
    with disabled():
        fresh = run_scenario(sc, stages=STAGES).stages["rit_dose_map"]
    for st in cached:
        np.testing.assert_array_equal(st.alpha_Gy, fresh.alpha_Gy)
        np.testing.assert_array_equal(st.low_let_Gy, fresh.low_let_Gy)
        assert st.structures == fresh.structures
