"""A readable, JSON-ready summary of a nuclide and its chain (used by ``brainrit nuclide``).

Examples
--------
>>> s = nuclide_summary("Pb-212")
>>> [m["name"] for m in s["chain"]]
['Pb-212', 'Bi-212', 'Po-212', 'Tl-208', 'Pb-208']
>>> line = s["alpha_lines"][0]
>>> line["nuclide"], line["energy_MeV"], round(line["csda_range_water_um"])
('Bi-212', 6.0509, 50)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from brainrit.checks import in_range
from brainrit.nuclides.chains import decay_chain, format_half_life
from brainrit.nuclides.emissions import emissions, energy_per_decay

__all__ = ["nuclide_summary"]

SOURCES = {
    "decay_data": "ICRP 2008, Nuclear Decay Data for Dosimetric Calculations, ICRP Publication 107, "
    "Ann. ICRP 38(3) (half-lives and branching via radioactivedecay; lines via icrp107-database)",
    "alpha_range": "CSDA range in liquid water, NIST ASTAR (Berger et al., ICRU Report 49, 1993)",
}


def nuclide_summary(
    name: str, *, cut: Iterable[str] = (), min_alpha_yield: float = 1e-3, window_h: float | None = None
) -> dict[str, Any]:
    """Chain, energy per decay and α lines of a nuclide, as plain JSON-serialisable values.

    Parameters
    ----------
    name : str
        Nuclide (chain parent).
    cut : iterable of str, optional
        Chain members treated as end-points (see :func:`~brainrit.nuclides.decay_chain`).
    min_alpha_yield : float, optional
        α lines below this yield per decay of their own nuclide are left out (default 1e-3, the
        threshold of the ICRP-107 line tables used in the validation tests).
    window_h : float, optional
        Time window of the chain weights (h); None: the default chain rule
        (:func:`~brainrit.nuclides.decay_chain`).

    Returns
    -------
    dict
        ``nuclide``, ``half_life_s`` (None when stable), ``half_life``; ``chain``: one dict per member
        (name, half-life, stable, cut, decay modes, daughters with branching, decays per parent decay);
        ``chain_rule`` (in words) and ``members_counted``; ``energy_per_decay_MeV`` (the nuclide alone)
        and ``chain_energy_per_decay_MeV`` (per parent decay, chain rule weights) by radiation class;
        ``alpha_lines``: nuclide, energy_MeV, yield per decay of that nuclide, yield per parent decay,
        CSDA range in liquid water (µm, ASTAR); ``sources``.
    """
    from brainrit.physics import alpha_csda_range_um  # lazy: physics tables load on first use

    threshold = in_range("min_alpha_yield", min_alpha_yield, 0.0, 1.0)
    chain = decay_chain(name, cut=cut, window_h=window_h)
    parent = chain.members[0]
    members = []
    for m in chain.members:
        members.append(
            {
                "name": m.name,
                "half_life_s": None if m.stable else m.half_life_s,
                "half_life": format_half_life(m.half_life_s),
                "stable": m.stable,
                "cut": m.cut,
                "decay_modes": list(m.decay_modes),
                "daughters": [{"name": d, "branching": b} for d, b in m.daughters],
                "decays_per_parent_decay": m.decays_per_parent_decay,
            }
        )
    alpha_lines = []
    for m in chain.radioactive:
        energy, yield_ = emissions(m.name).lines["alpha"]
        keep = yield_ >= threshold
        if not np.any(keep):
            continue
        ranges = np.atleast_1d(alpha_csda_range_um(energy[keep], "water"))
        for e, y, r in sorted(zip(energy[keep], yield_[keep], ranges, strict=True), key=lambda t: -t[1]):
            alpha_lines.append(
                {
                    "nuclide": m.name,
                    "energy_MeV": float(e),
                    "yield_per_decay": float(y),
                    "yield_per_parent_decay": float(y * m.decays_per_parent_decay),
                    "csda_range_water_um": float(r),
                }
            )
    return {
        "nuclide": chain.parent,
        "half_life_s": None if math.isinf(parent.half_life_s) else parent.half_life_s,
        "half_life": format_half_life(parent.half_life_s),
        "chain": members,
        "chain_rule": chain.rule,
        "members_counted": list(chain.counted),
        "energy_per_decay_MeV": energy_per_decay(chain.parent),
        "chain_energy_per_decay_MeV": energy_per_decay(chain.parent, chain=True, cut=cut, window_h=window_h),
        "alpha_lines": alpha_lines,
        "min_alpha_yield": threshold,
        "sources": dict(SOURCES),
    }
