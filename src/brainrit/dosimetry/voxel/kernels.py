"""Voxel S-value kernels for any nuclide (chain-aware), any voxel size, in water, soft tissue or brain.

Model
-----
Every radiation is described by its **point-source radial energy profile** ``E(<r)``: the mean
energy (MeV per decay of the chain parent) deposited inside a sphere of radius ``r`` around an
isotropic point source in an infinite homogeneous medium. Three components are kept apart
(DESIGN: dose keeps α, low-LET electrons and photons separate):

``alpha``
    α particles (ICRP-107 lines, kinetic energy) on straight tracks in the continuous-slowing-down
    approximation with the ASTAR range table of :mod:`brainrit.physics` (δ-rays local):
    ``E(<r) = E0 − E_res(E0, r)``. α recoil energy is deposited at the decay site. This is the
    MIRD cellular α model; for mm voxels it reduces to local deposition with the first-order
    edge (escape) correction of :func:`alpha_cube_escape_fraction`, computed exactly instead.
``electron``
    β⁻ and β⁺ spectra (ICRP-107, discretised with trapezoid weights), internal-conversion and
    Auger lines, each with a **Monte Carlo scaled dose-point kernel** (:mod:`brainrit.physics.dpk`:
    ETRAN, Seltzer 1991, Appl Radiat Isot 42:917): an electron of energy ``E0`` deposits
    ``E(<r) = E0 · F(r/r0(E0); E0)``, ``F`` the cumulative scaled kernel interpolated linearly in
    ``ln E0`` at fixed ``r/r0`` between the tables at 0.01, 0.1, 0.5 and 1 MeV; above 1 MeV the
    1 MeV shape, scaled by the CSDA range at the actual energy; below 10 keV the 10 keV shape.
    ``r0`` is the ESTAR CSDA range in the medium at its density, so the water kernels are carried to
    soft tissue and brain by CSDA-range (density) scaling. Multiple scattering keeps the energy
    closer to the source than a straight track would (at 1 MeV 92 % within 0.8 r0 instead of
    69 %). Measured against Lanconelli et al. 2012 in ``tests/validation/test_voxel_validation.py``.
``photon``
    γ, X-ray and annihilation lines with the point kernel
    ``dE/dr = E μ_en B(μr) exp(−μr)`` (SRD-126 μ/ρ and μ_en/ρ) and the **linear build-up factor**
    ``B = 1 + k μr`` with ``k = (μ − μ_en)/μ_en``. The single constant ``k`` is fixed so that the
    energy absorbed in an infinite medium equals the energy emitted (a derived choice documented
    here, not a fitted table; Berger-form build-up factors ``1 + a μr exp(b μr)`` reduce to it for
    ``b = 0``). Its closed form is ``E(<r) = E (μ_en/μ)[(1 + k)(1 − e^{−x}) − k x e^{−x}]``, ``x = μr``.

Voxel S-values follow from the radial profile by an exact geometric identity: for source and
target voxels (boxes of edges ``L``) displaced by ``n·L``, the displacement between uniform points
in the two boxes has density ``T_n(u) = Π_a tri(u_a − n_a L_a)`` (products of triangle functions),
so the energy reaching target voxel ``n`` per decay is ``Σ_shells ΔE(r) · V · ⟨T_n⟩_sphere(r)``.
The sphere averages are computed on a direction grid of about uniform angular resolution (θ bands
split in φ ∝ sin θ, weights = exact cell solid angles; the step at the kernel's edge is ≤ L/8) and
radial shells ≤ L/16 wide, log-refined near 0 for short-range particles; each shell's energy sits
at its energy-weighted mean radius (from 32 sub-shells), which makes the sub-voxel α edge correction
accurate to second order. ``Σ_n V T_n = 1`` makes the kernel conserve energy exactly: the kernel sum
× voxel mass equals the energy deposited within the kernel box. When the voxel's x and y edges and
half-widths are equal, the direction grid's x ↔ y mirror symmetry halves the work (the mirrored half
is added as the transposed octant); the sums then differ from the full grid's only by rounding.

Units: kernels in mGy/(MBq·s) (1 MeV/g per decay = 0.1602176634 mGy/(MBq·s)); the source voxel is
at the array centre; array axes are x, y, z.

Examples
--------
>>> from brainrit.dosimetry.voxel.kernels import voxel_kernel
>>> k = voxel_kernel("Y-90", 3.0, 2)
>>> k.shape, bool(k[2, 2, 2] == k.max())
((5, 5, 5), True)
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from brainrit.checks import voxel_spacing_mm
from brainrit.errors import InputError
from brainrit.nuclides import RADIATION_GROUPS
from brainrit.units import MEV_TO_J

__all__ = [
    "COMPONENTS",
    "MEV_PER_G_TO_MGY_PER_MBQ_S",
    "EmissionSpectrum",
    "alpha_cube_escape_fraction",
    "emission_spectrum",
    "energy_within_radius_MeV",
    "kernel_from_profile",
    "voxel_kernel",
    "voxel_kernel_components",
]

#: 1 MeV/g per decay expressed in mGy/(MBq·s): J/MeV × 1e3 g/kg × 1e6 Bq/MBq × 1e3 mGy/Gy.
MEV_PER_G_TO_MGY_PER_MBQ_S = MEV_TO_J * 1e3 * 1e6 * 1e3

#: Dose components kept apart by every kernel.
COMPONENTS: tuple[str, ...] = tuple(RADIATION_GROUPS)

_ELECTRON_CLASSES = ("ie", "auger")  # discrete electron lines; β± spectra are handled apart
_PHOTON_CLASSES = RADIATION_GROUPS["photon"]
_KERNEL_MATERIALS = ("water", "soft_tissue", "brain")
_PHOTON_LOCAL_BELOW_MeV = 1e-3


@dataclass(frozen=True)
class EmissionSpectrum:
    """Emissions per decay of the chain parent, grouped by transport model.

    Attributes
    ----------
    nuclide : str
        Chain parent (canonical name).
    alpha_MeV, alpha_yield : ndarray
        α kinetic energies and yields.
    local_MeV : float
        Energy deposited at the decay site (α recoil), MeV per parent decay.
    electron_MeV, electron_yield : ndarray
        Electron energies and weights: IC and Auger lines plus β± spectra discretised with
        trapezoid weights (so ``Σ yield`` is the number of electrons per decay).
    photon_MeV, photon_yield : ndarray
        γ, X-ray and annihilation photon lines.
    members : tuple of (str, float)
        The chain members counted and their decays per parent decay (chain rule of
        :func:`brainrit.nuclides.decay_chain`); ``((nuclide, 1.0),)`` without the chain.
    """

    nuclide: str
    alpha_MeV: np.ndarray
    alpha_yield: np.ndarray
    local_MeV: float
    electron_MeV: np.ndarray
    electron_yield: np.ndarray
    photon_MeV: np.ndarray
    photon_yield: np.ndarray
    members: tuple[tuple[str, float], ...] = ()

    def emitted_MeV(self) -> dict[str, float]:
        """Energy emitted per parent decay in each component (MeV); α includes recoil."""
        return {
            "alpha": float(self.alpha_MeV @ self.alpha_yield) + self.local_MeV,
            "electron": float(self.electron_MeV @ self.electron_yield),
            "photon": float(self.photon_MeV @ self.photon_yield),
        }


def _trapezoid_weights(x: np.ndarray) -> np.ndarray:
    w = np.zeros_like(x)
    d = np.diff(x)
    w[:-1] += d / 2
    w[1:] += d / 2
    return w


@functools.lru_cache(maxsize=64)
def _emission_spectrum(nuclide: str, chain: bool, cut: tuple[str, ...]) -> EmissionSpectrum:
    from brainrit import nuclides

    parent = nuclides.parse_name(nuclide)
    if chain:
        members = [
            (m.name, m.decays_per_parent_decay) for m in nuclides.decay_chain(parent, cut=cut).radioactive
        ]
    else:
        members = [(parent, 1.0)]
    acc: dict[str, list[np.ndarray]] = {k: [] for k in ("aE", "aY", "eE", "eY", "pE", "pY")}
    local = 0.0
    for name, weight in members:
        if weight <= 0:
            continue
        em = nuclides.emissions(name)
        e, y = em.lines["alpha"]
        acc["aE"].append(np.asarray(e, float))
        acc["aY"].append(weight * np.asarray(y, float))
        e, y = em.lines["alpha_recoil"]
        local += weight * float(np.dot(e, y))
        for cls in _ELECTRON_CLASSES:
            e, y = em.lines[cls]
            acc["eE"].append(np.asarray(e, float))
            acc["eY"].append(weight * np.asarray(y, float))
        for cls, spec in (("beta_minus", em.beta_minus_spectrum), ("beta_plus", em.beta_plus_spectrum)):
            if spec is not None and np.size(spec[0]) > 1:
                x, dn = np.asarray(spec[0], float), np.asarray(spec[1], float)
                acc["eE"].append(x)
                acc["eY"].append(weight * dn * _trapezoid_weights(x))
            else:  # no spectrum tabulated: mean-energy lines
                e, y = em.lines[cls]
                acc["eE"].append(np.asarray(e, float))
                acc["eY"].append(weight * np.asarray(y, float))
        for cls in _PHOTON_CLASSES:
            e, y = em.lines[cls]
            acc["pE"].append(np.asarray(e, float))
            acc["pY"].append(weight * np.asarray(y, float))

    def cat(key: str) -> np.ndarray:
        out = np.concatenate(acc[key]) if acc[key] else np.zeros(0)
        out.setflags(write=False)
        return out

    def keep(ek: str, yk: str) -> tuple[np.ndarray, np.ndarray]:
        e, y = cat(ek), cat(yk)
        sel = (y > 0) & (e > 0)
        return e[sel], y[sel]

    aE, aY = keep("aE", "aY")
    eE, eY = keep("eE", "eY")
    pE, pY = keep("pE", "pY")
    counted = tuple((name, float(w)) for name, w in members if w > 0)
    return EmissionSpectrum(parent, aE, aY, local, eE, eY, pE, pY, counted)


def emission_spectrum(nuclide: str, *, chain: bool = True, cut: Iterable[str] = ()) -> EmissionSpectrum:
    """Emissions per decay of ``nuclide``, summed over its chain members.

    Chain members are weighted by their decays per parent decay under the chain rule of
    :func:`brainrit.nuclides.decay_chain` (long-lived progeny cut), all decaying where the
    parent decays; members in ``cut`` (e.g. released daughters followed separately) end the chain.
    The members counted are on the result (``members``).

    Examples
    --------
    >>> s = emission_spectrum("Pb-212")
    >>> round(s.emitted_MeV()["alpha"], 3)
    7.952
    >>> [name for name, _ in s.members]
    ['Pb-212', 'Bi-212', 'Po-212', 'Tl-208']
    """
    if not isinstance(nuclide, str):
        raise InputError("nuclide", nuclide, "a nuclide name such as 'Pb-212'")
    from brainrit.nuclides import parse_name

    cut_names = tuple(sorted(parse_name(c) for c in cut))
    return _emission_spectrum(parse_name(nuclide), bool(chain), cut_names)


def _material(material: Any, density_g_cm3: float | None) -> Any:
    from brainrit.checks import choice
    from brainrit.physics import get_material

    choice("material", material, _KERNEL_MATERIALS)
    return get_material(material, density_g_cm3)


def _range_deposit(energy: np.ndarray, radius_um: np.ndarray, table: Any) -> np.ndarray:
    """E0 − E(R(E0) − r): energy lost within path r (straight CSDA track), shape (len(E), len(r))."""
    tE, tR = np.asarray(table.energy_MeV), np.asarray(table.range_um)
    r0 = np.interp(energy, tE, tR)
    resid = np.clip(r0[:, None] - radius_um[None, :], 0.0, None)
    return np.clip(energy[:, None] - np.interp(resid, tR, tE), 0.0, None)


def _electron_deposit(
    energy: np.ndarray, weight: np.ndarray, radius_um: np.ndarray, table: Any
) -> np.ndarray:
    """Σ weight · E0 · F(r/r0(E0); E0): energy within each radius from the electron lines (MeV/decay)."""
    from brainrit.physics.dpk import dpk_fraction_within

    r0 = np.interp(energy, np.asarray(table.energy_MeV), np.asarray(table.range_um))
    out = np.zeros(radius_um.shape)
    step = max(1, 2_000_000 // max(1, radius_um.size))  # bound the (energies × radii) work array
    for i in range(0, energy.size, step):
        e, r = energy[i : i + step], r0[i : i + step]
        x = radius_um[None, :] / np.where(r > 0, r, np.inf)[:, None]
        out += (weight[i : i + step] * e) @ dpk_fraction_within(x, e)
    return out


def energy_within_radius_MeV(
    spectrum: EmissionSpectrum,
    radius_mm: Any,
    *,
    material: str = "soft_tissue",
    density_g_cm3: float | None = None,
) -> dict[str, np.ndarray]:
    """Energy deposited within a sphere of radius ``radius_mm`` around a point source (MeV/decay).

    Parameters
    ----------
    spectrum : EmissionSpectrum
        From :func:`emission_spectrum`.
    radius_mm : float or array
        Radii (mm), >= 0.
    material : str
        ``"water"``, ``"soft_tissue"`` (default) or ``"brain"``.
    density_g_cm3 : float, optional
        Density; default the material's (:func:`brainrit.physics.get_material`).

    Returns
    -------
    dict
        ``{"alpha", "electron", "photon"}`` -> array shaped like ``radius_mm``.

    Examples
    --------
    >>> s = emission_spectrum("Po-212", chain=False)
    >>> e = energy_within_radius_MeV(s, [0.01, 1.0])["alpha"]
    >>> bool(e[0] < e[1]), round(float(e[1]), 4)
    (True, 8.9541)
    """
    from brainrit.checks import array_finite
    from brainrit.physics import (
        alpha_range_table,
        electron_range_table,
        photon_mu_en_rho_cm2_g,
        photon_mu_rho_cm2_g,
    )

    mat = _material(material, density_g_cm3)
    r_mm = array_finite("radius_mm", radius_mm, low=0.0, unit="mm")
    flat = r_mm.ravel()
    r_um = flat * 1000.0
    out: dict[str, np.ndarray] = {}
    # alpha: straight CSDA tracks (ASTAR), recoil local
    alpha = np.full(flat.shape, spectrum.local_MeV)
    if spectrum.alpha_MeV.size:
        t = alpha_range_table(mat.name, mat.density_g_cm3)
        alpha = alpha + spectrum.alpha_yield @ _range_deposit(spectrum.alpha_MeV, r_um, t)
    out["alpha"] = alpha
    # electrons: Monte Carlo scaled dose-point kernels, r/r0 with the ESTAR CSDA range in the medium
    elec = np.zeros(flat.shape)
    if spectrum.electron_MeV.size:
        t = electron_range_table(mat.name, mat.density_g_cm3)
        elec = _electron_deposit(spectrum.electron_MeV, spectrum.electron_yield, r_um, t)
    out["electron"] = elec
    # photons: point kernel with mu_en and the energy-conserving linear build-up factor
    phot = np.zeros(flat.shape)
    if spectrum.photon_MeV.size:
        # below SRD-126's first energy (1 keV) the mean free path is < 1 µm: deposited locally
        soft = spectrum.photon_MeV < _PHOTON_LOCAL_BELOW_MeV
        phot = phot + float(spectrum.photon_MeV[soft] @ spectrum.photon_yield[soft])
        e, yld = spectrum.photon_MeV[~soft], spectrum.photon_yield[~soft]
        if e.size:
            mu = np.asarray(photon_mu_rho_cm2_g(e, mat.name), float) * mat.density_g_cm3  # 1/cm
            mu_en = np.asarray(photon_mu_en_rho_cm2_g(e, mat.name), float) * mat.density_g_cm3
            k = (mu - mu_en) / mu_en
            x = mu[:, None] * (flat[None, :] / 10.0)
            ex = np.exp(-x)
            frac = (mu_en / mu)[:, None] * ((1.0 + k)[:, None] * (1.0 - ex) - k[:, None] * x * ex)
            phot = phot + (yld * e) @ frac
    out["photon"] = phot
    return {key: v.reshape(r_mm.shape) for key, v in out.items()}


def alpha_cube_escape_fraction(
    energy_MeV: float, voxel_mm: Any, *, material: str = "soft_tissue", n_steps: int = 2000
) -> float:
    """First-order fraction of α energy escaping a voxel with a uniform source (range ≪ voxel).

    For straight CSDA tracks from a uniform isotropic source in a convex body of surface ``A`` and
    volume ``V``, the escaping energy fraction to first order in range/size is
    ``A/(4V) · (1/E0) ∫₀^R E_res(s) ds`` (for constant LET this is the classic ``A R/(8V)``; for a
    cube of edge ``L``: ``0.75 R/L``). The kernels compute the escape exactly; this function is the
    closed-form check.

    Examples
    --------
    >>> round(alpha_cube_escape_fraction(8.785, 3.0, material="water"), 4)
    0.0275
    """
    from brainrit.physics import alpha_csda_range_um, alpha_residual_energy_MeV

    vox = voxel_spacing_mm(voxel_mm)
    mat = _material(material, None)
    r_um = float(alpha_csda_range_um(energy_MeV, mat.name))
    s = np.linspace(0.0, r_um, n_steps)
    eres = np.asarray(alpha_residual_energy_MeV(energy_MeV, s, mat.name), float)
    integral_mm = float(np.trapezoid(eres, s)) / 1000.0
    area_over_volume = sum(2.0 / L for L in vox)  # A/V of a box, 1/mm
    return area_over_volume / 4.0 * integral_mm / float(energy_MeV)


@numba.njit(cache=True)
def _accumulate(r_mid, d_e, dirs, w_dir, inv_l, h, out):  # pragma: no cover - compiled
    """Splat each (shell, direction) point's energy trilinearly onto the octant grid ``out``.

    ``r_mid`` ascending, ``d_e`` the shells' energies; ``out`` has one more layer than the kernel on
    each axis (shape ``h + 2``): corners beyond ``h`` land there and are dropped by the caller. Along
    each direction the points move outward, so the shells that fall in one voxel are summed in
    registers and added to its eight corners once, and the walk stops at the kernel's edge.
    """
    hx, hy, hz = h[0], h[1], h[2]
    nk = r_mid.size
    for d in range(dirs.shape[0]):
        ux = dirs[d, 0] * inv_l[0]
        uy = dirs[d, 1] * inv_l[1]
        uz = dirs[d, 2] * inv_l[2]
        cx, cy, cz = -1, -1, -1  # the voxel whose corners are being summed
        s000 = s001 = s010 = s011 = s100 = s101 = s110 = s111 = 0.0
        qx = qy = qz = 0.0
        ix = iy = iz = 0
        for k in range(nk + 1):
            done = k == nk
            if not done:
                r = r_mid[k]
                qx = r * ux
                qy = r * uy
                qz = r * uz
                ix = int(qx)
                iy = int(qy)
                iz = int(qz)
                done = ix > hx or iy > hy or iz > hz
            if done or ix != cx or iy != cy or iz != cz:
                if cx >= 0:  # flush; the plane 0 counts twice (the octant folds the source voxel)
                    w = w_dir[d] / 8.0
                    x0 = 2.0 if cx == 0 else 1.0
                    y0 = 2.0 if cy == 0 else 1.0
                    z0 = 2.0 if cz == 0 else 1.0
                    out[cx, cy, cz] += w * x0 * y0 * z0 * s000
                    out[cx, cy, cz + 1] += w * x0 * y0 * s001
                    out[cx, cy + 1, cz] += w * x0 * z0 * s010
                    out[cx, cy + 1, cz + 1] += w * x0 * s011
                    out[cx + 1, cy, cz] += w * y0 * z0 * s100
                    out[cx + 1, cy, cz + 1] += w * y0 * s101
                    out[cx + 1, cy + 1, cz] += w * z0 * s110
                    out[cx + 1, cy + 1, cz + 1] += w * s111
                    s000 = s001 = s010 = s011 = s100 = s101 = s110 = s111 = 0.0
                if done:
                    break
                cx, cy, cz = ix, iy, iz
            e = d_e[k]
            fx = qx - ix
            fy = qy - iy
            fz = qz - iz
            a0 = e * (1.0 - fx)
            a1 = e * fx
            b00 = a0 * (1.0 - fy)
            b01 = a0 * fy
            b10 = a1 * (1.0 - fy)
            b11 = a1 * fy
            gz = 1.0 - fz
            s000 += b00 * gz
            s001 += b00 * fz
            s010 += b01 * gz
            s011 += b01 * fz
            s100 += b10 * gz
            s101 += b10 * fz
            s110 += b11 * gz
            s111 += b11 * fz


def _half_width(value: Any) -> tuple[int, int, int]:
    allowed = "an integer in [0, 200] or three such integers (voxels)"
    arr = np.atleast_1d(np.asarray(value, dtype=object))
    if arr.size == 1:
        arr = np.repeat(arr, 3)
    if arr.shape != (3,):
        raise InputError("half_width_voxels", value, allowed)
    out = []
    for v in arr:
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or not 0 <= int(v) <= 200:
            raise InputError("half_width_voxels", value, allowed)
        out.append(int(v))
    return out[0], out[1], out[2]


@functools.lru_cache(maxsize=8)
def _directions(step_rad: float, mirror: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Directions and solid-angle weights (summing to 1) covering the positive octant.

    Polar angle θ in equal steps; each θ band is split in φ into ``⌈(π/2) sin θ / step⌉`` cells, so
    the angular resolution is about ``step`` everywhere (no clustering or gaps at the pole); each
    direction's weight is its cell's exact solid angle.

    The cells of a band are symmetric about φ = π/4 (the x ↔ y mirror). With ``mirror`` only the
    directions with φ < π/4 are returned, and the one on φ = π/4 (odd bands) with half its weight: a
    sum over them plus its x ↔ y mirror image is the sum over all directions.
    """
    n_theta = max(4, math.ceil((math.pi / 2) / step_rad))
    edges = np.linspace(0.0, math.pi / 2, n_theta + 1)
    dirs, weights, keep = [], [], []
    for lo, hi in itertools.pairwise(edges):
        theta = 0.5 * (lo + hi)
        n_phi = max(1, math.ceil((math.pi / 2) * math.sin(theta) / step_rad))
        phi = (np.arange(n_phi) + 0.5) / n_phi * (math.pi / 2)
        st = math.sin(theta)
        dirs.append(np.stack([st * np.cos(phi), st * np.sin(phi), np.full(n_phi, math.cos(theta))], axis=-1))
        weights.append(np.full(n_phi, (math.cos(lo) - math.cos(hi)) / n_phi))
        j = 2 * np.arange(n_phi)  # 2 j vs n_phi - 1: below, on or above φ = π/4
        keep.append(np.where(j < n_phi - 1, 1.0, np.where(j == n_phi - 1, 0.5, 0.0)))
    w = np.concatenate(weights)
    d, w = np.concatenate(dirs), w / w.sum()
    if mirror:
        factor = np.concatenate(keep)
        d, w = d[factor > 0], (w * factor)[factor > 0]
    d = np.ascontiguousarray(d)
    d.setflags(write=False)  # cached: shared by every kernel of the same grid
    w.setflags(write=False)
    return d, w


