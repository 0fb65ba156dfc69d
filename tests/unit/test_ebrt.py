"""Unit tests for brainrit.ebrt: geometry helpers, regimens, WBRT/HA-WBRT/SRS dose models, arms."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainrit.ebrt import (
    REGIMENS,
    Arm,
    ArmComponent,
    Regimen,
    get_regimen,
    ha_wbrt_dose,
    srs_dose,
    srs_prescription_Gy,
    wbrt_dose,
)
from brainrit.ebrt.srs import falloff_exponent, isodose_radius_mm, radial_dose_Gy, v_isodose_cm3
from brainrit.errors import InputError
from brainrit.phantoms.geometry import (
    check_grid,
    check_mask,
    ellipsoid_mask,
    sample_trilinear,
    signed_distance_mm,
    sphere_mask,
)

VOX = (2.0, 2.0, 2.0)
ORG = (-50.0, -50.0, -50.0)
SHAPE = (51, 51, 51)


@pytest.fixture(scope="module")
def small_brain() -> tuple[np.ndarray, np.ndarray]:
    brain = ellipsoid_mask(SHAPE, VOX, ORG, centre_mm=(0, 0, 0), semi_axes_mm=(30, 36, 26))
    hip = ellipsoid_mask(SHAPE, VOX, ORG, centre_mm=(12, 0, -10), semi_axes_mm=(4, 10, 4)) | ellipsoid_mask(
        SHAPE, VOX, ORG, centre_mm=(-12, 0, -10), semi_axes_mm=(4, 10, 4)
    )
    return brain, hip


# ---------------------------------------------------------------- geometry
def test_check_grid_and_masks() -> None:
    shp, vox, org = check_grid((2, 3, 4), 1.5)
    assert shp == (2, 3, 4) and vox.tolist() == [1.5] * 3 and org.tolist() == [0.0] * 3
    for bad in [(2, 3), (0, 1, 1), "abc"]:
        with pytest.raises(InputError, match="shape"):
            check_grid(bad, 1.0)
    with pytest.raises(InputError, match="voxel_mm"):
        check_grid((2, 2, 2), (1.0, -1.0, 1.0))
    with pytest.raises(InputError, match="origin_mm"):
        check_grid((2, 2, 2), 1.0, (0.0, math.nan, 0.0))
    with pytest.raises(InputError, match=r"masks\['x'\]"):
        check_mask("x", np.zeros((2, 2)), (2, 2, 2))
    with pytest.raises(InputError, match="boolean"):
        check_mask("x", np.full((2, 2, 2), 0.5), (2, 2, 2))
    assert check_mask("x", np.ones((2, 2, 2), int), (2, 2, 2)).dtype == bool


def test_sphere_mask_volume_and_clipping() -> None:
    m = sphere_mask((61, 61, 61), 0.5, (-15, -15, -15), (0, 0, 0), 10.0)
    assert m.sum() * 0.125e-3 == pytest.approx(4 / 3 * math.pi, rel=0.01)
    # sphere partly outside the grid is clipped, far outside is empty
    assert 0 < sphere_mask((10, 10, 10), 1.0, (0, 0, 0), (0, 0, 0), 3.0).sum() < 113
    assert not sphere_mask((10, 10, 10), 1.0, (0, 0, 0), (100, 0, 0), 3.0).any()
    with pytest.raises(InputError, match="semi_axes_mm"):
        ellipsoid_mask((5, 5, 5), 1.0, (0, 0, 0), centre_mm=(0, 0, 0), semi_axes_mm=(1, 0, 1))


def test_signed_distance_and_trilinear() -> None:
    m = np.zeros((11, 11, 11), bool)
    m[5, 5, 5] = True
    s = signed_distance_mm(m, 1.0)
    assert s[5, 5, 5] == pytest.approx(-0.5) and s[7, 5, 5] == pytest.approx(1.5)
    with pytest.raises(InputError, match="empty"):
        signed_distance_mm(np.zeros((3, 3, 3), bool), 1.0)
    vol = np.arange(27.0).reshape(3, 3, 3)
    pts = np.array([[0.5, 0.0, 0.0], [1.0, 1.0, 1.0], [5.0, 0.0, 0.0]])
    got = sample_trilinear(vol, 1.0, (0, 0, 0), pts)
    assert got[0] == pytest.approx(4.5) and got[1] == pytest.approx(13.0) and math.isnan(got[2])


# ---------------------------------------------------------------- regimens
def test_regimens_table() -> None:
    assert REGIMENS["WBRT-20/5"].dose_per_fraction_Gy == 4.0
    assert REGIMENS["WBRT-37.5/15"].dose_per_fraction_Gy == 2.5
    assert REGIMENS["fSRS-27/3"].dose_per_fraction_Gy == 9.0
    assert REGIMENS["HA-WBRT-30/10"].whole_brain and not REGIMENS["fSRS-30/5"].whole_brain
    assert {r.species for r in REGIMENS.values()} == {"human", "mouse"}
    assert all(r.source for r in REGIMENS.values())
    assert get_regimen("wbrt-30/10") is REGIMENS["WBRT-30/10"]
    with pytest.raises(InputError, match="did you mean"):
        get_regimen("WBRT-30/11")
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGIMENS["WBRT-30/10"].n_fractions = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("d", "dose"), [(5.0, 24.0), (20.0, 24.0), (20.5, 18.0), (30.0, 18.0), (30.5, 15.0), (40.0, 15.0)]
)
def test_rtog9005_classes(d: float, dose: float) -> None:
    """RTOG 90-05 (Shaw 2000): ≤20 mm 24 Gy, 21–30 mm 18 Gy, 31–40 mm 15 Gy."""
    assert srs_prescription_Gy(d) == dose


def test_regimen_errors() -> None:
    with pytest.raises(InputError, match="<= 40 mm"):
        srs_prescription_Gy(41.0)
    with pytest.raises(InputError, match="diameter_mm"):
        srs_prescription_Gy(0.0)
    with pytest.raises(InputError, match="n_fractions"):
        Regimen("x", 30.0, 0, "WBRT")
    with pytest.raises(InputError, match="n_fractions"):
        Regimen("x", 30.0, 2.5, "WBRT")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="total_dose_Gy"):
        Regimen("x", -1.0, 1, "WBRT")
    with pytest.raises(InputError, match="technique"):
        Regimen("x", 30.0, 10, "protons")


# ---------------------------------------------------------------- WBRT
def test_wbrt_normalisation_and_coverage(small_brain: tuple[np.ndarray, np.ndarray]) -> None:
    brain, _ = small_brain
    d = wbrt_dose(brain, VOX, ORG, 30.0)
    assert d.dtype == np.float32 and d.shape == SHAPE
    centroid = np.asarray(ORG) + np.asarray(VOX) * np.argwhere(brain).mean(axis=0)
    assert sample_trilinear(d, VOX, ORG, centroid[None])[0] == pytest.approx(30.0, rel=1e-5)
    inside = d[brain]
    assert inside.min() >= 0.95 * 30.0 and inside.max() <= 1.075 * 30.0
    # no dose outside the head (brain + 10 mm)
    far = signed_distance_mm(brain, VOX) > 12.0
    assert np.all(d[far] == 0.0)
    # open fields: hotter; linear in prescription
    d_open = wbrt_dose(brain, VOX, ORG, 30.0, hot_spot_limit=None)
    assert d_open[brain].max() >= d[brain].max()
    assert np.allclose(wbrt_dose(brain, VOX, ORG, 20.0), d * (20.0 / 30.0), rtol=1e-5)
    d_kv = wbrt_dose(brain, VOX, ORG, 30.0, beam="225kVp")
    kv = d_kv[brain]
    assert kv.max() / kv.min() > inside.max() / inside.min()  # kV attenuates more: larger spread
    assert sample_trilinear(d_kv, VOX, ORG, centroid[None])[0] == pytest.approx(30.0, rel=1e-5)


def test_wbrt_errors(small_brain: tuple[np.ndarray, np.ndarray]) -> None:
    brain, _ = small_brain
    with pytest.raises(InputError, match="empty"):
        wbrt_dose(np.zeros(SHAPE, bool), VOX, ORG, 30.0)
    tight = np.ones((5, 5, 5), bool)
    with pytest.raises(InputError, match="room for the head"):
        wbrt_dose(tight, 1.0, (0, 0, 0), 30.0)
    with pytest.raises(InputError, match="beam"):
        wbrt_dose(brain, VOX, ORG, 30.0, beam="18MV")
    with pytest.raises(InputError, match="hot_spot_limit"):
        wbrt_dose(brain, VOX, ORG, 30.0, hot_spot_limit=0.9)
    with pytest.raises(InputError, match="total_dose_Gy"):
        wbrt_dose(brain, VOX, ORG, -30.0)
    with pytest.raises(InputError, match="isocentre_mm"):
        wbrt_dose(brain, VOX, ORG, 30.0, isocentre_mm=(0.0, 0.0, 49.0))


def test_ha_wbrt_spares_hippocampi(small_brain: tuple[np.ndarray, np.ndarray]) -> None:
    brain, hip = small_brain
    wb = wbrt_dose(brain, VOX, ORG, 30.0)
    ha = ha_wbrt_dose(brain, hip, VOX, ORG, 30.0, wbrt=wb)
    assert np.allclose(ha, ha_wbrt_dose(brain, hip, VOX, ORG, 30.0), atol=1e-4)
    assert ha[hip].min() == pytest.approx(7.5, abs=1e-4) and ha[hip].max() <= 16.0
    s = signed_distance_mm(hip, VOX)
    far = brain & (s > 6.0)
    assert np.allclose(ha[far], wb[far])
    # dose rises monotonically with distance from the hippocampi
    shells = [ha[brain & (s > a) & (s <= a + 2)].mean() for a in (-2, 0, 2, 4)]
    assert all(np.diff(shells) > 0)


def test_ha_wbrt_errors(small_brain: tuple[np.ndarray, np.ndarray]) -> None:
    brain, hip = small_brain
    with pytest.raises(InputError, match="empty"):
        ha_wbrt_dose(brain, np.zeros(SHAPE, bool), VOX, ORG)
    outside = np.zeros(SHAPE, bool)
    outside[0, 0, 0] = True
    with pytest.raises(InputError, match="outside the brain"):
        ha_wbrt_dose(brain, outside, VOX, ORG)
    with pytest.raises(InputError, match="rise_end_mm"):
        ha_wbrt_dose(brain, hip, VOX, ORG, rise_start_mm=3.0, rise_end_mm=1.0)
    with pytest.raises(InputError, match="floor_fraction"):
        ha_wbrt_dose(brain, hip, VOX, ORG, floor_fraction=1.5)
    with pytest.raises(InputError, match="wbrt"):
        ha_wbrt_dose(brain, hip, VOX, ORG, wbrt=np.zeros((2, 2, 2)))


# ---------------------------------------------------------------- SRS
def test_srs_analytic_relations() -> None:
    k = falloff_exponent(3.0)
    assert k == pytest.approx(3 * math.log(2) / math.log(3))
    r50 = isodose_radius_mm(10.0, 20.0, 10.0, 3.0)
    assert r50 == pytest.approx(10.0 * 3.0 ** (1 / 3))  # V50/V100 = GI
    assert radial_dose_Gy(r50, 10.0, 20.0, 3.0) == pytest.approx(10.0)
    assert isodose_radius_mm(10.0, 20.0, 25.0, 3.0) == 10.0
    assert v_isodose_cm3(10.0, 20.0, 20.0, 3.0) == 0.0
    # continuity at the surface; hot centre with max/prescription ratio
    assert radial_dose_Gy(np.array([10.0, 10.0 + 1e-9]), 10.0, 20.0).tolist() == pytest.approx([20.0, 20.0])
    assert float(radial_dose_Gy(0.0, 10.0, 20.0, 3.0, 1.25)) == pytest.approx(25.0)
    with pytest.raises(InputError, match="gradient_index"):
        falloff_exponent(1.0)
    with pytest.raises(InputError, match="max_to_prescription"):
        radial_dose_Gy(1.0, 1.0, 1.0, 3.0, 0.5)


def test_srs_dose_grid_superposition() -> None:
    shape, vox, org = (41, 41, 41), 1.0, (-20.0, -20.0, -20.0)
    one = srs_dose(shape, vox, org, centres_mm=np.array([[-8.0, 0.0, 0.0]]), diameters_mm=[6.0])
    two = srs_dose(shape, vox, org, centres_mm=np.array([[8.0, 0.0, 0.0]]), diameters_mm=[12.0])
    both = srs_dose(
        shape, vox, org, centres_mm=np.array([[-8.0, 0.0, 0.0], [8.0, 0.0, 0.0]]), diameters_mm=[6.0, 12.0]
    )
    assert np.allclose(both, one + two, rtol=1e-6)
    assert one[12, 20, 20] == pytest.approx(24.0)  # centre of the 6 mm target, RTOG 90-05
    fsrs = srs_dose(
        shape, vox, org, centres_mm=np.array([[0.0, 0.0, 0.0]]), diameters_mm=[30.0], prescriptions_Gy=[27.0]
    )
    assert fsrs[20, 20, 20] == pytest.approx(27.0)
    with pytest.raises(InputError, match="centres_mm"):
        srs_dose(shape, vox, org, centres_mm=np.zeros((2, 3)), diameters_mm=[5.0])
    with pytest.raises(InputError, match="prescriptions_Gy"):
        srs_dose(
            shape, vox, org, centres_mm=np.zeros((1, 3)), diameters_mm=[5.0], prescriptions_Gy=[20.0, 18.0]
        )
    with pytest.raises(InputError, match="<= 40 mm"):
        srs_dose(shape, vox, org, centres_mm=np.zeros((1, 3)), diameters_mm=[45.0])
    with pytest.raises(InputError, match="diameters_mm"):
        srs_dose(shape, vox, org, centres_mm=np.zeros((1, 3)), diameters_mm=[-5.0])


@given(r=st.floats(0.5, 20.0), gi=st.floats(1.5, 8.0), dp=st.floats(5.0, 30.0))
def test_property_srs_falloff_monotone(r: float, gi: float, dp: float) -> None:
    rr = np.linspace(r, 10 * r, 50)
    d = radial_dose_Gy(rr, r, dp, gi)
    assert np.all(np.diff(d) < 0) and d[0] == pytest.approx(dp)
    # isodose volume grows as the isodose level falls; larger GI = shallower gradient = more volume
    assert v_isodose_cm3(r, dp, 0.5 * dp, gi) > v_isodose_cm3(r, dp, 0.7 * dp, gi)
    assert v_isodose_cm3(r, dp, 0.5 * dp, gi + 0.5) > v_isodose_cm3(r, dp, 0.5 * dp, gi)


# ---------------------------------------------------------------- arms
def test_arm_components_bed_and_fractionation() -> None:
    shape = (4, 4, 4)
    wb = ArmComponent("WBRT", np.full(shape, 30.0), 10, "WBRT")
    boost_dose = np.zeros(shape)
    boost_dose[0, 0, 0] = 24.0
    boost = ArmComponent("SRS", boost_dose, 1, "SRS")
    arm = Arm("WBRT+SRS", (wb, boost), (1, 1, 1), (0, 0, 0))
    assert arm.n_fractions == 11 and arm.shape == shape
    assert arm.dose_Gy[0, 0, 0] == 54.0 and arm.dose_Gy[1, 1, 1] == 30.0
    # BED adds: 30 × 1.3 + 24 × 3.4 = 120.6 Gy (α/β = 10)
    assert arm.bed_Gy(10.0)[0, 0, 0] == pytest.approx(120.6)
    assert arm.eqd2_Gy(2.0)[1, 1, 1] == pytest.approx(37.5)
    assert arm.single_fraction_dose_Gy()[0, 0, 0] == 24.0
    masks = {"lesion": boost_dose > 0, "rest": boost_dose == 0, "none": np.zeros(shape, bool)}
    fr = arm.fractionation(masks)
    assert fr == {"lesion": (("WBRT", 10), ("SRS", 1)), "rest": (("WBRT", 10),), "none": ()}
    assert arm.with_components([boost], "x").n_fractions == 12
    with pytest.raises(ValueError):
        wb.dose_Gy[0, 0, 0] = 1.0


def test_arm_errors() -> None:
    with pytest.raises(InputError, match="n_fractions"):
        ArmComponent("x", np.zeros((2, 2, 2)), 0)
    with pytest.raises(InputError, match="finite doses"):
        ArmComponent("x", -np.ones((2, 2, 2)), 1)
    with pytest.raises(InputError, match="3-D"):
        ArmComponent("x", np.zeros((2, 2)), 1)
    a = ArmComponent("a", np.zeros((2, 2, 2)), 1)
    b = ArmComponent("b", np.zeros((3, 2, 2)), 1)
    with pytest.raises(InputError, match="same grid"):
        Arm("x", (a, b), (1, 1, 1), (0, 0, 0))
    with pytest.raises(InputError, match="components"):
        Arm("x", (), (1, 1, 1), (0, 0, 0))
    with pytest.raises(InputError, match="alpha_beta_Gy"):
        Arm("x", (a,), (1, 1, 1), (0, 0, 0)).eqd2_Gy(0.0)


def _radial_reference(r, big_r, dp, gi, h):
    """radial_dose_Gy's law evaluated everywhere and selected with np.where (the original form)."""
    from brainrit.ebrt.srs import falloff_exponent

    r = np.asarray(r, dtype=float)
    k = falloff_exponent(gi)
    outside = dp * (big_r / np.maximum(r, 1e-12)) ** k
    inside = dp * (h - (h - 1.0) * (r / big_r) ** 2)
    return np.where(r <= big_r, inside, outside)


