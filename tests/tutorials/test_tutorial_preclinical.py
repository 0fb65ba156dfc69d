"""Tutorial 1 — plan a ²¹²Pb-anti-VCAM-1 mouse study from a biodistribution CSV to a report.

The code between the ``# [name]`` / ``# [end-name]`` markers is shown in docs/tutorials/preclinical.md, so the
page and this test cannot drift apart. Each step carries its own imports and writes into the current folder
(the test runs in a temporary one), so the steps can be pasted one after the other into a Python session.
The biodistribution is SYNTHETIC: generated from brainrit's own mouse model with a known plasma clearance and
VCAM-1 density plus measurement noise, so that the fit can be checked against the truth. With measured
data, start at step 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def test_tutorial_preclinical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # [step-1]
    from pathlib import Path

    import numpy as np

    from brainrit.kinetics import default_model, predict_percent_id_per_g

    truth = default_model("mouse").with_overrides(
        plasma_clearance_mL_per_h=0.0035, **{"target.density_per_um2.metastasis": 60.0}
    )
    organs = ["blood", "liver", "spleen", "kidneys", "brain", "metastasis"]
    times_h = [1.0, 4.0, 24.0, 48.0]
    organ_col = [o for o in organs for _ in times_h]
    time_col = times_h * len(organs)
    mean = predict_percent_id_per_g(truth, organ_col, time_col)  # decay-corrected %ID/g
    rng = np.random.default_rng(2020)
    # each row is the mean of n = 4 animals with a 15 % inter-animal SD: its error is 15 % / √4
    measured = mean * rng.normal(1.0, 0.15 / np.sqrt(4), size=mean.shape)
    csv_path = Path("biodistribution.csv")
    rows = [
        f"{o},{t:g},{y:.4g},{0.15 * y:.4g},4" for o, t, y in zip(organ_col, time_col, measured, strict=True)
    ]
    csv_path.write_text("organ,time_h,%ID/g,SD,n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # [end-step-1]

    # [step-2]
    from brainrit.kinetics import fit_biodistribution, read_biodistribution_csv

    data = read_biodistribution_csv(csv_path)
    fit = fit_biodistribution(
        data,
        default_model("mouse"),  # starting values: the reference mouse model
        ["plasma_clearance_mL_per_h", "target.density_per_um2.metastasis"],
    )
    for name, value, (low, high) in zip(fit.names, fit.values, fit.ci95, strict=True):
        print(f"{name:40s} {value:10.4g}   95 % CI {low:.4g} – {high:.4g}")
    print(f"chi² = {fit.chi2:.1f} for {fit.dof} degrees of freedom")
    # [end-step-2]

    # the fit recovers the parameters the data were made from, within its own 95 % intervals
    assert fit.ci95[0, 0] <= 0.0035 <= fit.ci95[0, 1]
    assert fit.ci95[1, 0] <= 60.0 <= fit.ci95[1, 1]
    assert fit.dof == len(data) - 2

    # [step-3]
    from brainrit.cli import main
    from brainrit.scenario import builtin_text

    toml = builtin_text("mouse-vcam1-pb212").replace(
        '[kinetics]\nmodel = "compartmental"',
        '[kinetics]\nmodel = "biodistribution"\nbiodistribution_csv = "biodistribution.csv"',
    )
    Path("my-study.toml").write_text(toml, encoding="utf-8")
    code = main(["run", "my-study.toml", "--out", "my-study", "-q"])  # = `brainrit run my-study.toml ...`
    # [end-step-3]
    assert code == 0

    # [step-4]
    import json

    results = json.loads(Path("my-study/results.json").read_text(encoding="utf-8"))
    kin = results["stages"]["kinetics"]["data"]
    for name, p in kin["fit"]["parameters"].items():
        low, high = p["ci95"]
        print(f"fitted in the pipeline: {name} = {p['value']:.4g} (95 % CI {low:.4g} – {high:.4g})")
    print(f"injected {kin['injected_activity_MBq']:.3g} MBq")
    per_g = kin["decays_per_g"]
    print(f"decays per gram: metastasis {per_g['metastasis']:.3g}, healthy brain {per_g['brain']:.3g}")
    print(f"ratio {kin['metastasis_to_brain_ratio']:.2f}")
    rit = results["stages"]["rit_outcomes"]["data"]
    print(f"TCP of all lesions {rit['tcp_all_lesions']:.3g}")
    print(f"NTCP brain necrosis {rit['ntcp_brain_necrosis']:.2g}")
    # [end-step-4]

    assert (tmp_path / "my-study" / "report.html").is_file()
    assert results["scenario"]["kinetics"]["model"] == "biodistribution"
    assert results["stages"]["kinetics"]["status"] == "ok"
    # the pipeline's fit is the API fit of step 2 (same data, same starting model, same parameters)
    for name, value in fit.parameters.items():
        assert kin["fit"]["parameters"][name]["value"] == pytest.approx(value, rel=1e-3)
    # VCAM-1 binding concentrates the decays in the metastases (Corroyer-Dulmont 2020 measured a ratio of 6)
    assert kin["metastasis_to_brain_ratio"] > 1.0
    assert 0.0 <= rit["tcp_all_lesions"] <= 1.0 and 0.0 <= rit["ntcp_brain_necrosis"] <= 1.0