def _mirror_xy(vox: np.ndarray, h: tuple[int, int, int]) -> bool:
    """Whether the kernel is x ↔ y symmetric (equal x and y edges and half-widths): half the directions."""
    return bool(vox[0] == vox[1] and h[0] == h[1])


def _radial_edges_mm(r_max_mm: float, l_min_mm: float, fine_mm: float = 1e-4) -> np.ndarray:
    n = max(16, math.ceil(r_max_mm / (l_min_mm / 16.0)))
    uniform = np.linspace(0.0, r_max_mm, n + 1)
    first = uniform[1]
    log = np.geomspace(min(fine_mm, first / 10), first, 40) if first > fine_mm else np.zeros(0)
    return np.unique(np.concatenate([uniform, log]))


def kernel_from_profile(
    cumulative_MeV: Any,
    voxel_mm: Any,
    half_width_voxels: Any,
    *,
    density_g_cm3: float,
) -> np.ndarray:
    """Voxel kernel (mGy/(MBq·s)) from a radial energy profile ``E(<r)`` of a point source.

    Parameters
    ----------
    cumulative_MeV : callable
        ``f(radius_mm: ndarray) -> ndarray``: energy (MeV per decay) deposited within each radius;
        non-decreasing, ``f(0) >= 0`` (energy at r = 0 is deposited at the decay site).
    voxel_mm : float or (float, float, float)
        Voxel edges (mm).
    half_width_voxels : int or (int, int, int)
        Kernel half-width; the result has shape ``2 h + 1`` per axis.
    density_g_cm3 : float
        Density of the medium (sets the voxel mass).

    Examples
    --------
    >>> import numpy as np
    >>> k = kernel_from_profile(lambda r: np.ones_like(r), 2.0, 1, density_g_cm3=1.0)
    >>> round(float(k[1, 1, 1] * 0.008 / MEV_PER_G_TO_MGY_PER_MBQ_S), 6), float(k.sum() - k[1, 1, 1])
    (1.0, 0.0)
    """
    vox = np.asarray(voxel_spacing_mm(voxel_mm), float)
    h = _half_width(half_width_voxels)
    rho = float(density_g_cm3)
    r_max = float(np.sqrt(np.sum(((np.asarray(h) + 1) * vox) ** 2)))
    edges = _radial_edges_mm(r_max, float(vox.min()))
    # each shell's energy is placed at its energy-weighted mean radius, from 32 sub-shells
    sub = 32
    fine = (edges[:-1, None] + (edges[1:] - edges[:-1])[:, None] * (np.arange(sub) / sub)[None, :]).ravel()
    fine = np.append(fine, edges[-1])
    cum_f = np.asarray(cumulative_MeV(fine), float)
    de_f = np.diff(cum_f).reshape(-1, sub)
    rm_f = (0.5 * (fine[1:] + fine[:-1])).reshape(-1, sub)
    d_e = de_f.sum(axis=1)
    mids = 0.5 * (edges[1:] + edges[:-1])
    safe = np.where(d_e > 0, d_e, 1.0)
    r_bar = np.where(d_e > 0, (de_f * rm_f).sum(axis=1) / safe, mids)
    r_mid = np.concatenate([[0.0], r_bar])
    d_e = np.concatenate([[cum_f[0]], d_e])
    step = min(0.02, float(vox.min()) / (8.0 * r_max))
    mirror = _mirror_xy(vox, h)
    dirs, w_dir = _directions(step, mirror)
    shells = np.flatnonzero(d_e != 0.0)
    shells = shells[np.argsort(r_mid[shells], kind="stable")]  # outward along each direction
    octant = np.zeros((h[0] + 2, h[1] + 2, h[2] + 2))  # one layer beyond h, dropped: see _accumulate
    _accumulate(r_mid[shells], d_e[shells], dirs, w_dir, 1.0 / vox, np.asarray(h, np.int64), octant)
    octant = octant[: h[0] + 1, : h[1] + 1, : h[2] + 1]
    if mirror:
        octant = octant + octant.transpose(1, 0, 2)
    mass_g = float(np.prod(vox)) / 1000.0 * rho
    octant *= MEV_PER_G_TO_MGY_PER_MBQ_S / mass_g
    idx = [np.abs(np.arange(-n, n + 1)) for n in h]
    return octant[np.ix_(*idx)]


