"""Human and mouse brain phantoms on voxel grids, with hippocampi, brainstem and metastases.

Grid convention: see :mod:`brainrit.phantoms.geometry` (array axes = patient x, y, z in DICOM LPS: +x
patient left, +y posterior, +z superior; ``origin_mm`` = centre of voxel [0, 0, 0]). The brain centre
is at (0, 0, 0).

Human phantom (dimensions and sources)
--------------------------------------
* Brain (cerebrum + cerebellum): ellipsoid with semi-axes 67 × 84 × 54 mm (LR × AP × SI) → 1,273 cm³,
  the mean brain volume of adult men (Allen JS, Damasio H, Grabowski TJ. Am J Phys Anthropol
  2002;118:341–358 [K]: 1,273.6 cm³ men, 1,131.1 cm³ women); length 168 mm, width 134 mm.
* Hippocampi: ellipsoids with semi-axes 6.5 (LR) × 22 (long axis) × 5.5 mm → 3.29 cm³ each
  (normal adults 2.8–3.4 cm³: Malay adults ≥ 50 y, right 3.43 / left 3.26 cm³ (Malays J Med Sci 2013,
  PMC3773349); young adults 2.90 / 2.78 cm³; published range 1.73–5.68 cm³ across boundary definitions).
  Long axis tilted 25° from the AP axis, rising posteriorly; centres at x = ±26 mm, 5 mm posterior and
  28 mm inferior to the brain centre — the MNI-152 hippocampal centroid (≈ ±26, −22, −13 mm RAS)
  relative to the MNI brain centre (≈ 0, −17, +15 mm) [K].
* Brainstem: ellipsoid 13 × 13 × 27 mm semi-axes (19 cm³; adult midbrain + pons + medulla ≈ 20–30 cm³
  [K]), centre 10 mm posterior and 45 mm inferior to the brain centre, added to the brain mask.

Mouse phantom
-------------
* Brain: ellipsoid 4.8 × 7.5 × 3.0 mm → 0.452 cm³ (adult C57BL/6J in vivo MRI atlases ≈ 0.45–0.51 cm³:
  Dorr AE et al. NeuroImage 2008;42:60–69; Ma Y et al. Front Neuroanat 2008;2:1 [K]; fixed brain weight
  0.40 g, mbl.org DBA/2J atlas).
* Hippocampi: ellipsoids 1.5 × 1.6 × 1.0 mm (10 mm³ each) at x = ±2.0 mm, 1.5 mm posterior, 0.8 mm
  dorsal [K]; brainstem 1.5 × 2.5 × 1.2 mm at 4.5 mm posterior, 1.2 mm ventral, clipped to the brain.

Metastases are spheres (:class:`~brainrit.phantoms.geometry.Lesion`). ``visible`` defaults to the
imaging threshold: diameter ≥ 2 mm in humans (high-resolution Gd-MRI limit; Serres et al., PNAS
2012;109:6674) and ≥ 0.31 mm in mice (first lesions seen on 9.4 T T2w MRI; Zhou H et al. PLoS One
2013;8:e62238).

Examples
--------
>>> from brainrit.phantoms import mouse_brain
>>> p = mouse_brain(voxel_mm=0.2)
>>> round(p.volume_cm3("brain"), 2)
0.45
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from brainrit.checks import choice, positive
from brainrit.errors import InputError
from brainrit.phantoms.geometry import (
    Lesion,
    check_grid,
    distance_to_mask_mm,
    ellipsoid_mask,
    sphere_box,
    voxel_volume_cm3,
)

__all__ = [
    "HUMAN",
    "MOUSE",
    "VISIBLE_DIAMETER_MM",
    "Phantom",
    "add_lesions",
    "human_brain",
    "metastasis",
    "micrometastases",
    "mouse_brain",
]

#: Smallest diameter (mm) seen by standard imaging: human Gd-MRI, mouse 9.4 T T2w MRI (see module doc).
VISIBLE_DIAMETER_MM: Mapping[str, float] = MappingProxyType({"human": 2.0, "mouse": 0.31})

#: Structures that must not overlap each other or a lesion.
_EXCLUSIVE = ("hippocampus_left", "hippocampus_right", "brainstem")


@dataclass(frozen=True)
class _Anatomy:
    brain_semi_mm: tuple[float, float, float]
    hippo_centre_mm: tuple[float, float, float]  # left hippocampus (x > 0 in LPS); right mirrored
    hippo_semi_mm: tuple[float, float, float]  # (LR, long axis, short axis)
    hippo_tilt_deg: float
    stem_centre_mm: tuple[float, float, float]
    stem_semi_mm: tuple[float, float, float]
    stem_in_brain_union: bool  # human: brain = cerebrum ∪ brainstem; mouse: brainstem ⊂ brain ellipsoid
    scalp_mm: float
    default_voxel_mm: float


HUMAN = _Anatomy((67.0, 84.0, 54.0), (26.0, 5.0, -28.0), (6.5, 22.0, 5.5), 25.0,
                 (0.0, 10.0, -45.0), (13.0, 13.0, 27.0), True, 10.0, 1.0)  # fmt: skip
MOUSE = _Anatomy((4.8, 7.5, 3.0), (2.0, 1.5, 0.8), (1.5, 1.6, 1.0), 0.0,
                 (0.0, 4.5, -1.2), (1.5, 2.5, 1.2), False, 0.5, 0.1)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Phantom:
    """A voxelised brain with named structures and metastases.

    Attributes
    ----------
    species : str
        ``"human"`` or ``"mouse"``.
    shape : tuple of 3 int
    voxel_mm : tuple of 3 float
    origin_mm : tuple of 3 float
        Centre of voxel [0, 0, 0] (mm, LPS).
    masks : Mapping[str, ndarray of bool]
        ``brain`` (includes everything below), ``hippocampus_left``, ``hippocampus_right``,
        ``hippocampi``, ``brainstem``, and ``lesion_<name>`` for each lesion that holds at least one
        voxel centre (sub-voxel micrometastases have no mask; their geometry is in ``lesions``). Read-only.
    lesions : tuple of Lesion
    scalp_mm : float
        Skull + scalp thickness used by the WBRT beam model (mm).
    """

    species: str
    shape: tuple[int, int, int]
    voxel_mm: tuple[float, float, float]
    origin_mm: tuple[float, float, float]
    masks: Mapping[str, np.ndarray] = field(repr=False)
    lesions: tuple[Lesion, ...] = ()
    scalp_mm: float = 10.0

    def volume_cm3(self, name: str) -> float:
        """Voxel-count volume of a structure (cm³)."""
        key = choice("structure", name, self.masks)
        return float(self.masks[key].sum()) * voxel_volume_cm3(self.voxel_mm)

    def lesion(self, name: str) -> Lesion:
        """The lesion called ``name``."""
        names = [les.name for les in self.lesions]
        return self.lesions[names.index(choice("lesion", name, names))]

    @property
    def visible_lesions(self) -> tuple[Lesion, ...]:
        """Lesions that imaging can see (SRS targets)."""
        return tuple(les for les in self.lesions if les.visible)

    @functools.cached_property
    def lesions_mask(self) -> np.ndarray:
        """Union of all lesion masks (computed once per phantom; read-only)."""
        out = np.zeros(self.shape, dtype=bool)
        for les in self.lesions:
            m = self.masks.get(f"lesion_{les.name}")
            if m is not None:
                out |= m
        out.setflags(write=False)
        return out

    def grid(self) -> tuple[tuple[int, int, int], tuple[float, float, float], tuple[float, float, float]]:
        """``(shape, voxel_mm, origin_mm)``."""
        return self.shape, self.voxel_mm, self.origin_mm


def _freeze(masks: dict[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    for m in masks.values():
        m.setflags(write=False)
    return MappingProxyType(masks)


def _tilt(deg: float) -> np.ndarray:
    t = np.deg2rad(deg)
    # columns: LR axis, long axis (posterior-superior), short axis
    return np.array([[1.0, 0.0, 0.0], [0.0, np.cos(t), -np.sin(t)], [0.0, np.sin(t), np.cos(t)]])


def _build(
    species: str, anat: _Anatomy, voxel_mm: float | Sequence[float], lesions: Iterable[Lesion]
) -> Phantom:
    vox = np.broadcast_to(np.asarray(voxel_mm, dtype=float), (3,)).copy()
    if not np.all(np.isfinite(vox)) or np.any(vox <= 0):
        raise InputError("voxel_mm", voxel_mm, "1 or 3 finite numbers > 0 (mm)")
    semi = np.asarray(anat.brain_semi_mm)
    stem_c, stem_a = np.asarray(anat.stem_centre_mm), np.asarray(anat.stem_semi_mm)
    lo = np.minimum(-semi, stem_c - stem_a if anat.stem_in_brain_union else -semi)
    hi = np.maximum(semi, stem_c + stem_a if anat.stem_in_brain_union else semi)
    pad = anat.scalp_mm + 2.0 * vox
    n = np.ceil((hi - lo + 2 * pad) / vox).astype(int) + 1
    if np.prod(n.astype(float)) > 4.0e7:
        raise InputError("voxel_mm", voxel_mm, f"a size giving at most 4e7 voxels (got grid {tuple(n)})")
    # centre the grid on the structures' bounding box, on a lattice through (0, 0, 0)
    mid = 0.5 * (lo + hi)
    origin = np.round((mid - 0.5 * (n - 1) * vox) / vox) * vox
    shape, vox, origin = check_grid(tuple(n), vox, origin)
    cerebrum = ellipsoid_mask(shape, vox, origin, centre_mm=(0.0, 0.0, 0.0), semi_axes_mm=semi)
    stem = ellipsoid_mask(shape, vox, origin, centre_mm=stem_c, semi_axes_mm=stem_a)
    if anat.stem_in_brain_union:
        brain = cerebrum | stem
    else:
        brain = cerebrum
        stem &= cerebrum
    rot = _tilt(anat.hippo_tilt_deg)
    hc = np.asarray(anat.hippo_centre_mm)
    hip_l = (
        ellipsoid_mask(shape, vox, origin, centre_mm=hc, semi_axes_mm=anat.hippo_semi_mm, rotation=rot)
        & brain
    )
    hip_r = (
        ellipsoid_mask(
            shape,
            vox,
            origin,
            centre_mm=hc * np.array([-1.0, 1.0, 1.0]),
            semi_axes_mm=anat.hippo_semi_mm,
            rotation=rot,
        )
        & brain
    )
    masks = {
        "brain": brain,
        "hippocampus_left": hip_l,
        "hippocampus_right": hip_r,
        "hippocampi": hip_l | hip_r,
        "brainstem": stem,
    }
    vox_t = tuple(float(v) for v in vox)
    org_t = tuple(float(v) for v in origin)
    base = Phantom(species, shape, vox_t, org_t, _freeze(masks), (), anat.scalp_mm)  # type: ignore[arg-type]
    return add_lesions(base, lesions)


def human_brain(voxel_mm: float | Sequence[float] = 1.0, lesions: Iterable[Lesion] = ()) -> Phantom:
    """Adult human brain phantom (1,273 cm³) with hippocampi (3.3 cm³ each) and brainstem.

    Parameters
    ----------
    voxel_mm : float or 3 floats
        Voxel size (default 1 mm → grid ≈ 159 × 193 × 154).
    lesions : iterable of Lesion
        Metastases (see :func:`metastasis`, :func:`micrometastases`).

    Examples
    --------
    >>> p = human_brain(voxel_mm=2.0)
    >>> p.shape, round(p.volume_cm3("brain")), round(p.volume_cm3("hippocampus_left"), 1)
    ((82, 99, 78), 1278, 3.2)
    """
    return _build("human", HUMAN, voxel_mm, lesions)


def mouse_brain(voxel_mm: float | Sequence[float] = 0.1, lesions: Iterable[Lesion] = ()) -> Phantom:
    """Adult mouse brain phantom (0.45 cm³) with hippocampi and brainstem (default voxel 0.1 mm).

    Examples
    --------
    >>> m = mouse_brain()
    >>> m.shape, m.voxel_mm
    ((111, 165, 75), (0.1, 0.1, 0.1))
    """
    return _build("mouse", MOUSE, voxel_mm, lesions)


def metastasis(
    name: str,
    centre_mm: Sequence[float],
    diameter_mm: float,
    *,
    species: str = "human",
    visible: bool | None = None,
) -> Lesion:
    """A spherical metastasis; ``visible`` defaults to diameter ≥ the imaging threshold of ``species``.

    Examples
    --------
    >>> metastasis("m1", (30.0, -30.0, 20.0), 12.0).visible, metastasis("m2", (0, 0, 0), 0.5).visible
    (True, False)
    """
    sp = choice("species", species, VISIBLE_DIAMETER_MM)
    d = positive("diameter_mm", diameter_mm)
    vis = d >= VISIBLE_DIAMETER_MM[sp] if visible is None else bool(visible)
    return Lesion(name, np.asarray(centre_mm, dtype=float), d, vis)


def _index(phantom: Phantom, point_mm: np.ndarray) -> tuple[int, int, int] | None:
    idx = np.rint((point_mm - np.asarray(phantom.origin_mm)) / np.asarray(phantom.voxel_mm)).astype(int)
    if np.any(idx < 0) or np.any(idx >= np.asarray(phantom.shape)):
        return None
    return tuple(int(i) for i in idx)  # type: ignore[return-value]


def add_lesions(phantom: Phantom, lesions: Iterable[Lesion]) -> Phantom:
    """A new phantom with ``lesions`` added (validated).

    Raises
    ------
    InputError
        A lesion (any part of the sphere) outside the brain; two lesions overlapping; a lesion
        overlapping a hippocampus or the brainstem; a duplicate name.

    Examples
    --------
    >>> m1 = metastasis("m1", (-2.5, -3.0, 0.5), 0.8, species="mouse")
    >>> p = add_lesions(mouse_brain(voxel_mm=0.2), [m1])
    >>> [les.name for les in p.lesions], int(p.masks["lesion_m1"].sum())
    (['m1'], 36)
    >>> add_lesions(p, [metastasis("out", (9.0, 0.0, 0.0), 1.0, species="mouse")])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brainrit.errors.InputError: lesion out: centre_mm: must be a position where the whole sphere ...
    """
    new = tuple(lesions)
    for les in new:
        if not isinstance(les, Lesion):
            raise InputError("lesions", les, "Lesion objects (see brainrit.phantoms.metastasis)")
    all_lesions = phantom.lesions + new
    names = [les.name for les in all_lesions]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError("lesion.name", dup[0], "unique lesion names")
    masks = dict(phantom.masks)
    brain = masks["brain"]
    for les in new:
        c, r = les.centre_mm, les.radius_mm
        hit = sphere_box(phantom.shape, phantom.voxel_mm, phantom.origin_mm, c, r)
        probe = [c] + [c + s * r * e for e in np.eye(3) for s in (-1.0, 1.0)]
        idx = [_index(phantom, p) for p in probe]
        outside = any(i is None or not brain[i] for i in idx)
        if hit is not None:
            box, local = hit
            outside = outside or bool(np.any(local & ~brain[box]))
        if outside:
            raise InputError(
                f"lesion {les.name}: centre_mm",
                les.centre_mm.tolist(),
                f"a position where the whole sphere (diameter {les.diameter_mm:g} mm) lies inside the brain",
            )
        for s in _EXCLUSIVE:
            # sub-voxel lesion: the voxel holding its centre
            clash = bool(np.any(local & masks[s][box])) if hit is not None else bool(masks[s][idx[0]])
            if clash:
                raise InputError(
                    f"lesion {les.name}", f"overlap with {s}", "no overlap with the hippocampi or brainstem"
                )
        if hit is not None:
            full = np.zeros(phantom.shape, dtype=bool)
            full[box] = local
            masks[f"lesion_{les.name}"] = full
    _check_no_overlap(all_lesions)
    return Phantom(
        phantom.species,
        phantom.shape,
        phantom.voxel_mm,
        phantom.origin_mm,
        _freeze(masks),
        all_lesions,
        phantom.scalp_mm,
    )


def _check_no_overlap(lesions: Sequence[Lesion]) -> None:
    if len(lesions) < 2:
        return
    from scipy.spatial import cKDTree

    centres = np.array([les.centre_mm for les in lesions])
    radii = np.array([les.radius_mm for les in lesions])
    pairs = cKDTree(centres).query_pairs(2.0 * float(radii.max()), output_type="ndarray")
    if pairs.size == 0:
        return
    gaps = np.linalg.norm(centres[pairs[:, 0]] - centres[pairs[:, 1]], axis=1) - radii[pairs].sum(axis=1)
    bad = np.flatnonzero(gaps < 0)
    if bad.size:
        k = bad[0]
        i, j = sorted(pairs[k])
        a, b = lesions[i], lesions[j]
        raise InputError(
            f"lesions {a.name} and {b.name}", f"overlap of {-gaps[k]:.3g} mm", "non-overlapping spheres"
        )


def micrometastases(
    phantom: Phantom,
    n: int,
    diameter_mm: float,
    *,
    seed: int | np.random.Generator,
    prefix: str = "micro",
    clearance_mm: float = 1.0,
    visible: bool = False,
) -> tuple[Lesion, ...]:
    """``n`` metastases (invisible by default) placed uniformly at random in the brain.

    Centres lie at least ``clearance_mm`` + radius from the brain surface, the hippocampi, the
    brainstem and every other lesion. Reproducible for a given ``seed``.

    Examples
    --------
    >>> p = human_brain(voxel_mm=4.0)
    >>> micro = micrometastases(p, 3, 0.2, seed=1)
    >>> [m.name for m in micro], micro[0].visible
    (['micro1', 'micro2', 'micro3'], False)
    """
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise InputError("n", n, "an integer >= 0")
    d = positive("diameter_mm", diameter_mm)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    vox = np.asarray(phantom.voxel_mm)
    forbidden = ~phantom.masks["brain"]
    for s in _EXCLUSIVE:
        forbidden = forbidden | phantom.masks[s]
    for les in phantom.lesions:
        mask = phantom.masks.get(f"lesion_{les.name}")  # sub-voxel lesions have no mask
        if mask is not None:
            forbidden |= mask
        i = _index(phantom, les.centre_mm)
        if i is not None:
            forbidden[i] = True
    room = distance_to_mask_mm(forbidden, phantom.voxel_mm)
    need = 0.5 * d + clearance_mm + 0.5 * float(vox.max())
    cand = np.argwhere(room > need)
    out: list[Lesion] = []
    total = len(phantom.lesions) + int(n)
    pc = np.zeros((total, 3))
    pr = np.zeros(total)
    for i, p in enumerate(phantom.lesions):
        pc[i], pr[i] = p.centre_mm, p.radius_mm
    m = len(phantom.lesions)
    tries = 0
    while len(out) < int(n):
        tries += 1
        if cand.size == 0 or tries > 1000 * max(int(n), 1):
            raise InputError("n", n, f"a number of {d:g} mm micrometastases that fits in the brain")
        k = cand[rng.integers(len(cand))]
        c = np.asarray(phantom.origin_mm) + vox * k + (rng.random(3) - 0.5) * vox * 0.5
        if m and np.any(np.linalg.norm(pc[:m] - c, axis=1) < pr[:m] + 0.5 * d + clearance_mm):
            continue
        out.append(Lesion(f"{prefix}{len(out) + 1}", c, d, bool(visible)))
        pc[m], pr[m] = c, 0.5 * d
        m += 1
    return tuple(out)
