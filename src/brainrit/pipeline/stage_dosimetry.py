"""Stage 3 — RIT absorbed dose: mean dose per region by radiation class and its dose-rate history.

Organ/lesion-scale model (MIRD schema, self-dose only): α particles and their recoils deposit their
energy locally (ranges ≤ 0.1 mm); electrons (β, internal conversion, Auger) are taken as locally absorbed
as well, which is an upper bound for lesions smaller than the electron range (²¹²Bi β⁻: mean 0.77 MeV,
CSDA range ≈ 3 mm) and is flagged in the notes; photons are not counted (they mostly escape a mouse or a
metastasis). Micro-scale dose next to labelled vessels is the job of the micro-dosimetry stage.
"""

from __future__ import annotations

import numpy as np

from brainrit.pipeline.core import Context, Figure, StageResult, Table, not_available
from brainrit.report.figures import new_figure, to_png

KEY, TITLE = "dosimetry", "Dosimetry"

MEV_TO_J = 1.602176634e-13


def energy_by_group_MeV(member: str) -> dict[str, float]:
    """Mean energy per decay of one chain member grouped as ``alpha``, ``electron``, ``photon`` (MeV)."""
    from brainrit.nuclides import energy_per_decay, group_by_class

    return group_by_class(energy_per_decay(member))


def run(ctx: Context) -> StageResult:
    """Mean absorbed dose per region (Gy) by class from the kinetics stage's decays."""
    kin = ctx.get("kinetics")
    if kin is None:
        return not_available(KEY, TITLE, "needs the kinetics stage, which did not run")
    result = kin.objects["result"]
    n_inj = kin.data["injections"]
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
            dose[region][group] = float(d * MEV_TO_J / mass_kg * n_inj)
            r = sum(np.asarray(result.activity_Bq[(region, m)]) * energies[m][group] for m in result.members)
            rate[region][group] = r * MEV_TO_J / mass_kg * 3600.0  # Gy/h for one injection
    rows = tuple(
        (
            region,
            dose[region]["alpha"],
            dose[region]["electron"],
            dose[region]["alpha"] + dose[region]["electron"],
        )
        for region in regions
    )
    rbe = ctx.scenario.radiobiology.rbe_alpha
    data = {
        "model": "MIRD self-dose, local absorption of α and electrons, photons excluded",
        "dose_Gy": dose,
        "rbe_alpha": rbe,
        "rbe_weighted_dose_Gy": {r: rbe * d["alpha"] + d["electron"] for r, d in dose.items()},
        "energy_per_decay_MeV": energies,
    }
    notes = (
        "α and electron energy absorbed locally; photons excluded. Electron dose to lesions smaller than "
        "≈3 mm is an upper bound (²¹²Bi β⁻ range).",
        f"RBE-weighted dose uses RBE_α = {rbe:g} (scenario radiobiology.rbe_alpha).",
    )
    return StageResult(
        KEY,
        TITLE,
        data=data,
        tables=(
            Table(
                "region_dose",
                "Mean absorbed dose per region (Gy) for the administered activity",
                ("region", "α dose (Gy)", "electron dose (Gy)", "total (Gy)"),
                rows,
            ),
        ),
        figures=(_rate_figure(result.times_h, rate),) if ctx.figures else (),
        notes=notes,
        objects={"times_h": np.asarray(result.times_h), "dose_rate_Gy_per_h": rate, "dose_Gy": dose},
    )


def _rate_figure(times_h, rate) -> Figure:
    fig, ax = new_figure()
    for region in ("metastasis", "brain", "kidneys", "marrow"):
        if region in rate:
            total = rate[region]["alpha"] + rate[region]["electron"]
            ax.semilogy(times_h, np.where(total > 0, total, np.nan), label=region)
    ax.set_xlabel("time after injection (h)")
    ax.set_ylabel("absorbed dose rate (Gy/h)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return Figure(
        "dose_rate",
        "Absorbed dose rate (α + electrons)",
        to_png(fig),
        "Dose-rate history used for the Lea–Catcheside G factor of the low-LET component.",
    )
