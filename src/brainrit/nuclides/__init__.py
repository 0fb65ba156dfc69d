"""Radionuclide data: names, decay chains, emissions (ICRP Publication 107) and cumulated decays.

Half-lives and branching come from radioactivedecay's ICRP-107 dataset, emission lines and β spectra
from icrp107-database (ICRP 2008, Ann. ICRP 38(3)). radioactivedecay (which imports SymPy, ~2 s) is
imported on first use only, and everything read is cached.

Examples
--------
>>> from brainrit import nuclides
>>> nuclides.parse_name("212Pb")
'Pb-212'
>>> round(nuclides.decay_chain("Pb-212").member("Tl-208").decays_per_parent_decay, 4)
0.3594
"""

from brainrit.nuclides.chains import (
    LONG_LIVED_HALF_LIFE_S,
    LONG_LIVED_PARENT_RATIO,
    ChainCutWarning,
    ChainMember,
    DecayChain,
    decay_chain,
    format_half_life,
)
from brainrit.nuclides.decays import (
    INITIAL_STATES,
    bateman_matrix,
    cumulated_decays,
    equilibrium_activity_ratios,
)
from brainrit.nuclides.emissions import (
    RADIATION_CLASSES,
    RADIATION_GROUPS,
    Emissions,
    emissions,
    energy_per_decay,
    group_by_class,
)
from brainrit.nuclides.names import ELEMENTS, VCAM1_COMPARISON_NUCLIDES, known_names, parse_name
from brainrit.nuclides.summary import nuclide_summary

__all__ = [
    "ELEMENTS",
    "INITIAL_STATES",
    "LONG_LIVED_HALF_LIFE_S",
    "LONG_LIVED_PARENT_RATIO",
    "RADIATION_CLASSES",
    "RADIATION_GROUPS",
    "VCAM1_COMPARISON_NUCLIDES",
    "ChainCutWarning",
    "ChainMember",
    "DecayChain",
    "Emissions",
    "bateman_matrix",
    "cumulated_decays",
    "decay_chain",
    "emissions",
    "energy_per_decay",
    "equilibrium_activity_ratios",
    "format_half_life",
    "group_by_class",
    "known_names",
    "nuclide_summary",
    "parse_name",
]
