"""Treatment policies and what each does to a lesion: RIT at time t, WBRT (at t or at detection), SRS of
detected lesions, SRS + RIT.

Cell kill (all lesions, Poisson TCP on clonogens; Webb & Nahum 1993, Phys Med Biol 38:653):
``P(control) = exp(−f_c · N · S̄)`` with ``N`` the lesion's cells at treatment, ``f_c`` the clonogenic
fraction (clonogen density / cell density) and ``S̄`` the mean surviving fraction of its cells.

* **RIT** treats every lesion present at the treatment time, seen or not. A VCAM-1-positive lesion's
  cells are irradiated by the α-emitter bound to its vessels; ``S̄`` is averaged over the cells' distances
  from the labelled vessels for the lesion's geometry — a cuff of ``cuff_thickness_um`` around one capillary
  (perivascular phase) or tissue between parallel labelled capillaries ``intercapillary_distance_um`` apart
  (spheroid/angiogenic phase). Cell survival is :func:`brainrit.radiobiology.survival_mixed`: α part
  microdosimetric (compound Poisson over hits), low-LET part LQ with the Lea–Catcheside G factor.
  Nucleus dose versus distance comes from :mod:`brainrit.dosimetry.vascular`
  (:func:`rit_dose_from_vascular`): the vessel-bound share ``vessel_fraction`` of the metastasis mean α
  dose is distributed by the geometry (its mean over the spheroid geometry equals that share: the
  macroscopic dose sets the level, the micro-dosimetry the distribution), the rest (antibody in the
  interstitium or on cells, released daughters) is uniform. Perivascular (cuff) cells receive the
  vessel-bound activity of their capillary plus the healthy-brain α dose as background — the same decays,
  pools and geometry as the pipeline's Monte Carlo (:mod:`brainrit.dosimetry.perivascular`). Without the
  micro-dosimetry, :func:`rit_dose_uniform` uses the mean lesion dose for every cell (``source`` says which).
  A VCAM-1-negative lesion receives only the healthy-brain dose. Lesions seeded after the injection are
  not treated.
* **WBRT** (dose ``D`` in ``n`` fractions, whole brain): ``S = exp(−αD(1 + D/n/(α/β)))`` for every lesion
  present; complication = LKB brain necrosis on the uniform EQD2 (α/β of brain; Burman 1991 parameters
  ``brain_necrosis_lkb``).
* **SRS** of lesions detected (by the guiding modality, contrast MRI by default) at the treatment time:
  single fraction with the RTOG 90-05 prescription for the lesion's diameter (24/18/15 Gy for
  ≤ 20/21–30/31–40 mm; lesions > 40 mm are not treated by SRS); complication = HyTEC V12 radionecrosis
  risk (:func:`brainrit.radiobiology.ntcp_srs_v12`) on the summed V12 of the treated lesions, from the
  analytic Paddick-gradient fall-off (:mod:`brainrit.ebrt.srs`; overlaps of V12 shells neglected).
* **SRS + RIT**: detected lesions get both (survivals multiply), the rest RIT only; complications
  ``1 − (1 − NTCP_RIT)(1 − NTCP_SRS)``.
* **RIT at VCAM-1 detection**: RIT given when VCAM-1 MRI first sees a lesion of the patient (the
  proposal of Serres et al., PNAS 2012;109:6674 and Corroyer-Dulmont et al., Front Oncol 2021;11:714514:
  treat when molecular MRI, not contrast MRI, finds the disease); never, if that is after the horizon.
* **Cycles**: RIT may be given in ``cycles`` administrations ``interval`` days apart
  (:class:`~brainrit.disease.window.Treatments`); each cycle multiplies the surviving fraction of every
  lesion present by the per-cycle survival of its state at that cycle.

Examples
--------
>>> rit = rit_dose_uniform(2.0, 0.1, 0.3, 0.02, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3,
...                        alpha_beta_Gy=10.0, ntcp=0.01)
>>> rit.source, round(rit.survival_perivascular, 4) == round(rit.survival_spheroid, 4)
('mean lesion dose', True)
>>> w = wbrt_outcome(30.0, 10, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
>>> f"{w.survival:.4g}"          # exp(−0.3 × 39): WBRT 30 Gy/10 fx, α 0.3 Gy⁻¹, α/β 10 Gy
'8.294e-06'
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from brainrit.checks import in_range, non_negative, positive
from brainrit.errors import InputError

__all__ = [
    "POLICIES",
    "RITDose",
    "SRSModel",
    "WBRTDose",
    "rit_dose_from_vascular",
    "rit_dose_uniform",
    "srs_ntcp",
    "srs_prescription_Gy_vec",
    "srs_survival",
    "wbrt_outcome",
]

POLICIES: tuple[str, ...] = (
    "RIT",
    "RIT at VCAM-1 detection",
    "WBRT",
    "WBRT at detection",
    "SRS",
    "SRS+RIT",
)


@dataclass(frozen=True)
class RITDose:
    """Mean surviving fraction of a lesion's cells after one RIT administration, by lesion state.

    Attributes
    ----------
    survival_perivascular, survival_spheroid : float
        VCAM-1-positive lesion in the perivascular (cuff) or spheroid (vessel lattice) phase.
    survival_vcam1_negative : float
        Lesion without VCAM-1 (healthy-brain dose only).
    ntcp : float
        Brain-necrosis NTCP of the administration.
    source : str
        ``"vascular micro-dosimetry"`` or ``"mean lesion dose"``.
    mean_alpha_dose_Gy : dict
        Mean nucleus α dose per state (Gy), for reports.
    unhit_fraction : dict
        Mean probability that a cell's nucleus receives no α traversal (Poisson, ``exp(−D/z̄₁)``), per state.
    """

    survival_perivascular: float
    survival_spheroid: float
    survival_vcam1_negative: float
    ntcp: float
    source: str
    mean_alpha_dose_Gy: dict
    unhit_fraction: dict

    def __post_init__(self) -> None:
        for f in ("survival_perivascular", "survival_spheroid", "survival_vcam1_negative", "ntcp"):
            in_range(f, getattr(self, f), 0.0, 1.0)


@dataclass(frozen=True)
class WBRTDose:
    """WBRT regimen, the surviving fraction it leaves in every lesion and its brain-necrosis NTCP.

    Examples
    --------
    >>> w = wbrt_outcome(30.0, 10, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
    >>> w.n_fractions, round(w.ntcp, 4)
    (10, 0.0062)
    """

    dose_Gy: float
    n_fractions: int
    survival: float
    ntcp: float


@dataclass(frozen=True)
class SRSModel:
    """Single-fraction SRS: LQ tumour parameters and the Paddick gradient index of the dose fall-off.

    Examples
    --------
    >>> SRSModel().gradient_index
    3.0
    """

    alpha_per_Gy: float = 0.3
    alpha_beta_Gy: float = 10.0
    gradient_index: float = 3.0

    def __post_init__(self) -> None:
        positive("alpha_per_Gy", self.alpha_per_Gy)
        positive("alpha_beta_Gy", self.alpha_beta_Gy)
        if not (math.isfinite(self.gradient_index) and self.gradient_index > 1):
            raise InputError("gradient_index", self.gradient_index, "a number > 1 (V50% / V100%)")


def _survival(z1_Gy: float, z0_Gy: float, alpha_per_Gy: float, alpha_beta_Gy: float, g_low_let: float):
    """:func:`brainrit.radiobiology.survival_mixed` (α dose, low-LET dose) with these parameters; z̄₁ = 0
    (no α emission) uses exp(−D_α/z₀), which is 1 for the zero α dose of a non-α emitter."""
    import brainrit.radiobiology as rb

    return functools.partial(
        rb.survival_mixed,
        z0_Gy=z0_Gy,
        alpha_per_Gy=alpha_per_Gy,
        alpha_beta_Gy=alpha_beta_Gy,
        z1_Gy=z1_Gy if z1_Gy > 0 else None,
        g_low_let=g_low_let,
    )


def rit_dose_uniform(
    lesion_alpha_Gy: float,
    lesion_electron_Gy: float,
    brain_alpha_Gy: float,
    brain_electron_Gy: float,
    *,
    z1_Gy: float,
    z0_Gy: float,
    alpha_per_Gy: float,
    alpha_beta_Gy: float,
    ntcp: float,
    g_factor: float = 0.0,
) -> RITDose:
    """RIT cell survival when every cell of a VCAM-1-positive lesion gets the mean lesion dose (no
    micro-dosimetry). Doses in Gy; ``z1_Gy`` = 0 means no α emission (the α dose must then be 0).

    Examples
    --------
    >>> r = rit_dose_uniform(1.0, 0.0, 0.0, 0.0, z1_Gy=0.32, z0_Gy=0.5, alpha_per_Gy=0.3,
    ...                      alpha_beta_Gy=10.0, ntcp=0.0)
    >>> round(-1.0 / math.log(r.survival_spheroid), 3)  # D0,eff, Roeske & Stinchcomb 1997
    0.677
    """
    for f, v in (("lesion_alpha_Gy", lesion_alpha_Gy), ("lesion_electron_Gy", lesion_electron_Gy),
                 ("brain_alpha_Gy", brain_alpha_Gy), ("brain_electron_Gy", brain_electron_Gy),
                 ("z1_Gy", z1_Gy), ("g_factor", g_factor)):  # fmt: skip
        non_negative(f, v)
    z0 = positive("z0_Gy", z0_Gy)
    survival = _survival(z1_Gy, z0, alpha_per_Gy, alpha_beta_Gy, g_factor)
    s_pos = float(survival(lesion_alpha_Gy, lesion_electron_Gy))
    s_neg = float(survival(brain_alpha_Gy, brain_electron_Gy))
    hits = lambda d: float(np.exp(-d / z1_Gy)) if z1_Gy > 0 else 1.0  # noqa: E731
    return RITDose(
        s_pos, s_pos, s_neg, in_range("ntcp", ntcp, 0.0, 1.0), "mean lesion dose",
        {"perivascular": lesion_alpha_Gy, "spheroid": lesion_alpha_Gy, "vcam1_negative": brain_alpha_Gy},
        {"perivascular": hits(lesion_alpha_Gy), "spheroid": hits(lesion_alpha_Gy),
         "vcam1_negative": hits(brain_alpha_Gy)},
    )  # fmt: skip


def _lattice_points(pitch_um: float, r_min_um: float, n: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """Midpoints of an n×n grid on the fundamental triangle 0 ≤ y ≤ x ≤ Δ/2 of the square Voronoi cell of a
    vessel at the origin (8-fold symmetry), with area weights; points within ``r_min_um`` are dropped."""
    h = pitch_um / 2.0 / n
    c = (np.arange(n) + 0.5) * h
    x, y = np.meshgrid(c, c, indexing="ij")
    w = np.where(y < x, 1.0, np.where(y == x, 0.5, 0.0))
    keep = (w > 0) & (np.hypot(x, y) >= r_min_um)
    return np.stack([x[keep], y[keep], np.zeros(keep.sum())], axis=1), w[keep] / w[keep].sum()


def rit_dose_from_vascular(
    nuclide: str,
    lesion_alpha_Gy: float,
    lesion_electron_Gy: float,
    brain_alpha_Gy: float,
    brain_electron_Gy: float,
    *,
    z1_Gy: float,
    z0_Gy: float,
    alpha_per_Gy: float,
    alpha_beta_Gy: float,
    ntcp: float,
    g_factor: float = 0.0,
    lumen_radius_um: float = 3.0,
    wall_thickness_um: float = 0.4,
    nucleus_radius_um: float = 4.0,
    cuff_thickness_um: float = 50.0,
    intercapillary_distance_um: float = 40.0,
    material: str = "water",
    vessel_fraction: float = 1.0,
    cuff_decays_per_um: Mapping[str, float] | None = None,
) -> RITDose:
    """RIT cell survival by lesion geometry from the perivascular micro-dosimetry.

    ``lesion_alpha_Gy`` is the mean α dose of a VCAM-1-positive metastasis (e.g. the pipeline's
    dosimetry stage); ``vessel_fraction`` of it comes from activity on the vessels (antigen-bound and
    circulating, both taken as a luminal-surface source) and fixes the decays per µm of labelled vessel
    through the spheroid geometry (a square lattice of parallel capillaries ``intercapillary_distance_um``
    apart, cells uniform in each vessel's Voronoi cell); the remaining ``(1 − vessel_fraction)`` is added
    uniformly. The perivascular lesion is a cuff of cells from the vessel wall out to ``cuff_thickness_um``
    around one labelled capillary. With ``cuff_decays_per_um`` (member → antigen-bound decays per µm of
    vessel from the kinetics, as the pipeline's Monte Carlo uses) the cuff receives those members'
    emissions from the luminal surface plus the healthy-brain α dose as background
    (:func:`brainrit.dosimetry.perivascular.cuff_alpha_dose`: the cuff sits in brain parenchyma, whose blood
    pool already holds the labelled vessel's circulating activity; the metastasis-region uniform dose is
    not added). Without it, the spheroid's decays per µm (chain on the vessel) plus the healthy-brain α
    dose. Electron dose is taken as uniform (mean lesion electron dose).

    Examples
    --------
    >>> r = rit_dose_from_vascular("Pb-212", 0.7, 0.05, 0.1, 0.01, z1_Gy=0.32, z0_Gy=0.5,
    ...                            alpha_per_Gy=0.3, alpha_beta_Gy=10.0, ntcp=0.0)
    >>> r.source, round(r.mean_alpha_dose_Gy["spheroid"], 6)
    ('vascular micro-dosimetry', 0.7)
    """
    from brainrit.dosimetry.geometry import parallel_capillaries
    from brainrit.dosimetry.vascular import dose_at_points, dose_profile

    for f, v in (("lesion_alpha_Gy", lesion_alpha_Gy), ("lesion_electron_Gy", lesion_electron_Gy),
                 ("brain_alpha_Gy", brain_alpha_Gy), ("brain_electron_Gy", brain_electron_Gy),
                 ("z1_Gy", z1_Gy), ("g_factor", g_factor)):  # fmt: skip
        non_negative(f, v)
    z0 = positive("z0_Gy", z0_Gy)
    r_l = positive("lumen_radius_um", lumen_radius_um)
    t_w = non_negative("wall_thickness_um", wall_thickness_um)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    cuff = positive("cuff_thickness_um", cuff_thickness_um)
    pitch = positive("intercapillary_distance_um", intercapillary_distance_um)
    f_v = in_range("vessel_fraction", vessel_fraction, 0.0, 1.0)
    r_min = r_l + t_w + rn
    if pitch / 2.0 <= r_min:
        raise InputError(
            "intercapillary_distance_um", pitch, f"> 2·(lumen + wall + nucleus) = {2 * r_min:g} µm"
        )
    if cuff <= rn:
        raise InputError("cuff_thickness_um", cuff, f"> nucleus_radius_um = {rn:g} µm")
    # spheroid: vessel lattice; all vessels within the longest α range (≤ 100 µm for any emitter here)
    pts, w_sph = _lattice_points(pitch, r_min)
    reach = 150.0
    k = math.ceil(reach / pitch) + 1
    side = 2 * k + 1
    caps = parallel_capillaries(side * side, pitch, 2.0 * reach + 20.0, r_l, t_w)
    lat = dose_at_points(nuclide, pts, caps, nucleus_radius_um=rn, material=material).by_group()["alpha"]
    mean_per_decay = float(np.sum(w_sph * lat))
    if mean_per_decay <= 0 or lesion_alpha_Gy <= 0 or f_v == 0:
        r = rit_dose_uniform(lesion_alpha_Gy, lesion_electron_Gy, brain_alpha_Gy, brain_electron_Gy,
                             z1_Gy=z1_Gy, z0_Gy=z0, alpha_per_Gy=alpha_per_Gy, alpha_beta_Gy=alpha_beta_Gy,
                             ntcp=ntcp, g_factor=g_factor)  # fmt: skip
        return r
    decays_per_um = f_v * lesion_alpha_Gy / mean_per_decay
    uniform = (1.0 - f_v) * lesion_alpha_Gy
    d_sph = decays_per_um * lat + uniform
    # perivascular cuff: area-weighted Gauss–Legendre in r² between the wall and the cuff edge
    from brainrit.dosimetry.perivascular import cuff_alpha_dose

    geo = dict(lumen_radius_um=r_l, wall_thickness_um=t_w, nucleus_radius_um=rn, material=material)
    if cuff_decays_per_um is not None:
        c = cuff_alpha_dose(cuff_decays_per_um, cuff_thickness_um=cuff, **geo)
        r, w_per, prof = c.distance_um, c.weights, c.vessel_alpha_profile_Gy
    else:
        gx, gw = np.polynomial.legendre.leggauss(24)
        a2, b2 = r_min**2, (r_l + t_w + cuff) ** 2
        r = np.sqrt(a2 + (b2 - a2) * 0.5 * (gx + 1.0))
        w_per = 0.5 * gw
        prof = decays_per_um * dose_profile(nuclide, r, **geo).by_group()["alpha"]
    d_per = prof + brain_alpha_Gy
    survival = _survival(z1_Gy, z0, alpha_per_Gy, alpha_beta_Gy, g_factor)
    s_sph = float(np.sum(w_sph * survival(d_sph, lesion_electron_Gy)))
    s_per = float(np.sum(w_per * survival(d_per, lesion_electron_Gy)))
    s_neg = float(survival(brain_alpha_Gy, brain_electron_Gy))
    unhit = (lambda d, w: float(np.sum(w * np.exp(-d / z1_Gy)))) if z1_Gy > 0 else (lambda d, w: 1.0)
    return RITDose(
        s_per, s_sph, s_neg, in_range("ntcp", ntcp, 0.0, 1.0), "vascular micro-dosimetry",
        {"perivascular": float(np.sum(w_per * d_per)), "spheroid": float(np.sum(w_sph * d_sph)),
         "vcam1_negative": brain_alpha_Gy},
        {"perivascular": unhit(d_per, w_per), "spheroid": unhit(d_sph, w_sph),
         "vcam1_negative": unhit(np.array([brain_alpha_Gy]), np.array([1.0]))},
    )  # fmt: skip


def wbrt_outcome(
    dose_Gy: float,
    n_fractions: int,
    *,
    alpha_per_Gy: float,
    alpha_beta_Gy: float,
    alpha_beta_brain_Gy: float,
) -> WBRTDose:
    """WBRT survival per lesion cell (LQ) and brain-necrosis NTCP (LKB, Burman 1991, uniform EQD2).

    Examples
    --------
    >>> w = wbrt_outcome(30.0, 10, alpha_per_Gy=0.3, alpha_beta_Gy=10.0, alpha_beta_brain_Gy=2.0)
    >>> round(w.ntcp, 4)          # EQD2 37.5 Gy (α/β 2) against TD50 60 Gy, m 0.15: Φ(−2.5)
    0.0062
    """
    import brainrit.radiobiology as rb

    d = positive("dose_Gy", dose_Gy)
    if isinstance(n_fractions, bool) or not isinstance(n_fractions, int | np.integer) or n_fractions < 1:
        raise InputError("n_fractions", n_fractions, "an integer >= 1")
    bed = rb.bed_fractionated(d, int(n_fractions), positive("alpha_beta_Gy", alpha_beta_Gy))
    s = math.exp(-positive("alpha_per_Gy", alpha_per_Gy) * bed)
    lkb = rb.parameters("brain_necrosis_lkb")
    eq = rb.eqd2(d, int(n_fractions), positive("alpha_beta_brain_Gy", alpha_beta_brain_Gy))
    ntcp = float(rb.ntcp_lkb([eq], [1.0], lkb["td50_Gy"], lkb["m"], lkb["n"]))
    return WBRTDose(d, int(n_fractions), s, ntcp)


def srs_prescription_Gy_vec(diameter_mm) -> np.ndarray:
    """RTOG 90-05 single-fraction prescription by diameter (vectorised; NaN above 40 mm).

    Examples
    --------
    >>> srs_prescription_Gy_vec([5.0, 20.5, 35.0, 45.0]).tolist()
    [24.0, 18.0, 15.0, nan]
    """
    from brainrit.ebrt.regimens import RTOG9005_MAX_DIAMETER_MM

    d = np.asarray(diameter_mm, dtype=float)
    conds = [d <= upper for upper, _ in RTOG9005_MAX_DIAMETER_MM]
    return np.select(conds, [dose for _, dose in RTOG9005_MAX_DIAMETER_MM], np.nan)


def srs_survival(model: SRSModel, diameter_mm) -> np.ndarray:
    """Surviving fraction after SRS with the RTOG 90-05 prescription (1 for lesions > 40 mm: not treated).

    Examples
    --------
    >>> s = srs_survival(SRSModel(), [10.0, 45.0])   # 24 Gy (RTOG 90-05); > 40 mm: not treated
    >>> bool(s[0] < 1e-10), float(s[1])
    (True, 1.0)
    """
    dp = srs_prescription_Gy_vec(diameter_mm)
    bed = dp * (1.0 + dp / model.alpha_beta_Gy)
    return np.where(np.isnan(dp), 1.0, np.exp(-model.alpha_per_Gy * np.nan_to_num(bed)))


def srs_v12_cm3(model: SRSModel, diameter_mm) -> np.ndarray:
    """Normal-brain V12 (cm³) around each lesion treated with its RTOG 90-05 prescription (0 if untreated)."""
    from brainrit.ebrt.srs import falloff_exponent

    d = np.asarray(diameter_mm, dtype=float)
    dp = srs_prescription_Gy_vec(d)
    k = falloff_exponent(model.gradient_index)
    r = d / 2.0
    with np.errstate(invalid="ignore"):
        r12 = r * np.maximum(dp / 12.0, 1.0) ** (1.0 / k)
        v = 4.0 / 3.0 * math.pi * (r12**3 - r**3) / 1000.0
    return np.where(np.isnan(dp), 0.0, v)


def srs_ntcp(total_v12_cm3, treated) -> np.ndarray:
    """HyTEC V12 radionecrosis risk of an SRS course (0 where nothing was treated).

    Examples
    --------
    >>> srs_ntcp([5.0, 0.0], [True, False]).round(3).tolist()
    [0.1, 0.0]
    """
    import brainrit.radiobiology as rb

    v = np.asarray(total_v12_cm3, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rb.DomainWarning)
        p = np.asarray(rb.ntcp_srs_v12(v), dtype=float)
    return np.where(np.asarray(treated, dtype=bool), p, 0.0)
