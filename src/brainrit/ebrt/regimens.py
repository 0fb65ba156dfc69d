"""External-beam prescriptions (regimens) and the dose-by-size rule of RTOG 90-05.

Sources
-------
* WBRT 30 Gy/10 fx, 20 Gy/5 fx, 37.5 Gy/15 fx; HA-WBRT 30 Gy/10 fx (RTOG 0933, Gondi V et al.
  J Clin Oncol 2014;32:3810–3816; NRG CC001, Brown PD et al. J Clin Oncol 2020;38:1019–1029);
  fSRS 27 Gy/3 fx and 30 Gy/5 fx (HyTEC, Redmond KJ et al. IJROBP 2021;110:53–67) — BED/EQD2 from the
  LQ formulas (Fowler 1989).
* SRS dose by maximum diameter: ≤ 20 mm 24 Gy, 21–30 mm 18 Gy, 31–40 mm 15 Gy (RTOG 90-05, Shaw E et al.
  IJROBP 2000;47:291–298).
* Mouse whole-brain regimens: 4 Gy × 1 (prophylactic cranial irradiation, Smith DL et al. Genes Cancer
  2021;12:28–38, MDA-IBC3 brain-metastasis model) and 8, 16, 24 Gy × 1 (Zarghami N et al. Radiat Oncol
  2018;13:104, MDA-MB-231-BR model, half-brain fields on a micro-CT/RT system; applied here to the whole
  brain). The EBRT schedule of the ²¹²Pb-αVCAM-1 study (Corroyer-Dulmont et al. Neuro-Oncology 2020;22:357)
  is not given in its abstract and is not guessed; build it with :class:`Regimen` when known.

Examples
--------
>>> from brainrit.ebrt.regimens import REGIMENS, srs_prescription_Gy
>>> REGIMENS["WBRT-30/10"].dose_per_fraction_Gy
3.0
>>> srs_prescription_Gy(20.0), srs_prescription_Gy(25.0), srs_prescription_Gy(40.0)
(24.0, 18.0, 15.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from brainrit.checks import choice, positive
from brainrit.errors import InputError

__all__ = ["REGIMENS", "RTOG9005_MAX_DIAMETER_MM", "Regimen", "get_regimen", "srs_prescription_Gy"]

_TECHNIQUES = ("WBRT", "HA-WBRT", "SRS", "fSRS")


@dataclass(frozen=True)
class Regimen:
    """A prescription: total dose, number of fractions, technique and source.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"WBRT-30/10"``.
    total_dose_Gy : float
        Prescribed total dose (Gy); for SRS ``nan`` means "by size" (RTOG 90-05).
    n_fractions : int
        Number of fractions (≥ 1).
    technique : str
        One of ``"WBRT"``, ``"HA-WBRT"``, ``"SRS"``, ``"fSRS"``.
    species : str
        ``"human"`` or ``"mouse"``.
    source : str
        Citation.

    Examples
    --------
    >>> r = get_regimen("WBRT-30/10")
    >>> r.total_dose_Gy, r.n_fractions, r.technique
    (30.0, 10, 'WBRT')
    """

    name: str
    total_dose_Gy: float
    n_fractions: int
    technique: str
    species: str = "human"
    source: str = ""

    def __post_init__(self) -> None:
        if self.total_dose_Gy == self.total_dose_Gy:  # not NaN
            object.__setattr__(self, "total_dose_Gy", positive("total_dose_Gy", self.total_dose_Gy))
        if (
            isinstance(self.n_fractions, bool)
            or int(self.n_fractions) != self.n_fractions
            or self.n_fractions < 1
        ):
            raise InputError("n_fractions", self.n_fractions, "an integer >= 1")
        object.__setattr__(self, "n_fractions", int(self.n_fractions))
        object.__setattr__(self, "technique", choice("technique", self.technique, _TECHNIQUES))
        object.__setattr__(self, "species", choice("species", self.species, ("human", "mouse")))

    @property
    def dose_per_fraction_Gy(self) -> float:
        """Dose per fraction (Gy)."""
        return self.total_dose_Gy / self.n_fractions

    @property
    def whole_brain(self) -> bool:
        """True for whole-brain techniques (micrometastases are treated)."""
        return self.technique in ("WBRT", "HA-WBRT")


_SRC_WBRT = "standard palliative WBRT schedules (Patchell 1990; Aoyama 2006; Kocher 2011)"
_SRC_HA = "RTOG 0933, Gondi V et al. J Clin Oncol 2014;32:3810; NRG CC001, Brown PD et al. JCO 2020;38:1019"
_SRC_SRS = "RTOG 90-05, Shaw E et al. IJROBP 2000;47:291-298"
_SRC_FSRS = "HyTEC, Redmond KJ et al. IJROBP 2021;110:53-67"

REGIMENS: dict[str, Regimen] = {
    r.name: r
    for r in (
        Regimen("WBRT-30/10", 30.0, 10, "WBRT", source=_SRC_WBRT),
        Regimen("WBRT-20/5", 20.0, 5, "WBRT", source=_SRC_WBRT),
        Regimen("WBRT-37.5/15", 37.5, 15, "WBRT", source=_SRC_WBRT),
        Regimen("HA-WBRT-30/10", 30.0, 10, "HA-WBRT", source=_SRC_HA),
        Regimen("SRS-RTOG9005", float("nan"), 1, "SRS", source=_SRC_SRS),
        Regimen("fSRS-27/3", 27.0, 3, "fSRS", source=_SRC_FSRS),
        Regimen("fSRS-30/5", 30.0, 5, "fSRS", source=_SRC_FSRS),
        Regimen("mouse-WBRT-4/1", 4.0, 1, "WBRT", "mouse", "Smith DL et al. Genes Cancer 2021;12:28-38"),
        Regimen("mouse-WBRT-8/1", 8.0, 1, "WBRT", "mouse", "Zarghami N et al. Radiat Oncol 2018;13:104"),
        Regimen("mouse-WBRT-16/1", 16.0, 1, "WBRT", "mouse", "Zarghami N et al. Radiat Oncol 2018;13:104"),
        Regimen("mouse-WBRT-24/1", 24.0, 1, "WBRT", "mouse", "Zarghami N et al. Radiat Oncol 2018;13:104"),
    )
}

#: Upper bound of the RTOG 90-05 diameter classes (mm) and their maximum tolerated single doses (Gy).
RTOG9005_MAX_DIAMETER_MM: tuple[tuple[float, float], ...] = ((20.0, 24.0), (30.0, 18.0), (40.0, 15.0))


def get_regimen(name: str) -> Regimen:
    """Look a regimen up by name (case-insensitive), with suggestions when misspelt.

    Examples
    --------
    >>> get_regimen("fsrs-27/3").dose_per_fraction_Gy
    9.0
    """
    return REGIMENS[choice("regimen", name, REGIMENS)]


def srs_prescription_Gy(diameter_mm: float) -> float:
    """Single-fraction SRS prescription by maximum diameter (RTOG 90-05, Shaw et al. 2000).

    Parameters
    ----------
    diameter_mm : float
        Maximum lesion diameter (mm), in (0, 40].

    Returns
    -------
    float
        24 Gy (≤ 20 mm), 18 Gy (21–30 mm), 15 Gy (31–40 mm). The published classes are whole mm
        (≤ 20, 21–30, 31–40); a diameter between 20 and 21 mm falls in the 18 Gy class.

    Raises
    ------
    InputError
        For diameters above 40 mm (outside RTOG 90-05: use fSRS or surgery).

    Examples
    --------
    >>> srs_prescription_Gy(15.0), srs_prescription_Gy(25.0), srs_prescription_Gy(35.0)
    (24.0, 18.0, 15.0)
    """
    d = positive("diameter_mm", diameter_mm)
    for upper, dose in RTOG9005_MAX_DIAMETER_MM:
        if d <= upper:
            return dose
    raise InputError("diameter_mm", diameter_mm, "<= 40 mm for single-fraction SRS (RTOG 90-05); use fSRS")
