"""Resampling between voxel grids given their affines (``scipy.ndimage.map_coordinates``).

For each target voxel centre ``x = A_target @ (i, j, k, 1)``, the source index is
``A_source⁻¹ @ x`` and the value is interpolated there (order 0 nearest, 1 trilinear, 3 cubic
spline; a source voxel covers ±½ voxel around its centre, so target points within that margin take
edge values and points beyond it get ``fill``). Intensive quantities (dose, concentration) are
interpolated as they are; extensive ones (activity or TIA per voxel) with
``quantity="extensive"``: converted to a concentration, interpolated, and multiplied by the target
voxel volume, so that the total is kept when the target grid covers the source and resolves it.

Examples
--------
>>> import numpy as np
>>> from brainrit.dosimetry.voxel.io import VoxelImage
>>> from brainrit.dosimetry.voxel.resample import resample
>>> src = VoxelImage(np.ones((4, 4, 4)), np.diag([2.0, 2.0, 2.0, 1.0]))
>>> dst = resample(src, (8, 8, 8), np.eye(4), quantity="extensive")
>>> dst.shape, round(float(dst.data[1:7, 1:7, 1:7].mean()), 3)
((8, 8, 8), 0.125)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from brainrit.checks import choice
from brainrit.dosimetry.voxel.io import VoxelImage, _check_affine
from brainrit.errors import InputError

__all__ = ["resample", "same_grid"]


def same_grid(a: VoxelImage, b: VoxelImage, *, atol_mm: float = 1e-4) -> bool:
    """True when two images share shape and affine (to ``atol_mm``).

    Examples
    --------
    >>> import numpy as np
    >>> from brainrit.dosimetry.voxel.io import VoxelImage
    >>> a = VoxelImage(np.zeros((2, 2, 2)), np.eye(4))
    >>> same_grid(a, a), same_grid(a, VoxelImage(np.zeros((2, 2, 2)), np.diag([2.0, 2.0, 2.0, 1.0])))
    (True, False)
    """
    return a.shape == b.shape and bool(np.allclose(a.affine, b.affine, atol=atol_mm))


def resample(
    image: VoxelImage,
    shape: tuple[int, int, int],
    affine: Any,
    *,
    order: int = 1,
    fill: float = 0.0,
    quantity: str = "intensive",
    chunk_voxels: int = 2**22,
) -> VoxelImage:
    """Resample ``image`` onto the grid ``(shape, affine)``.

    Parameters
    ----------
    image : VoxelImage
        Source image.
    shape : (int, int, int)
        Target shape.
    affine : array (4, 4)
        Target voxel-to-world affine (same world frame as the source's).
    order : int
        Spline order 0, 1 (default) or 3.
    fill : float
        Value outside the source grid.
    quantity : str
        ``"intensive"`` (default: dose, concentration) or ``"extensive"`` (activity, TIA per voxel).
    chunk_voxels : int
        Target voxels interpolated per batch (bounds the coordinate arrays' memory).

    Examples
    --------
    >>> import numpy as np
    >>> from brainrit.dosimetry.voxel.io import VoxelImage
    >>> fine = VoxelImage(np.ones((4, 4, 4)), np.eye(4))
    >>> coarse = resample(fine, (2, 2, 2), np.diag([2.0, 2.0, 2.0, 1.0]))
    >>> coarse.shape, float(coarse.data.mean())
    ((2, 2, 2), 1.0)
    """
    try:
        shp = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise InputError("shape", shape, "three positive integers") from None
    if len(shp) != 3 or min(shp) < 1:
        raise InputError("shape", shape, "three positive integers")
    a_dst = _check_affine(affine)
    if order not in (0, 1, 3):
        raise InputError("order", order, "0, 1 or 3")
    kind = choice("quantity", quantity, ("intensive", "extensive"))
    from scipy.ndimage import map_coordinates

    vol_src = abs(float(np.linalg.det(image.affine[:3, :3])))
    vol_dst = abs(float(np.linalg.det(a_dst[:3, :3])))
    src = image.data / vol_src if kind == "extensive" else image.data
    m = np.linalg.inv(image.affine) @ a_dst  # target index -> source index
    out = np.empty(int(np.prod(shp)))
    plane = shp[1] * shp[2]
    j, k = np.meshgrid(np.arange(shp[1]), np.arange(shp[2]), indexing="ij")
    jk = np.stack([j.ravel(), k.ravel()]).astype(float)
    rows = max(1, chunk_voxels // plane)
    for i0 in range(0, shp[0], rows):
        i1 = min(i0 + rows, shp[0])
        ii = np.repeat(np.arange(i0, i1, dtype=float), plane)
        idx = np.vstack([ii, np.tile(jk, (1, i1 - i0)), np.ones(ii.size)])
        coords = (m @ idx)[:3]
        # a voxel covers ±½ voxel around its centre: points there take edge values, beyond it `fill`
        upper = (np.asarray(src.shape, float) - 0.5)[:, None]
        inside = np.all((coords >= -0.5) & (coords <= upper), axis=0)
        coords = np.clip(coords, 0.0, upper - 0.5)
        vals = map_coordinates(src, coords, order=order, mode="nearest")
        out[i0 * plane : i1 * plane] = np.where(inside, vals, fill)
    data = out.reshape(shp)
    if kind == "extensive":
        data = data * vol_dst
    return VoxelImage(data, a_dst)
