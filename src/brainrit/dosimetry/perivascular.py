"""Perivascular nucleus dose: decays per µm of labelled vessel from the kinetics, the dose per injected
activity, and one perivascular dose for the cuff of a micrometastasis (analytic model and Monte Carlo
from the same decays).

:func:`brainrit.dosimetry.vascular.compare_nuclides` gives the mean nucleus dose in distance bands around
a VCAM-1-labelled capillary per decay per µm of vessel. How many decays there are per µm of vessel for an
injected activity depends on the physical half-life against the antibody's binding and clearance; this
module takes them from the kinetics.

Normalisation. The kinetics give the decays of each chain member bound on metastasis endothelium per gram of
metastasis. With parallel capillaries on a square lattice of pitch Δ the vessel length per gram is
10¹²/Δ² µm/g (unit density), so the decays per µm of vessel are (bound decays per g)·Δ²/10¹².

**One perivascular dose.** The α dose to the nuclei of a cuff of tumour cells around one VCAM-1-labelled
capillary comes from the same decays for the analytic line-source model and the Monte Carlo.

Sources and pools (the decomposition both estimates use):

* **vessel-bound activity** — each chain member's antigen-bound decays per µm of labelled vessel
  (kinetics ``bound`` pool of the metastasis per gram × Δ²/10¹² µm³/g, Δ the intercapillary distance:
  vessel length density of a square lattice), on the luminal surface. In the Monte Carlo the daughters sit
  where the parent decayed with the *conditional* retention ``n_d / Σ_p n_p·b(p→d)`` of
  :func:`conditional_retention` (the walker applies the branching itself);
* **background** — the healthy-brain α dose of the dosimetry stage (brain blood pool, interstitial and
  cell-bound antibody, released ²¹²Bi), uniform: a perivascular micrometastasis is a few cell layers of
  tumour in brain parenchyma, so its cells see the brain's own activity. The labelled vessel's circulating
  activity is part of that brain blood pool and is *not* added again, and the metastasis-region uniform
  dose (the kinetics' interstitial and free pools per gram of a macroscopic metastasis) does not apply to
  a cuff (counting both would give the cells two backgrounds).

The Monte Carlo (:mod:`brainrit.dosimetry.microdosimetry`) and the analytic kernel
(:mod:`brainrit.dosimetry.vascular`) use the same CSDA α tracks; their agreement for the same decays is
checked in ``tests/validation/test_perivascular_one_dose.py``.

Examples
--------
>>> d = per_injected_activity(["At-211"], 0.1, nucleus_radius_um=3.0)
>>> d[("At-211", "tumour 0-25 um")]["alpha_Gy"] > d[("At-211", "tumour 25-50 um")]["alpha_Gy"] > 0
True
>>> conditional_retention("Pb-212", {"Pb-212": 1.0, "Bi-212": 0.64, "Po-212": 0.41, "Tl-208": 0.23})
{'Bi-212': 0.64, 'Po-212': 1.0, 'Tl-208': 0.99993}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from brainrit.checks import non_negative, positive
from brainrit.errors import InputError

__all__ = [
    "UM3_PER_G",
    "CuffDose",
    "conditional_retention",
    "cuff_alpha_dose",
    "per_injected_activity",
    "vessel_decays_per_um",
]

#: µm³ per gram of tissue at unit density.
UM3_PER_G = 1e12


def vessel_decays_per_um(result: Any, region: str, pool: str, intercapillary_um: float) -> dict[str, float]:
    """Decays per µm of vessel of each chain member in ``pool`` of ``region``.

    Parameters
    ----------
    result : brainrit.kinetics.KineticsResult
        Solved kinetics (time-integrated activity per region, pool and member, Bq·s).
    region : str
        Region of the kinetics model, e.g. ``"metastasis"``.
    pool : str
        ``"bound"`` (on the endothelium) or ``"blood"`` (circulating in the lumen).
    intercapillary_um : float
        Pitch Δ of the capillary lattice (µm): vessel length per gram 10¹²/Δ² µm.

    Returns
    -------
    dict
        Member → decays per µm of vessel.

    Examples
    --------
    >>> from brainrit.kinetics import default_model, solve
    >>> res = solve(default_model("mouse", nuclide="Lu-177"), 1.0)
    >>> vessel_decays_per_um(res, "metastasis", "bound", 40.0)["Lu-177"] > 0
    True
    """
    mass = result.region_mass_g[region]
    per_um_per_g = intercapillary_um**2 / UM3_PER_G
    return {
        m: float(result.compartment_tia_Bq_s.get((region, pool, m), 0.0)) / mass * per_um_per_g
        for m in result.members
    }


def per_injected_activity(
    nuclides: Iterable[str],
    activity_MBq: float,
    *,
    species: str = "mouse",
    intercapillary_distance_um: float = 40.0,
    **geometry: Any,
) -> dict[tuple[str, str], dict[str, float]]:
    """Mean nucleus dose per distance band for ``activity_MBq`` injected: (nuclide, band) → doses (Gy).

    Each nuclide's antibody follows the reference kinetics of ``species`` (:func:`brainrit.kinetics.solve`;
    ²¹²Bi release 0.36 for ²¹²Pb, Mirzadeh et al. 1993, none otherwise); the decays of every chain member
    bound on metastasis endothelium per µm of vessel weight that member's own per-decay band doses
    (``chain=False``).

    Parameters
    ----------
    nuclides : iterable of str
        Parent nuclides, e.g. ``["Pb-212", "At-211"]``.
    activity_MBq : float
        Injected activity (MBq), > 0.
    species : {"mouse", "human"}
        Reference kinetics.
    intercapillary_distance_um : float
        Capillary spacing Δ (µm) giving the vessel length per gram.
    **geometry
        ``source``, ``lumen_radius_um``, ``wall_thickness_um``, ``nucleus_radius_um``, ``material`` of
        :func:`brainrit.dosimetry.vascular.compare_nuclides`.

    Returns
    -------
    dict
        ``(nuclide, band)`` → ``{"alpha_Gy", "electron_Gy", "total_Gy"}``.

    Examples
    --------
    >>> d = per_injected_activity(["Lu-177"], 1.0)
    >>> d[("Lu-177", "tumour 0-25 um")]["alpha_Gy"]
    0.0
    """
    from brainrit.checks import positive
    from brainrit.dosimetry.vascular import compare_nuclides
    from brainrit.kinetics import default_model, solve

    a = positive("per_injected_MBq", activity_MBq)
    out: dict[tuple[str, str], dict[str, float]] = {}
    for name in nuclides:
        model = default_model(species, nuclide=name, release_fraction=0.36 if name == "Pb-212" else 0.0)
        result = solve(model, a)
        bound = vessel_decays_per_um(result, "metastasis", "bound", intercapillary_distance_um)
        for member, n in bound.items():
            if n <= 0:
                continue
            for r in compare_nuclides([member], chain=False, **geometry):
                acc = out.setdefault((name, r.band), {"alpha_Gy": 0.0, "electron_Gy": 0.0, "total_Gy": 0.0})
                acc["alpha_Gy"] += n * r.alpha_Gy
                acc["electron_Gy"] += n * r.electron_Gy
                acc["total_Gy"] += n * r.total_Gy
    return out


def conditional_retention(nuclide: str, decays: Mapping[str, float]) -> dict[str, float]:
    """Probability that each daughter decays at its parent's site, from the decays of every member there.

    ``r_d = n_d / Σ_p n_p · b(p → d)`` (capped to [0, 1], rounded to 6 digits), for use as
    :class:`brainrit.dosimetry.microdosimetry.Source` ``retained``: the walker follows the branches, so the
    ratio to the *parent* (n_d/n_parent) would apply the branching fraction twice.

    Parameters
    ----------
    nuclide : str
        Chain parent.
    decays : Mapping[str, float]
        Decays (any unit) of each member at the site; the parent's must be > 0.

    Returns
    -------
    dict
        Daughter → retention, for the radioactive daughters that are fed at the site.

    Examples
    --------
    >>> conditional_retention("Pb-212", {"Pb-212": 2.0, "Bi-212": 1.0})["Bi-212"]
    0.5
    """
    from brainrit.nuclides import decay_chain

    chain = decay_chain(nuclide)
    parent = chain.members[0].name
    if decays.get(parent, 0.0) <= 0:
        raise InputError(f"decays[{parent!r}]", decays.get(parent), "> 0 (the parent decays at the site)")
    fed: dict[str, float] = {}
    for m in chain.members:
        for d, b in m.daughters:
            fed[d] = fed.get(d, 0.0) + float(decays.get(m.name, 0.0)) * float(b)
    out: dict[str, float] = {}
    for m in chain.members[1:]:
        if m.stable or fed.get(m.name, 0.0) <= 0:
            continue
        r = float(non_negative(f"decays[{m.name!r}]", decays.get(m.name, 0.0))) / fed[m.name]
        out[m.name] = round(min(1.0, r), 6)
    return out


@dataclass(frozen=True)
class CuffDose:
    """Mean nucleus α dose of a perivascular cuff (area-weighted over the cuff cross-section).

    Attributes
    ----------
    vessel_alpha_Gy : float
        From the labelled vessel's bound activity.
    background_alpha_Gy : float
        Uniform background (healthy-brain α dose).
    distance_um, vessel_alpha_profile_Gy : ndarray
        Quadrature nodes (distance of nucleus centre from the vessel axis) and the vessel dose there.
    weights : ndarray
        Area weights of the nodes (sum 1).

    Examples
    --------
    >>> c = CuffDose(0.01, 0.08, np.array([10.0]), np.array([0.01]), np.array([1.0]))
    >>> round(c.total_alpha_Gy, 6)
    0.09
    """

    vessel_alpha_Gy: float
    background_alpha_Gy: float
    distance_um: np.ndarray
    vessel_alpha_profile_Gy: np.ndarray
    weights: np.ndarray

    @property
    def total_alpha_Gy(self) -> float:
        """Vessel + background."""
        return self.vessel_alpha_Gy + self.background_alpha_Gy


def cuff_alpha_dose(
    decays_per_um: Mapping[str, float],
    *,
    lumen_radius_um: float,
    wall_thickness_um: float,
    nucleus_radius_um: float,
    cuff_thickness_um: float,
    background_alpha_Gy: float = 0.0,
    material: str = "water",
    n_nodes: int = 24,
) -> CuffDose:
    """Mean α dose of the nuclei in a cuff from the wall out to ``cuff_thickness_um``, by member.

    Each member's bound decays per µm of vessel irradiate from the luminal surface with its own emissions
    (``chain=False``: daughters are counted by their own decays). Area-weighted Gauss–Legendre quadrature
    in r² between the closest nucleus-centre distance (lumen + wall + nucleus radius) and the cuff edge.

    Parameters
    ----------
    decays_per_um : Mapping[str, float]
        Member → decays per µm of vessel (≥ 0).
    lumen_radius_um, wall_thickness_um, nucleus_radius_um, cuff_thickness_um : float
        Geometry (µm); the cuff is measured from the outer wall.
    background_alpha_Gy : float
        Uniform α dose added (healthy-brain α dose), Gy.
    material : str
    n_nodes : int

    Returns
    -------
    CuffDose

    Examples
    --------
    >>> c = cuff_alpha_dose({"Po-212": 1.0}, lumen_radius_um=3.0, wall_thickness_um=0.4,
    ...                     nucleus_radius_um=4.0, cuff_thickness_um=50.0)
    >>> bool(c.vessel_alpha_Gy > 0), c.background_alpha_Gy
    (True, 0.0)
    """
    from brainrit.dosimetry.vascular import dose_profile

    r_l = positive("lumen_radius_um", lumen_radius_um)
    t_w = non_negative("wall_thickness_um", wall_thickness_um)
    rn = positive("nucleus_radius_um", nucleus_radius_um)
    cuff = positive("cuff_thickness_um", cuff_thickness_um)
    bg = non_negative("background_alpha_Gy", background_alpha_Gy)
    if cuff <= rn:
        raise InputError("cuff_thickness_um", cuff_thickness_um, f"> nucleus_radius_um = {rn:g} µm")
    r_min = r_l + t_w + rn
    gx, gw = np.polynomial.legendre.leggauss(int(n_nodes))
    a2, b2 = r_min**2, (r_l + t_w + cuff) ** 2
    r = np.sqrt(a2 + (b2 - a2) * 0.5 * (gx + 1.0))
    w = 0.5 * gw
    prof = np.zeros(r.size)
    for m, n in decays_per_um.items():
        n = non_negative(f"decays_per_um[{m!r}]", n)
        if n <= 0:
            continue
        p = dose_profile(m, r, source="surface", lumen_radius_um=r_l, wall_thickness_um=t_w,
                         nucleus_radius_um=rn, material=material, chain=False)  # fmt: skip
        prof += n * np.asarray(p.by_group()["alpha"], dtype=float)
    mean = float(np.sum(w * prof))
    if not math.isfinite(mean):  # pragma: no cover - kernel failure
        raise InputError("decays_per_um", dict(decays_per_um), "finite decays per µm")
    return CuffDose(mean, bg, r, prof, w)
