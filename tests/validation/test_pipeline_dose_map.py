"""Validation: the RIT voxel dose map against the organ-scale local-absorption dose (two methods).

α particles (range ≤ 0.1 mm) are absorbed in the 1 mm voxel they start in or its neighbours, so far from
the brain surface and the lesions the voxel-kernel α dose must equal decays per gram × α energy per decay
(the dosimetry stage's MIRD self-dose) — exact up to the kernel's energy conservation (1e-6, voxel module
tests). Tolerance 1 %, to allow the kernel's truncation at its half-width.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from brainrit.pipeline import run_scenario


def test_dose_map_interior_equals_local_absorption(mouse_map_scenario):
    r = run_scenario(
        mouse_map_scenario, figures=False, stages=["radionuclide", "kinetics", "dosimetry", "rit_dose_map"]
    )
    st = r.stages["rit_dose_map"]
    assert st.status == "ok", st.message
    alpha = st.alpha_Gy
    phantom = st.voxel_phantom
    lesions = phantom.lesions_mask
    brain = phantom.masks["brain"] & ~lesions
    interior = ndimage.binary_erosion(brain, iterations=3) & ~ndimage.binary_dilation(lesions, iterations=3)
    organ = r.stages["dosimetry"].dose_Gy["brain"].alpha
    assert float(alpha[interior].mean()) == pytest.approx(organ, rel=0.01)
    core = ndimage.binary_erosion(lesions, iterations=2)
    assert core.any()
    lesion_organ = r.stages["dosimetry"].dose_Gy["metastasis"].alpha
    assert float(np.median(alpha[core])) == pytest.approx(lesion_organ, rel=0.01)
