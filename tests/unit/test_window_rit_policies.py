"""RIT at VCAM-1 detection, RIT cycles, cognition and the VCAM-1 lead time in brainrit.disease.window."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import brainrit.disease as dz
from brainrit.errors import InputError


def _treatments(**kw):
    rit = dz.rit_dose_uniform(0.7, 0.05, 0.1, 0.01, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3,
                              alpha_beta_Gy=10.0, ntcp=0.01)  # fmt: skip
    wbrt = dz.wbrt_outcome(30.0, 10, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
    return dz.Treatments(rit, wbrt, dz.SRSModel(), clonogen_fraction=0.01, **kw)


def test_rit_at_vcam1_detection_one_lesion_analytic():
    """One lesion: RIT given when VCAM-1 MRI sees it (t_seed + T_d log2 N50), P(control) = exp(−f N S)."""
    course = dz.default_course("human", expected_lesions=1.0)
    tr = _treatments()
    vp = dz.VirtualPatients.from_arrays(course, [0], [100.0])
    w = dz.therapeutic_window(course, tr, [200.0, 900.0], patients=vp)
    g = course.growth
    t_det = 100.0 + g.doubling_time_d * math.log2(course.modalities["VCAM-1 MRI"].n50_cells)
    n_det = dz.cells_at(g, t_det - 100.0)
    s = tr.rit.survival_spheroid if n_det >= g.angiogenic_switch_cells else tr.rit.survival_perivascular
    expect = math.exp(-0.01 * n_det * s)
    np.testing.assert_allclose(w.p_all_controlled["RIT at VCAM-1 detection"], expect, rtol=1e-12)
    np.testing.assert_allclose(w.ntcp["RIT at VCAM-1 detection"], 0.01)
    lead = w.lead_time_d
    t_c = 100.0 + g.doubling_time_d * math.log2(course.modalities["contrast MRI"].n50_cells)
    assert lead["median"] == pytest.approx(t_c - t_det, rel=1e-12)
    assert lead["n_both"] == 1


def test_cycles_multiply_survival_and_catch_late_lesions():
    """Two cycles Δ apart: a lesion present at both gets f·N(t+Δ)·S²; one seeded between the cycles is
    treated by the second only (f·N·S); one cycle leaves it untreated."""
    course = dz.default_course("human", expected_lesions=2.0)
    one = _treatments()
    two = dataclasses.replace(one, rit_cycles=2, rit_interval_d=100.0)
    vp = dz.VirtualPatients.from_arrays(course, [0, 0], [100.0, 250.0])
    t = np.array([200.0])
    w1 = dz.therapeutic_window(course, one, t, patients=vp, policies=["RIT"])
    w2 = dz.therapeutic_window(course, two, t, patients=vp, policies=["RIT"])
    g = course.growth

    def s(n):  # per-cycle survival by state (VCAM-1 onset, angiogenic switch)
        if n < g.vcam1_onset_cells:
            return one.rit.survival_vcam1_negative
        return one.rit.survival_spheroid if n >= g.angiogenic_switch_cells else one.rit.survival_perivascular

    n_a1, n_a2 = dz.cells_at(g, 200.0 - 100.0), dz.cells_at(g, 300.0 - 100.0)
    n_b2 = dz.cells_at(g, 300.0 - 250.0)
    expect = math.exp(-0.01 * n_a2 * s(n_a1) * s(n_a2)) * math.exp(-0.01 * n_b2 * s(n_b2))
    assert w2.p_all_controlled["RIT"][0] == pytest.approx(expect, rel=1e-12)
    assert w1.p_all_controlled["RIT"][0] == 0.0  # second lesion not yet seeded at the single injection
    assert w2.expected_failures["RIT"][0] < w1.expected_failures["RIT"][0]


def test_cognition_enters_complication_and_p_plus():
    course = dz.default_course("mouse")
    tr = _treatments(wbrt_cognition=0.4)
    w = dz.therapeutic_window(course, tr, [10.0, 20.0], n_patients=30, seed=2)
    np.testing.assert_allclose(w.cognition["WBRT"], 0.4)
    np.testing.assert_allclose(w.cognition["RIT"], 0.0)
    np.testing.assert_allclose(w.p_complication["WBRT"], 1 - (1 - w.ntcp["WBRT"]) * 0.6, rtol=1e-12)
    assert np.all(w.p_plus["WBRT"] <= 0.6 * w.p_all_controlled["WBRT"] + 1e-15)
    js = w.as_dict()
    assert "RIT at VCAM-1 detection" in js["policies"]
    assert set(js["policies"]["WBRT"]["at_best_time"]) >= {"p_all_controlled", "cognition", "p_complication"}
    assert js["vcam1_lead_time_d"]["n_both"] >= 0


@pytest.mark.parametrize(
    "kw", [{"rit_cycles": 0}, {"rit_cycles": 2, "rit_interval_d": 0.0}, {"wbrt_cognition": 1.5}]
)
def test_bad_treatments(kw):
    with pytest.raises(InputError):
        _treatments(**kw)


def test_cuff_uses_the_vessel_bound_decays_and_brain_background():
    """With cuff_decays_per_um the perivascular mean α dose is the cuff mean of those decays plus the
    healthy-brain α dose — no metastasis-region uniform dose, no second blood pool."""
    from brainrit.dosimetry.perivascular import cuff_alpha_dose

    bound = {"Pb-212": 0.08, "Bi-212": 0.05, "Po-212": 0.033, "Tl-208": 0.019}
    r = dz.rit_dose_from_vascular("Pb-212", 0.21, 0.025, 0.085, 0.01, z1_Gy=0.3, z0_Gy=0.5, alpha_per_Gy=0.3,
                                  alpha_beta_Gy=10.0, ntcp=0.0, vessel_fraction=0.56,
                                  cuff_decays_per_um=bound)  # fmt: skip
    c = cuff_alpha_dose(bound, lumen_radius_um=3.0, wall_thickness_um=0.4, nucleus_radius_um=4.0,
                        cuff_thickness_um=50.0, background_alpha_Gy=0.085)  # fmt: skip
    assert r.mean_alpha_dose_Gy["perivascular"] == pytest.approx(c.total_alpha_Gy, rel=1e-12)
    assert r.mean_alpha_dose_Gy["spheroid"] == pytest.approx(0.21, rel=1e-9)
