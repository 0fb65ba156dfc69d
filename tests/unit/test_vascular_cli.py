"""``brainrit compare-nuclides`` (src/brainrit/cli/compare.py) and vascular.compare_nuclides."""

from __future__ import annotations

import csv
import itertools

import pytest

from brainrit.cli import main
from brainrit.dosimetry import vascular as vas
from brainrit.errors import InputError


def test_compare_nuclides_rows_and_ordering():
    rows = vas.compare_nuclides(["Pb-212", "Lu-177"], nucleus_radius_um=3.0)
    assert len(rows) == 2 * len(vas.COMPARISON_BANDS_UM)
    pb = [r for r in rows if r.nuclide == "Pb-212"]
    assert [r.band for r in pb] == [b[0] for b in vas.COMPARISON_BANDS_UM]
    assert pb[0].r_min_um == pytest.approx(3.0 + 0.4 + 3.0)
    assert all(a.total_Gy > b.total_Gy for a, b in itertools.pairwise(pb))
    lu = [r for r in rows if r.nuclide == "Lu-177"]
    assert pb[0].alpha_Gy > 10 * lu[0].total_Gy  # α emitter near the vessel
    for r in rows:
        assert r.total_Gy == pytest.approx(r.alpha_Gy + r.electron_Gy + r.photon_Gy)


def test_compare_bad_band():
    with pytest.raises(InputError, match="bands_um"):
        vas.compare_nuclides(["At-211"], bands_um=[("x", 0.0, 5.0)])


def test_cli_writes_csv_and_plot(tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    fig = tmp_path / "cmp.png"
    code = main(["compare-nuclides", "At-211", "Y-90", "--csv", str(out), "--plot", str(fig)])
    assert code == 0
    lines = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    assert len(rows) == 8
    assert {r["nuclide"] for r in rows} == {"At-211", "Y-90"}
    assert float(rows[0]["total_Gy"]) > 0
    assert fig.stat().st_size > 1000
    assert "wrote" in capsys.readouterr().out


def test_cli_errors(tmp_path, capsys):
    assert main(["compare-nuclides", "Xx-999"]) == 2
    assert "nuclide" in capsys.readouterr().err
    assert main(["compare-nuclides", "At-211", "--csv", str(tmp_path / "no" / "x.csv")]) == 2
    assert main(["compare-nuclides", "At-211", "--source", "blood"]) == 2
