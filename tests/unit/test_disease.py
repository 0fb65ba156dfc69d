"""Unit tests of brainrit.disease: growth, seeding, detection, policies, therapeutic window."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import brainrit.disease as dz
from brainrit.errors import InputError


def _treatments(ntcp_rit: float = 0.01) -> dz.Treatments:
    rit = dz.rit_dose_uniform(
        0.7, 0.05, 0.1, 0.01, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, ntcp=ntcp_rit
    )
    wbrt = dz.wbrt_outcome(30.0, 10, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
    return dz.Treatments(rit, wbrt, dz.SRSModel(), clonogen_fraction=0.01)


# ---------------------------------------------------------------- growth: analytic limits
def test_exponential_growth_and_inverse_exact():
    g = dz.GrowthModel("exponential", 86.0)
    assert dz.cells_at(g, 86.0 * 10) == pytest.approx(1024.0, rel=1e-14)
    assert dz.time_to_reach_d(g, 1e8) == pytest.approx(86.0 * math.log2(1e8), rel=1e-14)
    assert dz.time_to_reach_d(g, 0.5) == 0.0  # already there at seeding
    assert dz.cells_at(g, -5.0) == 1.0


def test_gompertz_plateau_and_inverse():
    g = dz.GrowthModel("gompertz", 1.0, n_max_cells=1e6)
    assert dz.cells_at(g, 1e4) == pytest.approx(1e6, rel=1e-9)
    assert math.isinf(dz.time_to_reach_d(g, 2e6))
    t = np.array([0.5, 3.0, 17.0])
    n = dz.cells_at(g, t)
    np.testing.assert_allclose(dz.time_to_reach_d(g, n), t, rtol=1e-10)
    # early Gompertz growth matches the initial doubling time
    assert dz.cells_at(g, 1e-4) == pytest.approx(2.0 ** (1e-4), rel=1e-6)


def test_rate_multiplier_scales_time():
    g = dz.growth_preset("breast")
    assert dz.time_to_reach_d(g, 1e6, rate_multiplier=2.0) == pytest.approx(dz.time_to_reach_d(g, 1e6) / 2)


def test_presets_and_conversions():
    m = dz.growth_preset("MDA-231-Br")
    assert m.kind == "gompertz" and 1e7 < m.n_max_cells < 2e7
    assert dz.diameter_mm(m, dz.cells_at(m, 21.0)) == pytest.approx(0.31, rel=1e-9)  # Zhou 2013 anchor
    assert dz.growth_preset("lung").doubling_time_d == 139.0
    assert dz.growth_preset("breast", vcam1_onset_cells=200).vcam1_onset_cells == 200
    g = dz.GrowthModel("exponential", 1.0, cell_density_per_cm3=1e8)
    # π (0.2 cm)³/6 × 10⁸ cells/cm³
    assert dz.cells_from_diameter_mm(g, 2.0) == pytest.approx(4.19e5, rel=1e-3)
    assert dz.diameter_mm(g, dz.cells_from_diameter_mm(g, 3.3)) == pytest.approx(3.3)
    assert dz.phase_at(m, [10.0, 1e5]).tolist() == ["perivascular", "spheroid"]
    assert dz.vcam1_positive(m, [1.0, 10.0]).tolist() == [False, True]


def test_gompertz_anchor_roundtrip():
    nmax = dz.gompertz_plateau_for_anchor(2.0, 30.0, 1e3)
    g = dz.GrowthModel("gompertz", 2.0, n_max_cells=nmax)
    assert dz.cells_at(g, 30.0) == pytest.approx(1e3, rel=1e-9)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"kind": "exponential", "doubling_time_d": -3.0}, "doubling_time_d"),
        ({"kind": "exponential", "doubling_time_d": 0.0}, "doubling_time_d"),
        ({"kind": "exponential", "doubling_time_d": math.inf}, "doubling_time_d"),
        ({"kind": "logistic", "doubling_time_d": 1.0}, "kind"),
        ({"kind": "gompertz", "doubling_time_d": 1.0}, "n_max_cells"),
        ({"kind": "gompertz", "doubling_time_d": 1.0, "n_max_cells": 0.5}, "n_max_cells"),
        ({"kind": "exponential", "doubling_time_d": 1.0, "n0_cells": 0.5}, "n0_cells"),
        ({"kind": "exponential", "doubling_time_d": 1.0, "cell_density_per_cm3": 0}, "cell_density_per_cm3"),
    ],
)
def test_growth_errors(kwargs, field):
    with pytest.raises(InputError, match=field):
        dz.GrowthModel(**kwargs)


def test_growth_function_errors():
    g = dz.growth_preset("breast")
    with pytest.raises(InputError, match="rate_multiplier"):
        dz.cells_at(g, 1.0, rate_multiplier=-1.0)
    with pytest.raises(InputError, match="rate_multiplier"):
        dz.time_to_reach_d(g, 10.0, rate_multiplier=0.0)
    with pytest.raises(InputError, match="n_cells"):
        dz.time_to_reach_d(g, -1.0)
    with pytest.raises(InputError, match="anchor_cells"):
        dz.gompertz_plateau_for_anchor(1.0, 10.0, 1e9)  # faster than exponential
    with pytest.raises(InputError, match="name"):
        dz.growth_preset("melanoma")


# ---------------------------------------------------------------- seeding
def test_seeding_expected_count_and_reproducible():
    s = dz.SeedingProcess(rate_per_d=0.5, start_d=10.0, end_d=30.0)
    assert s.expected_count == 10.0
    counts = np.array([s.sample(np.random.default_rng(i)).size for i in range(4000)])
    # Poisson mean 10: sample mean within 4 standard errors (sd = √10)
    assert abs(counts.mean() - 10.0) < 4 * math.sqrt(10.0 / counts.size)
    assert counts.var() == pytest.approx(10.0, rel=0.1)
    np.testing.assert_array_equal(s.sample(5), s.sample(5))
    t = s.sample(7)
    assert np.all((t >= 10) & (t <= 30)) and np.all(np.diff(t) >= 0)


def test_seeding_errors():
    with pytest.raises(InputError, match="rate_per_d"):
        dz.SeedingProcess(rate_per_d=-1.0)
    with pytest.raises(InputError, match="end_d"):
        dz.SeedingProcess(1.0, start_d=5.0, end_d=5.0)
    with pytest.raises(InputError, match="seed"):
        dz.SeedingProcess(1.0).sample(-3)
    with pytest.raises(InputError, match="seed"):
        dz.SeedingProcess(1.0).sample("abc")
    with pytest.raises(InputError, match="species"):
        dz.default_seeding("rat")


# ---------------------------------------------------------------- detection
def test_modality_sensitivity_points():
    m = dz.Modality("x", 1e3, 1e5)
    assert m.n50_cells == pytest.approx(1e4)
    np.testing.assert_allclose(m.sensitivity([1e3, 1e4, 1e5]), [0.1, 0.5, 0.9], rtol=1e-12)
    assert m.sensitivity(0.0) == 0.0
    thr = m.thresholds(np.random.default_rng(1), 20000)
    # empirical CDF of drawn thresholds = sensitivity curve
    for n in (1e3, 1e4, 1e5):
        assert np.mean(thr <= n) == pytest.approx(m.sensitivity(n), abs=0.015)
    np.testing.assert_array_equal(m.thresholds(None, 3), np.full(3, 1e4))


def test_detection_time_one_lesion_exact():
    """Analytic limit: one lesion, exponential growth, median threshold -> t = t_seed + T_d log2(N_det/N0)."""
    g = dz.GrowthModel("exponential", 86.0, n0_cells=4.0)
    m = dz.Modality("contrast MRI", 1e7, 1e8)
    t = dz.detection_time_d(g, m.n50_cells, seed_time_d=12.0)
    assert t == pytest.approx(12.0 + 86.0 * math.log2(m.n50_cells / 4.0), rel=1e-14)


def test_modalities_defaults_ordered():
    for sp in ("mouse", "human"):
        mods = dz.default_modalities(sp)
        dz.check_modality_order(mods)
        assert mods["VCAM-1 MRI"].n50_cells < mods["contrast MRI"].n50_cells


def test_detection_errors():
    with pytest.raises(InputError, match="increasing order"):
        dz.Modality("contrast MRI", 1e8, 1e7)
    with pytest.raises(InputError, match="increasing order"):
        dz.Modality("m", 5.0, 5.0)
    with pytest.raises(InputError, match="n10_cells"):
        dz.Modality("m", -1.0, 5.0)
    g = dz.growth_preset("breast")
    with pytest.raises(InputError, match="increasing order"):
        dz.Modality.from_diameters("PET", 6.0, 3.0, g)
    bad = {"VCAM-1 MRI": dz.Modality("VCAM-1 MRI", 1e8, 1e9), "contrast MRI": dz.Modality("c", 1e7, 1e8)}
    with pytest.raises(InputError, match="in order"):
        dz.check_modality_order(bad)
    with pytest.raises(InputError, match="contrast MRI"):
        dz.check_modality_order({"VCAM-1 MRI": dz.Modality("v", 1, 2)})
    course = dz.default_course("human")
    with pytest.raises(InputError, match="in order"):
        dz.DiseaseCourse(course.growth, course.seeding, bad, course.horizon_d)


# ---------------------------------------------------------------- policies
def test_wbrt_reference_values():
    w = dz.wbrt_outcome(30.0, 10, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
    assert w.survival == pytest.approx(8.294e-6, rel=1e-3)  # exp(−0.3 × 39), WBRT 30 Gy/10 fx
    # LKB: EQD2 37.5 Gy, TD50 60, m 0.15 -> Φ(−2.5)
    assert w.ntcp == pytest.approx(0.5 * math.erfc(2.5 / math.sqrt(2)), rel=1e-9)
    with pytest.raises(InputError, match="n_fractions"):
        dz.wbrt_outcome(30.0, 0, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)


def test_srs_helpers():
    from brainrit.disease.policies import srs_ntcp, srs_prescription_Gy_vec, srs_survival, srs_v12_cm3
    from brainrit.ebrt.srs import v_isodose_cm3

    np.testing.assert_array_equal(srs_prescription_Gy_vec([20.0, 30.0, 40.0]), [24.0, 18.0, 15.0])
    model = dz.SRSModel(gradient_index=3.0)
    assert srs_v12_cm3(model, [20.0])[0] == pytest.approx(v_isodose_cm3(10.0, 24.0, 12.0, 3.0))
    assert srs_v12_cm3(model, [50.0])[0] == 0.0
    assert srs_survival(model, [50.0])[0] == 1.0
    assert srs_survival(model, [10.0])[0] == pytest.approx(math.exp(-0.3 * 24 * (1 + 2.4)))
    assert srs_ntcp([10.0, 10.0], [True, False]).tolist() == pytest.approx([0.15, 0.0], abs=1e-4)
    with pytest.raises(InputError, match="gradient_index"):
        dz.SRSModel(gradient_index=1.0)


def test_rit_uniform_and_errors():
    kw = dict(z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10, ntcp=0)
    r = dz.rit_dose_uniform(1.0, 0.0, 0.0, 0.0, **kw)
    assert r.survival_vcam1_negative == 1.0
    assert r.survival_spheroid == pytest.approx(math.exp(-(1 / 0.32) * (1 - math.exp(-0.64))))
    with pytest.raises(InputError, match="lesion_alpha_Gy"):
        dz.rit_dose_uniform(-1.0, 0, 0, 0, z1_Gy=0.3, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10, ntcp=0)
    with pytest.raises(InputError, match="ntcp"):
        dz.rit_dose_uniform(1.0, 0, 0, 0, z1_Gy=0.3, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10, ntcp=2)


def test_rit_from_vascular_geometry():
    """Micro-dosimetry: the spheroid mean equals the macroscopic α dose; the cuff around one vessel gets
    less (cells out to 50 µm) and has unhit cells; VCAM-1-negative lesions see the brain dose only."""
    kw = dict(z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, ntcp=0.0, lumen_radius_um=2.0)
    r = dz.rit_dose_from_vascular("Pb-212", 2.0, 0.0, 0.1, 0.0, **kw)
    assert r.source == "vascular micro-dosimetry"
    assert r.mean_alpha_dose_Gy["spheroid"] == pytest.approx(2.0, rel=1e-12)
    assert r.mean_alpha_dose_Gy["perivascular"] < 2.0
    assert r.survival_spheroid < r.survival_perivascular < r.survival_vcam1_negative
    assert r.unhit_fraction["perivascular"] > r.unhit_fraction["spheroid"]
    # heterogeneous dose -> mean survival above survival at the mean dose (Jensen, convex exp)
    u = dz.rit_dose_uniform(2.0, 0.0, 0.1, 0.0, **{k: v for k, v in kw.items() if k != "lumen_radius_um"})
    assert r.survival_spheroid >= u.survival_spheroid
    # vessel_fraction: the level is kept, the share on vessels distributed; 0 -> uniform dose everywhere
    half = dz.rit_dose_from_vascular("Pb-212", 2.0, 0.0, 0.1, 0.0, vessel_fraction=0.5, **kw)
    assert half.mean_alpha_dose_Gy["spheroid"] == pytest.approx(2.0, rel=1e-12)
    assert r.survival_spheroid > half.survival_spheroid > u.survival_spheroid
    none = dz.rit_dose_from_vascular("Pb-212", 2.0, 0.0, 0.1, 0.0, vessel_fraction=0.0, **kw)
    assert none.source == "mean lesion dose" and none.survival_spheroid == u.survival_spheroid
    with pytest.raises(InputError, match="vessel_fraction"):
        dz.rit_dose_from_vascular("Pb-212", 1.0, 0, 0, 0, vessel_fraction=1.5, **kw)
    with pytest.raises(InputError, match="intercapillary_distance_um"):
        dz.rit_dose_from_vascular("Pb-212", 1.0, 0, 0, 0, intercapillary_distance_um=10.0, **kw)
    with pytest.raises(InputError, match="cuff_thickness_um"):
        dz.rit_dose_from_vascular("Pb-212", 1.0, 0, 0, 0, cuff_thickness_um=1.0, **kw)


# ---------------------------------------------------------------- window
def test_expected_lesion_count_matches_rate():
    course = dz.default_course("human", expected_lesions=7.0)
    vp = dz.sample_patients(course, 3000, seed=11)
    c = vp.lesion_counts
    assert abs(c.mean() - 7.0) < 4 * math.sqrt(7.0 / c.size)


def test_one_lesion_window_analytic():
    """One lesion, deterministic growth: P(control by RIT at t) = exp(−f N(t) S) exactly, and 0 before
    seeding; WBRT at detection is given at t_seed + T_d log2(N50)."""
    course = dz.default_course("human", expected_lesions=1.0)
    tr = _treatments()
    vp = dz.VirtualPatients.from_arrays(course, [0], [100.0])
    times = np.array([50.0, 100.0, 500.0, 1200.0])
    w = dz.therapeutic_window(course, tr, times, patients=vp)
    g = course.growth
    n = dz.cells_at(g, times - 100.0)
    s = np.where(n >= g.vcam1_onset_cells, tr.rit.survival_perivascular, tr.rit.survival_vcam1_negative)
    expect = np.where(times >= 100.0, np.exp(-0.01 * n * s), 0.0)
    np.testing.assert_allclose(w.p_all_controlled["RIT"], expect, rtol=1e-12)
    np.testing.assert_allclose(w.expected_failures["RIT"], 1 - expect, rtol=1e-12)
    np.testing.assert_allclose(w.p_plus["RIT"], expect * (1 - 0.01), rtol=1e-12)
    t_det = 100.0 + g.doubling_time_d * math.log2(course.modalities["contrast MRI"].n50_cells)
    n_det = dz.cells_at(g, t_det - 100.0)
    expect_wbrt = math.exp(-0.01 * n_det * tr.wbrt.survival)
    assert w.p_all_controlled["WBRT at detection"][0] == pytest.approx(expect_wbrt)
    # SRS sees nothing before detection
    assert np.all(w.p_all_controlled["SRS"] == 0.0)


def test_window_reproducible_and_worker_independent():
    course = dz.default_course("mouse")
    tr = _treatments()
    t = np.linspace(0, 40, 9)
    a = dz.therapeutic_window(course, tr, t, n_patients=60, seed=5, workers=1)
    b = dz.therapeutic_window(course, tr, t, n_patients=60, seed=5, workers=2)
    c = dz.therapeutic_window(course, tr, t, n_patients=60, seed=5, workers=7)
    d = dz.therapeutic_window(course, tr, t, n_patients=60, seed=6)
    for p in a.policies:
        for attr in ("p_all_controlled", "expected_failures", "ntcp", "p_plus"):
            np.testing.assert_array_equal(getattr(a, attr)[p], getattr(b, attr)[p])
            np.testing.assert_array_equal(getattr(a, attr)[p], getattr(c, attr)[p])
    assert not np.array_equal(a.expected_failures["RIT"], d.expected_failures["RIT"])
    # patients do not depend on how many are drawn (child k of the SeedSequence is patient k)
    vp60 = dz.sample_patients(course, 60, 5)
    vp30 = dz.sample_patients(course, 30, 5)
    np.testing.assert_array_equal(vp60.subset(0, 30).seed_time_d, vp30.seed_time_d)
    js = a.as_dict()
    assert set(js["policies"]) == set(dz.POLICIES)


def test_window_errors():
    course = dz.default_course("mouse")
    tr = _treatments()
    with pytest.raises(InputError, match="before seeding"):
        dz.therapeutic_window(course, tr, [-1.0, 5.0], n_patients=5)
    with pytest.raises(InputError, match="horizon"):
        dz.therapeutic_window(course, tr, [100.0], n_patients=5)
    with pytest.raises(InputError, match="policies"):
        dz.therapeutic_window(course, tr, [1.0], n_patients=5, policies=["chemo"])
    with pytest.raises(InputError, match="workers"):
        dz.therapeutic_window(course, tr, [1.0], n_patients=5, workers=0)
    with pytest.raises(InputError, match="n_patients"):
        dz.sample_patients(course, 0, 1)
    with pytest.raises(InputError, match="horizon_d"):
        dz.DiseaseCourse(course.growth, course.seeding, course.modalities, 1.0)
    with pytest.raises(InputError, match="seed_time_d"):
        dz.VirtualPatients.from_arrays(course, [0], [-2.0])
    with pytest.raises(InputError, match="patient"):
        dz.VirtualPatients.from_arrays(course, [1, 0], [0.5, 0.5])
    with pytest.raises(InputError, match="clonogen_fraction"):
        dz.Treatments(tr.rit, tr.wbrt, tr.srs, 0.0)


def test_patients_without_lesions():
    course = dz.default_course("mouse", expected_lesions=0.0)
    w = dz.therapeutic_window(course, _treatments(), [1.0, 20.0], n_patients=4, seed=1)
    assert np.all(w.p_all_controlled["RIT"] == 1.0) and np.all(w.expected_failures["SRS"] == 0.0)
    assert np.all(w.ntcp["SRS"] == 0.0)


def test_per_patient_reduction_with_empty_patients():
    """Patients without lesions anywhere in the order (first, middle, last) get P = 1, no failures, and the
    others' sums are exact."""
    from brainrit.disease.window import _per_patient

    pid = np.array([1, 1, 3, 3, 3])
    v = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    np.testing.assert_array_equal(_per_patient(v, pid, 5)[:, 0], [0, 3, 0, 12, 0])
    np.testing.assert_array_equal(
        _per_patient(v, pid, 5, reduce=np.minimum)[:, 0], [np.inf, 1, np.inf, 3, np.inf]
    )
    course = dz.default_course("human")
    tr = _treatments()
    vp = dz.VirtualPatients.from_arrays(course, [1, 1], [0.0, 300.0], n_patients=3)
    w = dz.therapeutic_window(course, tr, [400.0], patients=vp)
    n = dz.cells_at(course.growth, np.array([400.0, 100.0]))
    s = np.where(
        n >= course.growth.vcam1_onset_cells, tr.rit.survival_perivascular, tr.rit.survival_vcam1_negative
    )
    p1 = np.exp(-0.01 * np.sum(n * s))
    assert w.p_all_controlled["RIT"][0] == pytest.approx((1.0 + p1 + 1.0) / 3.0, rel=1e-12)


