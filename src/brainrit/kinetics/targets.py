"""Named vascular targets (antigen density per region + antibody binding parameters).

VCAM-1 ships in ``brainrit/data/kinetics_targets.toml`` with its sources; its density on metastasis-associated
endothelium is *calibrated* (see :func:`brainrit.kinetics.calibrate_metastasis_density`). Other targets
(ICAM-1, E-/P-selectin, ...) are described by users in the same TOML form and read with :func:`load_targets`.

Examples
--------
>>> from brainrit.kinetics.targets import get_target
>>> t = get_target("vcam1")
>>> t.name, t.dissociation_constant_nM
('VCAM-1', 1.0)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from brainrit.checks import choice, non_negative, positive
from brainrit.errors import DataError, InputError
from brainrit.kinetics.physiology import REGIONS

__all__ = ["Target", "get_target", "load_targets", "target_names"]


@dataclass(frozen=True)
class Target:
    """Antigen expressed on the luminal endothelium, and the antibody that binds it.

    Attributes
    ----------
    density_per_um2 : Mapping[str, float]
        Antigen molecules per µm² of endothelial surface, per region (regions absent: none).
    k_on_per_M_per_s, k_off_per_s : float
        Antibody association / dissociation rate constants.
    internalisation_per_h : float
        Internalisation of the antibody–antigen complex (label retained in the cell; antigen re-expressed).
    onset_days : float
        Time after seeding at which up-regulation is detectable (information for the disease model).
    antibody_mg_per_kg, antibody_molar_mass_g_per_mol : float
        Injected antibody mass per body mass, and its molar mass (sets saturation of binding).
    """

    name: str
    density_per_um2: Mapping[str, float]
    k_on_per_M_per_s: float
    k_off_per_s: float
    internalisation_per_h: float
    onset_days: float = 0.0
    antibody_mg_per_kg: float = 0.5
    antibody_molar_mass_g_per_mol: float = 150000.0
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        for r, v in self.density_per_um2.items():
            choice("density_per_um2 region", r, REGIONS)
            non_negative(f"density_per_um2.{r}", v)
        positive("k_on_per_M_per_s", self.k_on_per_M_per_s)
        non_negative("k_off_per_s", self.k_off_per_s)
        non_negative("internalisation_per_h", self.internalisation_per_h)
        non_negative("antibody_mg_per_kg", self.antibody_mg_per_kg)
        positive("antibody_molar_mass_g_per_mol", self.antibody_molar_mass_g_per_mol)

    @property
    def dissociation_constant_nM(self) -> float:
        """K_D = k_off / k_on, nM."""
        return self.k_off_per_s / self.k_on_per_M_per_s * 1e9


def _parse(name: str, d: Mapping[str, Any]) -> Target:
    try:
        dens = d["density_per_um2"]
        return Target(
            name=name,
            density_per_um2=MappingProxyType({str(k): float(v) for k, v in dens.items()}),
            k_on_per_M_per_s=float(d["k_on_per_M_per_s"]),
            k_off_per_s=float(d["k_off_per_s"]),
            internalisation_per_h=float(d["internalisation_per_h"]),
            onset_days=float(d.get("onset_days", 0.0)),
            antibody_mg_per_kg=float(d.get("antibody_mg_per_kg", 0.5)),
            antibody_molar_mass_g_per_mol=float(d.get("antibody_molar_mass_g_per_mol", 150000.0)),
            description=str(d.get("description", "")),
            source=str(d.get("antibody", "")),
        )
    except KeyError as exc:
        raise InputError(f"target {name!r}", sorted(d), f"a table with key {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise InputError(f"target {name!r}", dict(d), f"numbers for every parameter ({exc})") from None


def load_targets(path: str | Path) -> dict[str, Target]:
    """Read target definitions from a TOML file in the form of ``kinetics_targets.toml``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = '''[ICAM-1]
    ... k_on_per_M_per_s = 2e5
    ... k_off_per_s = 1e-4
    ... internalisation_per_h = 0.2
    ... [ICAM-1.density_per_um2]
    ... metastasis = 200.0
    ... brain = 20.0
    ... '''
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.toml"
    >>> _ = p.write_text(text)
    >>> load_targets(p)["ICAM-1"].density_per_um2["brain"]
    20.0
    """
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError:
        raise InputError("path", str(path), "a readable TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError("path", str(path), f"valid TOML ({exc})") from None
    return {name: _parse(name, d) for name, d in raw.items()}


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Target]:
    path = files("brainrit") / "data" / "kinetics_targets.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"cannot read kinetics_targets.toml: {exc}") from exc
    return {name: _parse(name, d) for name, d in raw.items()}


def target_names() -> tuple[str, ...]:
    """Names of the shipped targets.

    Examples
    --------
    >>> target_names()
    ('VCAM-1',)
    """
    return tuple(_shipped())


def get_target(name: str) -> Target:
    """Shipped target by name; case, '-' and '_' are ignored ("vcam1" → "VCAM-1").

    Examples
    --------
    >>> get_target("vcam1").name
    'VCAM-1'
    """
    norm = {k.lower().replace("-", "").replace("_", ""): k for k in _shipped()}
    key = str(name).lower().replace("-", "").replace("_", "") if isinstance(name, str) else None
    if key not in norm:
        choice("target", name, list(_shipped()))
    return _shipped()[norm[key]]
