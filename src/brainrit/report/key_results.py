"""The "key results" section that opens the report: the answer to the question the scenario asks.

For the scenario run: which disease each arm controls (lesions contrast MRI sees, lesions it does not), at
what activity or dose, at what cost to brain, hippocampi, kidneys and marrow, the best policy in time from
the therapeutic window, and the main uncertainties — in words, one table and one figure. Every number is
taken from the typed stage results (nothing is recomputed here); a stage that did not run is said so.

Examples
--------
>>> from brainrit.report.key_results import KeyResults
>>> KeyResults(paragraphs=("x",), rows=(), figure=None).paragraphs
('x',)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from brainrit.report.figures import Figure, new_figure, to_png

__all__ = ["COLUMNS", "KeyResults", "key_results"]

COLUMNS = (
    "arm",
    "activity or dose",
    "P(visible lesions controlled)",
    "P(hidden lesions controlled)",
    "P(all lesions controlled)",
    "brain necrosis NTCP",
    "hippocampi EQD2 (Gy)",
    "kidneys (Gy(RBE))",
    "marrow (Gy(RBE))",
)


@dataclass(frozen=True)
class KeyResults:
    """Paragraphs (plain text), table rows in :data:`COLUMNS` order, and one figure (None without data).

    Examples
    --------
    >>> KeyResults(paragraphs=(), rows=(("RIT", "1 MBq", 0.1, 0.2, 0.02, 0.0, 0.1, 1.0, 0.5),),
    ...            figure=None).rows[0][0]
    'RIT'
    """

    paragraphs: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    figure: Figure | None


def _ok(result: Any, key: str) -> Any:
    st = result.stages.get(key)
    return st if st is not None and st.status == "ok" else None


def _groups(model: Any, scale: float) -> tuple[float | None, float | None, float]:
    """TCP of the visible lesions, of the hidden ones (None if the scenario has none) and of all, at
    ``scale`` × the administered activity (the RIT-outcome model's classes)."""
    c = model.tcp_classes(scale)
    return c["visible"], c["micrometastases"], float(c["all"])


def _regimen(arm: Any) -> str:
    """The arm's dose in words (RTOG 90-05 by diameter when an SRS arm gives no dose)."""
    d, n = getattr(arm, "dose_Gy", None), getattr(arm, "n_fractions", None)
    if arm.type == "wbrt+srs":
        return f"WBRT {arm.wbrt_dose_Gy:g} Gy/{arm.wbrt_fractions} fx + SRS"
    if d is None:
        return "RTOG 90-05 dose by diameter" if arm.type == "srs" else arm.type.upper()
    return f"{d:g} Gy/{n} fx" if n is not None else f"{d:g} Gy"


def _pct(p: float | None) -> str:
    if p is None:
        return "– (no such lesions)"
    if not math.isfinite(p):
        return "–"
    if p < 1e-3:
        return "< 0.1 %"
    return f"{100 * p:.3g} %"


def key_results(result: Any) -> KeyResults:
    """Build the key-results content from a :class:`~brainrit.pipeline.runner.PipelineResult`.

    Examples
    --------
    >>> from brainrit.pipeline.runner import run_scenario
    >>> from brainrit.scenario import builtin_scenario
    >>> k = key_results(run_scenario(builtin_scenario("mouse-vcam1-pb212"), stages=["radionuclide"]))
    >>> k.rows, "RIT outcomes did not run" in k.paragraphs[0]
    ((), True)
    """
    sc = result.scenario
    rit = _ok(result, "rit_outcomes")
    dos = _ok(result, "dosimetry")
    comp = _ok(result, "comparison")
    win = _ok(result, "window")
    paras: list[str] = []
    rows: list[tuple[Any, ...]] = []
    rbe = sc.radiobiology.rbe_alpha
    rit_arm = next((a.name for a in sc.arms if a.type == "rit"), "RIT")
    if rit is None:
        paras.append("RIT outcomes did not run: no answer for the RIT arm in this run.")
    else:
        a0 = rit.injected_activity_MBq
        opt = rit.plan
        scale = opt.activity_MBq / a0
        vis0, hid0, all0 = _groups(rit.model, 1.0)
        vis1, hid1, all1 = _groups(rit.model, scale)
        organ0 = {}
        if dos is not None:
            organ0 = {o: dos.rbe_weighted_dose_Gy.get(o) for o in ("kidneys", "marrow")}
        rows.append(
            (f"{rit_arm} (administered)", f"{a0:.4g} MBq", vis0, hid0, all0, rit.ntcp_brain_necrosis,
             rit.hippocampus_d40_eqd2_Gy, organ0.get("kidneys"), organ0.get("marrow"))
        )  # fmt: skip
        rows.append(
            (f"{rit_arm} (optimum within limits)", f"{opt.activity_MBq:.4g} MBq", vis1, hid1, all1, opt.ntcp,
             opt.hippocampus_eqd2_Gy, opt.organ_rbe_Gy.get("kidneys"), opt.organ_rbe_Gy.get("marrow"))
        )  # fmt: skip
        n_cyc = sc.administration.injections
        cyc = f" in {n_cyc} injections {sc.administration.interval_h:g} h apart" if n_cyc > 1 else ""
        paras.append(
            f"RIT ({sc.radiopharmaceutical.nuclide}-{sc.radiopharmaceutical.vector}) at the administered "
            f"{a0:.4g} MBq{cyc} controls the visible lesions with probability {_pct(vis0)} and the hidden "
            f"ones with {_pct(hid0)}. The highest activity that respects every organ limit is "
            f"{opt.activity_MBq:.4g} MBq, set by the {opt.limited_by} limit"
            + (" (the top of the scanned activities)" if opt.limited_by == "scan range" else "")
            + f"; there P(visible) = {_pct(vis1)}, P(hidden) = {_pct(hid1)}, brain-necrosis NTCP "
            f"{_pct(opt.ntcp)}, hippocampal EQD2 {opt.hippocampus_eqd2_Gy:.3g} Gy, "
            + ", ".join(f"{o} {v:.3g} Gy(RBE)" for o, v in opt.organ_rbe_Gy.items())
            + (f" (kidney BED {opt.kidney_bed_Gy:.3g} Gy)" if opt.kidney_bed_Gy is not None else "")
            + "."
        )
        if opt.tcp_0p5_activity_MBq is not None:
            paras.append(
                f"The hidden micrometastases are controlled with probability 0.5 at "
                f"{opt.tcp_0p5_activity_MBq:.4g} MBq, within the limits ("
                + ", ".join(f"{o} {v:.3g} Gy(RBE)" for o, v in opt.tcp_0p5_organ_rbe_Gy.items())
                + ")."
            )
        else:
            cost = ", ".join(f"{o} {v:.3g} Gy(RBE)" for o, v in opt.tcp_0p5_organ_rbe_Gy.items())
            paras.append(
                "Micrometastasis control (TCP 0.5) is out of reach within the limits: "
                f"{opt.tcp_0p5_reason}" + (f", costing {cost}." if cost else ".")
            )
    if comp is not None:
        for arm in sc.arms:
            if arm.type == "rit" or arm.name not in comp.arms:
                continue
            m = comp.arms[arm.name]
            dose = _regimen(arm)
            treated, all_ = m.get("TCP"), m.get("TCP all lesions")
            rows.append(
                (arm.name, dose, treated, None, all_, m.get("NTCP necrosis"), m.get("hippocampi D40 EQD2"),
                 0.0, 0.0)
            )  # fmt: skip
            burden = m.get("burden vs untreated")
            paras.append(
                f"{arm.name}: P(lesions it treats controlled) {_pct(treated)}, "
                f"P(all lesions, seen and unseen) {_pct(all_)}, "
                f"brain-necrosis NTCP {_pct(m.get('NTCP necrosis'))}, cognitive decline "
                f"{_pct(m.get('P cognitive (V55)'))}; no dose to kidneys or marrow."
                + (f" Metastatic burden at read-out {burden:.3g} × untreated." if burden is not None else "")
            )
        rb_ = comp.arms.get(rit_arm, {}).get("burden vs untreated")
        if rb_ is not None:
            paras.append(
                f"Preclinical endpoint: RIT leaves {rb_:.3g} × the untreated metastatic burden at read-out "
                "(growth delay " + f"{comp.arms[rit_arm].get('growth delay (d)', float('nan')):.3g} days)."
            )
    if win is not None:
        w = win.window
        best = max(w.policies, key=lambda p: w.best_time(p)[1])
        at = w.at_best_time(best)
        lead = w.lead_time_d.get("median", math.nan)
        text = (
            f"Best policy in time (therapeutic window, {w.n_patients} virtual patients): {best} on day "
            f"{at['day']:.3g}, P(all disease, seen and unseen, controlled) {_pct(at['p_all_controlled'])}, "
            f"any complication {_pct(at.get('p_complication', at['ntcp']))}."
        )
        if "RIT at VCAM-1 detection" in w.policies:
            p_det = w.at_best_time("RIT at VCAM-1 detection")["p_all_controlled"]
            text += (
                f" VCAM-1 MRI sees a patient's first lesion a median {lead:.3g} days before contrast MRI; "
                f"RIT at VCAM-1 detection controls all disease with probability {_pct(p_det)}."
            )
        paras.append(text)
    paras.append(
        "Main uncertainties: the RBE of α particles (scenario value "
        f"{rbe:g}; none is established for marrow, kidneys, brain or hippocampus), the kinetics (antigen "
        "density and clearance calibrated to one mouse study), the clonogen density and α radiosensitivity "
        "(z₀) of metastasis cells, VCAM-1 expression and the perivascular geometry of micrometastases, the "
        "growth and detection models of the disease course, and effects the model lacks (vascular damage, "
        "bystander and immune effects)."
    )
    limits = dict(rit.limits) if rit is not None else {}
    return KeyResults(tuple(paras), tuple(rows), _figure(rows, limits) if rows else None)


def _figure(rows: tuple[tuple[Any, ...], ...] | list, limits: dict) -> Figure:
    import numpy as np

    fig, ax = new_figure(2, width_in=9.0, height_in=max(4.0, 0.7 * len(rows) + 2.0))
    names = [r[0] for r in rows]
    y = np.arange(len(rows))
    for k, (col, colour) in enumerate(((2, "#1f77b4"), (3, "#9467bd"), (4, "#2ca02c"))):
        vals = [r[col] if isinstance(r[col], float) and math.isfinite(r[col]) else 0.0 for r in rows]
        ax[0].barh(y + (k - 1) * 0.27, vals, height=0.26, color=colour, label=COLUMNS[col])
    ax[0].set_yticks(y, names, fontsize=10)
    ax[0].set_xlim(0, 1)
    ax[0].set_xlabel("probability of control")
    ax[0].legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.01), frameon=False)  # not on bars
    ax[0].invert_yaxis()
    lim = {5: limits.get("brain_necrosis_ntcp", 0.05), 7: limits.get("kidney_bed_limit_Gy", 28.0),
           8: limits.get("marrow_rbe_Gy", 2.0)}  # fmt: skip
    names_cost = {5: "brain necrosis NTCP", 7: "kidneys Gy(RBE) / BED limit", 8: "marrow Gy(RBE)"}
    for k, (col, colour) in enumerate(((5, "#d62728"), (7, "#8c564b"), (8, "#e377c2"))):
        vals = [
            r[col] / lim[col] if isinstance(r[col], float) and math.isfinite(r[col]) else 0.0 for r in rows
        ]
        ax[1].barh(y + (k - 1) * 0.27, vals, height=0.26, color=colour, label=names_cost[col])
    ax[1].axvline(1.0, color="0.2", linestyle="--", linewidth=0.8)
    ax[1].set_yticks(y, [""] * len(rows))
    ax[1].set_xlabel("fraction of the organ limit")
    ax[1].legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.01), frameon=False)
    ax[1].invert_yaxis()
    return Figure(
        "key_results",
        "Key results: control and cost per arm",
        to_png(fig),
        "Left: probability that the visible, the hidden and all lesions are controlled. Right: "
        "brain-necrosis NTCP and the RBE-weighted kidney and marrow doses as fractions of their limits "
        "(dashed: the limit; external beam: no dose to kidneys or marrow).",
    )
