"""Stage 3 — RIT absorbed dose: mean dose per region by radiation class and its dose-rate history.

Organ/lesion-scale model (MIRD schema, self-dose only): α particles and their recoils deposit their
energy locally (ranges ≤ 0.1 mm); electrons (β, internal conversion, Auger) are taken as locally absorbed
as well, which is an upper bound for lesions smaller than the electron range (²¹²Bi β⁻: mean 0.77 MeV,
CSDA range ≈ 3 mm) and is flagged in the notes; photons are not counted (they mostly escape a mouse or a
metastasis). Micro-scale dose next to labelled vessels is the job of the micro-dosimetry stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from brainrit.pipeline.core import Context, StageResult, Table, memory_field, stage_result
from brainrit.pipeline.stage_kinetics import KineticsStageResult
from brainrit.units import MEV_TO_J

__all__ = ["DoseByClass", "DosimetryResult"]


def energy_by_group_MeV(member: str) -> dict[str, float]:
    """Mean energy per decay of one chain member grouped as ``alpha``, ``electron``, ``photon`` (MeV)."""
    from brainrit.nuclides import energy_per_decay, group_by_class

    return group_by_class(energy_per_decay(member))


@dataclass(frozen=True)
class DoseByClass:
    """A dose (Gy) or dose-rate history (Gy/h) split into α and electron components.

    Examples
    --------
    >>> DoseByClass(alpha=2.0, electron=0.5).total
    2.5
    """

    alpha: float | np.ndarray
    electron: float | np.ndarray

    @property
    def total(self) -> float | np.ndarray:
        """α + electron."""
        return self.alpha + self.electron


@stage_result
class DosimetryResult(StageResult):
    """Mean absorbed dose per region by radiation class (MIRD self-dose, local absorption).

    Attributes
    ----------
    model : str
        The dose model in words.
    dose_Gy : mapping of str to DoseByClass
        Mean absorbed dose per region (α, electrons) for the administered activity (all injections), Gy.
    rbe_alpha : float
        RBE of α particles (scenario).
    rbe_weighted_dose_Gy : mapping of str to float
        ``rbe_alpha · α + electron`` per region, Gy.
    energy_per_decay_MeV : mapping
        Mean energy per decay of each kinetic member by group (alpha, electron, photon), MeV.
    times_h : ndarray
        Times of the dose-rate history, h (in memory only).
    dose_per_MBq : mapping of str to mapping
        Per injected MBq (all injections together), the way MIRDcalc and OLINDA report organ doses:
        ``alpha_Gy_per_MBq``, ``electron_Gy_per_MBq``, ``total_Gy_per_MBq`` and ``rbe_weighted_Gy_per_MBq``
        (Gy(RBE)/MBq) per region.
    dose_rate_Gy_per_h : mapping of str to DoseByClass
        Dose-rate history per region for the whole course (every injection), Gy/h (in memory only).

    Examples
    --------
    >>> DosimetryResult.key
    'dosimetry'
    """

    key: ClassVar[str] = "dosimetry"
    title: ClassVar[str] = "Dosimetry"

    model: str
    dose_Gy: Mapping[str, DoseByClass]
    rbe_alpha: float
    rbe_weighted_dose_Gy: Mapping[str, float]
    energy_per_decay_MeV: Mapping[str, Mapping[str, float]]
    dose_per_MBq: Mapping[str, Mapping[str, float]]
    times_h: np.ndarray = memory_field()
    dose_rate_Gy_per_h: Mapping[str, DoseByClass] = memory_field()


def run(ctx: Context) -> DosimetryResult:
    """Mean absorbed dose per region (Gy) by class from the kinetics stage's decays."""
    kin = ctx.require(KineticsStageResult)
    result = kin.solution
    n_inj = kin.injections  # the solution is the whole course (every injection)
    energies = {m: energy_by_group_MeV(m) for m in result.members}
    regions = [r for r in result.region_mass_g if r != "plasma"]
    dose: dict[str, dict[str, float]] = {}
    rate: dict[str, dict[str, np.ndarray]] = {}
    for region in regions:
        mass_kg = result.region_mass_g[region] / 1000.0
        dose[region] = {}
        rate[region] = {}
        for group in ("alpha", "electron"):
            d = sum(result.tia_Bq_s[(region, m)] * energies[m][group] for m in result.members)
            dose[region][group] = float(d * MEV_TO_J / mass_kg)
            r = sum(np.asarray(result.activity_Bq[(region, m)]) * energies[m][group] for m in result.members)
            rate[region][group] = r * MEV_TO_J / mass_kg * 3600.0  # Gy/h, whole course
    rbe = ctx.scenario.radiobiology.rbe_alpha
    injected_MBq = (
        ctx.scenario.injected_activity_MBq * n_inj
    )  # all injections: the doses above are per course
    per_mbq = {
        r: {
            "alpha_Gy_per_MBq": d["alpha"] / injected_MBq,
            "electron_Gy_per_MBq": d["electron"] / injected_MBq,
            "total_Gy_per_MBq": (d["alpha"] + d["electron"]) / injected_MBq,
            "rbe_weighted_Gy_per_MBq": (rbe * d["alpha"] + d["electron"]) / injected_MBq,
        }
        for r, d in dose.items()
    }
    rows = tuple(
        (
            region,
            dose[region]["alpha"],
            dose[region]["electron"],
            dose[region]["alpha"] + dose[region]["electron"],
            (dose[region]["alpha"] + dose[region]["electron"]) / injected_MBq,
            (rbe * dose[region]["alpha"] + dose[region]["electron"]) / injected_MBq,
        )
        for region in regions
    )
    notes = (
        "α and electron energy absorbed locally; photons excluded (they escape small regions and add little "
        "dose locally), so the α + electron column is not a total including photons. Electron dose to "
        "lesions smaller than ≈3 mm is an upper bound (²¹²Bi β⁻ range).",
        f"Per injected MBq: divided by the total injected activity, {injected_MBq:.4g} MBq; RBE-weighted "
        "with RBE_α below (no α RBE is established for these organs).",
        f"RBE-weighted dose uses RBE_α = {rbe:g} (scenario radiobiology.rbe_alpha).",
    )
    return DosimetryResult(
        model="MIRD self-dose, local absorption of α and electrons, photons excluded",
        dose_Gy={r: DoseByClass(alpha=d["alpha"], electron=d["electron"]) for r, d in dose.items()},
        rbe_alpha=rbe,
        rbe_weighted_dose_Gy={r: rbe * d["alpha"] + d["electron"] for r, d in dose.items()},
        energy_per_decay_MeV=energies,
        dose_per_MBq=per_mbq,
        tables=(
            Table(
                "region_dose",
                "Mean absorbed dose per region (Gy) for the administered activity",
                (
                    "region",
                    "α dose (Gy)",
                    "electron dose (Gy)",
                    "α + electron dose (Gy)",
                    "per injected MBq (Gy/MBq)",
                    "RBE-weighted per injected MBq (Gy(RBE)/MBq)",
                ),
                rows,
            ),
        ),
        notes=notes,
        times_h=np.asarray(result.times_h),
        dose_rate_Gy_per_h={
            r: DoseByClass(alpha=v["alpha"], electron=v["electron"]) for r, v in rate.items()
        },
    )
