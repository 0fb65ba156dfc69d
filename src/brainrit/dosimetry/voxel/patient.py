"""Patient dosimetry from quantitative images: time–activity per structure → TIA map → voxel dose → DVHs.

Choices (a physicist should know them before trusting a number)
--------------------------------------------------------------
**Structure-wise kinetics.** Time–activity curves are fitted per structure, not per voxel (voxel
curves of SPECT at 4–5 mm are too noisy for a multi-exponential fit). Each structure's curve is the
sum of its voxels' activity.

**Imaged → therapy nuclide.** The imaged nuclide (e.g. ²⁰³Pb, T½ 51.9 h) carries the biology; the
therapy nuclide (e.g. ²¹²Pb, T½ 10.64 h) has the same biology and its own physical decay:
``A_therapy(t) = A_image(t) · (A₀,therapy / A₀,image) · exp((λ_image − λ_therapy) t)``
(the theranostic-pair assumption: same chelate and antibody, same pharmacokinetics).

**Time integration** (as MIRDfit and PyTheranostics do). With ≥ 4 time points, sums of exponentials
(mono, bi, uptake–washout; tri with ≥ 8 points) are fitted by
:func:`brainrit.kinetics.fitting.fit_time_activity` and the model with the lowest AICc is
integrated analytically to infinity; its standard deviation comes from the fit covariance by the
delta method. With 2–3 points (or when every fit fails), trapezoids with a linear rise from 0 at
the administration and a tail with the therapy nuclide's physical decay only after the last point
(conservative; MIRD Pamphlet 23, Dewaraja et al. 2012, J Nucl Med 53:1310). With one point,
single-time-point estimation: Hänscheid et al. 2018 (J Nucl Med 59:75–81), ``Ã ≈ A(t)·2t/ln 2``, or
``A(t)·e^{λt}/λ`` when an effective half-life is given (e.g. a population value).

**TIA map.** Every voxel is assigned to the smallest structure that contains it (a partition:
metastases before hippocampi before brain ...; voxels in no structure form ``"(outside
structures)"``). Each partition cell's time–activity curve is integrated as above, and its TIA is
distributed over its voxels in proportion to the sum over time points of the therapy-equivalent
activity images (the voxel pattern averaged over the scans). The structure TIAs reported in
:attr:`PatientTIA.structures` are the fits of each whole structure's own curve.

**Dose.** For every radioactive member of the therapy nuclide's chain, the member's decays (parent
TIA × decays per parent decay, :func:`brainrit.nuclides.decay_chain`: progeny decay where the
parent decays) are convolved with the member's own voxel kernel
(:func:`brainrit.dosimetry.voxel.dosemap.dose_map_components`, ``chain=False``; soft tissue,
1.00 g/cm³; kernel half-width = the member's longest electron CSDA range, so photon dose beyond it
is not counted). Where a CT exists the dose is divided by the relative density
``ρ(x)/ρ_kernel`` (mass scaling of the voxel kernel; exact for energy deposited locally — α
particles at mm voxels — and the density correction studied by Dieudonné et al. 2013, J Nucl Med
54:236–243, for electrons). Voxels with density below 0.05 g/cm³ (air) get no dose.

Examples
--------
>>> import numpy as np
>>> t = np.array([1.0, 4, 12, 24, 48, 72])
>>> k = fit_structure_tia(t, 5.0 * np.exp(-0.1 * t), therapy_half_life_h=10.64)
>>> k.method, round(k.tia_MBq_h, 3)
('mono', 50.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.checks import array_finite, choice, positive
from brainrit.dosimetry.voxel.dvh import DVH, dvh
from brainrit.dosimetry.voxel.series import ImageSeries
from brainrit.errors import InputError

__all__ = [
    "OUTSIDE",
    "PatientDose",
    "PatientTIA",
    "StructureTIA",
    "fit_structure_tia",
    "partition",
    "patient_dose",
    "patient_tia",
    "therapy_equivalent_activity_Bq",
]

#: Name of the partition cell of voxels in no structure.
OUTSIDE = "(outside structures)"
_MBQ_H_TO_BQ_S = 1e6 * 3600.0
_AIR_BELOW_G_CM3 = 0.05


@dataclass(frozen=True)
class StructureTIA:
    """Time–activity curve of a structure (therapy nuclide) and its time integral.

    Attributes
    ----------
    structure : str
    times_h : ndarray
    activity_MBq : ndarray
        Therapy-nuclide activity in the structure at each time (MBq).
    method : str
        ``"mono"``, ``"bi"``, ``"uptake"``, ``"tri"`` (AICc-selected fit), ``"trapezoid"``,
        ``"single-time-point"`` or ``"zero"`` (no activity).
    tia_MBq_h : float
        Time-integrated activity (MBq·h).
    tia_sd_MBq_h : float
        Standard deviation from the fit (NaN when not estimated: trapezoid, single point).
    aicc : Mapping[str, float]
        AICc of every candidate model (empty without a fit).
    parameters : Mapping[str, float]
        Parameters of the selected model (MBq, 1/h).

    Examples
    --------
    >>> k = fit_structure_tia([2.0, 24.0], [1.0, 0.5], therapy_half_life_h=10.64)
    >>> k.method, round(k.tia_MBq_h, 2), k.tia_Bq_s == k.tia_MBq_h * 3.6e9
    ('trapezoid', 25.18, True)
    """

    structure: str
    times_h: np.ndarray
    activity_MBq: np.ndarray
    method: str
    tia_MBq_h: float
    tia_sd_MBq_h: float
    aicc: Mapping[str, float] = field(default_factory=dict)
    parameters: Mapping[str, float] = field(default_factory=dict)

    @property
    def tia_Bq_s(self) -> float:
        """TIA in Bq·s."""
        return self.tia_MBq_h * _MBQ_H_TO_BQ_S

    def curve_MBq(self, time_h: Any, *, therapy_half_life_h: float) -> np.ndarray:
        """The integrated curve at ``time_h`` (MBq): the fitted model, or the trapezoid/single-point
        interpolation (linear rise from 0, physical decay after the last point).

        Examples
        --------
        >>> k = fit_structure_tia([2.0, 24.0], [1.0, 0.5], therapy_half_life_h=10.64)
        >>> k.curve_MBq([1.0, 13.0, 34.64], therapy_half_life_h=10.64).round(3).tolist()
        [0.5, 0.75, 0.25]
        """
        t = np.atleast_1d(array_finite("time_h", time_h, low=0.0, unit="h"))
        p = dict(self.parameters)
        if self.method == "zero":
            return np.zeros_like(t)
        if self.method == "uptake":
            return p["A"] * (np.exp(-p["k1_per_h"] * t) - np.exp(-p["k_uptake_per_h"] * t))
        if self.method in ("mono", "bi", "tri", "single-time-point"):
            n = len(p) // 2
            return sum(p[f"A{i}"] * np.exp(-p[f"k{i}_per_h"] * t) for i in range(1, n + 1))  # type: ignore[return-value]
        lam = math.log(2.0) / positive("therapy_half_life_h", therapy_half_life_h)
        ts, a = self.times_h, self.activity_MBq
        inside = np.interp(t, np.concatenate([[0.0], ts]), np.concatenate([[0.0], a]))
        return np.where(t > ts[-1], a[-1] * np.exp(-lam * (t - ts[-1])), inside)


def _half_life_h(nuclide: str) -> float:
    from brainrit import nuclides

    return nuclides.decay_chain(nuclide).member(nuclide).half_life_s / 3600.0


def _trapezoid_tail(t: np.ndarray, a: np.ndarray, half_life_h: float) -> float:
    area = 0.5 * t[0] * a[0] + float(np.sum(0.5 * np.diff(t) * (a[1:] + a[:-1])))
    return float(area + float(a[-1]) * half_life_h / math.log(2.0))


def fit_structure_tia(
    times_h: Any,
    activity_MBq: Any,
    *,
    therapy_half_life_h: float,
    structure: str = "",
    method: str = "auto",
    models: Sequence[str] = ("mono", "bi", "uptake", "tri"),
    effective_half_life_h: float | None = None,
) -> StructureTIA:
    """Integrate one therapy-nuclide time–activity curve (see the module docstring).

    Parameters
    ----------
    times_h, activity_MBq : sequence of float
        Times after administration (h, increasing) and activities (MBq, >= 0).
    therapy_half_life_h : float
        Physical half-life of the therapy nuclide (trapezoid tail).
    method : str
        ``"auto"`` (fit with ≥ 4 points, trapezoid with 2–3, single point with 1), ``"fit"``,
        ``"trapezoid"`` or ``"single-time-point"``.
    models : sequence of str
        Candidate models for the fit.
    effective_half_life_h : float, optional
        For a single time point: the structure's effective half-life with the therapy nuclide.

    Examples
    --------
    >>> k = fit_structure_tia([24.0], [2.0], therapy_half_life_h=10.64)
    >>> k.method, round(k.tia_MBq_h, 2)  # Hänscheid: 2 · 24 · 2 / ln 2
    ('single-time-point', 138.5)
    """
    t = array_finite("times_h", times_h, low=0.0, unit="h")
    a = array_finite("activity_MBq", activity_MBq, low=0.0, unit="MBq")
    if t.ndim != 1 or a.shape != t.shape or t.size == 0 or np.any(np.diff(t) <= 0):
        raise InputError("times_h", times_h, "increasing times with one activity each")
    hl = positive("therapy_half_life_h", therapy_half_life_h)
    how = choice("method", method, ("auto", "fit", "trapezoid", "single-time-point"))
    if not np.any(a > 0):
        return StructureTIA(structure, t, a, "zero", 0.0, 0.0)
    if how == "auto":
        how = "fit" if t.size >= 4 else ("trapezoid" if t.size >= 2 else "single-time-point")
    if how == "single-time-point":
        if t.size != 1:
            raise InputError("method", method, "'single-time-point' only with one time point")
        from brainrit.kinetics.fitting import single_time_point_tia

        tia = single_time_point_tia(float(a[0]), float(t[0]), effective_half_life_h) / 3600.0
        # the mono-exponential through the point with this integral: k = ln 2 / T_eff, or ln 2 / t
        # (Hänscheid's estimate is exact for that curve)
        k = math.log(2.0) / (effective_half_life_h if effective_half_life_h is not None else float(t[0]))
        params = {"A1": float(a[0]) * math.exp(k * float(t[0])), "k1_per_h": k}
        return StructureTIA(structure, t, a, "single-time-point", tia, math.nan, {}, MappingProxyType(params))
    if how == "fit":
        from brainrit.kinetics.fitting import fit_time_activity

        try:
            fit = fit_time_activity(t, a, models=models)
            tia = fit.integral()
            sd = _integral_sd(fit)
        except (InputError, ValueError, ArithmeticError, np.linalg.LinAlgError):
            fit, tia = None, math.nan
        if fit is not None and math.isfinite(tia) and tia > 0:
            return StructureTIA(
                structure,
                t,
                a,
                fit.best,
                tia,
                sd,
                MappingProxyType(dict(fit.aicc)),
                MappingProxyType(dict(fit.parameters)),
            )
        if t.size < 2:
            raise InputError("times_h", times_h, "a curve that can be fitted or at least two points")
    return StructureTIA(structure, t, a, "trapezoid", _trapezoid_tail(t, a, hl), math.nan)


def _integral_sd(fit: Any) -> float:
    """Delta method on the analytic integral: gradient in log-parameters × covariance."""
    q = np.asarray(fit.log_parameters, float)
    cov = np.asarray(fit.covariance_log, float)
    if not np.all(np.isfinite(cov)):
        return math.nan
    from dataclasses import replace

    base = fit.integral()
    grad = np.zeros(q.size)
    for i in range(q.size):
        h = 1e-6
        dq = q.copy()
        dq[i] += h
        grad[i] = (replace(fit, log_parameters=dq).integral() - base) / h
    var = float(grad @ cov @ grad)
    return math.sqrt(var) if var >= 0 else math.nan


def therapy_equivalent_activity_Bq(
    series: ImageSeries,
    *,
    therapy_nuclide: str,
    therapy_activity_MBq: float,
    imaged_activity_MBq: float | None = None,
) -> np.ndarray:
    """Therapy-nuclide activity per voxel (Bq) at each time point, shape ``(n_times, *grid)``.

    ``A_image · (A₀,therapy / A₀,image) · exp((λ_image − λ_therapy) t)``; ``imaged_activity_MBq``
    defaults to the administered activity recorded with the first image.

    Examples
    --------
    >>> s = _tiny_series()  # 203Pb images at 10 h and 20 h, 1 MBq per image (doctest helper)
    >>> a = therapy_equivalent_activity_Bq(s, therapy_nuclide="Pb-212", therapy_activity_MBq=1.0)
    >>> round(float(a[0].sum() / s.activity_Bq(0).sum()), 4)  # exp((ln2/51.873 - ln2/10.64) 10 h)
    0.5958
    """
    from brainrit import nuclides

    therapy = nuclides.parse_name(therapy_nuclide)
    a_ther = positive("therapy_activity_MBq", therapy_activity_MBq)
    a_img = (
        imaged_activity_MBq if imaged_activity_MBq is not None else series.images[0].administered_activity_MBq
    )
    if a_img is None:
        raise InputError(
            "imaged_activity_MBq",
            None,
            f"the administered {series.nuclide} activity (not in {series.images[0].source})",
        )
    a_img = positive("imaged_activity_MBq", a_img)
    lam_i = math.log(2.0) / _half_life_h(series.nuclide)
    lam_t = math.log(2.0) / _half_life_h(therapy)
    out = np.empty((len(series.images), *series.shape))
    for i, im in enumerate(series.images):
        out[i] = series.activity_Bq(i) * (a_ther / a_img) * math.exp((lam_i - lam_t) * im.time_h)
    return out


def partition(structures: Mapping[str, np.ndarray], shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Each voxel in the smallest structure containing it; the rest in :data:`OUTSIDE` (if any).

    Examples
    --------
    >>> big = np.ones((4, 1, 1), bool); small = np.array([1, 0, 0, 0], bool).reshape(4, 1, 1)
    >>> {k: int(v.sum()) for k, v in partition({"brain": big, "met": small}, (4, 1, 1)).items()}
    {'met': 1, 'brain': 3}
    """
    order = sorted(structures, key=lambda n: (int(np.sum(structures[n])), n))
    taken = np.zeros(shape, dtype=bool)
    out: dict[str, np.ndarray] = {}
    for name in order:
        cell = np.asarray(structures[name], bool) & ~taken
        if cell.any():
            out[name] = cell
            taken |= cell
    if not taken.all():
        out[OUTSIDE] = ~taken
    return out