# ---------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(
    td=st.floats(0.2, 200.0),
    kind=st.sampled_from(["exponential", "gompertz"]),
    a=st.floats(1.0, 1e6),
    b=st.floats(1.0, 1e6),
)
def test_detection_time_monotone_in_threshold(td, kind, a, b):
    g = dz.GrowthModel(kind, td, n_max_cells=1e7 if kind == "gompertz" else math.inf)
    lo, hi = sorted((a, b))
    assert dz.detection_time_d(g, lo) <= dz.detection_time_d(g, hi)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), cv=st.floats(0.0, 0.5))
def test_window_bounded(seed, n, cv):
    course = dz.default_course("mouse", growth_cv=cv)
    w = dz.therapeutic_window(course, _treatments(), np.linspace(0, 40, 6), n_patients=n, seed=seed)
    for p in w.policies:
        for arr in (w.p_all_controlled[p], w.ntcp[p], w.p_plus[p]):
            assert np.all((arr >= 0) & (arr <= 1))
        assert np.all(w.p_plus[p] <= w.p_all_controlled[p] + 1e-15)
        assert np.all(w.expected_failures[p] >= 0)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), cv=st.floats(0.0, 0.6))
def test_lesion_states_monotone_in_time(seed, cv):
    """Once seeded, a lesion only grows: VCAM-1 expression, the spheroid phase and detection never revert."""
    course = dz.default_course("mouse", growth_cv=cv)
    vp = dz.sample_patients(course, 3, seed)
    s = dz.lesion_states(course, vp, np.linspace(0.0, 40.0, 30))
    for key in ("seeded", "vcam1", "spheroid"):
        assert np.all(np.diff(s[key].astype(int), axis=1) >= 0)
    for det in s["detected"].values():
        assert np.all(np.diff(det.astype(int), axis=1) >= 0)
    assert np.all(np.diff(s["cells"], axis=1) >= 0)


@settings(max_examples=15, deadline=None)
@given(f1=st.floats(1e-4, 1.0), f2=st.floats(1e-4, 1.0), seed=st.integers(0, 1000))
def test_control_decreases_with_clonogens(f1, f2, seed):
    course = dz.default_course("mouse")
    base = _treatments()
    lo, hi = sorted((f1, f2))
    vp = dz.sample_patients(course, 5, seed)
    t = np.linspace(0.0, 40.0, 5)
    a = dz.therapeutic_window(course, dz.Treatments(base.rit, base.wbrt, base.srs, lo), t, patients=vp)
    b = dz.therapeutic_window(course, dz.Treatments(base.rit, base.wbrt, base.srs, hi), t, patients=vp)
    for p in a.policies:
        assert np.all(b.p_all_controlled[p] <= a.p_all_controlled[p] + 1e-15)
