"""The shipped ICRP-107 chain data equal radioactivedecay's, nuclide by nuclide (exact).

brainrit builds chains from ``data/decay_chains_icrp107.json`` (``scripts/export_decay_data.py``) so that no
process imports SymPy through radioactivedecay. Reference: radioactivedecay's ICRP-107 dataset
(ICRP Publication 107, Ann. ICRP 38(3), 2008; Malins & Lemoine, J. Open Source Softw. 7 (2022) 3318).
Tolerance: none — half-lives, branching fractions, progeny and modes must be identical; a
radioactivedecay upgrade that changes a value fails here until the file is regenerated.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

rd = pytest.importorskip("radioactivedecay")


def test_every_nuclide_identical():
    from brainrit.nuclides._decaydata import decay_record, nuclide_names

    names = {str(n) for n in rd.DEFAULTDATA.nuclides}
    assert nuclide_names() == names
    for name in sorted(names):
        nuc = rd.Nuclide(name)
        half_life_s, decays = decay_record(name)
        ref = float(nuc.half_life("s"))
        assert half_life_s == ref or (math.isinf(ref) and math.isinf(half_life_s)), name
        expected = tuple(
            (str(d), float(b), str(m))
            for d, b, m in zip(nuc.progeny(), nuc.branching_fractions(), nuc.decay_modes(), strict=True)
        )
        assert decays == expected, name


def test_building_a_chain_does_not_import_sympy():
    code = (
        "import sys; from brainrit.nuclides import decay_chain; decay_chain('Ac-225'); "
        "print('sympy' in sys.modules, 'radioactivedecay' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