def voxel_kernel_components(
    nuclide: str,
    voxel_mm: Any,
    half_width_voxels: Any,
    *,
    material: str = "soft_tissue",
    density_g_cm3: float | None = None,
    chain: bool = True,
    cut: Iterable[str] = (),
) -> dict[str, np.ndarray]:
    """Voxel S-value kernels per component (``"alpha"``, ``"electron"``, ``"photon"``), mGy/(MBq·s).

    Same arguments as :func:`voxel_kernel`.

    Examples
    --------
    >>> ks = voxel_kernel_components("Lu-177", 4.0, 1)
    >>> sorted(ks), float(ks["alpha"].max())
    (['alpha', 'electron', 'photon'], 0.0)
    """
    mat = _material(material, density_g_cm3)
    vox = voxel_spacing_mm(voxel_mm)
    h = _half_width(half_width_voxels)
    spec = emission_spectrum(nuclide, chain=chain, cut=cut)
    from brainrit.nuclides import parse_name

    cut_key = tuple(sorted(parse_name(c) for c in cut))
    cached = _components_cached(spec.nuclide, vox, h, mat.name, mat.density_g_cm3, bool(chain), cut_key)
    return {c: k.copy() for c, k in cached.items()}


@functools.lru_cache(maxsize=32)
def _components_cached(
    nuclide: str,
    vox: tuple[float, ...],
    h: tuple[int, int, int],
    material: str,
    density: float,
    chain: bool,
    cut: tuple[str, ...],
) -> dict[str, np.ndarray]:
    spec = emission_spectrum(nuclide, chain=chain, cut=cut)
    memo: dict[str, Any] = {}

    def profiles(r_mm: np.ndarray) -> dict[str, np.ndarray]:
        # kernel_from_profile asks for the same radii once per component: compute them once
        if memo.get("r") is None or not np.array_equal(memo["r"], r_mm):
            memo["r"] = np.array(r_mm)
            memo["e"] = energy_within_radius_MeV(spec, r_mm, material=material, density_g_cm3=density)
        return memo["e"]

    out = {}
    for comp in COMPONENTS:
        k = kernel_from_profile(lambda r, c=comp: profiles(r)[c], vox, h, density_g_cm3=density)
        k.setflags(write=False)
        out[comp] = k
    return out


