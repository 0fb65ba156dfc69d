"""Monte Carlo α microdosimetry: specific energy, hit statistics and survival of individual cell nuclei.

With a few α traversals per nucleus the mean absorbed dose misleads: some nuclei are never hit and
survive whatever the mean dose, and those cells set the control probability of a micrometastasis
(Roeske & Stinchcomb, J Nucl Med 1997;38:1923; Sgouros et al., MIRD Pamphlet 22, J Nucl Med 2010;51:311).
This module samples decays in geometric compartments (capillary lumen and luminal endothelial surface,
cell surface, cytoplasm, nucleus, free in tissue), follows each α particle along a straight track
(continuous slowing down, no range straggling, δ-rays deposited locally: the MIRD cellular approach,
Goddu et al., J Nucl Med 1994;35:303) and tallies, for every nucleus, the number of traversals and the
specific energy z = ε/m.

Energy deposited between two path lengths along a track comes from the range–energy kernel of
:mod:`brainrit.physics` (NIST ASTAR, water by default). The cost grows with the number of tracks, not
tracks × cells: nuclei are binned on a uniform grid and each track is walked through the grid bins it
crosses (3-D digital differential analyser, Amanatides & Woo, Eurographics 1987) and tested only
against the nuclei in those bins.

Decays are split into chunks whose number depends only on the problem; chunk *k* draws from
``numpy.random.SeedSequence(seed).spawn(...)[k]``, and the chunk tallies are summed in chunk order, so
the same seed gives identical results with any number of worker threads.

α-recoil nuclei (range ~0.1 µm) deposit their energy at the decay site. Electrons and photons are not
tracked: their mean dose to each nucleus is added analytically from :mod:`brainrit.dosimetry.cellular`
(self- and cross-dose S-values of cell sources) and :mod:`brainrit.dosimetry.vascular` (capillary
sources), or supplied by the caller (``low_let_dose_Gy``); the result's ``notes`` say what is included.
Survival: exp(−z/z₀) for the α part (Roeske & Stinchcomb 1997), LQ for the low-LET part
(:func:`brainrit.radiobiology.survival_mixed`); control probability TCP = Π(1 − s_k), cell by cell
(:func:`brainrit.radiobiology.tcp_cell_by_cell`).

Layout: :mod:`~brainrit.dosimetry.microdosimetry.geometry` (cells, capillaries, box),
:mod:`~brainrit.dosimetry.microdosimetry.sources` (decay sources and sampling),
:mod:`~brainrit.dosimetry.microdosimetry.walker` (spatial index and numba track walker),
:mod:`~brainrit.dosimetry.microdosimetry.result` (tallies and survival),
:mod:`~brainrit.dosimetry.microdosimetry.engine` (:func:`simulate`),
:mod:`~brainrit.dosimetry.microdosimetry.low_let` (analytic electron dose) and
:mod:`~brainrit.dosimetry.microdosimetry.response` (activity response, TCP spread). The public names are
importable from this package.

Examples
--------
>>> import numpy as np
>>> from brainrit.dosimetry.geometry import CellPopulation
>>> cells = CellPopulation([[0.0, 0.0, 0.0], [12.0, 0.0, 0.0]], 5.0, 3.0)
>>> src = Source("nucleus", alpha_energy_MeV=6.0)
>>> res = simulate(MicroGeometry(cells), [src], n_decays=2000, seed=1)
>>> res.n_nuclei, int(res.hits.sum()) >= 2000  # every decay hits its own nucleus
(2, True)
>>> 0.0 <= res.fraction_unhit <= 1.0
True
"""

from brainrit.dosimetry.microdosimetry.engine import simulate
from brainrit.dosimetry.microdosimetry.geometry import COMPARTMENTS, MicroGeometry
from brainrit.dosimetry.microdosimetry.response import TCPDistribution, activity_response, tcp_distribution
from brainrit.dosimetry.microdosimetry.result import MicrodosimetryResult
from brainrit.dosimetry.microdosimetry.sources import Source

__all__ = [
    "COMPARTMENTS",
    "MicroGeometry",
    "MicrodosimetryResult",
    "Source",
    "TCPDistribution",
    "activity_response",
    "simulate",
    "tcp_distribution",
]
