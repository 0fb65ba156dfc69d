"""Stage 7 — comparison of arms: RIT beside each external-beam arm on the same patient or mouse.

The RIT row uses the RIT-outcomes stage (TCP of every lesion, visible or not; brain-necrosis LKB on the
RBE-weighted, G-corrected EQD2 of the uniform healthy-brain dose; hippocampal D40 % EQD2 = brain EQD2; the
Okoukoni V55 cognition model with V55 = 100 % when that EQD2 ≥ 55 Gy, else 0 %). External-beam rows come
from :mod:`brainrit.ebrt.outcomes` on the phantom.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from brainrit.pipeline.core import Context, StageNotRun, StageResult, Table
from brainrit.pipeline.stage_ebrt import EbrtResult
from brainrit.pipeline.stage_rit_outcomes import RitOutcomesResult

__all__ = ["ComparisonResult"]

COLUMNS = (
    ("arm", "arm"),
    ("TCP", "TCP (lesions the arm treats)"),
    ("TCP all lesions", "TCP all lesions"),
    ("NTCP necrosis", "NTCP brain necrosis"),
    ("hippocampi D40 EQD2", "hippocampi D40% EQD2 (Gy)"),
    ("P cognitive (V55)", "P cognitive decline (V55)"),
    ("P+", "P+"),
    ("P+ incl. cognition", "P+ incl. cognition"),
)


@dataclass(frozen=True, kw_only=True)
class ComparisonResult(StageResult):
    """Outcomes of every arm of the scenario side by side.

    Attributes
    ----------
    arms : mapping of str to mapping
        Arm name → metric (the keys of :data:`COLUMNS` after ``arm``) → value (None where undefined).
        Arms whose stage did not run are absent (and named in the notes).
    best_p_plus : str
        The arm with the highest P+.

    Examples
    --------
    >>> ComparisonResult.key
    'comparison'
    """

    key: ClassVar[str] = "comparison"
    title: ClassVar[str] = "Comparison of arms"

    arms: Mapping[str, Mapping[str, float | None]]
    best_p_plus: str


def rit_metrics(rit: RitOutcomesResult) -> dict[str, float]:
    """Metrics of the RIT arm at the administered activity in the columns of :data:`COLUMNS`."""
    from brainrit.radiobiology import hippocampal_v55_okoukoni

    eqd2 = rit.brain_eqd2_Gy
    p_cog = float(hippocampal_v55_okoukoni(100.0 if eqd2 >= 55.0 else 0.0))
    tcp = rit.tcp_all_lesions
    ntcp = rit.ntcp_brain_necrosis
    return {
        "TCP": tcp,
        "TCP all lesions": tcp,
        "NTCP necrosis": ntcp,
        "hippocampi D40 EQD2": eqd2,
        "P cognitive (V55)": p_cog,
        "P+": tcp * (1 - ntcp),
        "P+ incl. cognition": tcp * (1 - ntcp) * (1 - p_cog),
    }


def run(ctx: Context) -> ComparisonResult:
    """One row per arm: RIT from the RIT-outcomes stage, external-beam arms from the ebrt stage."""
    sc = ctx.scenario
    rows: list[tuple] = []
    metrics: dict[str, dict[str, float | None]] = {}
    rit_out = ctx.get(RitOutcomesResult)  # None: RIT arms are listed as without outcomes
    for arm in sc.arms:
        if arm.type == "rit" and rit_out is not None:
            scaled = arm.activity_scale
            m = rit_metrics(rit_out)
            if scaled != 1.0:
                tcp, ntcp = rit_out.model.tcp(scaled)[0], rit_out.model.ntcp(scaled)
                m.update({"TCP": tcp, "TCP all lesions": tcp, "NTCP necrosis": ntcp, "P+": tcp * (1 - ntcp)})
                m["P+ incl. cognition"] = m["P+"] * (1 - m["P cognitive (V55)"])
            metrics[arm.name] = m
    ebrt = ctx.get(EbrtResult)  # None: external-beam arms are listed as without outcomes
    if ebrt is not None:
        for name, m in ebrt.outcomes.items():
            metrics[name] = {k: m.get(k) for k, _ in COLUMNS[1:]}
    if not metrics:
        raise StageNotRun("no arm produced outcomes (the RIT-outcome and external-beam stages did not run)")
    order = [a.name for a in sc.arms if a.name in metrics]
    for name in order:
        rows.append((name, *(metrics[name].get(k) for k, _ in COLUMNS[1:])))
    best = max(order, key=lambda n: _num(metrics[n].get("P+")))
    table = Table("comparison", "Comparison of arms", tuple(c for _, c in COLUMNS), tuple(rows))
    missing = [a.name for a in sc.arms if a.name not in metrics]
    notes = [f"Highest P+: {best}."]
    if missing:
        notes.append("Arms without outcomes (their stage did not run): " + ", ".join(missing) + ".")
    return ComparisonResult(arms=metrics, best_p_plus=best, tables=(table,), notes=tuple(notes))


def _num(x) -> float:
    return float(x) if x is not None and math.isfinite(float(x)) else -1.0
