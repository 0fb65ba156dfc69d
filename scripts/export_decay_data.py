"""Write src/brainrit/data/decay_chains_icrp107.json from radioactivedecay's ICRP-107 dataset.

brainrit builds decay chains from half-lives, progeny, branching fractions and decay modes only. Reading
them from radioactivedecay means importing SymPy (about 2 s, 6 s on a loaded machine) in every process
that builds a chain, including each worker of a sweep. This script exports exactly those four fields of
every nuclide of the dataset to a small JSON file shipped with brainrit; the validation test
tests/validation/test_decay_data_export.py checks the file against radioactivedecay nuclide by nuclide,
so a radioactivedecay upgrade that changes a value fails the suite until the file is regenerated.

Source: ICRP Publication 107, Nuclear Decay Data for Dosimetric Calculations, Ann. ICRP 38(3) (2008),
as distributed in radioactivedecay (Malins & Lemoine, J. Open Source Softw. 7 (2022) 3318), dataset
``icrp107_ame2020_nubase2020``.

Usage: ``python scripts/export_decay_data.py`` (from the repository root).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "brainrit" / "data" / "decay_chains_icrp107.json"


def export() -> dict:
    """The exported document: provenance and, per nuclide, [half-life s (None if stable), decays]."""
    import radioactivedecay as rd

    data = rd.DEFAULTDATA
    nuclides = {}
    for name in sorted(str(n) for n in data.nuclides):
        nuc = rd.Nuclide(name)
        half_life = float(nuc.half_life("s"))
        decays = [
            [str(d), float(b), str(m)]
            for d, b, m in zip(nuc.progeny(), nuc.branching_fractions(), nuc.decay_modes(), strict=True)
        ]
        nuclides[name] = [None if math.isinf(half_life) else half_life, decays]
    return {
        "source": (
            "ICRP Publication 107, Nuclear Decay Data for Dosimetric Calculations, Ann. ICRP 38(3) (2008); "
            "half-lives, progeny, branching fractions and decay modes as distributed in radioactivedecay "
            f"{rd.__version__} (Malins & Lemoine, J. Open Source Softw. 7 (2022) 3318), dataset "
            f"{data.dataset_name}"
        ),
        "radioactivedecay_version": rd.__version__,
        "dataset": data.dataset_name,
        "fields": "name: [half_life_s (null = stable), [[progeny, branching_fraction, decay_mode], ...]]",
        "nuclides": nuclides,
    }


def main() -> None:
    OUT.write_text(json.dumps(export(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
