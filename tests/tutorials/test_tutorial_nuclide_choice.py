"""Tutorial 3 — radionuclide choice: rank the 12 VCAM-1 candidates of Falzone et al. (Theranostics 2018;8:292)
for a perivascular micrometastasis.

The code between the ``# [name]`` / ``# [end-name]`` markers is shown in docs/tutorials/nuclide_choice.md.
Each step carries its own imports and writes into the current folder (the test runs in a temporary one), so
the steps can be pasted one after the other into a Python session.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


def test_tutorial_nuclide_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # [step-1]
    from brainrit.dosimetry.vascular import compare_nuclides

    rows = compare_nuclides(None, source="surface", lumen_radius_um=3.0, nucleus_radius_um=4.0)
    nuclides = sorted({r.nuclide for r in rows})
    bands = sorted({r.band for r in rows})
    print(len(nuclides), "nuclides:", ", ".join(nuclides))
    print("bands:", bands)
    # [end-step-1]

    # [step-2]
    from brainrit.radiobiology import DEFAULT_RBE

    rbe = DEFAULT_RBE["alpha"]  # RBE of α particles for deterministic effects (MIRD Pamphlet 22)

    def weighted(r):  # RBE-weighted nucleus dose, Gy (RBE) per decay per µm of vessel
        return rbe * r.alpha_Gy + r.electron_Gy + r.photon_Gy

    by = {(r.nuclide, r.band): r for r in rows}
    ranking = []
    for n in nuclides:
        near = weighted(by[n, "tumour 0-25 um"])
        far = weighted(by[n, "tumour 50-100 um"])
        healthy = weighted(by[n, "healthy 100-200 um"])
        ranking.append((n, near, far, near / healthy))
    ranking.sort(key=lambda x: x[1], reverse=True)
    print(f"{'nuclide':8s} {'0-25 µm':>10s} {'50-100 µm':>10s} {'0-25 µm / healthy':>18s}")
    for n, near, far, ratio in ranking:
        print(f"{n:8s} {near:10.3g} {far:10.3g} {ratio:18.3g}")
    # [end-step-2]

    # [step-3]
    from brainrit.dosimetry.perivascular import per_injected_activity

    per_mbq = per_injected_activity(nuclides, 0.2, species="mouse")  # 0.2 MBq injected, mouse kinetics
    zero = {"alpha_Gy": 0.0, "electron_Gy": 0.0, "total_Gy": 0.0}

    def weighted_injected(n, band):  # Gy (RBE) for the injected activity
        d = per_mbq.get((n, band), zero)
        return rbe * d["alpha_Gy"] + (d["total_Gy"] - d["alpha_Gy"])

    for n in sorted(nuclides, key=lambda n: weighted_injected(n, "tumour 0-25 um"), reverse=True):
        print(f"{n:8s} {weighted_injected(n, 'tumour 0-25 um'):10.3g} Gy (RBE) at 0-25 µm")
    # [end-step-3]

    # [step-4]
    from brainrit.cli import main

    code = main(["compare-nuclides", "--per-injected-MBq", "0.2", "--csv", "nuclides.csv"])
    # [end-step-4]
    assert code == 0
    with open(tmp_path / "nuclides.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(line for line in f if not line.startswith("#")))
    assert len(table) == len(rows) == 12 * len(bands)

    assert len(nuclides) == 12 and len(bands) == 4
    kinds = {n: by[n, "tumour 0-25 um"] for n in nuclides}
    alpha = {n for n, r in kinds.items() if r.alpha_Gy > 0}
    assert alpha == {"Ac-225", "At-211", "Bi-213", "Pb-212", "Tb-149"}
    # per decay, every α emitter beats every β⁻ and Auger emitter next to the vessel
    top5 = {n for n, *_ in ranking[:5]}
    assert top5 == alpha
    for n in nuclides:  # dose falls with distance from the labelled capillary
        assert weighted(by[n, "tumour 0-25 um"]) > weighted(by[n, "tumour 50-100 um"])
        assert weighted_injected(n, "tumour 0-25 um") >= weighted_injected(n, "tumour 50-100 um") >= 0.0
    # per injected MBq, long-lived 225Ac (9.9 d) gains on short-lived 213Bi (46 min): more decays per MBq
    per_decay_ratio = weighted(by["Ac-225", "tumour 0-25 um"]) / weighted(by["Bi-213", "tumour 0-25 um"])
    per_mbq_ratio = weighted_injected("Ac-225", "tumour 0-25 um") / weighted_injected(
        "Bi-213", "tumour 0-25 um"
    )
    assert per_mbq_ratio > per_decay_ratio
    assert "injected_total_Gy" in table[0]
