"""A :class:`~brainrit.phantoms.Phantom` made of a patient's structures, for the external-beam and RIT arms.

The external-beam arms (:mod:`brainrit.ebrt.phantom_arms`) and the RIT dose-map stage work on a
:class:`~brainrit.phantoms.Phantom`. :func:`phantom_from_structures` builds one from a patient's
masks on an image grid (DICOM LPS axes, as :meth:`brainrit.dosimetry.voxel.series.ImageSeries.grid_lps`
gives), so every arm is judged on the same structures as the image-based RIT dose:

* ``brain`` (required), ``hippocampi`` (or the union of ``hippocampus_left`` and
  ``hippocampus_right``), ``brainstem`` when present;
* each metastasis (structures named ``<prefix><name>``) becomes a :class:`~brainrit.ebrt.geometry.Lesion`
  with the mask's centroid and the diameter of the sphere of the same volume, visible (it was
  contoured), and its mask is kept as ``lesion_<name>``.

Examples
--------
>>> import numpy as np
>>> g = np.indices((20, 20, 20)) - 10
>>> brain = (g**2).sum(axis=0) <= 81
>>> met = ((g - np.array([4, 0, 0])[:, None, None, None]) ** 2).sum(axis=0) <= 4
>>> hip = ((g + np.array([4, 0, 0])[:, None, None, None]) ** 2).sum(axis=0) <= 1
>>> p = phantom_from_structures({"brain": brain, "hippocampi": hip, "lesion_a": met},
...                             (20, 20, 20), (2.0, 2.0, 2.0), (-20.0, -20.0, -20.0))
>>> [les.name for les in p.lesions], p.lesions[0].centre_mm.tolist(), round(p.lesions[0].diameter_mm, 2)
(['a'], [8.0, 0.0, 0.0], 7.96)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np

from brainrit.errors import InputError
from brainrit.phantoms.brain import HUMAN, Phantom
from brainrit.phantoms.geometry import Lesion, check_grid

__all__ = ["phantom_from_structures"]


def phantom_from_structures(
    structures: Mapping[str, np.ndarray],
    shape: Sequence[int],
    voxel_mm: Sequence[float],
    origin_mm: Sequence[float],
    *,
    brain: str = "brain",
    hippocampi: str = "hippocampi",
    metastases_prefix: str = "lesion_",
    species: str = "human",
) -> Phantom:
    """A phantom holding a patient's structures (see the module docstring).

    Parameters
    ----------
    structures : mapping of name → bool array
        Masks on the grid ``(shape, voxel_mm, origin_mm)`` (axes x, y, z of DICOM LPS).
    shape, voxel_mm, origin_mm :
        The grid (``origin_mm``: centre of voxel [0, 0, 0], mm).
    brain, hippocampi : str
        Names of the brain and hippocampi structures.
    metastases_prefix : str
        Structures whose name starts with this are metastases.
    species : str
        ``"human"`` (default; sets the scalp thickness of the beam model).

    Raises
    ------
    InputError
        No brain structure; no hippocampi (nor left and right); masks off the grid.

    Examples
    --------
    >>> import numpy as np
    >>> brain = np.zeros((10, 10, 10), bool); brain[1:9, 1:9, 1:9] = True
    >>> hip = np.zeros_like(brain); hip[2, 2, 2] = True
    >>> met = np.zeros_like(brain); met[6:8, 6:8, 6:8] = True
    >>> p = phantom_from_structures({"brain": brain, "hippocampi": hip, "lesion_m1": met},
    ...                             (10, 10, 10), 4.0, (0.0, 0.0, 0.0))
    >>> p.lesions[0].name, p.lesions[0].centre_mm.tolist(), round(p.volume_cm3("lesion_m1"), 3)
    ('m1', [26.0, 26.0, 26.0], 0.512)
    """
    shp, vox, org = check_grid(shape, voxel_mm, origin_mm)
    masks: dict[str, np.ndarray] = {}

    def get(name: str) -> np.ndarray | None:
        m = structures.get(name)
        if m is None:
            return None
        arr = np.asarray(m, dtype=bool)
        if arr.shape != tuple(shp):
            raise InputError(
                f"structures[{name!r}]", f"mask of shape {arr.shape}", f"a mask of shape {tuple(shp)}"
            )
        return arr

    b = get(brain)
    if b is None or not b.any():
        raise InputError(
            "brain structure", brain, "a non-empty structure among: " + ", ".join(sorted(structures))
        )
    masks["brain"] = b
    left, right = get("hippocampus_left"), get("hippocampus_right")
    hip = get(hippocampi)
    if hip is None and left is not None and right is not None:
        hip = left | right
    if hip is None:
        raise InputError(
            "hippocampi structure",
            hippocampi,
            "a structure with both hippocampi (or hippocampus_left and _right)",
        )
    masks["hippocampi"] = hip
    masks["hippocampus_left"] = left if left is not None else np.zeros(tuple(shp), bool)
    masks["hippocampus_right"] = right if right is not None else np.zeros(tuple(shp), bool)
    stem = get("brainstem")
    masks["brainstem"] = stem if stem is not None else np.zeros(tuple(shp), bool)
    lesions = []
    voxel_cm3 = float(np.prod(vox)) / 1000.0
    for name in sorted(structures):
        if not name.startswith(metastases_prefix) or name == metastases_prefix:
            continue
        m = get(name)
        if m is None or not m.any():
            continue
        short = name[len(metastases_prefix) :]
        centre = org + vox * np.argwhere(m).mean(axis=0)
        diameter = float((6.0 * m.sum() * voxel_cm3 * 1000.0 / np.pi) ** (1.0 / 3.0))
        lesions.append(Lesion(short, centre, diameter, True))
        masks[f"lesion_{short}"] = m
    for m in masks.values():
        m.setflags(write=False)
    scalp = HUMAN.scalp_mm if species == "human" else 0.5
    return Phantom(
        species,
        tuple(int(s) for s in shp),  # type: ignore[arg-type]
        tuple(float(v) for v in vox),  # type: ignore[arg-type]
        tuple(float(v) for v in org),  # type: ignore[arg-type]
        MappingProxyType(masks),
        tuple(lesions),
        scalp,
    )
