"""Emission sets and range tables for the cellular kernels (internal).

An emission set is a flat list of (transport kind, energy, weight per decay, radiation class):

- kind 0 ``alpha``: straight CSDA track, ASTAR range table (``brainrit.physics.alpha_range_table``).
- kind 1 electron (β⁻, β⁺, internal conversion, Auger): straight CSDA track with Cole's range–energy
  relation (Cole, Radiat Res 1969;38:7, as used for MIRD cellular S-values, Goddu et al. 1994) or the
  ESTAR CSDA range table (``electron_model="estar"``).
- kind 2 photon (γ, X, annihilation): kerma approximation with attenuation, D(x) = E·(μ_en/μ)(1 − e^{−μx})
  (NIST SRD-126 μ/ρ and μ_en/ρ); secondary electrons deposited where they are set in motion.
- kind 3 ``alpha_recoil``: deposited at the decay site (recoil ranges ≈ 0.1 µm).

β spectra are integrated on their tabulated grid (trapezoid weights; brainrit.nuclides scales each
spectrum so that its trapezoidal integral is the β yield). The β "lines" of ICRP-107 (branch mean
energies) are used only for nuclides without a tabulated spectrum.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numba
import numpy as np

from brainrit.checks import choice
from brainrit.errors import InputError
from brainrit.nuclides import RADIATION_CLASSES
from brainrit.physics import deposited_along_segment_MeV, range_um_from_energy

_KIND = {
    "alpha": 0,
    "alpha_recoil": 3,
    "beta_minus": 1,
    "beta_plus": 1,
    "ie": 1,
    "auger": 1,
    "gamma": 2,
    "xray": 2,
    "annihilation": 2,
}
ELECTRON_MODELS = ("cole", "estar")


@dataclass(frozen=True)
class Tables:
    """Range tables and photon coefficients for one material (internal)."""

    material: str
    density_g_cm3: float
    alpha_E: np.ndarray
    alpha_R: np.ndarray
    electron_E: np.ndarray
    electron_R: np.ndarray
    electron_model: str


@functools.lru_cache(maxsize=32)
def tables(material: str = "water", electron_model: str = "cole") -> Tables:
    """Range tables for ``material`` (cached)."""
    import brainrit.physics as ph

    mat = ph.get_material(material)
    model = choice("electron_model", electron_model, ELECTRON_MODELS)
    at = ph.alpha_range_table(mat.name)
    if model == "cole":
        # Cole's relation is for unit-density water; lengths scale as 1/ρ.
        ct = ph.cole_range_table()
        ee = ct.energy_MeV
        er = np.ascontiguousarray(ct.range_um / mat.density_g_cm3)
    else:
        et = ph.electron_range_table(mat.name)
        ee, er = et.energy_MeV, et.range_um
    return Tables(mat.name, float(mat.density_g_cm3), at.energy_MeV, at.range_um, ee, er, model)


@dataclass(frozen=True)
class EmissionSet:
    """Flat emission list (internal): arrays of equal length."""

    kind: np.ndarray  # int64
    energy_MeV: np.ndarray
    weight: np.ndarray  # per decay
    cls: np.ndarray  # index into RADIATION_CLASSES
    mu_per_um: np.ndarray  # photons: linear attenuation coefficient (1/µm); else 0
    ratio: np.ndarray  # photons: μ_en/μ; else 0

    def scaled(self, factor: float) -> EmissionSet:
        return EmissionSet(
            self.kind, self.energy_MeV, self.weight * factor, self.cls, self.mu_per_um, self.ratio
        )

    @staticmethod
    def concat(sets: list[EmissionSet]) -> EmissionSet:
        if not sets:
            z = np.zeros(0)
            return EmissionSet(z.astype(np.int64), z, z, z.astype(np.int64), z, z)
        return EmissionSet(
            *(np.ascontiguousarray(np.concatenate([getattr(s, f) for s in sets])) for f in _FIELDS)
        )

    def energy_per_decay_MeV(self) -> np.ndarray:
        """Energy emitted per decay by radiation class (MeV), shape (len(RADIATION_CLASSES),)."""
        return np.bincount(self.cls, self.weight * self.energy_MeV, minlength=len(RADIATION_CLASSES))


_FIELDS = ("kind", "energy_MeV", "weight", "cls", "mu_per_um", "ratio")


def monoenergetic(particle: str, energy_MeV: float) -> EmissionSet:
    """One emission of ``particle`` ("alpha" | "electron" | "photon") with weight 1."""
    kind = {"alpha": 0, "electron": 1, "photon": 2}[particle]
    cls = {"alpha": 0, "electron": 5, "photon": 6}[particle]
    a = np.array
    return EmissionSet(a([kind]), a([energy_MeV]), a([1.0]), a([cls]), a([0.0]), a([0.0]))


def with_photon_coefficients(es: EmissionSet, material: str, density_g_cm3: float) -> EmissionSet:
    """Fill μ and μ_en/μ for the photon entries."""
    ph_mask = es.kind == 2
    if not np.any(ph_mask):
        return es
    import brainrit.physics as ph

    e = es.energy_MeV[ph_mask]
    lo = 1e-3  # SRD-126 tables start at 1 keV; below, photons are absorbed locally (μ_en/μ ≈ 1)
    ec = np.maximum(e, lo)
    mu = np.asarray(ph.photon_mu_rho_cm2_g(ec, material), dtype=float) * density_g_cm3 * 1e-4
    muen = np.asarray(ph.photon_mu_en_rho_cm2_g(ec, material), dtype=float) * density_g_cm3 * 1e-4
    mu_all = es.mu_per_um.copy()
    ratio_all = es.ratio.copy()
    mu_all[ph_mask] = mu
    ratio_all[ph_mask] = np.minimum(muen / mu, 1.0)
    return EmissionSet(es.kind, es.energy_MeV, es.weight, es.cls, mu_all, ratio_all)


@functools.lru_cache(maxsize=256)
def member_emissions(nuclide: str, material: str, density_g_cm3: float) -> EmissionSet:
    """Emission set of one nuclide (no daughters), per decay of that nuclide (cached)."""
    from brainrit.nuclides import emissions

    em = emissions(nuclide)
    spectra = {"beta_minus": em.beta_minus_spectrum, "beta_plus": em.beta_plus_spectrum}
    parts = []
    for name, (energy, yld) in em.lines.items():
        if name not in _KIND:
            continue
        if spectra.get(name) is not None:
            continue  # β lines hold branch mean energies: the spectrum replaces them
        e = np.asarray(energy, dtype=float)
        y = np.asarray(yld, dtype=float)
        keep = (e > 0) & (y > 0)
        if not np.any(keep):
            continue
        n = int(keep.sum())
        c = RADIATION_CLASSES.index(name)
        parts.append(
            EmissionSet(
                np.full(n, _KIND[name], dtype=np.int64),
                e[keep],
                y[keep],
                np.full(n, c, np.int64),
                np.zeros(n),
                np.zeros(n),
            )
        )
    for name, spec in (("beta_minus", em.beta_minus_spectrum), ("beta_plus", em.beta_plus_spectrum)):
        if spec is None:
            continue
        e = np.asarray(spec[0], dtype=float)
        dn = np.asarray(spec[1], dtype=float)
        if e.size < 2:
            continue
        w = np.zeros_like(e)
        de = np.diff(e)
        w[:-1] += 0.5 * de
        w[1:] += 0.5 * de
        weight = dn * w
        keep = (e > 0) & (weight > 0)
        n = int(keep.sum())
        c = RADIATION_CLASSES.index(name)
        parts.append(
            EmissionSet(
                np.full(n, 1, dtype=np.int64),
                e[keep],
                weight[keep],
                np.full(n, c, np.int64),
                np.zeros(n),
                np.zeros(n),
            )
        )
    return with_photon_coefficients(merge_close_lines(EmissionSet.concat(parts)), material, density_g_cm3)


#: Relative width of the energy bins in which electron and photon lines of one radiation class are
#: merged (weight summed, energy = weight-averaged, so the energy emitted is unchanged). Nuclides with
#: thousands of Auger lines (e.g. Tb-149 chain: 4,600 lines) then cost a few hundred evaluations; the
#: effect on S-values is below 1e-3 relative (measured in tests/unit/test_cellular.py).
LINE_MERGE_WIDTH = 0.01


def merge_close_lines(es: EmissionSet, width: float = LINE_MERGE_WIDTH) -> EmissionSet:
    """Merge electron/photon lines of the same class within ``width`` relative energy (α lines kept)."""
    keep = es.kind == 0
    if es.energy_MeV.size == 0 or width <= 0:
        return es
    parts = [
        EmissionSet(
            es.kind[keep],
            es.energy_MeV[keep],
            es.weight[keep],
            es.cls[keep],
            es.mu_per_um[keep],
            es.ratio[keep],
        )
    ]
    for kind in (1, 2, 3):
        for c in np.unique(es.cls[es.kind == kind]):
            m = (es.kind == kind) & (es.cls == c)
            e = es.energy_MeV[m]
            w = es.weight[m]
            b = np.floor(np.log(e) / math.log1p(width)).astype(np.int64)
            ub, inv = np.unique(b, return_inverse=True)
            sw = np.bincount(inv, w, minlength=ub.size)
            swe = np.bincount(inv, w * e, minlength=ub.size)
            ok = sw > 0
            n = int(ok.sum())
            parts.append(
                EmissionSet(
                    np.full(n, kind, np.int64),
                    swe[ok] / sw[ok],
                    sw[ok],
                    np.full(n, c, np.int64),
                    np.zeros(n),
                    np.zeros(n),
                )
            )
    return EmissionSet.concat(parts)


def chain_members(
    nuclide: str,
    *,
    chain: bool,
    daughter_sources: Mapping[str, str] | None,
    allowed_sources: tuple[str, ...],
) -> list[tuple[str, float, str]]:
    """Radioactive members with their decays per parent decay and where they decay.

    ``daughter_sources`` maps a chain member to a compartment in ``allowed_sources``, ``"same"`` (where
    the parent is: the default) or ``"away"`` (decays elsewhere, not counted). Returns
    ``[(member, decays_per_parent_decay, location)]`` with location ``"same"`` or a compartment.
    """
    from brainrit.nuclides import decay_chain, parse_name

    try:
        parent = parse_name(nuclide)
    except InputError:
        raise
    except Exception:
        raise InputError("nuclide", nuclide, "a radionuclide name such as 'Pb-212'") from None
    if chain:
        dc = decay_chain(parent)
        members = [(m.name, float(m.decays_per_parent_decay)) for m in dc.radioactive]
    else:
        members = [(parent, 1.0)]
    names = {m for m, _ in members}
    where: dict[str, str] = {}
    for key, val in (daughter_sources or {}).items():
        try:
            m = parse_name(key)
        except Exception:
            m = str(key)
        if m not in names or m == parent:
            others = ", ".join(sorted(names - {parent})) or "none (chain=False or a stable daughter)"
            raise InputError("daughter_sources", key, f"a daughter in the chain of {parent}: {others}")
        where[m] = choice(f"daughter_sources[{key!r}]", val, (*allowed_sources, "same", "away"))
    out = []
    for m, n_dec in members:
        loc = where.get(m, "same")
        if n_dec > 0 and loc != "away":
            out.append((m, n_dec, loc))
    return out


# ----------------------------------------------------------------------------------------------
# numba: energy lost along a track
# ----------------------------------------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def deposited(kind, energy, x, mu, ratio, ta_E, ta_R, te_E, te_R):  # pragma: no cover - compiled
    """Energy (MeV) lost by a particle within path length x of its origin."""
    if x <= 0.0:
        return 0.0
    if kind == 0:
        return deposited_along_segment_MeV(energy, 0.0, x, ta_E, ta_R)
    if kind == 1:
        return deposited_along_segment_MeV(energy, 0.0, x, te_E, te_R)
    if kind == 2:
        return -energy * ratio * math.expm1(-mu * x)
    return energy


@numba.njit(cache=True, nogil=True)
def track_range(kind, energy, ta_E, ta_R, te_E, te_R):  # pragma: no cover - compiled
    """CSDA range (µm); inf for photons, 0 for local deposition."""
    if kind == 0:
        return range_um_from_energy(energy, ta_E, ta_R)
    if kind == 1:
        return range_um_from_energy(energy, te_E, te_R)
    if kind == 2:
        return np.inf
    return 0.0


@numba.njit(cache=True, nogil=True)
def cumulative_kernel(
    kind, energy, weight, cls, mu, ratio, ta_E, ta_R, te_E, te_R, xgrid, out
):  # pragma: no cover
    """out[c, j] += Σ_k weight_k · D_k(xgrid[j]) for emissions of class c (MeV per decay)."""
    for k in range(energy.shape[0]):
        c = cls[k]
        w = weight[k]
        e = energy[k]
        r = track_range(kind[k], e, ta_E, ta_R, te_E, te_R)
        for j in range(xgrid.shape[0]):
            x = xgrid[j]
            if x >= r and kind[k] != 2:
                out[c, j] += w * e if x > 0.0 else 0.0
            else:
                out[c, j] += w * deposited(kind[k], e, x, mu[k], ratio[k], ta_E, ta_R, te_E, te_R)


def kernel_grid(
    x_max_um: float, h_um: float, uniform_to_um: float = 150.0, growth: float = 1.02
) -> np.ndarray:
    """x grid: uniform spacing ``h_um`` to ``uniform_to_um``, then geometric (ratio ``growth``) to x_max."""
    u = min(uniform_to_um, x_max_um)
    n = max(2, math.ceil(u / h_um) + 1)
    g = np.linspace(0.0, u, n)
    if x_max_um > u:
        m = math.ceil(math.log(x_max_um / u) / math.log(growth))
        g = np.concatenate((g, u * growth ** np.arange(1, m + 1)))
    return np.ascontiguousarray(g)


def max_range_um(es: EmissionSet, tb: Tables) -> float:
    """Longest track range in the set (µm); photons: 5 mean free paths at the lowest μ."""
    r = 0.0
    for kind, ta, tr in ((0, tb.alpha_E, tb.alpha_R), (1, tb.electron_E, tb.electron_R)):
        m = es.kind == kind
        if np.any(m):
            e = float(es.energy_MeV[m].max())
            r = max(r, float(range_um_from_energy(e, ta, tr)))
    m = es.kind == 2
    if np.any(m):
        r = max(r, 5.0 / float(es.mu_per_um[m].min()))
    return r
