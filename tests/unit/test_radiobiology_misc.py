"""Unit tests for brainrit.radiobiology: shapes, special cases, parameter library, P+ optimiser, warnings."""

from __future__ import annotations

import dataclasses
import math
import tomllib
import warnings
from importlib.resources import files

import numpy as np
import pytest

from brainrit import errors as rb_errors
from brainrit import radiobiology as rb
from brainrit.radiobiology import ntcp as ntcp_mod

CONTRACT_NAMES = [
    "bed_fractionated",
    "eqd2",
    "g_factor",
    "g_factor_exponential",
    "dose_decaying_source",
    "bed_decaying_source",
    "tcp_poisson",
    "tcp_population",
    "survival_alpha_microdosimetric",
    "ntcp_lkb",
    "parameters",
]


def test_contract_api_names_exported():
    for name in CONTRACT_NAMES:
        assert name in rb.__all__ and callable(getattr(rb, name))
    import inspect

    assert list(inspect.signature(rb.bed_decaying_source).parameters) == [
        "initial_dose_rate_Gy_per_h",
        "effective_half_life_h",
        "repair_half_time_h",
        "alpha_beta_Gy",
        "duration_h",
    ]
    assert list(inspect.signature(rb.tcp_population).parameters) == [
        "dose_Gy",
        "n_fractions",
        "alpha_mean_per_Gy",
        "alpha_sd_per_Gy",
        "alpha_beta_Gy",
        "clonogen_density_per_cm3",
        "volume_cm3",
    ]
    assert list(inspect.signature(rb.ntcp_lkb).parameters) == [
        "dvh_dose_Gy",
        "dvh_volume_fraction",
        "td50_Gy",
        "m",
        "n",
    ]


def test_vectorised_bed_and_scalar_types():
    out = rb.bed_fractionated(np.array([30.0, 20.0]), np.array([10, 5]), 10.0)
    np.testing.assert_allclose(out, [39.0, 28.0])
    assert isinstance(rb.eqd2(30.0, 10, 2.0), float)


def test_repopulation_term():
    bed = rb.bed_fractionated(
        60.0, 30, 10.0, overall_time_days=40, kickoff_days=28, potential_doubling_days=3, alpha_per_Gy=0.3
    )
    assert bed == pytest.approx(72.0 - math.log(2) * 12 / (0.3 * 3))


def test_isoeffective_and_mixed():
    assert rb.isoeffective_dose(30.0, 10, 10.0, 2.0) == pytest.approx(32.5)
    assert rb.eqd2_mixed(0.0, 30.0, 10.0, g_low_let=0.1) == pytest.approx(32.5)
    s = rb.survival_mixed(1.0, 2.0, z0_Gy=1 / 1.5, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, g_low_let=0.5)
    assert s == pytest.approx(math.exp(-1.5 - 0.6 - 0.03 * 0.5 * 4))
    # BED of the mixed field equals −ln S / α_γ when α_α = RBE·α_γ and β = α_γ/(α/β)
    bed = rb.bed_mixed(1.0, 2.0, 10.0, rbe_alpha=5.0, g_low_let=0.5)
    assert -math.log(s) / 0.3 == pytest.approx(bed)


def test_rbe_by_class_defaults_and_override():
    assert rb.rbe_weighted_dose_by_class({"alpha": 1.0, "alpha_recoil": 0.1, "gamma": 0.5}) == pytest.approx(
        6.0
    )
    assert rb.rbe_weighted_dose_by_class({"alpha": 1.0}, rbe={"alpha": 3.0}) == 3.0
    np.testing.assert_allclose(rb.rbe_weighted_dose(np.array([1.0, 2.0]), 0.5), [5.5, 10.5])
    assert rb.rbe_howell_let(100.0) == pytest.approx(4.8 - 6.1 + 10.0)


def test_g_fraction_forms():
    assert rb.g_fractions(5) == pytest.approx(0.2)
    # very long interval → complete repair
    assert rb.g_fractions(5, 1.5, 1e4) == pytest.approx(0.2, abs=1e-12)
    # zero spacing limit → one acute dose
    assert rb.g_fractions(5, 1.5, 1e-9) == pytest.approx(1.0, abs=1e-8)
    assert rb.g_acute_fractions([3.0], [0.0], 1.5) == 1.0
    np.testing.assert_allclose(rb.g_constant_rate(np.array([0.0, 1e-3, 1.0]), 1.5)[0], 1.0)