@dataclass(frozen=True, eq=False)
class PatientTIA:
    """Therapy-nuclide time-integrated activity of a patient.

    Attributes
    ----------
    therapy_nuclide, imaged_nuclide : str
    therapy_activity_MBq : float
    structures : Mapping[str, StructureTIA]
        Whole-structure curves and integrals.
    map_tia_MBq_h : Mapping[str, float]
        TIA of each structure from the map (sum of the partition cells' TIA inside it); this is
        what the dose is computed from.
    cells : Mapping[str, StructureTIA]
        Partition cells (see :func:`partition`) used for the map.
    tia_Bq_s : ndarray
        TIA map (Bq·s per voxel) on the series grid.

    Examples
    --------
    >>> tia = patient_tia(_tiny_series(), therapy_nuclide="Pb-212", therapy_activity_MBq=1.0)
    >>> tia.structures["sphere"].method, sorted(tia.cells)
    ('trapezoid', ['(outside structures)', 'sphere'])
    """

    therapy_nuclide: str
    imaged_nuclide: str
    therapy_activity_MBq: float
    structures: Mapping[str, StructureTIA]
    map_tia_MBq_h: Mapping[str, float]
    cells: Mapping[str, StructureTIA] = field(repr=False)
    tia_Bq_s: np.ndarray = field(repr=False)


