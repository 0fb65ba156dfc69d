"""Half-lives, progeny, branching fractions and decay modes of ICRP-107, without SymPy.

Read from ``brainrit/data/decay_chains_icrp107.json``, exported from radioactivedecay's ICRP-107 dataset
by ``scripts/export_decay_data.py`` and checked against it nuclide by nuclide in
``tests/validation/test_decay_data_export.py``. Importing radioactivedecay loads SymPy (about 2 s per
process, more on a loaded machine); building a chain from this file takes milliseconds, which matters for
``brainrit --help``, the first sample of a sweep and every Dask worker.

Source: ICRP Publication 107, Ann. ICRP 38(3) (2008), as distributed in radioactivedecay (Malins &
Lemoine, J. Open Source Softw. 7 (2022) 3318).

Examples
--------
>>> from brainrit.nuclides._decaydata import decay_record
>>> half_life_s, decays = decay_record("Pb-212")
>>> round(half_life_s / 3600, 2), decays
(10.64, (('Bi-212', 1.0, 'β-'),))
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math

__all__ = ["decay_record", "nuclide_names"]


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, tuple[float, tuple[tuple[str, float, str], ...]]]:
    text = (importlib.resources.files("brainrit") / "data" / "decay_chains_icrp107.json").read_text("utf-8")
    doc = json.loads(text)
    return {
        name: (math.inf if hl is None else float(hl), tuple((str(d), float(b), str(m)) for d, b, m in decays))
        for name, (hl, decays) in doc["nuclides"].items()
    }


def nuclide_names() -> frozenset[str]:
    """Every nuclide of the dataset (radionuclides and the stable ends of their chains).

    Examples
    --------
    >>> {"Pb-212", "Pb-208"} <= nuclide_names()
    True
    """
    return frozenset(_table())


def decay_record(name: str) -> tuple[float, tuple[tuple[str, float, str], ...]]:
    """``(half_life_s, ((progeny, branching_fraction, decay_mode), ...))`` of a canonical nuclide name.

    ``half_life_s`` is ``inf`` for a stable nuclide; progeny are ordered as in the dataset (decreasing
    branching fraction); spontaneous fission appears as progeny ``"SF"``.

    Raises
    ------
    KeyError
        ``name`` is not in the dataset (callers validate names first with :mod:`brainrit.nuclides.names`).
    """
    return _table()[name]
