"""Packaged NIST tables (ASTAR, PSTAR, ESTAR, SRD-126) with their provenance.

Every table lives in ``brainrit/data/<name>.csv``. Lines starting with ``#`` are the provenance
header (source, authors, units); they are kept verbatim and exposed by :func:`table_provenance`.
The ASTAR/PSTAR/ESTAR files have a column-name row after the header; the SRD-126 photon files
(``nist_xray_attenuation_*``) have none and always hold ``energy_MeV, mu_rho, mu_en_rho``.

Sources
-------
- ASTAR / PSTAR / ESTAR: M.J. Berger, J.S. Coursey, M.A. Zucker, J. Chang, NIST Standard Reference
  Database 124 (ICRU Report 49 methods for ions, ICRU Report 37 for electrons).
- Photons: J.H. Hubbell, S.M. Seltzer, NIST Standard Reference Database 126 (X-ray mass attenuation
  and mass energy-absorption coefficients).

Examples
--------
>>> from brainrit.physics.tables import load_table, table_provenance
>>> t = load_table("astar_water_liquid")
>>> float(t.column("energy_MeV")[0]), float(t.column("energy_MeV")[-1])
(0.001, 1000.0)
>>> "ASTAR" in table_provenance("astar_water_liquid")[0]
True
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass

import numpy as np

from brainrit.checks import choice
from brainrit.errors import DataError

__all__ = ["TABLE_NAMES", "Table", "load_table", "table_provenance"]

#: Names (file stems) of the physics tables shipped in ``brainrit/data``.
TABLE_NAMES: tuple[str, ...] = (
    "astar_water_liquid",
    "astar_muscle_skeletal_icrp",
    "astar_adipose_tissue_icrp",
    "pstar_water_liquid",
    "pstar_muscle_skeletal_icrp",
    "pstar_adipose_tissue_icrp",
    "estar_water_liquid",
    "estar_tissue_soft_icrp",
    "estar_brain_icrp",
    "nist_xray_attenuation_water",
    "nist_xray_attenuation_tissue",
    "nist_xray_attenuation_brain",
    "nist_xray_attenuation_bone",
)

_PHOTON_COLUMNS = ("energy_MeV", "mu_rho", "mu_en_rho")


@dataclass(frozen=True)
class Table:
    """One packaged table: column names, float64 data and provenance lines.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"astar_water_liquid"``.
    columns : tuple of str
        Column names; the first is always ``"energy_MeV"`` (renamed from ``energy`` where needed).
    data : numpy.ndarray
        Shape ``(n_rows, n_columns)``, float64, read-only.
    provenance : tuple of str
        The ``#`` comment lines of the file, without the leading ``#``.
    """

    name: str
    columns: tuple[str, ...]
    data: np.ndarray
    provenance: tuple[str, ...]

    def column(self, name: str) -> np.ndarray:
        """Return one column (read-only float64 view)."""
        key = choice("column", name, self.columns)
        return self.data[:, self.columns.index(key)]


def _read_text(name: str) -> str:
    resource = importlib.resources.files("brainrit") / "data" / f"{name}.csv"
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError:  # pragma: no cover - packaging error
        raise DataError(f"physics table {name}.csv is missing from brainrit/data") from None


def load_table(name: str) -> Table:
    """Load a packaged NIST table (cached).

    Parameters
    ----------
    name : str
        One of :data:`TABLE_NAMES` (file stem, case-insensitive).

    Returns
    -------
    Table
        Columns, data (ascending energy) and provenance lines.

    Raises
    ------
    brainrit.errors.InputError
        Unknown table name (with close matches).
    brainrit.errors.DataError
        The file is missing or malformed.

    Examples
    --------
    >>> from brainrit.physics.tables import load_table
    >>> load_table("nist_xray_attenuation_water").columns
    ('energy_MeV', 'mu_rho', 'mu_en_rho')
    """
    return _load(choice("table", name, TABLE_NAMES))


@functools.cache
def _load(key: str) -> Table:
    text = _read_text(key)
    provenance: list[str] = []
    header: tuple[str, ...] | None = None
    rows: list[list[float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            provenance.append(line[1:].strip())
            continue
        fields = [f.strip() for f in line.split(",")]
        try:
            rows.append([float(f) for f in fields])
        except ValueError:
            if header is None and not rows:
                header = tuple(fields)
                continue
            raise DataError(f"{key}.csv line {lineno}: cannot read numbers from {line!r}") from None
    if header is None:
        header = _PHOTON_COLUMNS
    header = tuple("energy_MeV" if h in ("energy", "energy_MeV") else h for h in header)
    data = np.asarray(rows, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != len(header) or data.shape[0] < 2:
        raise DataError(f"{key}.csv: expected {len(header)} columns {header} and >= 2 rows, got {data.shape}")
    energy = data[:, 0]
    if np.any(np.diff(energy) < 0) or np.any(energy <= 0) or not np.all(np.isfinite(data)):
        raise DataError(f"{key}.csv: energies must be > 0 and non-decreasing and all values finite")
    data.setflags(write=False)
    return Table(name=key, columns=header, data=data, provenance=tuple(provenance))


def table_provenance(name: str) -> tuple[str, ...]:
    """Return the provenance header lines of a packaged table.

    Parameters
    ----------
    name : str
        One of :data:`TABLE_NAMES`.

    Examples
    --------
    >>> from brainrit.physics.tables import table_provenance
    >>> any("XrayMassCoef" in line for line in table_provenance("nist_xray_attenuation_bone"))
    True
    """
    return load_table(name).provenance