def voxel_kernel(
    nuclide: str,
    voxel_mm: Any,
    half_width_voxels: Any,
    *,
    material: str = "soft_tissue",
    density_g_cm3: float | None = None,
    chain: bool = True,
    cut: Iterable[str] = (),
) -> np.ndarray:
    """Voxel S-value kernel in mGy/(MBq·s), source voxel at the centre.

    Parameters
    ----------
    nuclide : str
        Nuclide (any spelling :func:`brainrit.nuclides.parse_name` accepts).
    voxel_mm : float or (float, float, float)
        Voxel edges (mm); anisotropic voxels allowed.
    half_width_voxels : int or (int, int, int)
        Half-width; shape ``(2 h + 1,)`` per axis. Energy beyond the box is not in the kernel.
    material : str
        ``"soft_tissue"`` (default, soft tissue 1.04 g/cm³), ``"water"`` or ``"brain"``.
    density_g_cm3 : float, optional
        Override the material density (ranges scale as 1/ρ, voxel mass as ρ).
    chain : bool
        Include the progeny, all decaying in the source voxel (default True).
    cut : iterable of str
        Chain members treated as end-points (e.g. a released daughter followed separately).

    Returns
    -------
    ndarray
        Sum of the α, electron and photon kernels (:func:`voxel_kernel_components`).

    Examples
    --------
    >>> k = voxel_kernel("Pb-212", (2.0, 2.0, 4.0), 1)
    >>> k.shape
    (3, 3, 3)
    """
    comps = voxel_kernel_components(
        nuclide,
        voxel_mm,
        half_width_voxels,
        material=material,
        density_g_cm3=density_g_cm3,
        chain=chain,
        cut=cut,
    )
    return comps["alpha"] + comps["electron"] + comps["photon"]
