"""Stage 4 — perivascular micro-dosimetry: nucleus dose versus distance from VCAM-1-labelled
capillaries (analytic, :mod:`brainrit.dosimetry.vascular`) and α hit statistics in the perivascular
cuff (Monte Carlo, :mod:`brainrit.dosimetry.microdosimetry`).

Normalisation. The kinetics stage gives the decays of each chain member bound on metastasis endothelium
per gram of metastasis. With parallel capillaries on a square lattice of pitch Δ (scenario
``microgeometry.intercapillary_distance_um``) the vessel length per gram is 10¹²/Δ² µm/g (unit density),
so the decays per µm of vessel are (bound decays per g)·Δ²/10¹². Each member contributes its own
emissions (``chain=False``), so ²¹²Bi released from the chelate (kinetics ``free`` pool) is not counted as
vessel-bound; it is added as a uniform dose from activity spread through tissue (charged-particle
equilibrium). Circulating activity in the lumen is counted with the ``lumen`` source geometry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from brainrit.dosimetry.perivascular import UM3_PER_G, vessel_decays_per_um
from brainrit.nuclides import RADIATION_GROUPS
from brainrit.pipeline.core import Context, StageResult, Table, stage_result
from brainrit.pipeline.stage_dosimetry import DosimetryResult
from brainrit.pipeline.stage_kinetics import KineticsStageResult

__all__ = ["DoseBand", "DoseProfile", "HitStatistics", "MicroResult"]

BANDS_UM = ((0.0, 25.0), (25.0, 50.0), (50.0, 100.0))
CAPILLARY_LENGTH_UM = 300.0
ALPHA_REACH_UM = 110.0  # beyond the longest α range of the chains shipped (²¹²Po 8.78 MeV: 91 µm)
PACKING_FRACTION = 0.5  # random sequential packing of equal spheres jams near 0.55


@dataclass(frozen=True)
class DoseProfile:
    """Nucleus dose (Gy) by radiation group versus distance from the vessel axis (µm).

    Examples
    --------
    >>> p = DoseProfile(np.array([5.0]), np.array([1.0]), np.array([0.1]), np.array([0.0]))
    >>> float(p.alpha_dose_Gy[0])
    1.0
    """

    distance_um: np.ndarray
    alpha_dose_Gy: np.ndarray
    electron_dose_Gy: np.ndarray
    photon_dose_Gy: np.ndarray


@dataclass(frozen=True)
class DoseBand:
    """Mean nucleus dose in one distance band around one labelled capillary.

    Examples
    --------
    >>> DoseBand("0–25", 1.0, 0.5, 1.5).total_Gy
    1.5
    """

    band_um: str
    alpha_Gy: float
    electron_Gy: float
    total_Gy: float


@dataclass(frozen=True)
class HitStatistics:
    """Monte Carlo α hits in the perivascular cuff around one capillary (rows per injected activity).

    Examples
    --------
    >>> HitStatistics(n_cells=10, capillary_length_um=300.0, rows=()).n_cells
    10
    """

    n_cells: int
    capillary_length_um: float
    rows: tuple[Mapping[str, Any], ...]


@stage_result
class MicroResult(StageResult):
    """Perivascular micro-dosimetry: nucleus dose versus distance from VCAM-1-labelled capillaries.

    Attributes
    ----------
    decays_per_um_vessel_bound, decays_per_um_vessel_blood : mapping of str to float
        Decays per µm of tumour vessel of each member, antigen-bound and in the lumen (all injections).
    uniform_free_daughter_dose_Gy : mapping of str to float
        Uniform dose by group from released daughters spread through tissue (CPE), Gy.
    single_vessel_profile, lattice_profile : DoseProfile
        Dose by group versus distance: one vessel alone; square capillary lattice incl. cross-fire and
        released daughters.
    lattice_mean_alpha_dose_Gy, lattice_mean_electron_dose_Gy : float
        Area-weighted lattice means, Gy.
    bands : tuple of DoseBand
        Mean dose per distance band around one vessel.
    monte_carlo : HitStatistics or None
        α hit statistics of the cuff; None when no parent activity is bound on the vessels (not in JSON).
    perivascular_cuff : mapping of str to float
        One perivascular dose at the administered activity (Gy): ``monte_carlo_vessel_alpha_Gy`` (and
        ``monte_carlo_decays``), ``analytic_vessel_alpha_Gy_same_cells`` (same decays and cells),
        ``analytic_cuff_mean_vessel_alpha_Gy`` (area-weighted, infinite vessel), ``background_alpha_Gy``
        (healthy-brain α dose) and ``perivascular_alpha_Gy`` (cuff mean + background, as the window uses);
        empty when the Monte Carlo did not run.

    Examples
    --------
    >>> MicroResult.key
    'microdosimetry'
    """

    key: ClassVar[str] = "microdosimetry"
    title: ClassVar[str] = "Perivascular micro-dosimetry"

    decays_per_um_vessel_bound: Mapping[str, float]
    decays_per_um_vessel_blood: Mapping[str, float]
    uniform_free_daughter_dose_Gy: Mapping[str, float]
    single_vessel_profile: DoseProfile
    lattice_profile: DoseProfile
    lattice_mean_alpha_dose_Gy: float
    lattice_mean_electron_dose_Gy: float
    bands: tuple[DoseBand, ...]
    monte_carlo: HitStatistics | None = None
    perivascular_cuff: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """results.json data; ``monte_carlo`` only when the hit statistics were computed."""
        out = super().to_json()
        if self.monte_carlo is None:
            del out["monte_carlo"]
        return out


def run(ctx: Context) -> MicroResult:
    """Nucleus dose profiles around labelled capillaries and α hit statistics of the cuff."""
    kin = ctx.require(KineticsStageResult)
    from brainrit.dosimetry import vascular
    from brainrit.nuclides import group_by_class

    sc = ctx.scenario
    g = sc.microgeometry
    result = kin.solution
    delta = g.intercapillary_distance_um
    r_min = g.capillary_lumen_radius_um + g.endothelium_thickness_um + g.nucleus_radius_um
    geo = {
        "lumen_radius_um": g.capillary_lumen_radius_um,
        "wall_thickness_um": g.endothelium_thickness_um,
        "nucleus_radius_um": g.nucleus_radius_um,
        "material": g.material,
        "chain": False,
    }
    bound = vessel_decays_per_um(result, "metastasis", "bound", delta)
    blood = vessel_decays_per_um(result, "metastasis", "blood", delta)
    free_per_um3 = {
        m: float(result.compartment_tia_Bq_s.get(("metastasis", "free", m), 0.0))
        / result.region_mass_g["metastasis"]
        / UM3_PER_G
        for m in result.members
    }
    groups = tuple(RADIATION_GROUPS)  # alpha, electron, photon

    def profile(distances) -> dict[str, np.ndarray]:
        """Dose from the reference vessel alone, by group (Gy)."""
        tot = {k: np.zeros(len(distances)) for k in groups}
        for source, decays in (("surface", bound), ("lumen", blood)):
            for m, n in decays.items():
                if n <= 0:
                    continue
                p = vascular.dose_profile(m, distances, source=source, **geo)
                for k, v in p.by_group().items():
                    tot[k] += n * np.asarray(v)
        return tot

    uniform = {k: 0.0 for k in groups}  # released daughters spread through tissue (CPE)
    lattice_cpe = {k: 0.0 for k in groups}  # vessel activity smeared over the lattice cell (CPE)
    for pool, per_um3 in (
        ("free", free_per_um3),
        ("vessel", {m: (bound[m] + blood[m]) / delta**2 for m in result.members}),
    ):
        target = uniform if pool == "free" else lattice_cpe
        for m, n in per_um3.items():
            if n > 0:
                d = group_by_class(
                    vascular.tissue_dose_per_decay_per_um3_Gy(m, material=g.material, chain=False)
                )
                for k in groups:
                    target[k] += n * d[k]

    r_single = np.linspace(r_min, ALPHA_REACH_UM, 80)
    single = profile(r_single)
    # Square lattice: α from every vessel within reach (explicit sum of the single-vessel profile);
    # electrons and photons reach over many lattice cells, so their lattice dose is the CPE value.
    r_lat = np.linspace(r_min, max(r_min, delta / 2.0), 24)
    lattice = {
        "alpha": _lattice_sum(r_lat, r_single, single["alpha"], delta),
        "electron": np.full(r_lat.shape, lattice_cpe["electron"]),
        "photon": np.full(r_lat.shape, lattice_cpe["photon"]),
    }
    band_rows = []
    for lo, hi in BANDS_UM:
        sel = (r_single >= max(lo, r_min)) & (r_single <= hi)
        w = r_single[sel]  # area weight 2πr dr on a uniform grid
        means = {k: float(np.sum(single[k][sel] * w) / np.sum(w)) if w.size else 0.0 for k in groups}
        band_rows.append(
            (f"{lo:g}–{hi:g}", means["alpha"], means["electron"], means["alpha"] + means["electron"])
        )
    lat_mean_alpha = float(np.sum(lattice["alpha"] * r_lat) / np.sum(r_lat)) + uniform["alpha"]
    lat_mean_e = float(np.sum(lattice["electron"] * r_lat) / np.sum(r_lat)) + uniform["electron"]
    notes = [
        f"Vessel length density 10¹²/Δ² µm/g with Δ = {delta:g} µm; "
        f"{sum(bound.values()):.3g} bound decays per µm of tumour vessel (all members).",
        "Released daughters (kinetics 'free' pool) add a uniform dose "
        f"of {uniform['alpha']:.3g} Gy (α) and {uniform['electron']:.3g} Gy (electrons).",
        "Lattice: α from every vessel within reach summed explicitly; electrons (ranges ≫ Δ) at their "
        f"charged-particle-equilibrium value {lattice_cpe['electron']:.3g} Gy.",
        "Photon dose at this scale is computed and negligible; it is not added to the tables.",
    ]
    tables = [
        Table(
            "bands",
            "Mean nucleus dose around one labelled capillary by distance band (administered activity)",
            ("distance from vessel axis (µm)", "α dose (Gy)", "electron dose (Gy)", "α + electron dose (Gy)"),
            tuple(band_rows),
        )
    ]
    mc = _hit_statistics(ctx, bound, r_min)
    if mc is not None:
        tables.append(mc["table"])
        notes.extend(mc["notes"])
    return MicroResult(
        decays_per_um_vessel_bound=bound,
        decays_per_um_vessel_blood=blood,
        uniform_free_daughter_dose_Gy=uniform,
        single_vessel_profile=DoseProfile(r_single, single["alpha"], single["electron"], single["photon"]),
        lattice_profile=DoseProfile(r_lat, *(lattice[k] + uniform[k] for k in RADIATION_GROUPS)),
        lattice_mean_alpha_dose_Gy=lat_mean_alpha,
        lattice_mean_electron_dose_Gy=lat_mean_e,
        bands=tuple(DoseBand(*row) for row in band_rows),
        monte_carlo=mc["data"] if mc is not None else None,
        perivascular_cuff=mc["cuff"] if mc is not None else {},
        tables=tuple(tables),
        notes=tuple(notes),
    )


def _lattice_sum(r_um: np.ndarray, r_grid: np.ndarray, dose: np.ndarray, delta_um: float) -> np.ndarray:
    """Dose at distance ``r_um`` along a lattice axis from a reference vessel of a square lattice of
    pitch ``delta_um``, summing a radially symmetric single-vessel profile over all vessels within reach."""
    n = int(np.ceil(ALPHA_REACH_UM / delta_um)) + 1
    ij = np.arange(-n, n + 1) * delta_um
    vx, vy = np.meshgrid(ij, ij, indexing="ij")
    vx, vy = vx.ravel(), vy.ravel()
    out = np.zeros(len(r_um))
    for k, r in enumerate(r_um):
        d = np.hypot(r - vx, vy)
        d = d[d <= r_grid[-1]]
        # Points closer to a neighbour than the profile's first point only occur when the pitch is tiny;
        # clamp to the nearest computed distance.
        out[k] = np.sum(np.interp(np.maximum(d, r_grid[0]), r_grid, dose, right=0.0))
    return out


def _hit_statistics(ctx: Context, bound: dict[str, float], r_min: float) -> dict | None:
    """α hits, specific energy and control of the perivascular cuff around one capillary (seeded)."""
    from brainrit.dosimetry import microdosimetry as md
    from brainrit.dosimetry.geometry import Capillary, perivascular_cells
    from brainrit.radiobiology import probability

    sc = ctx.scenario
    g = sc.microgeometry
    parent = sc.radiopharmaceutical.nuclide
    per_um = bound.get(parent, 0.0)
    if per_um <= 0:
        return None
    half = CAPILLARY_LENGTH_UM / 2.0
    cap = Capillary(
        np.array([0.0, 0.0, -half]),
        np.array([0.0, 0.0, half]),
        g.capillary_lumen_radius_um,
        g.endothelium_thickness_um,
    )
    cells = perivascular_cells(
        cap,
        cuff_thickness_um=g.cuff_thickness_um,
        cell_radius_um=g.cell_radius_um,
        nucleus_radius_um=g.nucleus_radius_um,
        packing_fraction=PACKING_FRACTION,
        seed=sc.study.seed,  # the cuff's cell packing is anatomy, as the phantom (stage_ebrt.build_phantom)
    )
    geometry = md.MicroGeometry(cells, capillaries=(cap,), material=g.material)
    # Daughters retained on the vessel: conditional on their parent having decayed there (the walker
    # applies the branching fractions itself).
    from brainrit.dosimetry.perivascular import conditional_retention, cuff_alpha_dose
    from brainrit.dosimetry.vascular import dose_at_points

    retained = conditional_retention(parent, bound)
    source = md.Source("endothelial_surface", nuclide=parent, retained=retained)
    scale = np.geomspace(*sc.outputs.activity_scan_range, 5)
    a0 = sc.injected_activity_MBq * sc.administration.injections
    decays_per_MBq = per_um * CAPILLARY_LENGTH_UM / a0
    rows = md.activity_response(
        geometry,
        source,
        decays_per_MBq=decays_per_MBq,
        activities_MBq=(a0 * scale).tolist(),
        seed=ctx.seed,
        z0_Gy=sc.radiobiology.z0_Gy,
        alpha_per_Gy=sc.radiobiology.outcome_models.models().tcp.alpha_mean_per_Gy,
    )
    table = Table(
        "hits",
        f"Monte Carlo: {len(cells.centres_um)} perivascular cells around a "
        f"{CAPILLARY_LENGTH_UM:g} µm capillary",
        (
            "injected activity (MBq)",
            "decays on the vessel",
            "mean z (Gy)",
            "mean α hits",
            "fraction unhit",
            "TCP",
        ),
        tuple(
            (
                r["activity_MBq"],
                r["n_decays"],
                r["mean_z_Gy"],
                r["mean_hits"],
                r["fraction_unhit"],
                probability(r["tcp"]),
            )
            for r in rows
        ),
    )
    # One perivascular dose: the same decays through the analytic model, on the same cells and as the
    # area-weighted cuff mean the therapeutic window uses, plus the healthy-brain background.
    analytic_cells = 0.0
    for m, n in bound.items():
        if n > 0:
            d = dose_at_points(
                m, cells.centres_um, [cap], source="surface", nucleus_radius_um=g.nucleus_radius_um,
                material=g.material, chain=False,
            )  # fmt: skip
            analytic_cells += n * float(np.mean(d.by_group()["alpha"]))
    cuff = cuff_alpha_dose(
        bound, lumen_radius_um=g.capillary_lumen_radius_um, wall_thickness_um=g.endothelium_thickness_um,
        nucleus_radius_um=g.nucleus_radius_um, cuff_thickness_um=g.cuff_thickness_um, material=g.material,
    )  # fmt: skip
    near = min(
        rows, key=lambda r: abs(math.log(r["activity_MBq"] / a0)) if r["activity_MBq"] > 0 else math.inf
    )
    mc_at_a0 = near["mean_z_Gy"] * a0 / near["activity_MBq"]
    dos = ctx.get(DosimetryResult)
    background = float(dos.dose_Gy["brain"].alpha) if dos is not None else 0.0
    cuff_data = {
        "monte_carlo_vessel_alpha_Gy": mc_at_a0,
        "monte_carlo_decays": float(near["n_decays"]),
        "analytic_vessel_alpha_Gy_same_cells": analytic_cells,
        "analytic_cuff_mean_vessel_alpha_Gy": cuff.vessel_alpha_Gy,
        "background_alpha_Gy": background,
        "perivascular_alpha_Gy": cuff.vessel_alpha_Gy + background,
    }
    notes = [
        "Monte Carlo: straight CSDA α tracks (ASTAR) from the luminal surface; electrons added as the "
        "analytic mean dose; daughters retained on the vessel with the conditional retention of the "
        "kinetics' bound decays (brainrit.dosimetry.perivascular.conditional_retention).",
        f"One perivascular dose at the administered activity: vessel-bound α {mc_at_a0:.3g} Gy (Monte Carlo, "
        f"{near['n_decays']:.0f} decays on the {CAPILLARY_LENGTH_UM:g} µm capillary: Poisson noise "
        f"≈ {100 / math.sqrt(max(near['n_decays'], 1)):.0f} %) vs {analytic_cells:.3g} Gy (analytic, "
        f"same cells and decays); area-weighted cuff mean {cuff.vessel_alpha_Gy:.3g} Gy (infinite vessel; "
        f"what the window uses) + healthy-brain α background {background:.3g} Gy = "
        f"{cuff.vessel_alpha_Gy + background:.3g} Gy. The lumen's circulating activity is part of that "
        "background (brain blood pool), and the "
        "metastasis-region uniform dose is not added to a cuff.",
        f"Cell-by-cell TCP of the cuff uses survival exp(−z/z₀) with z₀ = {sc.radiobiology.z0_Gy:g} Gy.",
    ]
    data = HitStatistics(
        n_cells=len(cells.centres_um), capillary_length_um=CAPILLARY_LENGTH_UM, rows=tuple(rows)
    )
    return {"data": data, "table": table, "notes": notes, "cuff": cuff_data}
