"""Compartment model of a radiolabelled antibody: target-mediated endothelial binding, chain-aware decay.

Structure (per tracked chain member; amounts are atoms as a fraction of the injected parent atoms):

* **carrier pools** (atoms still on the antibody): plasma P; interstitium I_r and cell-associated C_r of every
  region r (brain, metastasis, liver, spleen, kidneys, marrow, remainder); antigen-bound B_r on the luminal
  endothelium of regions that express the target (VCAM-1: metastasis and healthy brain).
* **free pools** (atoms released from the chelate): plasma and one pool per region, with the free-ion kinetics
  of the element (free Bi: kidney uptake, urinary excretion); elements without free-ion data stay where
  released.

Antibody transport (Shah & Betts 2012 convection/lymph structure): P → I_r at L_r(1-σ_v,r)/V_p, I_r → P at
L_r(1-σ_IS)/V_IS,r, with lymph flow L_r = 0.002 × plasma flow; non-specific uptake I_r → C_r; loss of
residualised label from C_r (catabolism_per_h); linear plasma clearance CL/V_p (FcRn-protected catabolism).

Target binding on the luminal surface: P → B_r at k_on·R_free,r/V_p, with R_free,r = R_tot,r − bound antibody
(mol), R_tot,r = density (µm⁻²) × vascular surface (µm² g⁻¹) × mass / N_A; B_r → P at k_off; B_r → C_r at
k_int (antigen re-expressed, so R_tot is constant). With ``saturable=False`` R_free = R_tot (tracer limit,
linear).

Decay: each tracked member decays with its physical constant in every pool. A daughter born on the carrier
stays on it with probability 1 − f (f = release fraction, default 0.36 for ²¹²Bi after ²¹²Pb β⁻ decay;
Mirzadeh et al. 1993, Radiochim Acta 60:1 [K]) or enters the free pool of the same
region (from plasma and from luminal antigen-bound antibody: the free plasma pool). Daughters of free atoms
stay free.
Short-lived members (²¹²Po, ²⁰⁸Tl) decay in place with their carrier (see :mod:`brainrit.kinetics.chain`).

Examples
--------
>>> from brainrit.kinetics.model import default_model
>>> from brainrit.kinetics.chain import chain_spec
>>> from types import SimpleNamespace as NS
>>> m = lambda n, t, d: NS(name=n, half_life_s=t, stable=t == float("inf"), daughters=d)
>>> toy = NS(parent="Pb-212", members=(m("Pb-212", 38304.0, (("Bi-212", 1.0),)),
...     m("Bi-212", 3633.0, (("Pb-208", 1.0),)), m("Pb-208", float("inf"), ())))
>>> model = default_model("mouse", chain=toy)
>>> model.bound_regions
('brain', 'metastasis')
>>> model.with_overrides(**{"metastasis.mass_g": 0.02}).params["metastasis.mass_g"]
0.02
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.checks import close_matches, finite, in_range, non_negative
from brainrit.errors import DataError, InputError
from brainrit.kinetics.chain import ChainSpec, chain_spec
from brainrit.kinetics.physiology import REGIONS, Physiology, reference_physiology
from brainrit.kinetics.targets import Target, get_target
from brainrit.units import AVOGADRO_PER_MOL

__all__ = ["ORGAN_FIELDS", "OUTPUT_REGIONS", "Assembled", "KineticModel", "default_model"]

ORGAN_FIELDS = (
    "mass_g",
    "plasma_flow_mL_per_h",
    "residual_plasma_mL_per_g",
    "interstitial_fraction",
    "vascular_reflection",
    "vascular_surface_cm2_per_g",
    "nonspecific_uptake_per_h",
)
#: Regions reported in results: the organs (each including its residual blood) and "plasma" (whole circulating
#: pool, overlapping the organs' blood content).
OUTPUT_REGIONS: tuple[str, ...] = (*REGIONS, "plasma")
_GLOBAL = (
    "body_mass_g",
    "plasma_volume_mL",
    "haematocrit",
    "lymph_flow_fraction",
    "lymph_reflection",
    "plasma_clearance_mL_per_h",
    "catabolism_per_h",
)
_TARGET = (
    "k_on_per_M_per_s",
    "k_off_per_s",
    "internalisation_per_h",
    "antibody_mg_per_kg",
    "antibody_molar_mass_g_per_mol",
)
_FRACTIONS = (
    "haematocrit",
    "lymph_flow_fraction",
    "lymph_reflection",
    "interstitial_fraction",
    "vascular_reflection",
)


def _flatten(phys: Physiology, target: Target) -> dict[str, float]:
    p: dict[str, float] = {k: float(getattr(phys, k)) for k in _GLOBAL}
    for r, o in phys.organs.items():
        for f in ORGAN_FIELDS:
            p[f"{r}.{f}"] = float(getattr(o, f))
    for el, k in phys.free_ions.items():
        p[f"free_{el}.urine_per_h"] = k.urine_per_h
        for r in REGIONS:
            p[f"free_{el}.uptake_per_h.{r}"] = k.uptake_per_h[r]
            p[f"free_{el}.return_per_h.{r}"] = k.return_per_h[r]
    for f in _TARGET:
        p[f"target.{f}"] = float(getattr(target, f))
    for r in REGIONS:
        p[f"target.density_per_um2.{r}"] = float(target.density_per_um2.get(r, 0.0))
    return p


def _check_param(name: str, value: Any) -> float:
    leaf = name.rsplit(".", 1)[-1]
    if leaf in _FRACTIONS:
        hi = 0.999999 if leaf == "interstitial_fraction" else 1.0
        v = in_range(name, value, 0.0, hi)
        if leaf == "interstitial_fraction" and v <= 0:
            raise InputError(name, value, "a fraction in (0, 1)")
        return v
    if leaf in (
        "mass_g",
        "plasma_volume_mL",
        "body_mass_g",
        "k_on_per_M_per_s",
        "antibody_molar_mass_g_per_mol",
    ):
        v = finite(name, value)
        if v <= 0:
            raise InputError(name, value, "a finite number > 0")
        return v
    return non_negative(name, value)


@dataclass(frozen=True)
class Assembled:
    """Numerical form of a model (matrices in 1/h, pools as documented in :mod:`brainrit.kinetics.model`)."""

    n_c: int
    n_f: int
    K_c0: np.ndarray  # carrier transport without binding (n_c, n_c)
    M0: np.ndarray  # atoms, all members, without binding (n_x, n_x)
    decay: np.ndarray  # (n_x,) decay constant of each state
    excretion: np.ndarray  # (n_x,) excretion rate constant of each state
    member_of: np.ndarray  # (n_x,) tracked-member index of each state
    p_idx: np.ndarray  # (n_tr,) state index of carrier plasma pool of each member
    b_idx: np.ndarray  # (n_tr, nb) state index of bound pools
    b_pool: np.ndarray  # (nb,) carrier-pool index of bound pools
    r_tot_mol: np.ndarray  # (nb,) antigen amount per bound region
    kon_per_mol_h: float  # k_on / V_p: binding rate per mol of free antigen, 1/(mol h)
    n_inj_mol: float  # injected antibody
    W: np.ndarray  # (n_out, n_c + n_f) pools -> output regions
    pool_maps: Mapping[str, np.ndarray]  # pool kind -> (n_regions, n_c + n_f)

    @property
    def n_x(self) -> int:
        return self.M0.shape[0]

    def binding_rates(self, bound_fraction: np.ndarray | None) -> np.ndarray:
        """k_on R_free / V_p (1/h) per bound region, given antibody bound fractions (None: tracer limit)."""
        r_free = (
            self.r_tot_mol if bound_fraction is None else self.r_tot_mol - bound_fraction * self.n_inj_mol
        )
        return self.kon_per_mol_h * np.maximum(r_free, 0.0)

    def linear_matrix(self, kb: np.ndarray) -> np.ndarray:
        """Atom matrix with binding rates ``kb`` frozen."""
        M = self.M0.copy()
        for j in range(len(kb)):
            M[self.p_idx, self.p_idx] -= kb[j]
            M[self.b_idx[:, j], self.p_idx] += kb[j]
        return M

    def carrier_matrix(self, kb: np.ndarray) -> np.ndarray:
        K = self.K_c0.copy()
        for j, b in enumerate(self.b_pool):
            K[0, 0] -= kb[j]
            K[b, 0] += kb[j]
        return K


@dataclass(frozen=True)
class KineticModel:
    """A parameterised kinetic model; build with :func:`default_model`, change with :meth:`with_overrides`.

    ``params`` is a flat mapping of every number the model uses (see :meth:`parameter_names`); names are
    ``<global>``, ``<region>.<field>``, ``free_<El>.<...>`` and ``target.<...>``.
    """

    species: str
    nuclide: str
    target: str
    chain: ChainSpec
    params: Mapping[str, float]
    release: Mapping[str, float] = field(default_factory=dict)
    saturable: bool = True

    def parameter_names(self) -> tuple[str, ...]:
        return tuple(self.params)

    def with_overrides(self, **overrides: float) -> KineticModel:
        """New model with some parameters replaced (``a.b`` may be written ``a__b`` as a keyword)."""
        new = dict(self.params)
        for raw, v in overrides.items():
            key = raw.replace("__", ".")
            if key not in new:
                near = close_matches(key, new)
                hint = ("did you mean " + " or ".join(repr(n) for n in near) + "?") if near else None
                raise InputError(
                    "override", raw, "a model parameter name (KineticModel.parameter_names())", hint
                )
            new[key] = _check_param(key, v)
        return replace(self, params=MappingProxyType(new))

    @property
    def regions(self) -> tuple[str, ...]:
        return REGIONS

    @property
    def bound_regions(self) -> tuple[str, ...]:
        return tuple(r for r in REGIONS if self.params[f"target.density_per_um2.{r}"] > 0)

    @property
    def region_mass_g(self) -> dict[str, float]:
        out = {r: self.params[f"{r}.mass_g"] for r in REGIONS}
        out["plasma"] = self.params["plasma_volume_mL"] * 1.025  # plasma density 1.025 g/mL [K]
        return out

    @property
    def structure(self) -> tuple[Any, ...]:
        """Key that models solved together in one batch must share."""
        return (self.chain, self.bound_regions, tuple(sorted(self.release.items())), self.saturable)

    @cached_property
    def assembled(self) -> Assembled:
        return _assemble(self)


def _assemble(model: KineticModel) -> Assembled:
    p = model.params
    ch = model.chain
    nr = len(REGIONS)
    bound = model.bound_regions
    nb = len(bound)
    n_c = 1 + 2 * nr + nb
    n_f = 1 + nr
    n_p = n_c + n_f
    n_tr = len(ch.tracked)
    vp_mL = p["plasma_volume_mL"]

    def add(K: np.ndarray, src: int, dst: int | None, k: float) -> None:
        if k == 0.0:
            return
        K[src, src] -= k
        if dst is not None:
            K[dst, src] += k

    I = lambda i: 1 + i  # noqa: E731
    C = lambda i: 1 + nr + i  # noqa: E731
    K_c = np.zeros((n_c, n_c))
    e_c = np.zeros(n_c)
    for i, r in enumerate(REGIONS):
        L = p["lymph_flow_fraction"] * p[f"{r}.plasma_flow_mL_per_h"]
        v_is = p[f"{r}.interstitial_fraction"] * p[f"{r}.mass_g"]
        add(K_c, 0, I(i), L * (1.0 - p[f"{r}.vascular_reflection"]) / vp_mL)
        add(K_c, I(i), 0, L * (1.0 - p["lymph_reflection"]) / v_is)
        add(K_c, I(i), C(i), p[f"{r}.nonspecific_uptake_per_h"])
        add(K_c, C(i), None, p["catabolism_per_h"])
        e_c[C(i)] = p["catabolism_per_h"]
    add(K_c, 0, None, p["plasma_clearance_mL_per_h"] / vp_mL)
    e_c[0] = p["plasma_clearance_mL_per_h"] / vp_mL
    b_pool = np.arange(1 + 2 * nr, n_c)
    r_tot = np.zeros(nb)
    for j, r in enumerate(bound):
        i = REGIONS.index(r)
        add(K_c, b_pool[j], 0, p["target.k_off_per_s"] * 3600.0)
        add(K_c, b_pool[j], C(i), p["target.internalisation_per_h"])
        sites = (
            p[f"target.density_per_um2.{r}"] * p[f"{r}.vascular_surface_cm2_per_g"] * 1e8 * p[f"{r}.mass_g"]
        )
        r_tot[j] = sites / AVOGADRO_PER_MOL

    def free_matrix(element: str) -> tuple[np.ndarray, np.ndarray]:
        K = np.zeros((n_f, n_f))
        e = np.zeros(n_f)
        if f"free_{element}.urine_per_h" not in p:
            return K, e  # no free-ion kinetics: released atoms stay where they are
        for i, r in enumerate(REGIONS):
            add(K, 0, 1 + i, p[f"free_{element}.uptake_per_h.{r}"])
            add(K, 1 + i, 0, p[f"free_{element}.return_per_h.{r}"])
        add(K, 0, None, p[f"free_{element}.urine_per_h"])
        e[0] = p[f"free_{element}.urine_per_h"]
        return K, e

    S = np.zeros((n_f, n_c))
    S[0, 0] = 1.0
    for i in range(nr):
        S[1 + i, I(i)] = 1.0
        S[1 + i, C(i)] = 1.0
    S[0, b_pool] = 1.0

    n_x = n_tr * n_p
    M0 = np.zeros((n_x, n_x))
    decay = np.zeros(n_x)
    excr = np.zeros(n_x)
    member_of = np.repeat(np.arange(n_tr), n_p)
    lam = np.asarray(ch.decay_per_h)
    rel = [float(model.release.get(n, 0.0)) for n in ch.tracked]
    for m, el in enumerate(ch.elements):
        o = m * n_p
        K_f, e_f = free_matrix(el)
        M0[o : o + n_c, o : o + n_c] = K_c
        M0[o + n_c : o + n_p, o + n_c : o + n_p] = K_f
        excr[o : o + n_c] = e_c
        excr[o + n_c : o + n_p] = e_f
        decay[o : o + n_p] = lam[m]
    M0 -= np.diag(decay)
    for pi, di, b in ch.production:
        op, od = pi * n_p, di * n_p
        k = b * lam[pi]
        f = rel[di]
        M0[od : od + n_c, op : op + n_c] += (1.0 - f) * k * np.eye(n_c)
        M0[od + n_c : od + n_p, op : op + n_c] += f * k * S
        M0[od + n_c : od + n_p, op + n_c : op + n_p] += k * np.eye(n_f)

    share = np.array([p[f"{r}.residual_plasma_mL_per_g"] * p[f"{r}.mass_g"] / vp_mL for r in REGIONS])
    share[-1] = 1.0 - share[:-1].sum()
    if share[-1] < 0:
        raise InputError(
            "residual_plasma_mL_per_g",
            float(share[:-1].sum()),
            "organ residual plasma adding up to <= the plasma volume (fraction shown)",
        )
    W = np.zeros((nr + 1, n_p))
    pools = {k: np.zeros((nr, n_p)) for k in ("blood", "interstitial", "cellular", "bound", "free")}
    for i, r in enumerate(REGIONS):
        for M_ in (W, pools["blood"]):
            M_[i, 0] = share[i]
            M_[i, n_c] = share[i]
        W[i, I(i)] = W[i, C(i)] = W[i, n_c + 1 + i] = 1.0
        pools["interstitial"][i, I(i)] = 1.0
        pools["cellular"][i, C(i)] = 1.0
        pools["free"][i, n_c + 1 + i] = 1.0
        if r in bound:
            j = bound.index(r)
            W[i, b_pool[j]] = 1.0
            pools["bound"][i, b_pool[j]] = 1.0
    W[nr, 0] = W[nr, n_c] = 1.0

    n_inj = (
        p["target.antibody_mg_per_kg"]
        * p["body_mass_g"]
        * 1e-3
        * 1e-3
        / p["target.antibody_molar_mass_g_per_mol"]
    )
    return Assembled(
        n_c=n_c,
        n_f=n_f,
        K_c0=K_c,
        M0=M0,
        decay=decay,
        excretion=excr,
        member_of=member_of,
        p_idx=np.arange(n_tr) * n_p,
        b_idx=np.arange(n_tr)[:, None] * n_p + b_pool[None, :],
        b_pool=b_pool,
        r_tot_mol=r_tot,
        kon_per_mol_h=p["target.k_on_per_M_per_s"] * 3600.0 / (vp_mL * 1e-3),
        n_inj_mol=n_inj,
        W=W,
        pool_maps=MappingProxyType(pools),
    )


def _decay_chain(nuclide: str) -> Any:
    try:
        from brainrit.nuclides import decay_chain
    except ImportError as exc:  # pragma: no cover - depends on the nuclides module being installed
        raise DataError(f"brainrit.nuclides is not available ({exc}); pass chain=... explicitly") from exc
    return decay_chain(nuclide)


def default_model(
    species: str = "mouse",
    *,
    nuclide: str = "Pb-212",
    target: str | Target = "VCAM-1",
    release_fraction: float = 0.36,
    saturable: bool = True,
    body_mass_g: float | None = None,
    chain: Any = None,
    equilibrium_half_life_s: float = 600.0,
    days_after_seeding: float | None = None,
    **overrides: float,
) -> KineticModel:
    """Reference kinetic model of ``nuclide``-labelled anti-``target`` antibody in ``species``.

    Parameters
    ----------
    species : str
        "mouse" or "human" (:func:`brainrit.kinetics.physiology.reference_physiology`).
    nuclide : str
        Chain parent, e.g. "Pb-212"; the chain comes from :func:`brainrit.nuclides.decay_chain`.
    target : str or Target
        Shipped target name ("VCAM-1") or a user :class:`~brainrit.kinetics.targets.Target`.
    release_fraction : float
        Fraction of the first tracked daughter freed from the chelate at its birth (default 0.36 for
        ²¹²Bi after ²¹²Pb β⁻ decay, Mirzadeh et al. 1993, Radiochim Acta 60:1). Applied to the
        first tracked daughter of the parent when free-ion kinetics exist for its element (shipped: Bi);
        otherwise daughters stay on the carrier.
    saturable : bool
        Saturable target binding (stiff ODE) if True; tracer-limit linear binding (matrix exponential)
        if False.
    body_mass_g : float, optional
        Scale the reference physiology allometrically to this body mass.
    chain : DecayChain, optional
        Chain to use instead of ``brainrit.nuclides.decay_chain(nuclide)``.
    equilibrium_half_life_s : float
        Members with shorter half-lives decay in place with their carrier (default 600 s).
    days_after_seeding : float, optional
        Time of injection after metastasis seeding. Before the target's ``onset_days`` (VCAM-1: 5 d, Serres et
        al. 2012) the metastasis endothelium carries only the healthy-brain density. Expression is taken as
        constant over the few days of the antibody kinetics.
    **overrides : float
        Any model parameter by name (``"metastasis.mass_g"`` or ``metastasis__mass_g``).

    Returns
    -------
    KineticModel

    Examples
    --------
    >>> m = default_model("mouse", nuclide="Pb-212")
    >>> m.chain.tracked, dict(m.release), m.params["target.density_per_um2.metastasis"]
    (('Pb-212', 'Bi-212'), {'Bi-212': 0.36}, 75.4)
    """
    phys = reference_physiology(species, body_mass_g=body_mass_g)
    tgt = target if isinstance(target, Target) else get_target(target)
    ch = chain if chain is not None else _decay_chain(nuclide)
    spec = chain_spec(ch, equilibrium_half_life_s=equilibrium_half_life_s)
    f = in_range("release_fraction", release_fraction, 0.0, 1.0)
    flat = _flatten(phys, tgt)
    if days_after_seeding is not None:
        if non_negative("days_after_seeding", days_after_seeding) < tgt.onset_days:
            flat["target.density_per_um2.metastasis"] = flat["target.density_per_um2.brain"]
    release = {}
    if len(spec.tracked) > 1 and f > 0 and f"free_{spec.elements[1]}.urine_per_h" in flat:
        release = {spec.tracked[1]: f}
    model = KineticModel(
        species=phys.species,
        nuclide=spec.parent,
        target=tgt.name,
        chain=spec,
        params=MappingProxyType(flat),
        release=MappingProxyType(release),
        saturable=bool(saturable),
    )
    return model.with_overrides(**overrides) if overrides else model


def half_life_h(model: KineticModel) -> float:
    """Physical half-life of the chain parent, h."""
    return math.log(2.0) / model.chain.decay_per_h[0]
