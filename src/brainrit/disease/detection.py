"""Detection of metastases by imaging: per-modality sensitivity curves and detection times.

A modality sees a lesion of ``N`` cells with probability given by a logistic curve in ``ln N``,

    P(N) = 1 / (1 + exp(−(ln N − ln N50) / s)),   N50 = √(N10·N90),   s = ln(N90/N10) / (2 ln 9),

so that ``N10`` and ``N90`` are the cell numbers seen with 10 % and 90 % sensitivity (thresholds in
diameter are converted with the growth model's cell density). Read as a distribution, ``P`` is the CDF of
the lesion's own detection threshold: each lesion draws one threshold (or takes ``N50`` in the
deterministic limit) and is detected when it first holds that many cells — so its detection time is
``t_seed + time_to_reach(threshold)``; for exponential growth from ``N0`` and the median threshold that is
exactly ``t_seed + T_d · log2(N50/N0)``. Imaging is taken as continuous (no scan schedule).

Defaults (:func:`default_modalities`; Serres et al. 2012, Cheng et al. 2019)
----------------------------------------------------------------------------
Human: VCAM-1 molecular MRI 3 × 10⁴ – 3 × 10⁵ cells (the clinical-resolution estimate of Serres et al.,
PNAS 2012;109:6674); contrast (Gd) MRI 10⁷ – 10⁸ cells (same source); VCAM-1 immuno-PET 3–6 mm diameter
(clinical PET resolution 4–5 mm FWHM [K]; partial-volume limited).
Mouse (MDA-231-Br): VCAM-1 MRI 10–100 cells [assumption: MPIO bind as soon as VCAM-1 is expressed (onset
10 cells, see :mod:`~brainrit.disease.growth`); Serres 2012 detected lesions of < 1,000 cells at day 5];
⁸⁹Zr-VCAM-MPIO PET 100–200 µm diameter (micrometastases detected from ≈ 140 µm, Oxford 2013 abstract
cited by Serres et al. 2012); contrast MRI: median threshold derived [D] so that 34 % of lesions enhance
at week 5
(Zhou et al., PLoS One 2013;8:e62238: 160 of 464) with the default growth model, width 1.5 decades
(N90/N10 = 10^1.5) [assumption]. Percy et al. 2011 (0 % at day 20, 6 % at day 25, 28 % at day 30) is kept
out of this derivation and used as the independent check in the validation tests.

Examples
--------
>>> from brainrit.disease.growth import growth_preset
>>> mri = Modality("contrast MRI", 1e7, 1e8)
>>> round(mri.sensitivity(mri.n50_cells), 3), round(mri.sensitivity(1e8), 3)
(0.5, 0.9)
>>> g = growth_preset("breast")
>>> round(float(detection_time_d(g, mri.n50_cells, seed_time_d=0.0)) / 86.0, 4)   # log2(N50) doublings
24.9145
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from brainrit.checks import choice, positive
from brainrit.disease.growth import (
    GrowthModel,
    cells_at,
    cells_from_diameter_mm,
    growth_preset,
    time_to_reach_d,
)
from brainrit.errors import InputError

__all__ = [
    "MODALITIES",
    "Modality",
    "check_modality_order",
    "default_modalities",
    "detection_time_d",
    "enhancing_fraction",
]

MODALITIES: tuple[str, ...] = ("VCAM-1 MRI", "PET", "contrast MRI")
_LN9x2 = 2.0 * math.log(9.0)
#: Zhou et al. 2013: 160 of 464 lesions enhanced at week 5 (day 35).
ZHOU2013_ENHANCING = (35.0, 160.0 / 464.0)
MOUSE_CONTRAST_WIDTH_DECADES = 1.5


@dataclass(frozen=True)
class Modality:
    """An imaging modality's sensitivity curve: cells seen with 10 % and 90 % probability.

    Raises ``InputError`` unless ``0 < n10_cells < n90_cells`` (thresholds in order).

    Examples
    --------
    >>> Modality("contrast MRI", 1e7, 1e8).n90_cells
    100000000.0
    """

    name: str
    n10_cells: float
    n90_cells: float
    source: str = ""

    def __post_init__(self) -> None:
        lo = positive(f"{self.name}.n10_cells", self.n10_cells)
        hi = positive(f"{self.name}.n90_cells", self.n90_cells)
        if not lo < hi:
            raise InputError(
                f"{self.name}.n90_cells", self.n90_cells,
                f"> n10_cells = {lo:g} (detection thresholds must be in increasing order)",
            )  # fmt: skip

    @classmethod
    def from_diameters(
        cls, name: str, d10_mm: float, d90_mm: float, growth: GrowthModel, source: str = ""
    ) -> Modality:
        """A modality whose 10 %/90 % thresholds are diameters (mm), converted with ``growth``'s density."""
        d10 = positive(f"{name}.d10_mm", d10_mm)
        d90 = positive(f"{name}.d90_mm", d90_mm)
        if not d10 < d90:
            raise InputError(
                f"{name}.d90_mm", d90_mm, f"> d10_mm = {d10:g} (thresholds must be in increasing order)"
            )
        return cls(name, cells_from_diameter_mm(growth, d10), cells_from_diameter_mm(growth, d90), source)

    @property
    def n50_cells(self) -> float:
        """Cells seen with 50 % probability (geometric mean of N10 and N90)."""
        return math.sqrt(self.n10_cells * self.n90_cells)

    @property
    def width(self) -> float:
        """Logistic scale ``s`` in ln(cells)."""
        return math.log(self.n90_cells / self.n10_cells) / _LN9x2

    def sensitivity(self, n_cells) -> np.ndarray | float:
        """Probability of seeing a lesion of ``n_cells`` cells (vectorised)."""
        n = np.asarray(n_cells, dtype=float)
        with np.errstate(divide="ignore"):
            z = (np.log(np.maximum(n, 0.0)) - math.log(self.n50_cells)) / self.width
        p = 0.5 * (1.0 + np.tanh(0.5 * z))  # logistic, overflow-free
        return p if p.ndim else float(p)

    def thresholds(self, rng: np.random.Generator | None, size: int) -> np.ndarray:
        """Per-lesion detection thresholds (cells): drawn from the sensitivity curve, or all ``N50`` when
        ``rng`` is None (deterministic limit)."""
        if rng is None:
            return np.full(size, self.n50_cells)
        u = rng.random(size)
        u = np.clip(u, 1e-300, 1.0 - 1e-16)
        return self.n50_cells * np.exp(self.width * (np.log(u) - np.log1p(-u)))


