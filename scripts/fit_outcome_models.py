"""Fit brainrit's calibrated outcome models to the clinical anchor table and write the shipped results.

    python scripts/fit_outcome_models.py            # refit, write the parameter file and the docs figure
    python scripts/fit_outcome_models.py --check    # refit and compare with the shipped file (exit 1 if not)

Inputs: ``src/brainrit/data/clinical_anchors_brain_metastases.csv`` (every row cited) and the parameter
library (clonogen model, unseen-disease size). The hippocampal D40 % EQD2 of each trial arm is computed on
brainrit's human phantom (1 mm voxels) with the three visible metastases of the built-in ``human-early-bm``
scenario: SRS alone (RTOG 90-05 doses), WBRT 30 Gy/12 fx + SRS (N0574), WBRT 30 Gy/10 fx and HA-WBRT
30 Gy/10 fx (NRG CC001, RTOG 0933).

Outputs: ``src/brainrit/data/outcome_models_fitted.toml`` (parameters ± SD, covariance, χ², residual per
anchor, data hash, date), ``docs/images/outcome_calibration.png`` (model vs data) and
``docs/includes/outcome_calibration.md`` (the tables of docs/models.md).
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FITTED = ROOT / "src" / "brainrit" / "data" / "outcome_models_fitted.toml"
FIGURE = ROOT / "docs" / "images" / "outcome_calibration.png"
TABLE = ROOT / "docs" / "includes" / "outcome_calibration.md"

#: Arm keys of the anchor table -> (technique, whole-brain dose Gy, fractions).
ARMS = {
    "srs": ("srs", None, None),
    "wbrt_30_12+srs": ("wbrt+srs", 30.0, 12),
    "wbrt_30_10": ("wbrt", 30.0, 10),
    "ha_wbrt_30_10": ("ha-wbrt", 30.0, 10),
}


def hippocampal_doses() -> dict[str, float]:
    """Bilateral-hippocampus D40 % EQD2 (α/β 2 Gy) of each trial arm on the human phantom."""
    from brainrit.ebrt.outcomes import arm_outcomes
    from brainrit.ebrt.phantom_arms import custom_arm
    from brainrit.phantoms import add_lesions, human_brain, metastasis
    from brainrit.scenario.builtin import builtin_scenario

    sc = builtin_scenario("human-early-bm")
    lesions = [
        metastasis(x.name, x.position_mm, x.diameter_mm, species="human")
        for x in sc.lesions
        if x.visible and x.position_mm is not None
    ]
    phantom = add_lesions(human_brain(), lesions)
    out = {}
    for key, (tech, dose, n) in ARMS.items():
        arm = custom_arm(phantom, key, tech, dose_Gy=dose, n_fractions=n)
        out[key] = round(
            float(arm_outcomes(arm, phantom.masks, phantom.lesions).metrics["hippocampi D40 EQD2"]), 4
        )
    return out


def fit(date: str | None = None) -> tuple[str, dict]:
    """Run both fits; return the TOML text and the objects for the figure."""
    from brainrit.radiobiology.calibration_fit import fit_cognition, fit_tcp, fitted_toml
    from brainrit.radiobiology.outcome_models import HiddenDisease, default_clonogen_model

    clon, hidden = default_clonogen_model(), HiddenDisease.default()
    doses = hippocampal_doses()
    tcp_fit = fit_tcp(clonogens=clon, hidden=hidden)
    cog_fit = fit_cognition(doses)
    text = fitted_toml(
        tcp_fit, cog_fit, clonogens=clon, hidden=hidden, hippocampal_d40_eqd2_Gy=doses, date=date
    )
    return text, {"tcp": tcp_fit, "cognition": cog_fit, "doses": doses}


def compare(shipped: dict, new: dict, *, rtol: float = 1e-4) -> list[str]:
    """Differences between two parsed fitted files (parameters, SDs, model values, hippocampal doses)."""
    problems = []
    if shipped["meta"]["data_sha256"] != new["meta"]["data_sha256"]:
        problems.append("anchor table changed since the shipped fit (data_sha256 differs)")
    for model in ("tcp", "cognition"):
        for k, p in new[model]["parameters"].items():
            q = shipped[model]["parameters"].get(k)
            if q is None:
                problems.append(f"{model}.{k}: not in the shipped file")
                continue
            for what in ("value", "sd"):
                if not math.isclose(p[what], q[what], rel_tol=rtol, abs_tol=1e-9):
                    problems.append(f"{model}.{k}.{what}: shipped {q[what]!r}, refit {p[what]!r}")
        for k, r in new[model]["residuals"].items():
            q = shipped[model]["residuals"].get(k)
            if q is None or not math.isclose(r["model"], q["model"], rel_tol=rtol, abs_tol=1e-7):
                problems.append(f"{model} residual {k}: shipped {q and q['model']!r}, refit {r['model']!r}")
    for k, v in new["cognition"]["hippocampal_d40_eqd2_Gy"].items():
        if not math.isclose(
            v, shipped["cognition"]["hippocampal_d40_eqd2_Gy"].get(k, math.nan), rel_tol=rtol
        ):
            problems.append(f"hippocampal dose {k}: changed")
    return problems


def figure(objs: dict, path: Path) -> None:
    """Model vs data: tumour-control anchors, SRS dose-response by size, cognition by hippocampal dose."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from brainrit.radiobiology.calibration_fit import clinical_anchors
    from brainrit.radiobiology.outcome_models import (
        ClonogenModel,
        CognitionModel,
        PopulationTCP,
        default_clonogen_model,
    )

    tf, cf = objs["tcp"], objs["cognition"]
    p = {k: v.value for k, v in tf.parameters.items()}
    clon: ClonogenModel = default_clonogen_model()
    tcp = PopulationTCP(p["alpha_mean_per_Gy"], p["alpha_sd_per_Gy"], p["alpha_beta_Gy"], clon)
    cp = {k: v.value for k, v in cf.parameters.items()}
    cog = CognitionModel(
        {k.removeprefix("intercept_"): v for k, v in cp.items() if k != "slope_per_Gy"}, cp["slope_per_Gy"]
    )
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))

    ax = axes[0]
    res = [*tf.residuals, *[r for r in cf.residuals if not r.id.endswith("_hr")]]
    y = np.arange(len(res))[::-1]
    obs = np.array([r.observed for r in res])
    sd = np.array([r.sd for r in res])
    ax.errorbar(obs, y, xerr=2 * sd, fmt="o", color="k", label="data ± 2 SD")
    ax.plot([r.model for r in res], y, "s", color="C3", label="model")
    ax.set_yticks(y, [r.id for r in res], fontsize=7)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("probability")
    ax.set_title("Every anchor: data vs fitted model")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)

    ax = axes[1]
    dose = np.linspace(8, 30, 100)
    for i, (lo, hi) in enumerate(((5, 20), (21, 30), (31, 40))):
        dia = np.linspace(lo, hi, 7)
        curve = [np.mean(tcp.tcp_uniform(np.full(dia.size, d), 1, dia)) for d in dose]
        ax.plot(dose, curve, color=f"C{i}", label=f"model, {lo}–{hi} mm")
    for a in clinical_anchors():
        if a.model == "tcp" and a.schedules.endswith("/1") and ";" not in a.schedules:
            g = a.schedule_grid()
            d = np.mean([s[0] for s in g])
            lo = float(a.diameter_mm.split("-")[0])
            c = "C0" if lo < 20 else ("C1" if lo < 31 else "C2")
            c = "0.4" if a.id.startswith("ro2015") else c
            ax.errorbar(d, a.value, yerr=2 * a.sd, fmt="o" if a.relation == "=" else "^", color=c)
    ax.set_xlabel("single-fraction SRS dose (Gy)")
    ax.set_ylabel("1-year local control")
    ax.set_title("SRS: HyTEC (coloured) and Radiat Oncol 2015 (grey)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)

    ax = axes[2]
    d40 = np.linspace(0, 45, 100)
    doses = objs["doses"]
    for i, e in enumerate(cog.intercepts):
        ax.plot(d40, cog.probability(d40, e), color=f"C{i}", label=e)
        for a in clinical_anchors():
            if a.model == "cognition" and a.endpoint == e:
                ax.errorbar(doses[a.schedules], a.value, yerr=2 * a.sd, fmt="o", color=f"C{i}")
    ax.axvline(7.3, color="0.5", ls=":", label="Gondi 2012: D40 7.3 Gy")
    ax.set_xlabel("bilateral hippocampi D40 % EQD2 (α/β 2 Gy), Gy")
    ax.set_ylabel("probability of deterioration")
    ax.set_title("Cognition by end-point (points: trials, ± 2 SD)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(objs: dict) -> str:
    """The parameter and residual tables included by docs/models.md."""
    from brainrit.radiobiology.calibration_fit import clinical_anchors

    src = {a.id: a for a in clinical_anchors()}
    out = []
    for model, title in (("tcp", "Tumour control"), ("cognition", "Cognition")):
        f = objs[model]
        out += [
            f"**{title}** — χ² = {f.chi2:.1f} for {f.dof} degrees of freedom "
            f"(Birge ratio {f.birge_ratio:.2f}).",
            "",
            "| parameter | value | SD |",
            "|---|---|---|",
        ]
        out += [f"| `{k}` | {v.value:.4g} | {v.sd:.2g} |" for k, v in f.parameters.items()]
        out += ["", "| anchor | source | observed | SD | model | z |", "|---|---|---|---|---|---|"]
        for r in f.residuals:
            rel = "≥ " if r.relation == ">=" else ""
            out.append(
                f"| `{r.id}` | {src[r.id].source} | {rel}{r.observed:.3g} | {r.sd:.2g} "
                f"| {r.model:.3g} | {r.z:+.2f} |"
            )
        out.append("")
    doses = ", ".join(f"`{k}` {v:.2f} Gy" for k, v in objs["doses"].items())
    out.append(f"Hippocampal D40 % EQD2 of the trial arms on the phantom: {doses}.")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check", action="store_true", help="compare a refit with the shipped file; write nothing"
    )
    ap.add_argument("--date", default=None, help="date recorded in the file (default: today)")
    args = ap.parse_args(argv)
    text, objs = fit(args.date)
    if args.check:
        problems = compare(tomllib.loads(FITTED.read_text(encoding="utf-8")), tomllib.loads(text))
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    FITTED.write_text(text, encoding="utf-8")
    figure(objs, FIGURE)
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(markdown(objs), encoding="utf-8")
    print(f"wrote {FITTED.relative_to(ROOT)}, {FIGURE.relative_to(ROOT)} and {TABLE.relative_to(ROOT)}")
    for model in ("tcp", "cognition"):
        f = objs[model]
        print(f"{model}: chi2 {f.chi2:.2f} / {f.dof} dof")
        for k, v in f.parameters.items():
            print(f"  {k} = {v.value:.4g} ± {v.sd:.2g}")
        for r in f.residuals:
            print(f"  {r.id:28s} observed {r.observed:.3f}  model {r.model:.3f}  z {r.z:+.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
