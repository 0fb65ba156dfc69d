"""Treatment arms: a dose grid made of one or more fractionated components.

An :class:`Arm` keeps each component (e.g. WBRT 30 Gy/10 fx and an SRS boost of 1 fx) with its own
dose grid and number of fractions, so that radiobiology can apply the right fractionation voxel by
voxel: the BED of a voxel is the sum of the BEDs of the components (each with complete repair between
fractions, no repopulation; Fowler 1989, Br J Radiol 62:679).

Examples
--------
>>> import numpy as np
>>> from brainrit.ebrt.arms import Arm, ArmComponent
>>> d = np.full((2, 2, 2), 30.0)
>>> arm = Arm("WBRT", (ArmComponent("WBRT-30/10", d, 10, "WBRT"),), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0))
>>> float(arm.bed_Gy(10.0)[0, 0, 0])   # 30 Gy × (1 + 3/10)
39.0
>>> float(arm.eqd2_Gy(2.0)[0, 0, 0])
37.5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from brainrit.checks import positive
from brainrit.errors import InputError
from brainrit.phantoms.geometry import check_grid, check_mask

__all__ = ["Arm", "ArmComponent"]


@dataclass(frozen=True, eq=False)
class ArmComponent:
    """One fractionated course within an arm.

    Parameters
    ----------
    name : str
        e.g. ``"WBRT-30/10"`` or ``"SRS boost"``.
    dose_Gy : numpy.ndarray
        Total physical dose of this course per voxel (Gy), float32, read-only.
    n_fractions : int
        Number of fractions over which ``dose_Gy`` is delivered (equal fractions).
    technique : str
        ``"WBRT"``, ``"HA-WBRT"``, ``"SRS"``, ``"fSRS"`` or another label.

    Examples
    --------
    >>> import numpy as np
    >>> ArmComponent("WBRT", np.full((2, 2, 2), 30.0), 10, "WBRT").n_fractions
    10
    """

    name: str
    dose_Gy: np.ndarray = field(repr=False)
    n_fractions: int
    technique: str = ""

    def __post_init__(self) -> None:
        d = np.asarray(self.dose_Gy)
        if d.ndim != 3:
            raise InputError(f"{self.name}: dose_Gy", f"array of shape {d.shape}", "a 3-D dose grid")
        if not np.all(np.isfinite(d)) or np.any(d < 0):
            raise InputError(f"{self.name}: dose_Gy", "negative or non-finite values", "finite doses >= 0 Gy")
        d = np.array(d, dtype=np.float32, copy=True)
        d.setflags(write=False)
        object.__setattr__(self, "dose_Gy", d)
        n = self.n_fractions
        if isinstance(n, bool) or int(n) != n or n < 1:
            raise InputError(f"{self.name}: n_fractions", n, "an integer >= 1")
        object.__setattr__(self, "n_fractions", int(n))

    def bed_Gy(self, alpha_beta_Gy: float) -> np.ndarray:
        """Voxel BED (Gy) of this course: D (1 + d/(α/β)), d = D/n."""
        from brainrit.radiobiology import bed_fractionated

        ab = positive("alpha_beta_Gy", alpha_beta_Gy)
        return np.asarray(bed_fractionated(self.dose_Gy.astype(float), self.n_fractions, ab), dtype=float)


@dataclass(frozen=True, eq=False)
class Arm:
    """A treatment arm on a voxel grid.

    Parameters
    ----------
    name : str
        Label shown in tables, e.g. ``"HA-WBRT 30 Gy/10"``.
    components : tuple of ArmComponent
        Courses summed voxel by voxel (same grid).
    voxel_mm, origin_mm : sequence of 3 float
        Grid geometry (see :mod:`brainrit.phantoms.geometry`).
    whole_brain : bool
        True when the arm treats the whole brain: micrometastases count in its TCP.
    description : str
        Free text (technique, sources).

    Examples
    --------
    >>> import numpy as np
    >>> wbrt = ArmComponent("WBRT", np.full((2, 2, 2), 30.0), 10, "WBRT")
    >>> arm = Arm("WBRT 30/10", (wbrt,), (2.0, 2.0, 2.0), (0.0, 0.0, 0.0))
    >>> arm.n_fractions, arm.shape
    (10, (2, 2, 2))
    """

    name: str
    components: tuple[ArmComponent, ...]
    voxel_mm: tuple[float, float, float]
    origin_mm: tuple[float, float, float]
    whole_brain: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        comps = tuple(self.components)
        if not comps or not all(isinstance(c, ArmComponent) for c in comps):
            raise InputError("components", self.components, "a non-empty sequence of ArmComponent")
        shape = comps[0].dose_Gy.shape
        for c in comps[1:]:
            if c.dose_Gy.shape != shape:
                raise InputError(
                    f"{c.name}: dose_Gy", f"shape {c.dose_Gy.shape}", f"shape {shape} (same grid)"
                )
        _, vox, org = check_grid(shape, self.voxel_mm, self.origin_mm)
        object.__setattr__(self, "components", comps)
        object.__setattr__(self, "voxel_mm", tuple(float(v) for v in vox))
        object.__setattr__(self, "origin_mm", tuple(float(v) for v in org))
        object.__setattr__(self, "whole_brain", bool(self.whole_brain))

    @property
    def shape(self) -> tuple[int, int, int]:
        """Grid shape."""
        return self.components[0].dose_Gy.shape  # type: ignore[return-value]

    @property
    def dose_Gy(self) -> np.ndarray:
        """Total physical dose per voxel (Gy, float64)."""
        total = np.zeros(self.shape, dtype=float)
        for c in self.components:
            total += c.dose_Gy
        return total

    @property
    def n_fractions(self) -> int:
        """Number of treatment sessions (fractions of all components)."""
        return sum(c.n_fractions for c in self.components)

    def bed_Gy(self, alpha_beta_Gy: float) -> np.ndarray:
        """Voxel BED (Gy): sum of the components' BEDs."""
        total = np.zeros(self.shape, dtype=float)
        for c in self.components:
            total += c.bed_Gy(alpha_beta_Gy)
        return total

    def eqd2_Gy(self, alpha_beta_Gy: float) -> np.ndarray:
        """Voxel EQD2 (Gy) = BED / (1 + 2/(α/β))."""
        ab = positive("alpha_beta_Gy", alpha_beta_Gy)
        return self.bed_Gy(ab) / (1.0 + 2.0 / ab)

    def fractionation(
        self, masks: Mapping[str, np.ndarray], *, min_mean_dose_Gy: float = 0.5
    ) -> dict[str, tuple[tuple[str, int], ...]]:
        """Per-structure fractionation: the courses that reach each structure.

        Returns ``{structure: ((component name, n_fractions), ...)}`` listing every component whose
        mean dose over the structure is at least ``min_mean_dose_Gy``.
        """
        out: dict[str, tuple[tuple[str, int], ...]] = {}
        for name, m in masks.items():
            mk = check_mask(name, m, self.shape)
            if not mk.any():
                out[name] = ()
                continue
            out[name] = tuple(
                (c.name, c.n_fractions)
                for c in self.components
                if float(c.dose_Gy[mk].mean()) >= min_mean_dose_Gy
            )
        return out

    def single_fraction_dose_Gy(self) -> np.ndarray:
        """Sum of the single-fraction components (SRS), for V12; zeros when there are none."""
        total = np.zeros(self.shape, dtype=float)
        for c in self.components:
            if c.n_fractions == 1:
                total += c.dose_Gy
        return total

    def with_components(self, extra: Sequence[ArmComponent], name: str | None = None) -> Arm:
        """A new arm with more components (e.g. an SRS boost added to WBRT)."""
        return Arm(
            name or self.name,
            self.components + tuple(extra),
            self.voxel_mm,
            self.origin_mm,
            self.whole_brain,
            self.description,
        )
