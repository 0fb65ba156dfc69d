"""compare-nuclides per injected activity: kinetics-weighted perivascular doses."""

from __future__ import annotations

import pytest

from brainrit.cli import main
from brainrit.dosimetry.perivascular import per_injected_activity


def test_dose_scales_linearly_with_injected_activity():
    """Antibody mass is fixed by the kinetics (tracer activity), so decays scale with activity."""
    a = per_injected_activity(["At-211"], 0.1, nucleus_radius_um=3.0)
    b = per_injected_activity(["At-211"], 0.3, nucleus_radius_um=3.0)
    for key, d in a.items():
        assert b[key]["total_Gy"] == pytest.approx(3 * d["total_Gy"], rel=1e-6)


def test_beta_emitter_has_no_alpha_and_bands_decrease():
    d = per_injected_activity(["Lu-177"], 1.0)
    bands = [d[("Lu-177", b)] for b in ("tumour 0-25 um", "tumour 25-50 um", "tumour 50-100 um")]
    assert all(x["alpha_Gy"] == 0 for x in bands)
    assert bands[0]["total_Gy"] > bands[1]["total_Gy"] > bands[2]["total_Gy"] > 0


def test_cli_per_injected_writes_extra_csv_columns(tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert main(["compare-nuclides", "At-211", "--per-injected-MBq", "0.2", "--csv", str(out)]) == 0
    header = out.read_text().splitlines()[1]
    assert header.endswith("injected_alpha_Gy,injected_total_Gy")
    assert main(["compare-nuclides", "At-211", "--per-injected-MBq", "-1"]) == 2
    assert "per_injected_MBq: must be a finite number > 0" in capsys.readouterr().err