@pytest.mark.parametrize("gi", [3.0, 2.0**1.5, 2.54, 4.0])  # 2**1.5: exponent 2 (numpy's square path)
@pytest.mark.parametrize("h", [1.0, 1.25, 2.0])
def test_radial_dose_in_place_path_equals_the_where_form(gi, h):
    from brainrit.ebrt.srs import radial_dose_Gy

    rng = np.random.default_rng(3)
    r = np.concatenate([[0.0, 5.0, np.nextafter(5.0, 6.0), 1e-13], rng.uniform(0, 60, 2000)]).reshape(4, 501)
    got = radial_dose_Gy(r, 5.0, 18.0, gi, h)
    assert np.array_equal(got, _radial_reference(r, 5.0, 18.0, gi, h))
    assert np.array_equal(radial_dose_Gy(2.5, 5.0, 18.0, gi, h), _radial_reference(2.5, 5.0, 18.0, gi, h))


def test_ha_wbrt_float32_box_path_equals_the_float64_form():
    from brainrit.ebrt.wbrt import _smoothstep, ha_wbrt_dose, wbrt_dose
    from brainrit.phantoms.geometry import ellipsoid_mask, signed_distance_mm

    shape, vox, org = (51, 53, 49), 2.0, (-50.0, -52.0, -48.0)
    brain = ellipsoid_mask(shape, vox, org, centre_mm=(0, 0, 0), semi_axes_mm=(30, 35, 25))
    hip = ellipsoid_mask(shape, vox, org, centre_mm=(12, 0, -10), semi_axes_mm=(4, 10, 4))
    wb = wbrt_dose(brain, vox, org, 30.0)
    # the original arithmetic: float64 copy of the whole grid, modulated, rounded to float32 at the end
    s = signed_distance_mm(hip, vox)
    g = _smoothstep((s - -2.0) / (6.0 - -2.0))
    base = wb.astype(float)
    ref = np.where(base > 7.5, 7.5 + (base - 7.5) * g, base).astype(np.float32)
    for given_wbrt in (wb, wb.astype(float), None):
        assert np.array_equal(ha_wbrt_dose(brain, hip, vox, org, 30.0, wbrt=given_wbrt), ref)
