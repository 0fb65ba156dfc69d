"""brainrit.sweep.design and the [sweep] schema: distributions, paths, designs, seeds, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from brainrit.errors import InputError, ScenarioError
from brainrit.scenario import builtin_scenario, builtin_text, loads
from brainrit.scenario.sweep_schema import SweepSection, parse_distribution, parse_vary
from brainrit.sweep.design import (
    apply_values,
    make_plan,
    numeric_paths,
    oat_blocks,
    parse_parameters,
    ppf,
    resolve_path,
    sample_seed,
)


@pytest.fixture(scope="module")
def sc():
    return builtin_scenario("mouse-vcam1-pb212")


# ------------------------------------------------------------------------------ distribution syntax


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("uniform 3 7", "not a distribution"),
        ("uniform(3,)", "is not a number"),
        ("uniform(a, 7)", "is not a number"),
        ("unifrom(3, 7)", "did you mean 'uniform'"),
        ("weibull(1, 2)", "unknown distribution 'weibull'"),
        ("uniform(7, 3)", "low must be < high, got low=7, high=3"),
        ("uniform(3, 3)", "low must be < high"),
        ("uniform(3, 4, 5)", "uniform takes 2 numbers"),
        ("normal(0.36, 0)", "sd must be > 0, got 0"),
        ("normal(0.36, -0.03)", "sd must be > 0, got -0.03"),
        ("lognormal(0, 0.2)", "median must be > 0"),
        ("lognormal(1, -0.2)", "sigma must be > 0"),
        ("loguniform(0, 5)", "low must be > 0 for loguniform"),
        ("truncnormal(0.36, 0.03, 1, 0)", "low must be < high"),
        ("truncnormal(0.36, 0.03, 0)", "truncnormal takes 4 numbers"),
        ("trunclognormal(1, 0.3, -2, 0)", "high must be > 0"),
        ("grid()", "at least one value"),
        ("grid(1, 1)", "distinct"),
        ("uniform(inf, 3)", "must be finite"),
    ],
)
def test_invalid_distributions_name_the_problem(text, match):
    with pytest.raises(ValueError, match=match):
        parse_distribution(text)


def test_valid_distributions_parse():
    assert parse_distribution("uniform(3,7)").params == (3.0, 7.0)
    t = parse_distribution("normal(0.36, 0.03, 0, 1)")  # 4-argument normal is the truncated one
    assert (t.kind, t.low, t.high) == ("truncnormal", 0.0, 1.0)
    assert parse_distribution(" GRID(20, 30, 40) ").values == (20.0, 30.0, 40.0)
    assert (
        str(parse_distribution("trunclognormal(1e5, 0.5, 1e4, 1e6)"))
        == "trunclognormal(100000, 0.5, 10000, 1e+06)"
    )


def test_parse_vary_splits_path_and_distribution():
    path, dist = parse_vary("arms[1].dose_Gy=grid(20,30,40)")
    assert path == "arms[1].dose_Gy" and dist.kind == "grid"
    with pytest.raises(ValueError, match="must be PATH=DIST"):
        parse_vary("radiobiology.rbe_alpha")
    with pytest.raises(ValueError, match="not a field path"):
        parse_vary("rbe_alpha=uniform(3,7)")


# ------------------------------------------------------------------------------ quantile functions


@settings(max_examples=40, deadline=None)
@given(u=st.floats(0.001, 0.999))
def test_ppf_matches_scipy(u):
    arr = np.array([u])
    cases = [
        ("uniform(3, 7)", stats.uniform(3, 4)),
        ("loguniform(0.1, 10)", stats.loguniform(0.1, 10)),
        ("normal(0.36, 0.03)", stats.norm(0.36, 0.03)),
        ("lognormal(2, 0.5)", stats.lognorm(0.5, scale=2)),
        ("truncnormal(0.36, 0.1, 0.3, 1)", stats.truncnorm(-0.6, 6.4, loc=0.36, scale=0.1)),
        (
            "trunclognormal(2, 0.5, 1, 3)",
            stats.truncnorm(math.log(0.5) / 0.5, math.log(1.5) / 0.5, loc=math.log(2), scale=0.5),
        ),
    ]
    for text, ref in cases:
        got = float(ppf(parse_distribution(text), arr)[0])
        want = ref.ppf(u)
        if text.startswith("trunclog"):
            want = math.exp(want)
        assert got == pytest.approx(want, rel=1e-9), text


def test_truncated_values_stay_in_bounds_even_far_in_the_tail():
    u = np.linspace(0, 1, 101)
    x = ppf(parse_distribution("truncnormal(0, 1, 8, 9)"), u)
    assert np.all((x >= 8) & (x <= 9)) and np.all(np.diff(x) >= 0)
    y = ppf(parse_distribution("trunclognormal(1, 0.2, 0, 1.1)"), u)
    assert np.all((y > 0) & (y <= 1.1))


# ------------------------------------------------------------------------------ paths


def test_numeric_paths_cover_sections_lists_and_tables(sc):
    paths = numeric_paths(sc)
    for p in ("radiobiology.rbe_alpha", "arms[1].dose_Gy", "arms[1].n_fractions", "lesions[0].diameter_mm"):
        assert p in paths
    assert "radiopharmaceutical.nuclide" not in paths and "lesions[0].visible" not in paths
    assert not any(p.startswith("sweep") for p in paths)


def test_resolve_path_kinds(sc):
    assert resolve_path(sc, "radiobiology.rbe_alpha") == (False, 5.0)
    assert resolve_path(sc, "arms[1].n_fractions") == (True, 3.0)
    assert resolve_path(sc, "administration.activity_MBq_per_kg") == (False, None)
    assert resolve_path(sc, "kinetics.parameters.k_on") == (False, None)  # free-form table


@pytest.mark.parametrize(
    ("vary", "match"),
    [
        (["radiobiology.rbe_alfa=uniform(3,7)"], "did you mean 'radiobiology.rbe_alpha'"),
        (["radiobio.rbe_alpha=uniform(3,7)"], "did you mean 'radiobiology.rbe_alpha'"),
        (["arms[5].dose_Gy=uniform(3,7)"], r"an index < 2 \(arms has 2 entries"),
        (["radiobiology[0].rbe_alpha=uniform(3,7)"], "an index only on a list field"),
        (["radiopharmaceutical.nuclide=uniform(3,7)"], "a numeric field"),
        (["lesions[0].visible=uniform(0,1)"], "a numeric field"),
        (["radiobiology.rbe_alpha.x=uniform(3,7)"], "a numeric field of the scenario"),
        (["sweep.samples=uniform(3,7)"], "a numeric field of the scenario"),
        (["study.name=uniform(3,7)"], "a numeric field"),
        (["radiobiology.rbe_alpha=uniform(7,3)"], "low must be < high"),
        (["radiobiology.rbe_alpha=normal(5,0)"], "sd must be > 0"),
        (["radiobiology.rbe_alpha"], "PATH=DIST"),
        (
            ["radiobiology.rbe_alpha=uniform(3,7)", "radiobiology.rbe_alpha=uniform(3,6)"],
            "each path at most once",
        ),
        ([], "at least one PATH=DIST"),
    ],
)
def test_bad_vary_is_an_input_error(sc, vary, match):
    with pytest.raises(InputError, match=match):
        parse_parameters(sc, vary)


def test_section_path_suggests_fields(sc):
    with pytest.raises(InputError, match=r"not a section, .*for example 'radiobiology.alpha_beta_brain_Gy'"):
        resolve_path(sc, "radiobiology")
    with pytest.raises(InputError, match="name an entry of this table"):
        resolve_path(sc, "kinetics.parameters")


# ------------------------------------------------------------------------------ applying values


def test_apply_values_revalidates(sc):
    params = parse_parameters(sc, ["radiobiology.rbe_alpha=uniform(3,7)", "arms[1].n_fractions=grid(2,5)"])
    new = apply_values(sc, params, [4.5, 5])
    assert new.radiobiology.rbe_alpha == 4.5 and new.arms[1].n_fractions == 5
    assert sc.radiobiology.rbe_alpha == 5.0  # the base scenario is untouched (frozen)
    with pytest.raises(ValidationError):
        apply_values(sc, params, [-1.0, 5])
    p2 = parse_parameters(sc, ["microgeometry.nucleus_radius_um=uniform(3,7)"])
    with pytest.raises(ValidationError, match="must be <"):  # cross-field validator re-runs
        apply_values(sc, p2, [6.5])


# ------------------------------------------------------------------------------ designs


def test_lhs_has_one_point_per_stratum(sc):
    params = parse_parameters(sc, ["radiobiology.rbe_alpha=uniform(0,1)", "radiobiology.z0_Gy=uniform(0,1)"])
    plan = make_plan(params, "lhs", 50, base_seed=3)
    for j in range(2):
        strata = np.floor(plan.values[:, j] * 50).astype(int)
        assert sorted(strata) == list(range(50))


def test_random_design_is_reproducible_and_seeded_by_index(sc):
    params = parse_parameters(sc, ["radiobiology.rbe_alpha=normal(5, 1)"])
    a = make_plan(params, "random", 20, base_seed=9)
    b = make_plan(params, "random", 20, base_seed=9)
    c = make_plan(params, "random", 20, base_seed=10)
    assert np.array_equal(a.values, b.values) and not np.array_equal(a.values, c.values)
    seeds = [a.seed(i) for i in range(20)]
    assert len(set(seeds)) == 20 and seeds[4] == sample_seed(9, 4)
    # a longer sweep with the same seed extends, not reshuffles, the per-index seeds
    longer = make_plan(params, "random", 40, base_seed=9)
    assert [longer.seed(i) for i in range(20)] == seeds
    assert 0 <= min(seeds) and max(seeds) < 2**63


def test_sobol_design_has_saltelli_blocks(sc):
    params = parse_parameters(
        sc,
        [
            "radiobiology.rbe_alpha=uniform(3,7)",
            "radiobiology.z0_Gy=uniform(0.2,1)",
            "arms[1].dose_Gy=grid(10,15)",
        ],
    )
    plan = make_plan(params, "sobol", 16, base_seed=1)
    assert plan.n_runs == 16 * (3 + 2)
    a, b = plan.values[:16], plan.values[16:32]
    for i in range(3):
        ab = plan.values[32 + 16 * i : 48 + 16 * i]
        assert np.array_equal(ab[:, i], b[:, i])
        others = [j for j in range(3) if j != i]
        assert np.array_equal(ab[:, others], a[:, others])
    assert plan.seed_index.tolist() == list(range(16)) * 5  # common random numbers across blocks


def test_grid_design_is_full_factorial_and_rounds_integers(sc):
    params = parse_parameters(
        sc,
        [
            "arms[1].dose_Gy=grid(10,15,20)",
            "arms[1].n_fractions=uniform(1,10)",
            "radiobiology.rbe_alpha=grid(3,5)",
        ],
    )
    plan = make_plan(params, "grid", 3, base_seed=0)
    assert plan.n_runs == 3 * 3 * 2
    assert len({tuple(r) for r in plan.values}) == 18
    assert set(plan.values[:, 1]) == {2.0, 6.0, 8.0}  # quantiles 1/6, 1/2, 5/6 of U(1, 10), rounded
    assert plan.scenario_for(sc, 5).arms[1].n_fractions in (2, 6, 8)


def test_oat_design_moves_one_parameter_at_a_time(sc):
    params = parse_parameters(sc, ["radiobiology.rbe_alpha=uniform(3,7)", "arms[1].dose_Gy=grid(10,20)"])
    plan = make_plan(params, "oat", 3, base_seed=0)
    assert plan.values[0].tolist() == [5.0, 15.0]  # scenario values
    assert plan.n_runs == 1 + 3 + 2
    blocks = oat_blocks([p.dist for p in params], 3)
    assert blocks == [(1, 4), (4, 6)]
    assert np.allclose(plan.values[1:4, 0], [3.2, 5.0, 6.8]) and np.all(plan.values[1:4, 1] == 15.0)
    assert plan.values[4:6, 1].tolist() == [10.0, 20.0] and np.all(plan.values[4:6, 0] == 5.0)
    unset = parse_parameters(sc, ["kinetics.parameters.k_on=lognormal(2, 0.1)"])
    assert make_plan(unset, "oat", 2, base_seed=0).values[0, 0] == pytest.approx(2.0)  # median if unset


@pytest.mark.parametrize(
    ("design", "samples", "match"),
    [
        ("lhc", 10, "did you mean 'lhs'"),
        ("lhs", 0, "an integer >= 1"),
        ("lhs", 2.5, "an integer >= 1"),
        ("oat", 1, ">= 2 for the oat design"),
        ("grid", 10**4, "at most 10,000,000 runs"),
    ],
)
def test_bad_design_settings(sc, design, samples, match):
    params = parse_parameters(
        sc, ["radiobiology.rbe_alpha=uniform(3,7)", "radiobiology.z0_Gy=uniform(0.1,1)"]
    )
    with pytest.raises(InputError, match=match):
        make_plan(params, design, samples, base_seed=0)
    with pytest.raises(InputError, match="seed"):
        make_plan(params, "lhs", 4, base_seed=-1)


# ------------------------------------------------------------------------------ [sweep] in a scenario file


def test_sweep_section_in_toml():
    text = builtin_text("mouse-vcam1-pb212") + (
        '\n[sweep]\ndesign = "sobol"\nsamples = 32\nstages = ["radionuclide", "kinetics"]\n'
        '[sweep.vary]\n"radiobiology.rbe_alpha" = "uniform(3, 7)"\n"arms[1].dose_Gy" = "grid(10, 15)"\n'
    )
    s = loads(text)
    assert s.sweep.design == "sobol" and s.sweep.samples == 32
    assert dict(s.sweep.vary) == {
        "radiobiology.rbe_alpha": "uniform(3, 7)",
        "arms[1].dose_Gy": "grid(10, 15)",
    }
    assert builtin_scenario("mouse-vcam1-pb212").sweep is None
    bad = text.replace("uniform(3, 7)", "uniform(7, 3)")
    with pytest.raises(ScenarioError, match=r"sweep\.vary: uniform\(7, 3\): low must be < high"):
        loads(bad)
    with pytest.raises(ScenarioError, match=r"sweep\.design"):
        loads(text.replace('"sobol"', '"sobel"'))
    with pytest.raises(ScenarioError, match=r"sweep\.desing: unknown key"):
        loads(text.replace("design =", "desing ="))


def test_sweep_section_defaults():
    s = SweepSection()
    assert (s.design, s.samples, s.seed, s.vary) == ("lhs", 64, None, {})