def test_g_constant_rate_series_branch_continuous():
    mu = math.log(2) / 1.5
    for x in (0.0099999, 0.0100001):
        T = x / mu
        exact = 2 * (x - 1 + math.exp(-x)) / x**2
        assert rb.g_constant_rate(T, 1.5) == pytest.approx(exact, rel=1e-9)


def test_numerical_g_segment_series_branch_matches_closed_branch():
    """Segments either side of μh = 1 (series vs closed expressions) give the same G."""
    trep = 1.0
    mu = math.log(2) / trep
    for h in (0.999 / mu, 1.001 / mu):
        t = np.arange(0.0, 40.0, h)
        r = np.exp(-0.1 * t) * (1 + 0.3 * np.sin(t))
        g1 = rb.g_factor(t, r, trep)
        tf = np.linspace(0, t[-1], 40001)
        g2 = rb.g_factor(tf, np.interp(tf, t, r), trep)
        assert g1 == pytest.approx(g2, rel=1e-6)


def test_tcp_forms():
    assert rb.tcp_binomial(0.0, 100) == 1.0
    assert rb.tcp_binomial(1.0, 0) == 1.0
    assert rb.tcp_binomial(1.0, 3) == 0.0
    assert rb.tcp_cell_by_cell([1.0, 0.1]) == 0.0
    # binomial tends to Poisson for small S
    assert rb.tcp_binomial(1e-6, 10**6) == pytest.approx(rb.tcp_poisson(1e-6, 1e6), rel=1e-6)
    # voxel with per-voxel G equals fractionated
    assert rb.tcp_voxel(
        [30.0], [1e-4], clonogen_density_per_cm3=1e7, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, g=0.1
    ) == pytest.approx(
        rb.tcp_voxel(
            [30.0], [1e-4], clonogen_density_per_cm3=1e7, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, n_fractions=10
        )
    )
    assert rb.tcp_logistic(0.0, 12.0, 1.0) == 0.0
    assert rb.tcp_poisson_empirical(50.0, 50.0, 2.0) == pytest.approx(0.5)
    assert rb.eud_tumour([20.0, 20.0], 0.3) == pytest.approx(20.0)
    assert rb.eud_tumour([60.0, 20.0], 0.3, [0.0, 1.0]) == pytest.approx(20.0)


def test_population_tcp_edge_cases_and_shapes():
    t = rb.tcp_population(
        np.array([0.0, 30.0, 80.0]),
        n_fractions=1,
        alpha_mean_per_Gy=0.35,
        alpha_sd_per_Gy=0.08,
        alpha_beta_Gy=10.0,
        clonogen_density_per_cm3=1e7,
        volume_cm3=1.0,
    )
    assert t.shape == (3,) and t[0] == 0.0 and 0 < t[1] < t[2] <= 1
    assert rb.tcp_population_bed(50.0, 0.35, 0.08, 0.0) == 1.0
    # σ → 0 tends to the individual Poisson TCP
    assert rb.tcp_population_bed(72.0, 0.3, 1e-9, 1e7) == pytest.approx(
        math.exp(-1e7 * math.exp(-0.3 * 72)), rel=1e-6
    )
    # huge heterogeneity: mass near α = 0 cannot be controlled
    assert rb.tcp_population_bed(1000.0, 0.01, 1.0, 1e7) < 1.0


def test_microdosimetric_tcp_capped_by_unhit_cells():
    doses = np.r_[np.full(99, 20.0), 0.0]
    assert rb.tcp_microdosimetric(doses, 0.32, 0.5) == 0.0
    s = rb.survival_alpha_microdosimetric_spectrum(np.array([0.0, 1.0]), [0.1, 0.3], [1, 1], 0.5)
    assert s[0] == 1.0 and 0 < s[1] < 1


def test_ntcp_forms():
    assert rb.generalized_eud([10.0, 30.0], [0.5, 0.5], 1e-3) == pytest.approx(30.0, rel=1e-3)  # max-like
    assert rb.generalized_eud([0.0, 0.0], [0.5, 0.5], 0.25) == 0.0
    assert rb.ntcp_relative_seriality([0.0], [1.0], 60.0, 2.0, 1.0) == pytest.approx(
        2 ** (-math.exp(math.e * 2))
    )
    np.testing.assert_allclose(rb.dvh_to_eqd2(np.array([30.0, 9.0]), 10, 2.0), [37.5, 6.525])


