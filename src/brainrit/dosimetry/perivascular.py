"""Perivascular nucleus dose per injected activity: the antibody kinetics weight the per-decay doses.

:func:`brainrit.dosimetry.vascular.compare_nuclides` gives the mean nucleus dose in distance bands around
a VCAM-1-labelled capillary per decay per µm of vessel. How many decays there are per µm of vessel for an
injected activity depends on the physical half-life against the antibody's binding and clearance; this
module takes them from the kinetics.

Normalisation. The kinetics give the decays of each chain member bound on metastasis endothelium per gram of
metastasis. With parallel capillaries on a square lattice of pitch Δ the vessel length per gram is
10¹²/Δ² µm/g (unit density), so the decays per µm of vessel are (bound decays per g)·Δ²/10¹².

Examples
--------
>>> d = per_injected_activity(["At-211"], 0.1, nucleus_radius_um=3.0)
>>> d[("At-211", "tumour 0-25 um")]["alpha_Gy"] > d[("At-211", "tumour 25-50 um")]["alpha_Gy"] > 0
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["UM3_PER_G", "per_injected_activity", "vessel_decays_per_um"]

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
