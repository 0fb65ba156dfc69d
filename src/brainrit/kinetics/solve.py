"""Solvers for :class:`~brainrit.kinetics.model.KineticModel`.

* Linear models (``saturable=False``, tracer-limit binding): exact propagation on a uniform time grid with the
  matrix exponential of the augmented matrix [[M, 0], [I, 0]], which carries both the amounts x and their time
  integrals y = ∫x dt (scipy.linalg.expm, stacked over parameter sets); integrals to infinity by -M⁻¹x.
* Saturable binding: the antibody amounts (which set the free antigen), the atoms and their integrals are
  solved together as one stiff ODE with scipy's BDF and an analytic sparse Jacobian; many parameter sets are
  stacked into one block-diagonal system (vectorised). After ``t_end_h`` the binding rates are frozen and the
  tail is integrated analytically (-M⁻¹x(t_end)). For time-integrated activities of many sets
  (:func:`solve_batch`) only the antibody amounts are integrated: atoms on antibody are the antibody amounts
  times the carrier-retained decay chain, and released atoms follow linearly (exact, :func:`_saturable_tia`).

Mass balance holds by construction (both methods preserve linear invariants): for each tracked member,
atoms in the body + decayed + excreted = atoms produced (injected for the parent), see
:attr:`KineticsResult.mass_balance`.

Examples
--------
>>> from types import SimpleNamespace as NS
>>> from brainrit.kinetics import default_model, solve
>>> m = lambda n, t, d: NS(name=n, half_life_s=t, stable=t == float("inf"), daughters=d)
>>> toy = NS(parent="Pb-212", members=(m("Pb-212", 38304.0, (("Bi-212", 1.0),)),
...     m("Bi-212", 3633.0, (("Pb-208", 1.0),)), m("Pb-208", float("inf"), ())))
>>> res = solve(default_model("mouse", chain=toy, saturable=False), 1.0, n_times=50)
>>> res.times_h.shape, res.decays_per_g("metastasis") > res.decays_per_g("brain")
((50,), True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
from scipy import sparse
from scipy.integrate import BDF, solve_ivp
from scipy.linalg import expm

from brainrit.checks import choice, positive
from brainrit.errors import BrainritError, InputError
from brainrit.kinetics.model import OUTPUT_REGIONS, Assembled, KineticModel, half_life_h

__all__ = ["BatchKineticsResult", "KineticsResult", "solve", "solve_batch"]


@dataclass(frozen=True)
class KineticsResult:
    """Time-activity curves and time-integrated activities of one solved model.

    Attributes
    ----------
    times_h : ndarray
        Time grid, h (uniform from 0 to t_end).
    activity_Bq : Mapping[(region, member), ndarray]
        Activity curves. Regions: the organs of :data:`brainrit.kinetics.model.OUTPUT_REGIONS`, each including
        its residual blood, and "plasma" (the whole circulating pool, overlapping the organs' blood).
    tia_Bq_s : Mapping[(region, member), float]
        Time-integrated activity from injection to infinity, Bq·s (= number of decays).
    region_mass_g : Mapping[str, float]
    members : tuple[str, ...]
        All radioactive members reported (tracked and in-place).
    tia_to_end_Bq_s : Mapping[(region, member), float]
        Same, integrated only to the end of the time grid.
    compartment_tia_Bq_s : Mapping[(region, pool, member), float]
        Decays by pool: "blood", "interstitial", "cellular", "bound" (antigen-bound, luminal), "free"
        (released).
    mass_balance : Mapping[member, Mapping[str, ndarray]]
        For each tracked member, atoms over time: "in_body", "decayed", "excreted", "produced".
    injected_activity_MBq : float
        Activity of each injection, MBq.
    cycles, interval_h : int, float
        Number of injections and the time between them (h); curves and TIAs include all of them.
    """

    times_h: np.ndarray
    activity_Bq: Mapping[tuple[str, str], np.ndarray]
    tia_Bq_s: Mapping[tuple[str, str], float]
    region_mass_g: Mapping[str, float]
    members: tuple[str, ...] = ()
    injected_activity_MBq: float = 0.0
    tia_to_end_Bq_s: Mapping[tuple[str, str], float] = field(default_factory=dict)
    compartment_tia_Bq_s: Mapping[tuple[str, str, str], float] = field(default_factory=dict)
    mass_balance: Mapping[str, Mapping[str, np.ndarray]] = field(default_factory=dict)
    method: str = ""
    cycles: int = 1
    interval_h: float = 0.0

    def _check_region(self, region: str) -> str:
        return choice("region", region, tuple(self.region_mass_g))

    def decays_per_g(self, region: str, member: str | None = None) -> float:
        """Decays per gram of ``region`` (time-integrated to infinity); ``member=None`` sums all members."""
        r = self._check_region(region)
        if member is None:
            tot = sum(self.tia_Bq_s[(r, m)] for m in self.members)
        else:
            tot = self.tia_Bq_s[(r, choice("member", member, self.members))]
        return float(tot / self.region_mass_g[r])

    def ratio(self, region: str = "metastasis", reference: str = "brain", member: str | None = None) -> float:
        """Decays-per-gram ratio between two regions (default: metastasis / healthy brain)."""
        return self.decays_per_g(region, member) / self.decays_per_g(reference, member)

    def to_table(self) -> list[dict[str, float | str]]:
        """Rows ``{"region", "member", "TIA_Bq_s", "decays_per_g"}`` for every region and member."""
        rows: list[dict[str, float | str]] = []
        for r in self.region_mass_g:
            for m in self.members:
                tia = float(self.tia_Bq_s[(r, m)])
                rows.append(
                    {"region": r, "member": m, "TIA_Bq_s": tia, "decays_per_g": tia / self.region_mass_g[r]}
                )
        return rows


@dataclass(frozen=True)
class BatchKineticsResult:
    """Time-integrated activities of many parameter sets solved together.

    ``tia_Bq_s[s, i, k]``: set s, region ``regions[i]``, member ``members[k]``; ``region_mass_g[s, i]``.
    """

    regions: tuple[str, ...]
    members: tuple[str, ...]
    tia_Bq_s: np.ndarray
    region_mass_g: np.ndarray

    def decays_per_g(self, region: str, member: str | None = None) -> np.ndarray:
        """Decays per gram of ``region`` for every set, shape (n_sets,)."""
        i = self.regions.index(choice("region", region, self.regions))
        if member is None:
            tia = self.tia_Bq_s[:, i, :].sum(axis=1)
        else:
            tia = self.tia_Bq_s[:, i, self.members.index(choice("member", member, self.members))]
        return tia / self.region_mass_g[:, i]


# ----------------------------------------------------------------------------------------------------
# linear: augmented matrix exponential


def _linear(asms: Sequence[Assembled], times: np.ndarray, x0: np.ndarray) -> tuple[np.ndarray, ...]:
    S, n = len(asms), asms[0].n_x
    M = np.stack([a.linear_matrix(a.binding_rates(None)) for a in asms])
    dt = times[1] - times[0]
    A = np.zeros((S, 2 * n, 2 * n))
    A[:, :n, :n] = M * dt
    A[:, n:, :n] = np.eye(n) * dt
    Z = expm(A)
    z = np.zeros((S, 2 * n))
    z[:, :n] = x0
    xs = np.empty((S, len(times), n))
    ys = np.empty((S, len(times), n))
    xs[:, 0], ys[:, 0] = z[:, :n], 0.0
    for k in range(1, len(times)):
        z = np.einsum("sij,sj->si", Z, z)
        xs[:, k], ys[:, k] = z[:, :n], z[:, n:]
    y_inf = ys[:, -1] + np.linalg.solve(-M, xs[:, -1][..., None])[..., 0]
    return xs, ys, y_inf


# ----------------------------------------------------------------------------------------------------
# saturable: stacked stiff ODE with analytic sparse Jacobian


class _StackedBinding:
    """What both stacked saturable systems share: per set, the carrier matrix K and the antigen binding
    (total antigen, k_on, injected amount; binding pools ``bp``), and the binding rate at given carrier
    amounts."""

    def __init__(self, asms: Sequence[Assembled]) -> None:
        a0 = asms[0]
        self.S = len(asms)
        self.n_c = a0.n_c
        self.K = np.stack([a.K_c0 for a in asms])
        self.r_tot = np.stack([a.r_tot_mol for a in asms])
        self.kon = np.array([a.kon_per_mol_h for a in asms])[:, None]
        self.n_inj = np.array([a.n_inj_mol for a in asms])[:, None]
        self.bp = a0.b_pool

    def _kb(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Binding rate per pool (h⁻¹) at carrier amounts ``a`` and its derivative factor (0 if saturated)."""
        r_free = self.r_tot - a[:, self.bp] * self.n_inj
        kb = self.kon * np.maximum(r_free, 0.0)
        g = self.kon * self.n_inj * (r_free > 0)
        return kb, g


class _Stacked(_StackedBinding):
    """Right-hand side and Jacobian of S stacked saturable models (state per set: a, x, y)."""

    def __init__(self, asms: Sequence[Assembled]) -> None:
        super().__init__(asms)
        a0 = asms[0]
        S, n_c = self.S, self.n_c
        self.n_x = n_x = a0.n_x
        self.nz = nz = n_c + 2 * n_x
        self.M = np.stack([a.M0 for a in asms])
        self.p_idx, self.b_idx = a0.p_idx, a0.b_idx
        nb, ntr = len(self.bp), len(self.p_idx)
        # sparsity pattern of one block
        kmask = np.any(self.K != 0, axis=0)
        mmask = np.any(self.M != 0, axis=0)
        J = np.zeros((nz, nz), dtype=bool)
        J[:n_c, :n_c] = kmask
        J[n_c : n_c + n_x, n_c : n_c + n_x] = mmask
        J[n_c + n_x :, n_c : n_c + n_x] = np.eye(n_x, dtype=bool)
        J[0, 0] = True
        J[self.bp, 0] = J[0, self.bp] = J[self.bp, self.bp] = True
        xp, xb = n_c + self.p_idx, n_c + self.b_idx
        J[xp, xp] = True
        J[xb, np.broadcast_to(xp[:, None], xb.shape)] = True
        J[np.broadcast_to(xp[:, None], (ntr, nb)), np.broadcast_to(self.bp, (ntr, nb))] = True
        J[xb, np.broadcast_to(self.bp, (ntr, nb))] = True
        rows, cols = np.nonzero(J)
        pos = -np.ones((nz, nz), dtype=np.int64)
        pos[rows, cols] = np.arange(len(rows))
        self.rows, self.cols = rows, cols
        self.pos_aPP = pos[0, 0]
        self.pos_aBP, self.pos_aPB, self.pos_aBB = pos[self.bp, 0], pos[0, self.bp], pos[self.bp, self.bp]
        self.pos_xPP = pos[xp, xp]
        self.pos_xBP = pos[xb, xp[:, None]]
        self.pos_xPa = pos[xp[:, None], self.bp[None, :]]
        self.pos_xBa = pos[xb, self.bp[None, :]]
        V = np.zeros((S, len(rows)))
        sel = (rows < n_c) & (cols < n_c)
        V[:, sel] = self.K[:, rows[sel], cols[sel]]
        sel = (rows >= n_c) & (rows < n_c + n_x)
        V[:, sel] = self.M[:, rows[sel] - n_c, cols[sel] - n_c]
        V[:, rows >= n_c + n_x] = 1.0
        self.V_static = V
        off = (np.arange(S) * nz)[:, None]
        self.g_rows = (rows[None, :] + off).ravel()
        self.g_cols = (cols[None, :] + off).ravel()

    def rhs(self, t: float, zf: np.ndarray) -> np.ndarray:
        z = zf.reshape(self.S, self.nz)
        a, x = z[:, : self.n_c], z[:, self.n_c : self.n_c + self.n_x]
        kb, _ = self._kb(a)
        da = np.einsum("sij,sj->si", self.K, a)
        da[:, 0] -= kb.sum(axis=1) * a[:, 0]
        da[:, self.bp] += kb * a[:, :1]
        dx = np.einsum("sij,sj->si", self.M, x)
        xP = x[:, self.p_idx]
        dx[:, self.p_idx] -= kb.sum(axis=1)[:, None] * xP
        dx[:, self.b_idx] += kb[:, None, :] * xP[:, :, None]
        return np.concatenate([da, dx, x], axis=1).ravel()

    def jac(self, t: float, zf: np.ndarray) -> sparse.csc_matrix:
        z = zf.reshape(self.S, self.nz)
        a, x = z[:, : self.n_c], z[:, self.n_c : self.n_c + self.n_x]
        kb, g = self._kb(a)
        V = self.V_static.copy()
        aP = a[:, :1]
        V[:, self.pos_aPP] -= kb.sum(axis=1)
        V[:, self.pos_aBP] += kb
        V[:, self.pos_aPB] += g * aP
        V[:, self.pos_aBB] -= g * aP
        V[:, self.pos_xPP] -= kb.sum(axis=1)[:, None]
        V[:, self.pos_xBP] += kb[:, None, :]
        xP = x[:, self.p_idx]
        V[:, self.pos_xPa] += g[:, None, :] * xP[:, :, None]
        V[:, self.pos_xBa] -= g[:, None, :] * xP[:, :, None]
        n = self.S * self.nz
        return sparse.csc_matrix((V.ravel(), (self.g_rows, self.g_cols)), shape=(n, n))

    def kb_at(self, z: np.ndarray) -> np.ndarray:
        return self._kb(z[:, : self.n_c])[0]


def _saturable(
    asms: Sequence[Assembled],
    times: np.ndarray,
    x0: np.ndarray,
    rtol: float,
    atol: float,
    starts: Sequence[int] = (0,),
) -> tuple[np.ndarray, ...]:
    """Solve from each injection (grid indices ``starts``) to the next, adding the injected antibody and
    parent atoms to the state at each start (sequential solution of repeated injections)."""
    st = _Stacked(asms)
    S, n_c, n_x = st.S, st.n_c, st.n_x
    z = np.zeros((S, st.nz))
    Z = np.zeros((S, len(times), st.nz))
    ends = [*starts[1:], len(times) - 1]
    for i0, i1 in zip(starts, ends, strict=True):
        z[:, 0] += 1.0
        z[:, n_c : n_c + n_x] += x0
        Z[:, i0] = z
        if i1 == i0:
            continue
        sol = solve_ivp(
            st.rhs,
            (times[i0], times[i1]),
            z.ravel(),
            method="BDF",
            t_eval=times[i0 : i1 + 1],
            jac=st.jac,
            rtol=rtol,
            atol=atol,
        )
        if not sol.success:  # pragma: no cover - solver failure
            raise BrainritError(f"kinetics ODE solver failed: {sol.message}")
        Z[:, i0 : i1 + 1] = sol.y.T.reshape(i1 - i0 + 1, S, st.nz).transpose(1, 0, 2)
        z = Z[:, i1].copy()
    xs, ys = Z[:, :, n_c : n_c + n_x], Z[:, :, n_c + n_x :]
    kb_end = st.kb_at(Z[:, -1])
    M_end = np.stack([a.linear_matrix(kb_end[s]) for s, a in enumerate(asms)])
    y_inf = ys[:, -1] + np.linalg.solve(-M_end, xs[:, -1][..., None])[..., 0]
    return xs, ys, y_inf


# ----------------------------------------------------------------------------------------------------
# saturable, time-integrals only: the carrier (antibody) system and its decay-weighted integrals


def _chain_matrix(asm: Assembled) -> np.ndarray:
    """Scalar decay-chain matrix L (n_tr, n_tr) of atoms that stay on their carrier: L[m, m] = -λ_m,
    L[d, p] = (1 - f_d)·b·λ_p (daughter d kept on the carrier when parent p decays), read from M0."""
    p = asm.p_idx
    L = asm.M0[np.ix_(p, p)].copy()
    L[np.diag_indices_from(L)] = -asm.decay[p]
    return L


class _Carrier(_StackedBinding):
    """Right-hand side and Jacobian of the antibody (carrier) amounts a (n_c per set) of S stacked saturable
    models, and the carrier-retained chain β(t) = exp(L t) e_0 (the same for all sets: chain and release
    are part of the model structure)."""

    def __init__(self, asms: Sequence[Assembled]) -> None:
        super().__init__(asms)
        a0 = asms[0]
        S, n_c = self.S, self.n_c
        self.n_tr = n_tr = len(a0.p_idx)
        self.L = L = _chain_matrix(a0)
        # β(t) = Σ_j c_j exp(l_j t) from the eigen-decomposition of L (distinct decay constants: Bateman);
        # expm(L t) if two nearly coincide
        self.lam_eig, V = np.linalg.eig(L)
        self.c_eig = V * np.linalg.solve(V, np.eye(n_tr)[:, 0])[None, :] if np.linalg.cond(V) < 1e6 else None
        J = np.any(self.K != 0, axis=0)
        J[0, 0] = True
        J[self.bp, 0] = J[0, self.bp] = J[self.bp, self.bp] = True
        rows, cols = np.nonzero(J)
        pos = -np.ones((n_c, n_c), dtype=np.int64)
        pos[rows, cols] = np.arange(len(rows))
        self.pos_aPP = pos[0, 0]
        self.pos_aBP, self.pos_aPB, self.pos_aBB = pos[self.bp, 0], pos[0, self.bp], pos[self.bp, self.bp]
        self.V_static = self.K[:, rows, cols]
        off = (np.arange(S) * n_c)[:, None]
        self.g_rows = (rows[None, :] + off).ravel()
        self.g_cols = (cols[None, :] + off).ravel()

    def beta(self, t: np.ndarray) -> np.ndarray:
        """β at times ``t`` (1-D), shape (n_tr, len(t))."""
        t = np.atleast_1d(t)
        if self.c_eig is None:
            return np.stack([expm(self.L * ti)[:, 0] for ti in t], axis=1)
        return np.real(self.c_eig @ np.exp(self.lam_eig[:, None] * t[None, :]))

    def rhs(self, t: float, zf: np.ndarray) -> np.ndarray:
        a = zf.reshape(self.S, self.n_c)
        kb, _ = self._kb(a)
        da = np.matmul(self.K, a[..., None])[..., 0]
        da[:, 0] -= kb.sum(axis=1) * a[:, 0]
        da[:, self.bp] += kb * a[:, :1]
        return da.ravel()

    def jac(self, t: float, zf: np.ndarray) -> sparse.csc_matrix:
        a = zf.reshape(self.S, self.n_c)
        kb, g = self._kb(a)
        V = self.V_static.copy()
        aP = a[:, :1]
        V[:, self.pos_aPP] -= kb.sum(axis=1)
        V[:, self.pos_aBP] += kb
        V[:, self.pos_aPB] += g * aP
        V[:, self.pos_aBB] -= g * aP
        n = self.S * self.n_c
        return sparse.csc_matrix((V.ravel(), (self.g_rows, self.g_cols)), shape=(n, n))


class _BlockBDF(BDF):
    """scipy's BDF for a block-diagonal system of ``blocks`` equal blocks: the Newton matrix I - cJ is
    inverted block by block with batched dense LAPACK (the same linear solves as SuperLU on the whole
    sparse matrix, which dominated the run time for blocks of 17)."""

    def __init__(self, fun, t0, y0, t_bound, *, blocks: int, **options) -> None:
        super().__init__(fun, t0, y0, t_bound, **options)
        nb = int(blocks)
        size = self.n // nb

        def lu(A: sparse.spmatrix) -> np.ndarray:
            self.nlu += 1
            coo = sparse.coo_matrix(A)
            D = np.zeros((nb, size, size))
            D[coo.row // size, coo.row % size, coo.col % size] = coo.data
            return np.linalg.inv(D)

        def solve_lu(inv: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.matmul(inv, b.reshape(nb, size, 1)).ravel()

        self.lu, self.solve_lu = lu, solve_lu


# Gauss-Legendre nodes per BDF step: exact to degree 7, the step's interpolant has degree ≤ 5 and β is smooth
# on the step (its decay constants × step ≪ 1 where a(t) varies)
_GAUSS_NODES = 4


def _saturable_tia(asms: Sequence[Assembled], t_end: float, rtol: float, atol: float) -> np.ndarray:
    """Time integrals to infinity y_inf (S, n_x) of saturable models after one injection at t = 0.

    Same model and answer as :func:`_saturable` (which solves the atoms too), but only the carrier system
    is integrated numerically. Exact reductions, for any binding history kb(t):

    * carrier pools: member m's carrier amounts obey dx_m/dt = (K(t) - λ_m) x_m + Σ_p (1-f_m) b λ_p x_p
      with the antibody's own transport K(t) (binding included), so x_m(t) = β_m(t) a(t) where
      β = exp(L t) e_0 is the carrier-retained chain (:func:`_chain_matrix`);
    * free (released) pools are linear and time-invariant, fed only by carrier pools:
      ∫0^∞ x_f = -M_ff⁻¹ M_fc ∫0^∞ x_c.

    So only a(t) (n_c per set) is integrated (BDF, tolerances as for the full system); ∫0^T β_m a dt comes
    from Gauss-Legendre quadrature of BDF's dense output. After ``t_end`` the binding rates are frozen, as
    in :func:`_saturable`: ∫_T^∞ x_c = -M_cc(kb_T)⁻¹ x_c(T).
    """
    st = _Carrier(asms)
    S, n_c, n_tr = st.S, st.n_c, st.n_tr
    a0 = asms[0]
    z = np.zeros((S, n_c))
    z[:, 0] = 1.0
    sol = solve_ivp(
        st.rhs,
        (0.0, t_end),
        z.ravel(),
        method=_BlockBDF,
        t_eval=[t_end],
        dense_output=True,
        jac=st.jac,
        rtol=rtol,
        atol=atol,
        blocks=S,
    )
    if not sol.success:  # pragma: no cover - solver failure
        raise BrainritError(f"kinetics ODE solver failed: {sol.message}")
    aT = sol.y[:, -1].reshape(S, n_c)
    # q[s, m] = ∫0^T β_m(t) a_s(t) dt: Gauss-Legendre on each step of BDF's interpolating polynomial
    xg, wg = np.polynomial.legendre.leggauss(_GAUSS_NODES)
    q = np.zeros((S, n_tr, n_c))
    ts = sol.sol.ts
    for i, interp in enumerate(sol.sol.interpolants):
        half = 0.5 * (ts[i + 1] - ts[i])
        tn = 0.5 * (ts[i] + ts[i + 1]) + half * xg
        q += np.einsum("scg,mg->smc", interp(tn).reshape(S, n_c, -1), st.beta(tn) * (half * wg))
    kb_end = st._kb(aT)[0]
    n_p = a0.n_c + a0.n_f
    ci = (np.arange(n_tr)[:, None] * n_p + np.arange(n_c)[None, :]).ravel()
    fi = np.setdiff1d(np.arange(a0.n_x), ci)
    M_end = np.stack([a.linear_matrix(kb_end[s]) for s, a in enumerate(asms)])
    xcT = (st.beta(t_end)[None, :, 0, None] * aT[:, None, :]).reshape(S, -1)
    y_c = q.reshape(S, -1) + np.linalg.solve(-M_end[:, ci][:, :, ci], xcT[..., None])[..., 0]
    rhs_f = np.einsum("sij,sj->si", M_end[:, fi][:, :, ci], y_c)
    y = np.empty((S, a0.n_x))
    y[:, ci] = y_c
    y[:, fi] = np.linalg.solve(-M_end[:, fi][:, :, fi], rhs_f[..., None])[..., 0]
    return y


# ----------------------------------------------------------------------------------------------------


def _grid(model: KineticModel, t_end_h: float | None, n_times: int) -> np.ndarray:
    if isinstance(n_times, bool) or not isinstance(n_times, (int, np.integer)) or n_times < 2:
        raise InputError("n_times", n_times, "an integer >= 2")
    t_end = 10.0 * half_life_h(model) if t_end_h is None else positive("t_end_h", t_end_h)
    return np.linspace(0.0, t_end, int(n_times))


def _cycle_grid(
    model: KineticModel, t_end_h: float | None, n_times: int, cycles: int, interval_h: float
) -> tuple[np.ndarray, list[int]]:
    """Uniform grid on which every injection time ``k·interval_h`` is a grid point, and their indices.

    Default end: the last injection plus 10 half-lives; the step is the one ``n_times`` points would give,
    shortened so that it divides the interval.
    """
    if isinstance(cycles, bool) or not isinstance(cycles, (int, np.integer)) or not 1 <= cycles <= 100:
        raise InputError("cycles", cycles, "an integer from 1 to 100")
    if cycles == 1:
        return _grid(model, t_end_h, n_times), [0]
    dt_inj = positive("interval_h", interval_h)
    last = (cycles - 1) * dt_inj
    t_end = last + 10.0 * half_life_h(model) if t_end_h is None else positive("t_end_h", t_end_h)
    if t_end <= last:
        raise InputError("t_end_h", t_end_h, f"> the last injection at {last:g} h")
    grid = _grid(model, t_end, n_times)
    per = max(1, math.ceil(dt_inj / (grid[1] - grid[0]) - 1e-9))
    step = dt_inj / per
    n = math.ceil(t_end / step - 1e-9) + 1
    return np.arange(n) * step, [k * per for k in range(int(cycles))]


def _x0(asm: Assembled) -> np.ndarray:
    x0 = np.zeros(asm.n_x)
    x0[asm.p_idx[0]] = 1.0
    return x0


def _clip_roundoff(a: np.ndarray, atol: float, *, axis: int = -2, rel: float = 1e-9) -> np.ndarray:
    """Set to 0 the tiny negative amounts that ODE / matrix-exponential round-off leaves.

    Amounts of atoms cannot be negative. A negative value is round-off when it is smaller in size than
    ``rel`` times the peak of its own state variable (over ``axis``, time by default) plus ten times
    the solver's absolute tolerance; such values are set to 0. Larger negatives are left alone, so
    that a genuine solver failure still shows downstream.
    """
    peak = np.max(np.abs(a), axis=axis, keepdims=True) if a.size else np.zeros_like(a)
    tiny = (a < 0.0) & (a >= -(rel * peak + 10.0 * atol))
    return np.where(tiny, 0.0, a) if np.any(tiny) else a


def _run(
    models: Sequence[KineticModel],
    times: np.ndarray,
    rtol: float,
    atol: float,
    starts: Sequence[int] = (0,),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    asms = [m.assembled for m in models]
    if models[0].saturable:
        xs, ys, y_inf = _saturable(asms, times, _x0(asms[0]), rtol, atol, starts)
        return _clip_roundoff(xs, atol), _clip_roundoff(ys, atol), _clip_roundoff(y_inf, atol, axis=-1)
    xs, ys, y_inf = _linear(asms, times, _x0(asms[0]))
    xs, ys, y_inf = _clip_roundoff(xs, atol), _clip_roundoff(ys, atol), _clip_roundoff(y_inf, atol, axis=-1)
    if len(starts) == 1:
        return xs, ys, y_inf
    # linear kinetics: injections superpose (each shifted by its start index)
    xt, yt = np.zeros_like(xs), np.zeros_like(ys)
    for i0 in starts:
        xt[:, i0:] += xs[:, : xs.shape[1] - i0]
        yt[:, i0:] += ys[:, : ys.shape[1] - i0]
    return xt, yt, y_inf * len(starts)


def solve(
    model: KineticModel,
    injected_activity_MBq: float,
    *,
    t_end_h: float | None = None,
    n_times: int = 200,
    rtol: float = 1e-8,
    atol: float = 1e-14,
    cycles: int = 1,
    interval_h: float = 0.0,
) -> KineticsResult:
    """Solve ``model`` after intravenous injection of ``injected_activity_MBq`` of the chain parent.

    Repeated administrations (``cycles`` injections of ``injected_activity_MBq`` every ``interval_h``):
    linear models superpose the single-injection solution shifted to each injection (exact for linear
    kinetics); saturable models are solved sequentially, the injected antibody and atoms being added to
    the state at each injection (earlier injections' antibody occupies antigen).

    Parameters
    ----------
    model : KineticModel
        Injected activity of the parent at t = 0 (daughters not yet present), MBq.
    t_end_h : float, optional
        End of the time grid, h (default 10 parent half-lives). TIA is integrated to infinity regardless.
    n_times : int
        Number of grid points.
    rtol, atol : float
        ODE tolerances (saturable models; atol in fractions of the injected amount).
    cycles : int
        Number of injections (1–100).
    interval_h : float
        Time between injections, h (> 0 when ``cycles`` > 1). Injection times are grid points.

    Returns
    -------
    KineticsResult

    Examples
    --------
    >>> from brainrit.kinetics import default_model
    >>> res = solve(default_model("mouse"), 0.5)
    >>> round(res.ratio("metastasis", "brain"), 1)  # calibrated to Corroyer-Dulmont et al. 2020
    6.0
    >>> sorted(res.to_table()[0])
    ['TIA_Bq_s', 'decays_per_g', 'member', 'region']
    """
    if not isinstance(model, KineticModel):
        raise InputError("model", model, "a KineticModel (from brainrit.kinetics.default_model)")
    a0 = positive("injected_activity_MBq", injected_activity_MBq)
    times, starts = _cycle_grid(model, t_end_h, n_times, cycles, interval_h)
    xs, ys, y_inf = _run([model], times, rtol, atol, starts)
    given = np.searchsorted(np.asarray(starts), np.arange(len(times)), side="right").astype(float)
    res = _result(model, model.assembled, a0, times, xs[0], ys[0], y_inf[0], given)
    return replace(res, cycles=int(cycles), interval_h=float(interval_h) if cycles > 1 else 0.0)


def _result(
    model: KineticModel,
    asm: Assembled,
    a0_MBq: float,
    times: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    y_inf: np.ndarray,
    given: np.ndarray | None = None,
) -> KineticsResult:
    ch = model.chain
    n_p = asm.n_c + asm.n_f
    lam_h = np.asarray(ch.decay_per_h)
    n0 = a0_MBq * 1e6 / (lam_h[0] / 3600.0)  # injected parent atoms
    act: dict[tuple[str, str], np.ndarray] = {}
    tia: dict[tuple[str, str], float] = {}
    tia_end: dict[tuple[str, str], float] = {}
    comp: dict[tuple[str, str, str], float] = {}
    balance: dict[str, dict[str, np.ndarray]] = {}
    regions = OUTPUT_REGIONS
    for m, name in enumerate(ch.tracked):
        sl = slice(m * n_p, (m + 1) * n_p)
        curve = (x[:, sl] @ asm.W.T) * (lam_h[m] / 3600.0) * n0
        inf = (y_inf[sl] @ asm.W.T) * lam_h[m] * n0
        end = (y[-1, sl] @ asm.W.T) * lam_h[m] * n0
        for i, r in enumerate(regions):
            act[(r, name)] = curve[:, i]
            tia[(r, name)] = float(inf[i])
            tia_end[(r, name)] = float(end[i])
        for kind, P in asm.pool_maps.items():
            vals = (P @ y_inf[sl]) * lam_h[m] * n0
            for i, r in enumerate(regions[:-1]):
                comp[(r, kind, name)] = float(vals[i])
        injected = np.ones(len(times)) if given is None else given
        produced = injected if m == 0 else np.zeros(len(times))
        for pi, di, b in ch.production:
            if di == m:
                produced = produced + b * lam_h[pi] * y[:, pi * n_p : (pi + 1) * n_p].sum(axis=1)
        balance[name] = {
            "in_body": x[:, sl].sum(axis=1) * n0,
            "decayed": lam_h[m] * y[:, sl].sum(axis=1) * n0,
            "excreted": y[:, sl] @ asm.excretion[sl] * n0,
            "produced": produced * n0,
        }
    for name, c, ratio in ch.in_place:
        carrier = ch.tracked[c]
        for r in regions:
            act[(r, name)] = act.get((r, name), 0.0) + ratio * act[(r, carrier)]
            tia[(r, name)] = tia.get((r, name), 0.0) + ratio * tia[(r, carrier)]
            tia_end[(r, name)] = tia_end.get((r, name), 0.0) + ratio * tia_end[(r, carrier)]
        for (r, kind, mem), v in list(comp.items()):
            if mem == carrier:
                comp[(r, kind, name)] = comp.get((r, kind, name), 0.0) + ratio * v
    return KineticsResult(
        times_h=times,
        activity_Bq=MappingProxyType(act),
        tia_Bq_s=MappingProxyType(tia),
        region_mass_g=MappingProxyType(model.region_mass_g),
        members=ch.all_members,
        injected_activity_MBq=a0_MBq,
        tia_to_end_Bq_s=MappingProxyType(tia_end),
        compartment_tia_Bq_s=MappingProxyType(comp),
        mass_balance=MappingProxyType({k: MappingProxyType(v) for k, v in balance.items()}),
        method="BDF (saturable binding)" if model.saturable else "matrix exponential (linear binding)",
    )


def solve_batch(
    models: Sequence[KineticModel],
    injected_activity_MBq: float,
    *,
    t_end_h: float | None = None,
    n_times: int = 50,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    chunk_size: int | None = None,
    method: str = "reduced",
) -> BatchKineticsResult:
    """Solve many parameter sets of one model structure together (vectorised) and return their TIAs.

    All models must share chain, bound regions, release and ``saturable`` (:attr:`KineticModel.structure`).
    Linear models: TIA to infinity by one batched linear solve (-M⁻¹x0, exact); saturable models:
    block-diagonal stiff ODEs of ``chunk_size`` sets at a time (BDF, analytic Jacobian), then the
    frozen-binding tail. ``method="reduced"`` (default) integrates only the antibody amounts (17 states a
    set, Newton blocks inverted by batched LAPACK) and gets the atoms exactly from them and their
    decay-weighted integrals (:func:`_saturable_tia`); ``method="full"`` integrates antibody, atoms and atom
    integrals together (the reference solver, as :func:`solve`). The two agree to ~1e-6 relative at the
    default tolerances (tests/unit/test_kinetics_batch.py checks 1e-4); the reduced path is ~9× faster.
    ``chunk_size`` (default 250 reduced, 50 full: ~4,000–6,000 states) keeps BDF's error-norm vectors below
    the length at which OpenBLAS multithreads ``dot``; on a loaded machine those threads spin and slowed
    a 100-set full chunk 5-fold and a 1,000-set reduced chunk 10-fold in our measurements (setting
    ``OPENBLAS_NUM_THREADS=1`` avoids it too).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> from brainrit.kinetics import default_model
    >>> m = lambda n, t, d: NS(name=n, half_life_s=t, stable=t == float("inf"), daughters=d)
    >>> toy = NS(parent="Pb-212", members=(m("Pb-212", 38304.0, (("Pb-208", 1.0),)),
    ...     m("Pb-208", float("inf"), ())))
    >>> base = default_model("mouse", chain=toy, saturable=False)
    >>> sets = [base.with_overrides(plasma_clearance_mL_per_h=c) for c in (0.002, 0.02)]
    >>> out = solve_batch(sets, 1.0)
    >>> bool(out.decays_per_g("brain")[0] > out.decays_per_g("brain")[1])
    True
    """
    models = list(models)
    if not models:
        raise InputError("models", models, "a non-empty sequence of KineticModel")
    for i, m in enumerate(models):
        if not isinstance(m, KineticModel):
            raise InputError(f"models[{i}]", m, "a KineticModel")
        if m.structure != models[0].structure:
            raise InputError(
                f"models[{i}]", m.target, "the same chain, bound regions, release and saturable flag"
            )
    a0 = positive("injected_activity_MBq", injected_activity_MBq)
    method = choice("method", method, ("reduced", "full"))
    times = _grid(models[0], t_end_h, n_times)
    asms = [m.assembled for m in models]
    x0 = _x0(asms[0])
    if models[0].saturable:
        if chunk_size is None:
            chunk_size = 250 if method == "reduced" else 50
        size = max(1, int(positive("chunk_size", chunk_size)))
        chunks = [asms[i : i + size] for i in range(0, len(asms), size)]
        if method == "reduced":
            y_inf = np.concatenate([_saturable_tia(c, times[-1], rtol, atol) for c in chunks])
        else:
            y_inf = np.concatenate([_saturable(c, times, x0, rtol, atol)[2] for c in chunks])
    else:  # TIA to infinity of a linear system: y = -M⁻¹ x0, one batched solve
        M = np.stack([a.linear_matrix(a.binding_rates(None)) for a in asms])
        y_inf = np.linalg.solve(-M, np.broadcast_to(x0, (len(asms), x0.size))[..., None])[..., 0]
    ch = models[0].chain
    asm = models[0].assembled
    n_p = asm.n_c + asm.n_f
    lam_h = np.asarray(ch.decay_per_h)
    n0 = a0 * 1e6 / (lam_h[0] / 3600.0)
    members = ch.all_members
    tia = np.zeros((len(models), len(OUTPUT_REGIONS), len(members)))
    Ws = np.stack([m.assembled.W for m in models])
    for k in range(len(ch.tracked)):
        sl = slice(k * n_p, (k + 1) * n_p)
        tia[:, :, k] = np.einsum("sij,sj->si", Ws, y_inf[:, sl]) * lam_h[k] * n0
    for name, c, ratio in ch.in_place:
        tia[:, :, members.index(name)] += ratio * tia[:, :, c]
    masses = np.array([[m.region_mass_g[r] for r in OUTPUT_REGIONS] for m in models])
    return BatchKineticsResult(regions=OUTPUT_REGIONS, members=members, tia_Bq_s=tia, region_mass_g=masses)