def detection_time_d(
    growth: GrowthModel, threshold_cells, seed_time_d=0.0, rate_multiplier=1.0
) -> np.ndarray | float:
    """Day at which a lesion seeded at ``seed_time_d`` first holds ``threshold_cells`` (vectorised;
    ``inf`` when a Gompertz lesion never gets there).

    Examples
    --------
    >>> from brainrit.disease.growth import GrowthModel
    >>> detection_time_d(GrowthModel("exponential", 2.0), 1024.0, seed_time_d=3.0)
    23.0
    """
    dt = np.asarray(time_to_reach_d(growth, threshold_cells, rate_multiplier))
    t = np.asarray(seed_time_d, dtype=float) + dt
    return t if t.ndim else float(t)


def enhancing_fraction(modality: Modality, growth: GrowthModel, t_since_seed_d) -> np.ndarray | float:
    """Expected fraction of lesions (all seeded at 0) seen by ``modality`` at ``t_since_seed_d`` days.

    Examples
    --------
    >>> from brainrit.disease.growth import GrowthModel
    >>> mri = Modality("contrast MRI", 1e7, 1e8)
    >>> enhancing_fraction(mri, GrowthModel("exponential", 3.0), [70.0, 75.0, 80.0]).round(2).tolist()
    [0.11, 0.53, 0.91]
    """
    return modality.sensitivity(cells_at(growth, t_since_seed_d))


def check_modality_order(modalities: Mapping[str, Modality]) -> None:
    """Raise ``InputError`` unless VCAM-1 MRI sees smaller lesions than contrast MRI (N50 in order).

    Examples
    --------
    >>> check_modality_order({"VCAM-1 MRI": Modality("VCAM-1 MRI", 1e8, 1e9),
    ...                       "contrast MRI": Modality("contrast MRI", 1e7, 1e8)})
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: modalities['VCAM-1 MRI'].n50_cells: must be < contrast MRI N50 ...
    """
    for need in ("VCAM-1 MRI", "contrast MRI"):
        if need not in modalities:
            raise InputError("modalities", sorted(modalities), f"a mapping that includes {need!r}")
    v, c = modalities["VCAM-1 MRI"], modalities["contrast MRI"]
    if not v.n50_cells < c.n50_cells:
        raise InputError(
            "modalities['VCAM-1 MRI'].n50_cells", v.n50_cells,
            f"< contrast MRI N50 = {c.n50_cells:.4g} cells (detection thresholds in order: molecular VCAM-1 "
            "MRI before contrast enhancement)",
        )  # fmt: skip


def default_modalities(species: str, growth: GrowthModel | None = None) -> dict[str, Modality]:
    """The documented modalities for ``"mouse"`` (MDA-231-Br) or ``"human"`` (see module docstring).

    Examples
    --------
    >>> m = default_modalities("human")
    >>> [k for k in m], f"{m['contrast MRI'].n50_cells:.3g}"
    (['VCAM-1 MRI', 'PET', 'contrast MRI'], '3.16e+07')
    """
    sp = choice("species", species, ("mouse", "human"))
    if sp == "human":
        g = growth or growth_preset("breast")
        return {
            "VCAM-1 MRI": Modality("VCAM-1 MRI", 3e4, 3e5, "Serres 2012 PNAS, clinical-resolution estimate"),
            "PET": Modality.from_diameters("PET", 3.0, 6.0, g, "clinical PET resolution 4–5 mm FWHM [K]"),
            "contrast MRI": Modality("contrast MRI", 1e7, 1e8, "Serres 2012 PNAS"),
        }
    g = growth or growth_preset("MDA-231-Br")
    t, frac = ZHOU2013_ENHANCING
    s = MOUSE_CONTRAST_WIDTH_DECADES * math.log(10.0) / _LN9x2
    n50 = float(cells_at(g, t)) * math.exp(-s * math.log(frac / (1.0 - frac)))
    half = 10.0 ** (MOUSE_CONTRAST_WIDTH_DECADES / 2.0)
    return {
        "VCAM-1 MRI": Modality("VCAM-1 MRI", 10.0, 100.0, "assumption; Serres 2012: < 1,000 cells at day 5"),
        "PET": Modality.from_diameters("PET", 0.1, 0.2, g, "89Zr-VCAM-MPIO PET, ≈ 140 µm (Oxford 2013)"),
        "contrast MRI": Modality(
            "contrast MRI", n50 / half, n50 * half, "[D] Zhou 2013: 34 % enhance at week 5; width 1.5 decades"
        ),
    }
