"""Cross-dose between two spherical cells (MIRD-type, straight CSDA tracks).

S_cross(T←S; d): dose to compartment T of a target cell per decay in compartment S of a source cell
whose centre is at distance d (Gy/(Bq·s)). The energy reaching a ball target from a point source at
distance s, e(s), is integrated over the distribution of s for points uniform in the source ball
(density 3s² f(d, s, a)/a³) or on its surface (s/(2ad)) — the point-pair geometry of Goddu et al.
(J Nucl Med 1994;35:303) for non-concentric spheres (MIRDcell cross-dose; Vaziri et al., J Nucl Med
2014;55:1557).

Examples
--------
>>> s = cross_s_value("Pb-212", "N", "C", 20.0, cell_radius_um=5.0, nucleus_radius_um=3.0)
>>> 0 < s < s_value("Pb-212", "N", "C", 5.0, 3.0)
True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from brainrit.checks import array_finite, choice, positive
from brainrit.dosimetry.cellular import _kernel as kn
from brainrit.dosimetry.cellular import _sources as src
from brainrit.dosimetry.cellular.svalues import (
    PARTICLES,
    RADIATION_CLASSES,
    SOURCES,
    TARGETS,
    _compartment,
    _masses_kg,
    _radii,
    s_value,
)
from brainrit.errors import InputError
from brainrit.units import MEV_TO_J

__all__ = ["cross_s_value", "cross_s_value_monoenergetic", "cross_s_values", "s_value"]


def _members(
    nuclide: str, chain: bool, daughter_sources: Mapping[str, str] | None
) -> tuple[tuple[str, float], ...]:
    ms = src.chain_members(nuclide, chain=chain, daughter_sources=daughter_sources, allowed_sources=())
    return tuple((m, n) for m, n, _ in ms)


def _distances(distance_um, rc_t: float, rc_s: float) -> np.ndarray:
    d = array_finite("distance_um", distance_um, low=0.0, strict_low=True)
    bad = d < (rc_t + rc_s) * (1 - 1e-12)
    if np.any(bad):
        v = float(np.atleast_1d(d)[np.argmax(np.atleast_1d(bad))])
        raise InputError(
            "distance_um", v, f">= the sum of the two cell radii, {rc_t + rc_s:g} µm (cells may not overlap)"
        )
    return d


def _cross(
    kernel: kn.PointKernel, d: np.ndarray, rc: float, rn: float, rc_s: float, rn_s: float
) -> np.ndarray:
    """Energy matrix (…, class, 3, 4) in MeV per decay for each distance."""
    e_n = kn.ball_response(kernel, rn)
    e_c = kn.ball_response(kernel, rc)
    flat = np.atleast_1d(d).ravel()
    out = np.zeros((flat.size, len(RADIATION_CLASSES), 3, 4))
    for i, di in enumerate(flat):
        kn.cross_energy(float(di), rc_s, rn_s, kernel.x_um, e_n, e_c, out[i])
    return out.reshape((*np.shape(d), len(RADIATION_CLASSES), 3, 4))


def cross_s_values(
    nuclide: str,
    distance_um,
    cell_radius_um: float,
    nucleus_radius_um: float,
    *,
    source_cell_radius_um: float | None = None,
    source_nucleus_radius_um: float | None = None,
    material: str = "water",
    chain: bool = True,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
) -> dict[str, np.ndarray]:
    """Cross-dose S-values for every target × source, per radiation class.

    Parameters
    ----------
    nuclide : str
    distance_um : float or array
        Centre-to-centre distance(s) (µm), ≥ R_C(target) + R_C(source).
    cell_radius_um, nucleus_radius_um : float
        Target cell (µm).
    source_cell_radius_um, source_nucleus_radius_um : float, optional
        Source cell (µm); default the target cell's.
    daughter_sources : Mapping[str, str], optional
        ``"same"`` (default) or ``"away"`` per daughter.

    Returns
    -------
    dict
        Radiation class -> array (…, 3, 4) in Gy/(Bq·s) (rows N, Cy, C; columns N, Cy, CS, C), plus
        ``"total"``.

    Examples
    --------
    >>> t = cross_s_values("At-211", [12.0, 30.0], 5.0, 3.0)
    >>> t["total"].shape, bool(t["total"][0, 0, 0] > t["total"][1, 0, 0])
    ((2, 3, 4), True)
    """
    rc, rn = _radii(cell_radius_um, nucleus_radius_um)
    rc_s, rn_s = _radii(
        rc if source_cell_radius_um is None else source_cell_radius_um,
        rn if source_nucleus_radius_um is None else source_nucleus_radius_um,
    )
    d = _distances(distance_um, rc, rc_s)
    tb = src.tables(material, electron_model)
    kernel = kn.point_kernel_for(_members(nuclide, chain, daughter_sources), tb.material, tb.electron_model)
    e = _cross(kernel, d, rc, rn, rc_s, rn_s)
    s = e * MEV_TO_J / _masses_kg(rc, rn, tb.density_g_cm3)[:, None]
    out = {c: s[..., i, :, :] for i, c in enumerate(RADIATION_CLASSES)}
    out["total"] = s.sum(axis=-3)
    return out


def cross_s_value(
    nuclide: str,
    target: str,
    source: str,
    distance_um,
    *,
    cell_radius_um: float,
    nucleus_radius_um: float,
    source_cell_radius_um: float | None = None,
    source_nucleus_radius_um: float | None = None,
    material: str = "water",
    chain: bool = True,
    by_class: bool = False,
    daughter_sources: Mapping[str, str] | None = None,
    electron_model: str = "cole",
):
    """Cross-dose S(target ← source; d) between two cells (Gy/(Bq·s)); float, array, or per class.

    Examples
    --------
    >>> near = cross_s_value("Lu-177", "N", "N", 10.0, cell_radius_um=5.0, nucleus_radius_um=3.0)
    >>> bool(near > cross_s_value("Lu-177", "N", "N", 20.0, cell_radius_um=5.0, nucleus_radius_um=3.0))
    True
    """
    t = TARGETS.index(_compartment("target", target, TARGETS))
    s = SOURCES.index(_compartment("source", source, SOURCES))
    tab = cross_s_values(
        nuclide, distance_um, cell_radius_um, nucleus_radius_um,
        source_cell_radius_um=source_cell_radius_um, source_nucleus_radius_um=source_nucleus_radius_um,
        material=material, chain=chain, daughter_sources=daughter_sources, electron_model=electron_model,
    )  # fmt: skip
    if by_class:
        return {c: _scalar(v[..., t, s]) for c, v in tab.items() if c != "total"}
    return _scalar(tab["total"][..., t, s])


def cross_s_value_monoenergetic(
    particle: str,
    energy_MeV: float,
    target: str,
    source: str,
    distance_um,
    *,
    cell_radius_um: float,
    nucleus_radius_um: float,
    material: str = "water",
    electron_model: str = "cole",
):
    """Cross-dose for one α or electron per decay (Gy per emitted particle), cells of equal size.

    Examples
    --------
    >>> s = cross_s_value_monoenergetic("alpha", 5.0, "N", "C", 10.0, cell_radius_um=5.0,
    ...     nucleus_radius_um=3.0)
    >>> s > 0
    True
    """
    p = choice("particle", particle, PARTICLES)
    e = positive("energy_MeV", energy_MeV)
    t = TARGETS.index(_compartment("target", target, TARGETS))
    s = SOURCES.index(_compartment("source", source, SOURCES))
    rc, rn = _radii(cell_radius_um, nucleus_radius_um)
    d = _distances(distance_um, rc, rc)
    tb = src.tables(material, electron_model)
    top = float(tb.alpha_E[-1] if p == "alpha" else tb.electron_E[-1])
    if e > top:
        raise InputError("energy_MeV", energy_MeV, f"<= {top:g} MeV (top of the {p} range table)")
    kernel = kn.monoenergetic_kernel(p, e, tb.material, tb.electron_model)
    en = _cross(kernel, d, rc, rn, rc, rn).sum(axis=-3)
    sv = en * MEV_TO_J / _masses_kg(rc, rn, tb.density_g_cm3)[:, None]
    return _scalar(sv[..., t, s])


def _scalar(a: np.ndarray):
    return float(a) if np.ndim(a) == 0 else np.asarray(a)
