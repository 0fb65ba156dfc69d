"""Radionuclide data: names, decay chains, emissions (ICRP Publication 107) and cumulated decays.

Half-lives and branching come from radioactivedecay's ICRP-107 dataset (exported once to
``data/decay_chains_icrp107.json`` and checked against it in the validation suite, so that no process
pays radioactivedecay's SymPy import), emission lines and β spectra from icrp107-database (ICRP 2008,
Ann. ICRP 38(3)). Everything read is cached.

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