def patient_tia(
    series: ImageSeries,
    *,
    therapy_nuclide: str,
    therapy_activity_MBq: float,
    imaged_activity_MBq: float | None = None,
    method: str = "auto",
    effective_half_life_h: float | None = None,
) -> PatientTIA:
    """Structure-wise TIA and the TIA map of the therapy nuclide (module docstring).

    Examples
    --------
    >>> import tempfile
    >>> from brainrit.dosimetry.voxel.series import image_series, read_quantitative_nifti
    >>> from brainrit.phantoms.synthetic_patient import write_synthetic_patient
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pt = write_synthetic_patient(d, voxel_mm=8.0)
    ...     ims = [read_quantitative_nifti(p) for p in pt.spect_nifti]
    ...     s = image_series(ims, structures=pt.phantom.masks)
    >>> tia = patient_tia(s, therapy_nuclide="Pb-212", therapy_activity_MBq=1.0)
    >>> exact_MBq_h = pt.tia_Bq_s_per_MBq("brain", 10.64) / 3.6e9
    >>> abs(tia.map_tia_MBq_h["brain"] / exact_MBq_h - 1) < 0.02
    True
    """
    from brainrit import nuclides

    therapy = nuclides.parse_name(therapy_nuclide)
    act = therapy_equivalent_activity_Bq(
        series,
        therapy_nuclide=therapy,
        therapy_activity_MBq=therapy_activity_MBq,
        imaged_activity_MBq=imaged_activity_MBq,
    )
    hl = _half_life_h(therapy)
    t = np.asarray(series.times_h)

    def curve(name: str, mask: np.ndarray) -> StructureTIA:
        a = act[:, mask].sum(axis=1) / 1e6
        return fit_structure_tia(
            t,
            a,
            therapy_half_life_h=hl,
            structure=name,
            method=method,
            effective_half_life_h=effective_half_life_h,
        )

    per_structure = {name: curve(name, m) for name, m in series.structures.items()}
    cells = partition(series.structures, series.shape)
    pattern = act.sum(axis=0)
    tia = np.zeros(series.shape)
    cell_fits = {}
    for name, m in cells.items():
        fit = curve(name, m)
        cell_fits[name] = fit
        w = pattern[m]
        total = float(w.sum())
        if total > 0 and fit.tia_Bq_s > 0:
            tia[m] = fit.tia_Bq_s * w / total
    tia.setflags(write=False)
    from_map = {name: float(tia[m].sum()) / _MBQ_H_TO_BQ_S for name, m in series.structures.items()}
    return PatientTIA(
        therapy,
        series.nuclide,
        float(therapy_activity_MBq),
        MappingProxyType(per_structure),
        MappingProxyType(from_map),
        MappingProxyType(cell_fits),
        tia,
    )