def test_domain_warnings():
    with pytest.warns(rb.DomainWarning, match="Jaspers"):
        rb.hippocampal_d40_gondi(50.0, 25)
    with pytest.warns(rb.DomainWarning, match="V12"):
        rb.ntcp_srs_v12(30.0)
    with pytest.warns(rb.DomainWarning):
        rb.ntcp_brain_necrosis_quantec(20.0)
    with pytest.warns(rb.DomainWarning):
        rb.hippocampal_v55_okoukoni(80.0)
    with pytest.warns(rb.DomainWarning):
        rb.hippocampal_d50_ma(80.0, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rb.hippocampal_d40_gondi(9.0, 10)
        rb.ntcp_srs_v12(8.0)


def test_rtog0933_statuses():
    assert rb.hippocampal_rtog0933_check(8.0, 15.0)["status"] == "per protocol"
    assert rb.hippocampal_rtog0933_check(9.5, 16.5)["status"] == "acceptable variation"
    assert rb.hippocampal_rtog0933_check(11.0, 18.0)["status"] == "unacceptable"


# ---------------------------------------------------------------------------------------------------------
# parameter library
# ---------------------------------------------------------------------------------------------------------
def test_every_library_entry_is_cited_and_tagged():
    raw = tomllib.loads((files("brainrit") / "data" / "radiobiology_parameters.toml").read_text("utf-8"))
    assert set(raw) == set(rb.list_parameter_sets())
    for name in rb.list_parameter_sets():
        ps = rb.parameters(name)
        assert ps.description and ps.domain and len(ps) > 0
        for key, p in ps.entries.items():
            assert p.tag in ("V", "K", "D"), (name, key)
            assert p.unit and len(p.source) > 5, (name, key)


def test_parameter_set_is_frozen_and_overridable():
    ps = rb.parameters("Brain_Necrosis_LKB")
    assert ps.td50_Gy == 60.0 and ps["n"] == 0.25 and dict(ps.as_dict())["m"] == 0.15
    with pytest.raises(dataclasses.FrozenInstanceError):
        ps.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ps.entries["td50_Gy"] = None  # type: ignore[index]
    new = rb.parameters("brain_necrosis_lkb", td50_Gy=55, m=0.2)
    assert new["td50_Gy"] == 55.0 and new.entries["td50_Gy"].tag == "user"
    assert "60.0" in new.entries["td50_Gy"].source
    assert rb.parameters("brain_necrosis_lkb")["td50_Gy"] == 60.0  # library untouched
    assert rb.parameters("cns_biexponential_repair", weights=[0.6, 0.4])["weights"] == (0.6, 0.4)
    with pytest.raises(AttributeError):
        _ = ps.no_such_param


def test_library_fit_coefficients_match_code():
    q = rb.parameters("brain_necrosis_quantec")
    assert q["b0"] == pytest.approx(ntcp_mod._Q_B0, abs=1e-4)
    assert q["b1_per_Gy"] == pytest.approx(ntcp_mod._Q_B1, abs=1e-6)
    v = rb.parameters("srs_v12_hytec")
    assert v["b0"] == pytest.approx(ntcp_mod._V12_B0, abs=1e-4)
    assert v["b1_per_cm3"] == pytest.approx(ntcp_mod._V12_B1, abs=1e-6)
    o = rb.parameters("hippocampus_okoukoni_v55")
    assert (o["b0"], o["b1_per_percent"]) == (ntcp_mod._OK_B0, ntcp_mod._OK_B1)


# ---------------------------------------------------------------------------------------------------------
# P+ and the activity optimiser
# ---------------------------------------------------------------------------------------------------------
def test_p_plus():
    assert rb.p_plus(0.9, 0.1) == pytest.approx(0.81)
    np.testing.assert_allclose(rb.p_plus(np.array([0.5, 1.0]), np.array([0.0, 0.5])), [0.5, 0.5])
    assert rb.p_plus(0.9, [0.1, 0.2]) == pytest.approx(0.9 * 0.9 * 0.8)


def _curves():
    tcp = lambda a: 1 - math.exp(-a / 2.0)  # noqa: E731
    ntcp = lambda a: 1 - math.exp(-((a / 20.0) ** 3))  # noqa: E731
    return tcp, ntcp


def test_optimiser_unconstrained_matches_analytic_maximum():
    tcp, ntcp = _curves()
    opt = rb.activity_for_max_p_plus((0.1, 40.0), tcp, ntcp)
    from scipy.optimize import minimize_scalar

    ref = minimize_scalar(
        lambda a: -tcp(a) * (1 - ntcp(a)), bounds=(0.1, 40), method="bounded", options={"xatol": 1e-10}
    )
    assert opt.activity_MBq == pytest.approx(ref.x, rel=1e-5)
    assert not opt.limited_by_ntcp
    assert opt.p_plus == pytest.approx(opt.tcp * (1 - opt.ntcp))


def test_optimiser_constrained_sits_on_limit():
    tcp, ntcp = _curves()
    opt = rb.activity_for_max_p_plus((0.1, 40.0), tcp, ntcp, ntcp_limit=0.03)
    assert opt.limited_by_ntcp and opt.ntcp <= 0.03
    assert opt.activity_MBq == pytest.approx(20 * (-math.log(0.97)) ** (1 / 3), rel=1e-5)


def test_optimiser_with_arrays():
    tcp, ntcp = _curves()
    a = np.linspace(0.0, 40.0, 401)
    opt = rb.activity_for_max_p_plus(a, [tcp(x) for x in a], [ntcp(x) for x in a], ntcp_limit=0.03)
    assert opt.limited_by_ntcp
    assert opt.activity_MBq == pytest.approx(20 * (-math.log(0.97)) ** (1 / 3), rel=1e-3)


def test_population_voxel_consistency():
    bed = rb.bed_fractionated(60.0, 30, 10.0)
    uniform = rb.tcp_population_bed(bed, 0.35, 0.08, 1e8)
    assert rb.tcp_population_voxel(np.full(10, bed), 1e7, 0.35, 0.08) == pytest.approx(uniform, abs=1e-12)
    # σ = 0 reduces to the voxel Poisson TCP
    b = np.array([50.0, 70.0, 80.0])
    n = np.array([1e5, 1e6, 1e6])
    poisson = math.exp(-np.sum(n * np.exp(-0.3 * b)))
    assert rb.tcp_population_voxel(b, n, 0.3, 0.0) == pytest.approx(poisson, rel=1e-12)
    assert rb.tcp_population_voxel(b, 0.0, 0.3, 0.1) == 1.0
    # a voxel with no dose and N clonogens caps TCP at e^{-N}
    assert rb.tcp_population_voxel([0.0, 200.0], [2.0, 1e7], 0.35, 0.08) <= math.exp(-2.0) + 1e-12
    with pytest.raises(rb_errors.InputError, match="n_clonogens"):
        rb.tcp_population_voxel([50.0, 60.0], [1.0, 2.0, 3.0], 0.3, 0.1)


def test_ntcp_lkb_from_dvh_object():
    from brainrit.dosimetry.voxel.dvh import dvh

    rng = np.random.default_rng(5)
    dose = rng.uniform(20.0, 60.0, (12, 12, 12))
    mask = np.ones(dose.shape, dtype=bool)
    h = dvh(dose, mask, 1.0, bin_width_Gy=0.01)
    direct = rb.ntcp_lkb_eqd2(
        dose.ravel(),
        np.full(dose.size, 1 / dose.size),
        n_fractions=30,
        alpha_beta_Gy=2.0,
        td50_Gy=60.0,
        m=0.15,
        n=0.25,
    )
    via = rb.ntcp_lkb_dvh(h, 60.0, 0.15, 0.25, n_fractions=30, alpha_beta_Gy=2.0)
    assert via == pytest.approx(direct, rel=2e-3)  # binning to 0.01 Gy
    with pytest.raises(rb_errors.InputError, match="dvh"):
        rb.ntcp_lkb_dvh(object(), 60.0, 0.15, 0.25)
    with pytest.raises(rb_errors.InputError, match="n_fractions"):
        rb.ntcp_lkb_dvh(h, 60.0, 0.15, 0.25, n_fractions=30)
