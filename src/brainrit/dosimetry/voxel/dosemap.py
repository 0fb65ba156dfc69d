"""Absorbed-dose maps from activity or time-integrated-activity (TIA) images.

* :func:`dose_map` — TIA (Bq·s per voxel) ⊛ voxel S-value kernel (mGy/(MBq·s)) → dose (Gy), by
  FFT convolution (``scipy.fft.rfftn``/``irfftn``, all cores, each axis padded to
  ``scipy.fft.next_fast_len(n + m − 1)`` so the result is the exact linear convolution, no wrap),
  processed in slabs along axis 0 and overlap-added to bound memory; or by direct summation
  (``method="direct"``, for checks on small grids).
* :func:`dose_rate_map` — the same for an activity image (Bq) → dose rate (Gy/s).
* :func:`mask_spectra` and :func:`convolve_masks` — regions of uniform activity (binary masks), each
  with its own kernel: ``Σ_r mask_r ⊛ kernel_r`` with the masks' spectra computed once (they depend only
  on the anatomy, so a sweep that changes the activities reuses them) and one inverse FFT per map.
* :func:`local_deposition_dose` — all energy deposited in the voxel of decay (the "local
  deposition method"; right for α emitters at mm voxels).
* :func:`tia_from_series` — a multi-time-point series of activity images → TIA per voxel
  (trapezoids between time points, a chosen rule before the first point, and after the last point
  physical decay only, ``A_last · T½ / ln 2``, the usual conservative tail; MIRD Pamphlet 23,
  Dewaraja et al. 2012, J Nucl Med 53:1310).

Units: 1 Bq·s × 1 mGy/(MBq·s) = 1e-9 Gy.

Examples
--------
>>> import numpy as np
>>> from brainrit.dosimetry.voxel.dosemap import dose_map
>>> tia = np.zeros((5, 5, 5)); tia[2, 2, 2] = 1e9
>>> k = np.zeros((3, 3, 3)); k[1, 1, 1] = 2.0; k[1, 1, 2] = 1.0
>>> d = dose_map(tia, k)
>>> round(float(d[2, 2, 2]), 12), round(float(d[2, 2, 3]), 12)
(2.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from brainrit.checks import array_finite, choice, non_negative, positive, voxel_spacing_mm
from brainrit.dosimetry.voxel._grid import check_image
from brainrit.errors import InputError
from brainrit.units import MEV_TO_J

__all__ = [
    "GY_PER_BQ_S_PER_MGY_PER_MBQ_S",
    "MaskSpectra",
    "convolve_direct",
    "convolve_fft",
    "convolve_masks",
    "dose_map",
    "dose_map_components",
    "dose_rate_map",
    "local_deposition_dose",
    "mask_spectra",
    "tia_from_series",
    "trim_kernel",
]

#: 1 Bq·s × 1 mGy/(MBq·s) in Gy.
GY_PER_BQ_S_PER_MGY_PER_MBQ_S = 1e-9


def _check_kernel(kernel: Any, field: str = "kernel") -> np.ndarray:
    k = check_image(field, kernel, unit="mGy/(MBq s)")
    if any(s % 2 == 0 for s in k.shape):
        raise InputError(
            field, f"array of shape {k.shape}", "a 3-D array with odd sizes (source at the centre)"
        )
    return k


# A kernel this small (e.g. an α kernel: ranges < 0.1 mm, so only the self voxel and its neighbours) is
# summed directly: 27 shifted additions cost less than two padded FFTs of the image.
_DIRECT_MAX_KERNEL_VOXELS = 27


def trim_kernel(kernel: np.ndarray) -> np.ndarray:
    """The smallest centred sub-kernel (odd sizes) holding every non-zero value of ``kernel``.

    Convolution with the trimmed kernel is mathematically identical; it only skips zeros (an α kernel
    on a 1 mm grid is zero beyond the first neighbours, though it is built on the electrons' grid).

    Examples
    --------
    >>> import numpy as np
    >>> k = np.zeros((5, 5, 5)); k[2, 2, 2] = 1.0; k[1, 2, 2] = 0.5
    >>> trim_kernel(k).shape  # each axis trimmed on its own, kept odd and centred
    (3, 1, 1)
    >>> trim_kernel(np.zeros((3, 3, 3))).shape
    (1, 1, 1)
    """
    k = np.asarray(kernel)
    nz = np.nonzero(k)
    if not nz[0].size:
        return k[tuple(slice(s // 2, s // 2 + 1) for s in k.shape)]
    cut = []
    for axis, idx in enumerate(nz):
        h = k.shape[axis] // 2
        reach = int(max(h - idx.min(), idx.max() - h))
        cut.append(slice(h - reach, h + reach + 1))
    return k[tuple(cut)]


@numba.njit(cache=True)
def _convolve_direct(img, k, out):  # pragma: no cover - compiled
    """out += img ⊛ k ('same' size), scattering each non-zero source voxel over the kernel."""
    n0, n1, n2 = img.shape
    m0, m1, m2 = k.shape
    h0, h1, h2 = m0 // 2, m1 // 2, m2 // 2
    for i in range(n0):
        for j in range(n1):
            for v in range(n2):
                s = img[i, j, v]
                if s == 0:
                    continue
                for a in range(max(0, h0 - i), min(m0, n0 + h0 - i)):
                    x = i + a - h0
                    for b in range(max(0, h1 - j), min(m1, n1 + h1 - j)):
                        y = j + b - h1
                        for c in range(max(0, h2 - v), min(m2, n2 + h2 - v)):
                            out[x, y, v + c - h2] += s * k[a, b, c]


def convolve_direct(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'Same'-size linear convolution by explicit summation over kernel offsets (float64).

    O(N_nonzero · M) (compiled; zero voxels of the image cost nothing): for small kernels (an α kernel)
    and to check :func:`convolve_fft` on small grids.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((5, 5, 5)); img[2, 2, 2] = 1.0
    >>> float(convolve_direct(img, np.full((3, 3, 3), 1 / 27)).sum())   # a normalised kernel keeps the total
    1.0
    """
    img = np.ascontiguousarray(image)
    if img.dtype != bool:  # a mask is summed as 0/1 without a float copy
        img = img.astype(float, copy=False)
    k = np.ascontiguousarray(kernel, float)
    out = np.zeros(img.shape)
    _convolve_direct(img, k, out)
    return out


def convolve_fft(image: np.ndarray, kernel: np.ndarray, *, max_slab_voxels: int | None = None) -> np.ndarray:
    """'Same'-size linear convolution by real FFTs with overlap-add along axis 0.

    Parameters
    ----------
    image : ndarray (3-D)
    kernel : ndarray (3-D, odd sizes, centre = zero offset)
    max_slab_voxels : int, optional
        Upper bound on image voxels per slab (default ``2**22``, at least one plane). Peak memory is
        the output plus about four padded-slab buffers: for 256³ with an 11³ kernel 254 MB with the
        default, 581 MB in one slab (benchmarks/test_bench_voxel.py); speed is the same within noise.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((5, 5, 5)); img[2, 2, 2] = 1.0
    >>> k = np.full((3, 3, 3), 1 / 27)
    >>> bool(np.allclose(convolve_fft(img, k), convolve_direct(img, k)))
    True
    """
    from scipy import fft

    img = np.asarray(image, float)
    k = np.asarray(kernel, float)
    n, m = img.shape, k.shape
    h = [s // 2 for s in m]
    plane = n[1] * n[2]
    budget = max_slab_voxels if max_slab_voxels is not None else max(2**22, plane)
    slab = int(min(n[0], max(1, budget // plane)))
    shape = [fft.next_fast_len(slab + m[0] - 1, real=True)]
    shape += [fft.next_fast_len(n[a] + m[a] - 1, real=True) for a in (1, 2)]
    kf = fft.rfftn(k, shape, workers=-1)
    out = np.zeros(n)
    for start in range(0, n[0], slab):
        stop = min(start + slab, n[0])
        spec = fft.rfftn(img[start:stop], shape, workers=-1)
        spec *= kf  # in place: one spectrum-sized buffer less
        full = fft.irfftn(spec, shape, workers=-1, overwrite_x=True)
        del spec
        # full linear-convolution index f corresponds to output index f - h (per axis)
        lo0 = start - h[0]
        a0, b0 = max(lo0, 0), min(lo0 + stop - start + m[0] - 1, n[0])
        out[a0:b0] += full[a0 - lo0 : b0 - lo0, h[1] : h[1] + n[1], h[2] : h[2] + n[2]]
        del full
    return out


def _rfftn_padded(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``scipy.fft.rfftn(a, shape)`` one axis at a time, so each pass transforms only rows that hold data.

    For a kernel much smaller than ``shape`` this is about 2.5× cheaper than padding it to ``shape``
    first; the result is the same spectrum (to rounding, ~1e-16 of its largest value).
    """
    from scipy import fft

    spec = fft.rfft(a, shape[2], axis=2, workers=-1)
    spec = fft.fft(spec, shape[1], axis=1, workers=-1, overwrite_x=True)
    return fft.fft(spec, shape[0], axis=0, workers=-1, overwrite_x=True)


def _irfftn_cropped(
    spec: np.ndarray, shape: tuple[int, ...], lo: Sequence[int], n: Sequence[int]
) -> np.ndarray:
    """``scipy.fft.irfftn(spec, shape)[lo : lo + n]``, cropping after each axis' pass (less work).

    ``spec`` is overwritten.
    """
    from scipy import fft

    x = fft.ifft(spec, axis=0, workers=-1, overwrite_x=True)[lo[0] : lo[0] + n[0]]
    x = fft.ifft(x, axis=1, workers=-1, overwrite_x=True)[:, lo[1] : lo[1] + n[1]]
    return np.ascontiguousarray(fft.irfft(x, shape[2], axis=2, workers=-1)[:, :, lo[2] : lo[2] + n[2]])


@dataclass(frozen=True, eq=False)
class MaskSpectra:
    """Real-FFT spectra of binary region masks, padded for linear convolution (:func:`mask_spectra`).

    Attributes
    ----------
    image_shape : tuple of int
        Shape of the masks (and of the maps :func:`convolve_masks` returns).
    kernel_shape : tuple of int
        Largest kernel shape the padding allows (odd sizes).
    fft_shape : tuple of int
        Padded transform shape, ``next_fast_len(n + m − 1)`` per axis: the convolution is linear, no wrap.
    spectra : tuple of (ndarray or None)
        One spectrum per mask, in the order given; ``None`` for an empty mask.

    Examples
    --------
    >>> import numpy as np
    >>> s = mask_spectra([np.ones((4, 4, 4), bool)], (3, 3, 3))
    >>> s.fft_shape
    (6, 6, 6)
    """

    image_shape: tuple[int, int, int]
    kernel_shape: tuple[int, int, int]
    fft_shape: tuple[int, int, int]
    spectra: tuple[np.ndarray | None, ...]


def mask_spectra(masks: Sequence[np.ndarray], kernel_shape: Sequence[int]) -> MaskSpectra:
    """Spectra of region masks, for :func:`convolve_masks` with kernels up to ``kernel_shape``.

    They depend only on the anatomy: compute them once and reuse them for every set of activities.

    Parameters
    ----------
    masks : sequence of ndarray (3-D, bool)
        Regions on one grid (disjoint or not).
    kernel_shape : (int, int, int)
        Largest kernel shape to be used (odd sizes, centre = zero offset).

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros((5, 5, 5), bool); m[2, 2, 2] = True
    >>> s = mask_spectra([m, np.zeros_like(m)], (3, 3, 3))
    >>> s.spectra[1] is None, s.spectra[0].shape
    (True, (8, 8, 5))
    """
    from scipy import fft

    if isinstance(masks, np.ndarray) or not len(masks):
        raise InputError("masks", f"{type(masks).__name__}", "a non-empty sequence of 3-D boolean arrays")
    shape = np.shape(masks[0])
    for i, m in enumerate(masks):
        if np.ndim(m) != 3 or np.shape(m) != shape or 0 in shape or np.asarray(m).dtype != bool:
            raise InputError(
                f"masks[{i}]", f"array of shape {np.shape(m)}", f"a boolean 3-D array of shape {shape}"
            )
    ks = tuple(int(v) for v in np.ravel(kernel_shape))
    if len(ks) != 3 or any(v < 1 or v % 2 == 0 for v in ks):
        raise InputError("kernel_shape", kernel_shape, "three odd sizes >= 1")
    fshape = tuple(fft.next_fast_len(n + m - 1, real=True) for n, m in zip(shape, ks, strict=True))
    spectra = tuple(fft.rfftn(np.asarray(m, float), fshape, workers=-1) if np.any(m) else None for m in masks)
    return MaskSpectra(shape, ks, fshape, spectra)  # type: ignore[arg-type]


def convolve_masks(spectra: MaskSpectra, kernels: Sequence[np.ndarray | None]) -> np.ndarray:
    """``Σ_r mask_r ⊛ kernel_r`` ('same' size, linear) from the masks' spectra, with one inverse FFT.

    By linearity this is the map of regions of uniform value, each region with its own kernel
    (for a dose map: a region's kernel = Σ over nuclides of decays per voxel × S-value kernel).

    Parameters
    ----------
    spectra : MaskSpectra
        From :func:`mask_spectra`.
    kernels : sequence of (ndarray or None)
        One per mask (odd sizes, centre = zero offset, each axis at most ``spectra.kernel_shape``);
        ``None`` or an empty mask contributes nothing.

    Returns
    -------
    ndarray
        Shape ``spectra.image_shape``, in the kernels' unit. Values that are 0 exactly come out as
        FFT rounding (±1e-16 of the largest value); clip at 0 if the map must be non-negative.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros((5, 5, 5), bool); m[2, 2, 2] = True
    >>> k = np.zeros((3, 3, 3)); k[1, 1, 1], k[1, 1, 2] = 2.0, 1.0
    >>> d = convolve_masks(mask_spectra([m], k.shape), [k])
    >>> round(float(d[2, 2, 2]), 12), round(float(d[2, 2, 3]), 12)
    (2.0, 1.0)
    """
    if not isinstance(spectra, MaskSpectra):
        raise InputError("spectra", type(spectra).__name__, "a MaskSpectra from mask_spectra()")
    if len(kernels) != len(spectra.spectra):
        raise InputError("kernels", f"{len(kernels)} kernels", f"{len(spectra.spectra)} (one per mask)")
    total = None
    for i, (spec, kernel) in enumerate(zip(spectra.spectra, kernels, strict=True)):
        if kernel is None:
            continue
        k = _check_kernel(kernel, f"kernels[{i}]")
        if any(a > b for a, b in zip(k.shape, spectra.kernel_shape, strict=True)):
            raise InputError(
                f"kernels[{i}]", f"array of shape {k.shape}", f"at most {spectra.kernel_shape} per axis"
            )
        if spec is None:
            continue
        # centre the kernel in the padded shape's kernel box: the output offset is the same for all
        pad = [(b - a) // 2 for a, b in zip(k.shape, spectra.kernel_shape, strict=True)]
        if any(pad):
            k = np.pad(k, [(p, p) for p in pad])
        term = _rfftn_padded(k, spectra.fft_shape)
        term *= spec
        if total is None:
            total = term
        else:
            total += term
    if total is None:
        return np.zeros(spectra.image_shape)
    lo = [m // 2 for m in spectra.kernel_shape]
    return _irfftn_cropped(total, spectra.fft_shape, lo, spectra.image_shape)


def dose_map(
    tia_Bq_s: np.ndarray,
    kernel_mGy_per_MBq_s: np.ndarray,
    *,
    method: str = "fft",
    max_slab_voxels: int | None = None,
) -> np.ndarray:
    """Absorbed dose (Gy) from a time-integrated-activity image and a voxel S-value kernel.

    Parameters
    ----------
    tia_Bq_s : ndarray (3-D)
        Decays per voxel (Bq·s), finite and >= 0.
    kernel_mGy_per_MBq_s : ndarray (3-D, odd sizes)
        From :func:`brainrit.dosimetry.voxel.kernels.voxel_kernel` on the same voxel grid.
    method : str
        ``"fft"`` (default) or ``"direct"``.
    max_slab_voxels : int, optional
        Memory bound for the FFT (see :func:`convolve_fft`).

    Returns
    -------
    ndarray
        Dose (Gy), same shape as ``tia_Bq_s``.

    Examples
    --------
    >>> import numpy as np
    >>> d = dose_map(np.full((4, 4, 4), 1e9), np.ones((1, 1, 1)))
    >>> float(d.max())
    1.0
    """
    tia = check_image("tia_Bq_s", tia_Bq_s, unit="Bq s")
    k = _check_kernel(kernel_mGy_per_MBq_s)
    how = choice("method", method, ("fft", "direct"))
    if max_slab_voxels is not None and (
        isinstance(max_slab_voxels, bool)
        or not isinstance(max_slab_voxels, int | np.integer)
        or max_slab_voxels < 1
    ):
        raise InputError("max_slab_voxels", max_slab_voxels, "a positive integer")
    k = trim_kernel(k)
    if how == "direct" or k.size <= _DIRECT_MAX_KERNEL_VOXELS:
        out = convolve_direct(tia, k)
    else:
        out = convolve_fft(tia, k, max_slab_voxels=max_slab_voxels)
        np.maximum(out, 0.0, out=out)  # FFT round-off can leave -1e-16 where the dose is 0
    out *= GY_PER_BQ_S_PER_MGY_PER_MBQ_S
    return out


def dose_rate_map(activity_Bq: np.ndarray, kernel_mGy_per_MBq_s: np.ndarray, **kwargs: Any) -> np.ndarray:
    """Absorbed-dose rate (Gy/s) from an activity image (Bq per voxel); see :func:`dose_map`.

    Examples
    --------
    >>> import numpy as np
    >>> float(dose_rate_map(np.full((2, 2, 2), 1e6), np.full((1, 1, 1), 3.0)).max())
    0.003
    """
    act = check_image("activity_Bq", activity_Bq, unit="Bq")
    return dose_map(act, kernel_mGy_per_MBq_s, **kwargs)


def local_deposition_dose(
    tia_Bq_s: np.ndarray,
    energy_MeV_per_decay: float,
    voxel_mm: Any,
    *,
    density_g_cm3: float | np.ndarray = 1.0,
) -> np.ndarray:
    """Dose (Gy) with all decay energy absorbed in the voxel of decay (local deposition method).

    ``D = TIA · E · 1.602e-13 J/MeV / (ρ V)``; ``density_g_cm3`` may be an image (e.g. from CT).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(local_deposition_dose(np.full((1, 1, 1), 1e9), 8.0, 10.0)[0, 0, 0]), 6)
    1.281741
    """
    tia = check_image("tia_Bq_s", tia_Bq_s, unit="Bq s")
    e = non_negative("energy_MeV_per_decay", energy_MeV_per_decay)
    vox = voxel_spacing_mm(voxel_mm)
    rho = np.asarray(density_g_cm3, float)
    if rho.ndim:
        rho = check_image("density_g_cm3", rho)
        if rho.shape != tia.shape:
            raise InputError("density_g_cm3", f"array of shape {rho.shape}", f"a number or shape {tia.shape}")
        if np.any(rho <= 0):
            raise InputError("density_g_cm3", "an image with zero density", "densities > 0 (g/cm3)")
    else:
        rho = np.asarray(positive("density_g_cm3", float(rho)))
    mass_kg = rho * float(np.prod(vox)) * 1e-6  # g/cm3 * mm3 -> kg (1 mm3 = 1e-3 cm3, 1 g = 1e-3 kg)
    return tia * e * MEV_TO_J / mass_kg


def tia_from_series(
    times_h: Any,
    images_Bq: Any,
    half_life_h: float,
    *,
    before_first: str = "zero",
) -> np.ndarray:
    """Time-integrated activity per voxel (Bq·s) from activity images at several times.

    Parameters
    ----------
    times_h : sequence of float
        Acquisition times after injection (h), strictly increasing, >= 0.
    images_Bq : sequence of ndarray
        Activity images (Bq per voxel) on one grid, one per time.
    half_life_h : float
        Physical half-life (h) for the tail after the last image.
    before_first : str
        ``"zero"`` (default: activity rises linearly from 0 at t = 0), ``"constant"`` (first image
        held back to t = 0) or ``"none"`` (integration starts at the first image).

    Examples
    --------
    >>> import numpy as np
    >>> a = [np.full((1, 1, 1), 100.0), np.full((1, 1, 1), 50.0)]
    >>> tia = tia_from_series([1.0, 2.0], a, 1.0)
    >>> round(float(tia[0, 0, 0]) / 3600, 3)  # 50 + 75 + 50/ln2
    197.135
    """
    t = array_finite("times_h", times_h, low=0.0, unit="h")
    if t.ndim != 1 or t.size < 1 or np.any(np.diff(t) <= 0):
        raise InputError("times_h", times_h, "a 1-D sequence of increasing times >= 0 (h)")
    imgs = list(images_Bq) if not isinstance(images_Bq, np.ndarray) or images_Bq.ndim == 4 else None
    if imgs is None or len(imgs) != t.size:
        raise InputError(
            "images_Bq", f"{0 if imgs is None else len(imgs)} images", f"{t.size} images (one per time)"
        )
    checked = [check_image(f"images_Bq[{i}]", im, unit="Bq") for i, im in enumerate(imgs)]
    for i, im in enumerate(checked[1:], start=1):
        if im.shape != checked[0].shape:
            raise InputError(
                f"images_Bq[{i}]", f"array of shape {im.shape}", f"shape {checked[0].shape} (same grid)"
            )
    hl = positive("half_life_h", half_life_h)
    rule = choice("before_first", before_first, ("zero", "constant", "none"))
    ts = t * 3600.0
    tia = np.zeros_like(checked[0])
    if rule == "zero":
        tia += 0.5 * ts[0] * checked[0]
    elif rule == "constant":
        tia += ts[0] * checked[0]
    for i in range(1, t.size):
        tia += 0.5 * (ts[i] - ts[i - 1]) * (checked[i] + checked[i - 1])
    tia += checked[-1] * (hl * 3600.0 / np.log(2.0))
    return tia


def dose_map_components(
    tia_Bq_s: np.ndarray,
    nuclide: str,
    voxel_mm: Any,
    *,
    half_width_voxels: Any = None,
    material: str = "soft_tissue",
    chain: bool = True,
    cut: Any = (),
    max_slab_voxels: int | None = None,
) -> dict[str, np.ndarray]:
    """Dose maps (Gy) per component (``"alpha"``, ``"electron"``, ``"photon"``) for a nuclide's TIA image.

    Parameters
    ----------
    tia_Bq_s : ndarray (3-D)
        Decays of the chain parent per voxel (Bq·s).
    nuclide, voxel_mm, material, chain, cut :
        As :func:`brainrit.dosimetry.voxel.kernels.voxel_kernel`.
    half_width_voxels : int or (int, int, int), optional
        Kernel half-width. Default: enough voxels to hold the longest electron CSDA range (so α and
        electron energy are conserved); photon energy beyond the box is not counted (the photon
        component is then a lower bound, exact for the part within the box).

    Examples
    --------
    >>> import numpy as np
    >>> tia = np.zeros((9, 9, 9)); tia[4, 4, 4] = 1e9
    >>> d = dose_map_components(tia, "Po-212", 2.0, chain=False)
    >>> sorted(d), bool(d["alpha"][4, 4, 4] > 0.1)
    (['alpha', 'electron', 'photon'], True)
    """
    from brainrit.dosimetry.voxel.kernels import emission_spectrum, voxel_kernel_components

    tia = check_image("tia_Bq_s", tia_Bq_s, unit="Bq s")
    vox = voxel_spacing_mm(voxel_mm)
    if half_width_voxels is None:
        from brainrit.physics import electron_csda_range_um

        spec = emission_spectrum(nuclide, chain=chain, cut=cut)
        e_max = float(spec.electron_MeV.max()) if spec.electron_MeV.size else 0.0
        r_mm = float(electron_csda_range_um(e_max, material)) / 1000.0 if e_max > 0 else 0.0
        half_width_voxels = tuple(int(np.ceil(r_mm / v)) + 1 for v in vox)
    kernels = voxel_kernel_components(
        nuclide, vox, half_width_voxels, material=material, chain=chain, cut=cut
    )
    return {c: dose_map(tia, k, max_slab_voxels=max_slab_voxels) for c, k in kernels.items()}