@dataclass(frozen=True, eq=False)
class PatientDose:
    """Voxel dose of the therapy nuclide and its chain, with DVHs on the patient's structures.

    Attributes
    ----------
    nuclide : str
        Therapy nuclide (chain parent).
    dose_Gy : ndarray
        Total absorbed dose (Gy) on the series grid.
    member_dose_Gy : Mapping[str, ndarray]
        Dose from each radioactive chain member (sums to ``dose_Gy``).
    component_dose_Gy : Mapping[str, ndarray]
        Dose by radiation component (``"alpha"``, ``"electron"``, ``"photon"``).
    dvhs : Mapping[str, DVH]
        Per structure (total dose).
    mean_member_dose_Gy : Mapping[str, Mapping[str, float]]
        Structure → member → mean dose (Gy).
    density_scaled : bool
        Whether a CT density correction was applied.
    voxel_mm : tuple of float
    affine : ndarray
        Voxel → RAS (mm).

    Examples
    --------
    >>> s = _tiny_series()
    >>> d = patient_dose(patient_tia(s, therapy_nuclide="Pb-212", therapy_activity_MBq=1.0), s)
    >>> sorted(d.member_dose_Gy), d.dvhs["sphere"].mean_Gy > d.dvhs["sphere"].min_Gy > 0
    (['Bi-212', 'Pb-212', 'Po-212', 'Tl-208'], True)
    """

    nuclide: str
    dose_Gy: np.ndarray = field(repr=False)
    member_dose_Gy: Mapping[str, np.ndarray] = field(repr=False)
    component_dose_Gy: Mapping[str, np.ndarray] = field(repr=False)
    dvhs: Mapping[str, DVH] = field(repr=False)
    mean_member_dose_Gy: Mapping[str, Mapping[str, float]]
    density_scaled: bool
    voxel_mm: tuple[float, float, float]
    affine: np.ndarray = field(repr=False)


def patient_dose(
    tia: PatientTIA,
    series: ImageSeries,
    *,
    material: str = "soft_tissue",
    density_correction: bool = True,
) -> PatientDose:
    """Voxel dose of every chain member by kernel convolution, density-scaled with a CT (module docstring).

    Parameters
    ----------
    tia : PatientTIA
        From :func:`patient_tia` on the same series.
    series : ImageSeries
    material : str
        Kernel medium: ``"soft_tissue"`` (default), ``"water"`` or ``"brain"``.
    density_correction : bool
        Divide by the CT relative density where a CT exists (default True).

    Examples
    --------
    >>> s = _tiny_series()
    >>> d = patient_dose(patient_tia(s, therapy_nuclide="Pb-212", therapy_activity_MBq=1.0), s)
    >>> d.density_scaled, d.dose_Gy.shape
    (False, (9, 9, 9))
    """
    from brainrit import nuclides
    from brainrit.dosimetry.voxel.dosemap import dose_map_components
    from brainrit.dosimetry.voxel.kernels import COMPONENTS, _material

    if tia.tia_Bq_s.shape != series.shape:
        raise InputError(
            "tia", f"map of shape {tia.tia_Bq_s.shape}", f"a TIA map on the series grid {series.shape}"
        )
    mat = _material(material, None)
    chain = nuclides.decay_chain(tia.therapy_nuclide)
    scale = None
    if density_correction and series.density_g_cm3 is not None:
        rho = series.density_g_cm3
        scale = np.where(rho >= _AIR_BELOW_G_CM3, mat.density_g_cm3 / np.maximum(rho, _AIR_BELOW_G_CM3), 0.0)
    members: dict[str, np.ndarray] = {}
    comps = {c: np.zeros(series.shape) for c in COMPONENTS}
    for m in chain.radioactive:
        if m.decays_per_parent_decay <= 0:
            continue
        d = dose_map_components(
            tia.tia_Bq_s * m.decays_per_parent_decay, m.name, series.voxel_mm, material=mat.name, chain=False
        )
        total = np.zeros(series.shape)
        for c in COMPONENTS:
            part = d[c] * scale if scale is not None else d[c]
            comps[c] += part
            total += part
        total.setflags(write=False)
        members[m.name] = total
    dose = sum(members.values(), np.zeros(series.shape))
    dose.setflags(write=False)
    for c in comps.values():
        c.setflags(write=False)
    dvhs = {name: dvh(dose, mask, series.voxel_mm) for name, mask in series.structures.items()}
    means = {
        name: MappingProxyType({k: float(v[mask].mean()) for k, v in members.items()})
        for name, mask in series.structures.items()
    }
    return PatientDose(
        tia.therapy_nuclide,
        dose,
        MappingProxyType(members),
        MappingProxyType(comps),
        MappingProxyType(dvhs),
        MappingProxyType(means),
        scale is not None,
        series.voxel_mm,
        series.affine,
    )


def _tiny_series() -> ImageSeries:
    """A 9³ grid of 4 mm voxels, a uniform ²⁰³Pb ball at 10 h and 20 h (1 MBq administered): doctests."""
    import datetime as dt

    from brainrit.dosimetry.voxel.io import VoxelImage
    from brainrit.dosimetry.voxel.series import QuantitativeImage, image_series

    g = np.indices((9, 9, 9)) - 4
    ball = (g**2).sum(axis=0) <= 4
    t0 = dt.datetime(2026, 1, 5, 9)
    affine = np.diag([4.0, 4.0, 4.0, 1.0])
    ims = [
        QuantitativeImage(
            VoxelImage(ball * c, affine), "Pb-203", t, t0 + dt.timedelta(hours=t), t0, 1.0, "1.2.3", f"t{t:g}"
        )
        for t, c in ((10.0, 100.0), (20.0, 60.0))
    ]
    return image_series(ims, structures={"sphere": ball})
