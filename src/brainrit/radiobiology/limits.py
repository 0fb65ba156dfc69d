"""Organ-at-risk limits for radionuclide therapy and the injected activity that respects all of them.

Limits (defaults in ``brainrit/data/organ_limits.toml``, each with its source):

* red marrow: RBE-weighted absorbed dose ≤ 2 Gy, the usual radioimmunotherapy limit (Sgouros 1993, J Nucl
  Med 34:689; EANM guidelines, Hindorf et al. 2010, Eur J Nucl Med Mol Imaging 37:1238);
* kidneys: BED ≤ 28 Gy with risk factors for renal damage, ≤ 40 Gy without (Bodei et al. 2008, Eur J Nucl
  Med Mol Imaging 35:1847; Wessels et al. 2008, MIRD Pamphlet 20, J Nucl Med 49:1884), α/β 2.5 Gy and
  repair half-time 2.8 h; the BED of the decaying source uses the Lea–Catcheside G factor of the kidneys'
  own dose-rate history (:func:`~brainrit.radiobiology.g_factor`, Dale 1985);
* healthy brain: brain-necrosis NTCP ≤ 5 % (Emami 1991 TD5/5 convention; LKB, Burman 1991);
* cognition: hippocampal EQD2 ≤ 7.3 Gy (Gondi et al. 2012, Int J Radiat Oncol Biol Phys 83:e487; D40%
  threshold — for RIT the hippocampi receive the uniform healthy-brain dose, so D40% = the mean).

RBE: all of these limits come from low-LET irradiation. Wherever a limit is compared, α dose is weighted by
the scenario's RBE_α (``RBE·D_α + D_low``, Gy(RBE); MIRD Pamphlet 22, Sgouros et al. 2010, J Nucl Med
51:311). **No α RBE has been established for marrow, kidneys, brain or hippocampus**; the limits are only
as good as that assumption. In the BED the α term is linear (no repair sparing): ``BED = RBE·D_α +
D_low(1 + G·D_low/(α/β))`` (:func:`~brainrit.radiobiology.bed_mixed`).

Examples
--------
>>> lim = organ_limits()
>>> lim.marrow_rbe_Gy, lim.kidney_bed_limit_Gy, organ_limits(kidney_risk_factors=False).kidney_bed_limit_Gy
(2.0, 28.0, 40.0)
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import numpy as np

from brainrit.checks import in_range, positive
from brainrit.errors import DataError, InputError

__all__ = [
    "LIMITED_BY",
    "ActivityPlan",
    "OrganDose",
    "OrganLimits",
    "dose_per_MBq_rows",
    "optimise_activity",
    "organ_limits",
]

_FILE = "organ_limits.toml"

#: What can set the optimum activity.
LIMITED_BY: tuple[str, ...] = ("brain", "marrow", "kidneys", "cognition", "scan range")


@functools.lru_cache(maxsize=1)
def _table() -> Mapping[str, Mapping[str, Any]]:
    try:
        raw = tomllib.loads((files("brainrit") / "data" / _FILE).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - packaging error
        raise DataError(f"cannot read packaged {_FILE}: {exc}") from exc
    for organ, body in raw.items():
        for key, entry in body.items():
            if not {"value", "unit", "source", "tag"} <= set(entry):
                raise DataError(f"{_FILE}: [{organ}.{key}] needs value, unit, source and tag")
    return MappingProxyType(raw)


def _default(organ: str, key: str) -> float:
    return float(_table()[organ][key]["value"])


def _gondi() -> float:
    from brainrit.radiobiology.parameter_library import parameters

    return float(parameters("hippocampus_gondi_d40")["threshold_eqd2_Gy"])


@dataclass(frozen=True)
class OrganLimits:
    """Organ-at-risk limits compared with RBE-weighted doses (see the module docstring for sources).

    Attributes
    ----------
    marrow_rbe_Gy : float
        Red-marrow RBE-weighted absorbed dose limit, Gy(RBE).
    kidney_bed_with_risk_factors_Gy, kidney_bed_without_risk_factors_Gy : float
        Kidney BED limits, Gy.
    kidney_risk_factors : bool
        Whether the patient has risk factors for renal damage (selects the 28 or 40 Gy limit).
    kidney_alpha_beta_Gy, kidney_repair_half_time_h : float
        LQ parameters of late renal damage.
    brain_necrosis_ntcp : float
        Highest acceptable brain-necrosis NTCP.
    hippocampus_eqd2_Gy : float
        Hippocampal EQD2 (α/β 2 Gy) limit for cognition (Gondi 2012 D40% threshold).

    Examples
    --------
    >>> OrganLimits(kidney_risk_factors=False).kidney_bed_limit_Gy
    40.0
    """

    marrow_rbe_Gy: float = field(default_factory=lambda: _default("marrow", "rbe_weighted_dose_Gy"))
    kidney_bed_with_risk_factors_Gy: float = field(
        default_factory=lambda: _default("kidneys", "bed_with_risk_factors_Gy")
    )
    kidney_bed_without_risk_factors_Gy: float = field(
        default_factory=lambda: _default("kidneys", "bed_without_risk_factors_Gy")
    )
    kidney_risk_factors: bool = True
    kidney_alpha_beta_Gy: float = field(default_factory=lambda: _default("kidneys", "alpha_beta_Gy"))
    kidney_repair_half_time_h: float = field(
        default_factory=lambda: _default("kidneys", "repair_half_time_h")
    )
    brain_necrosis_ntcp: float = field(default_factory=lambda: _default("brain", "necrosis_ntcp"))
    hippocampus_eqd2_Gy: float = field(default_factory=_gondi)

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "kidney_risk_factors":
                if not isinstance(v, bool):
                    raise InputError(f.name, v, "true or false")
            elif f.name == "brain_necrosis_ntcp":
                in_range(f.name, v, 0.0, 1.0)
                if v <= 0:
                    raise InputError(f.name, v, "a probability in (0, 1]")
            else:
                positive(f.name, v)

    @property
    def kidney_bed_limit_Gy(self) -> float:
        """The kidney BED limit that applies (28 Gy with risk factors, 40 Gy without)."""
        if self.kidney_risk_factors:
            return self.kidney_bed_with_risk_factors_Gy
        return self.kidney_bed_without_risk_factors_Gy

    @staticmethod
    def sources() -> dict[str, str]:
        """``"organ.key"`` → the cited source of each packaged default."""
        out = {f"{o}.{k}": str(e["source"]) for o, body in _table().items() for k, e in body.items()}
        out["hippocampus.d40_eqd2_Gy"] = "Gondi V et al. Int J Radiat Oncol Biol Phys 2012;83:e487-e493"
        return out


def organ_limits(**overrides: Any) -> OrganLimits:
    """The packaged limits with ``overrides`` (field names of :class:`OrganLimits`).

    Examples
    --------
    >>> organ_limits(marrow_rbe_Gy=1.5).marrow_rbe_Gy
    1.5
    """
    names = {f.name for f in fields(OrganLimits)}
    for k in overrides:
        if k not in names:
            raise InputError("organ limit", k, "one of " + ", ".join(sorted(names)))
    return replace(OrganLimits(), **overrides)


@dataclass(frozen=True)
class OrganDose:
    """Absorbed dose per injected MBq of one organ, by radiation class, and its low-LET G factor.

    ``g_factor`` is the Lea–Catcheside factor of the organ's low-LET dose-rate history (the whole course,
    every cycle included); it enters the BED only.

    Examples
    --------
    >>> kid = OrganDose(alpha_Gy_per_MBq=0.01, electron_Gy_per_MBq=0.1, g_factor=0.2)
    >>> round(kid.rbe_Gy(10.0, 5.0), 6), round(kid.bed_Gy(10.0, 5.0, 2.5), 6)
    (1.5, 1.58)
    """

    alpha_Gy_per_MBq: float
    electron_Gy_per_MBq: float
    g_factor: float = 1.0

    def __post_init__(self) -> None:
        for f in ("alpha_Gy_per_MBq", "electron_Gy_per_MBq"):
            v = getattr(self, f)
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0):
                raise InputError(f, v, "a finite number >= 0 (Gy/MBq)")
        in_range("g_factor", self.g_factor, 0.0, 1.0)

    def rbe_Gy(self, activity_MBq: float, rbe_alpha: float) -> float:
        """RBE-weighted dose ``RBE·D_α + D_low`` at ``activity_MBq``, Gy(RBE)."""
        return activity_MBq * (rbe_alpha * self.alpha_Gy_per_MBq + self.electron_Gy_per_MBq)

    def bed_Gy(self, activity_MBq: float, rbe_alpha: float, alpha_beta_Gy: float) -> float:
        """BED ``RBE·D_α + D_low(1 + G·D_low/(α/β))`` at ``activity_MBq``, Gy."""
        d_e = activity_MBq * self.electron_Gy_per_MBq
        d_a = activity_MBq * self.alpha_Gy_per_MBq
        return rbe_alpha * d_a + d_e * (1.0 + self.g_factor * d_e / alpha_beta_Gy)


def dose_per_MBq_rows(doses: Mapping[str, OrganDose], rbe_alpha: float) -> tuple[tuple[Any, ...], ...]:
    """Rows ``(organ, α Gy/MBq, low-LET Gy/MBq, total Gy/MBq, Gy(RBE)/MBq)`` — the per-injected-activity
    table of MIRDcalc/OLINDA.

    Examples
    --------
    >>> dose_per_MBq_rows({"kidneys": OrganDose(0.1, 0.02)}, 5.0)
    (('kidneys', 0.1, 0.02, 0.12000000000000001, 0.52),)
    """
    rbe = positive("rbe_alpha", rbe_alpha)
    return tuple(
        (o, d.alpha_Gy_per_MBq, d.electron_Gy_per_MBq, d.alpha_Gy_per_MBq + d.electron_Gy_per_MBq,
         d.rbe_Gy(1.0, rbe))
        for o, d in doses.items()
    )  # fmt: skip


@dataclass(frozen=True)
class ActivityPlan:
    """The activity that maximises P+ within every organ limit, and the activity for micrometastasis control.

    Attributes
    ----------
    activity_MBq : float
        Optimum injected activity (per course: all cycles together), MBq.
    p_plus, tcp, ntcp : float
        Uncomplicated control TCP·(1 − NTCP_brain), TCP and brain-necrosis NTCP there.
    limited_by : str
        What set the activity: ``"brain"`` (brain-necrosis NTCP limit, or the P+ maximum where rising
        necrosis risk outweighs rising control), ``"marrow"``, ``"kidneys"``, ``"cognition"`` or
        ``"scan range"`` (the top of the scanned activities, no limit reached).
    organ_rbe_Gy : Mapping[str, float]
        Organ → RBE-weighted dose at the optimum, Gy(RBE).
    kidney_bed_Gy : float or None
        Kidney BED at the optimum (None when the kidneys are not among the organs).
    hippocampus_eqd2_Gy : float
        Hippocampal EQD2 at the optimum.
    max_activity_MBq : Mapping[str, float]
        Limit → the highest activity it allows (inf when it never binds).
    tcp_0p5_activity_MBq : float or None
        Activity at which the micrometastasis TCP reaches 0.5 within the limits; None when none does.
    tcp_0p5_reason : str
        Why it is None (empty otherwise).
    tcp_0p5_unconstrained_MBq : float or None
        Activity at which the micrometastasis TCP reaches 0.5 ignoring the limits (None: not found up to
        ``1e6`` × the top of the scan).
    tcp_0p5_organ_rbe_Gy : Mapping[str, float]
        Organ doses (Gy(RBE)) at that activity (within the limits if reachable, else unconstrained).

    Examples
    --------
    >>> plan = optimise_activity((1.0, 10.0), tcp=lambda a: 0.0, brain_ntcp=lambda a: 0.0,
    ...     hippocampus_eqd2_Gy=lambda a: a, organ_doses={}, limits=organ_limits(), rbe_alpha=5.0)
    >>> plan.limited_by, round(plan.activity_MBq, 6), plan.tcp_0p5_activity_MBq
    ('cognition', 7.3, None)
    """

    activity_MBq: float
    p_plus: float
    tcp: float
    ntcp: float
    limited_by: str
    organ_rbe_Gy: Mapping[str, float]
    kidney_bed_Gy: float | None
    hippocampus_eqd2_Gy: float
    max_activity_MBq: Mapping[str, float]
    tcp_0p5_activity_MBq: float | None
    tcp_0p5_reason: str
    tcp_0p5_unconstrained_MBq: float | None
    tcp_0p5_organ_rbe_Gy: Mapping[str, float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-able summary (``inf`` written as None)."""

        def fin(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "activity_MBq": self.activity_MBq,
            "p_plus": self.p_plus,
            "tcp": self.tcp,
            "ntcp": self.ntcp,
            "limited_by": self.limited_by,
            "organ_rbe_Gy": dict(self.organ_rbe_Gy),
            "kidney_bed_Gy": self.kidney_bed_Gy,
            "hippocampus_eqd2_Gy": self.hippocampus_eqd2_Gy,
            "max_activity_MBq": {k: fin(v) for k, v in self.max_activity_MBq.items()},
        }


def _root_increasing(f: Callable[[float], float], target: float, lo: float, hi: float) -> float:
    """Activity in (lo, hi] where the increasing ``f`` reaches ``target`` (hi if never; lo if already)."""
    from scipy.optimize import brentq

    if f(hi) <= target:
        return math.inf
    if f(lo) > target:
        # bisect downwards in decades until the limit is met
        a = lo
        for _ in range(60):
            a /= 10.0
            if f(a) <= target:
                return float(brentq(lambda x: f(x) - target, a, a * 10.0, xtol=a * 1e-10, rtol=1e-12))
        return 0.0
    return float(brentq(lambda x: f(x) - target, lo, hi, xtol=lo * 1e-10, rtol=1e-12))


def optimise_activity(
    scan_MBq: tuple[float, float],
    *,
    tcp: Callable[[float], float],
    brain_ntcp: Callable[[float], float],
    hippocampus_eqd2_Gy: Callable[[float], float],
    organ_doses: Mapping[str, OrganDose],
    limits: OrganLimits,
    rbe_alpha: float,
    tcp_micrometastasis: Callable[[float], float] | None = None,
    n_grid: int = 200,
) -> ActivityPlan:
    """The injected activity that maximises P+ = TCP·(1 − NTCP_brain) without exceeding any organ limit.

    Every limit is increasing in activity, so each allows activities up to its own maximum (closed form for
    marrow; root of the quadratic BED for kidneys; root finding for brain NTCP and hippocampal EQD2).
    P+ is maximised on ``[scan low, min(scan high, every maximum)]``; ``limited_by`` is the limit whose
    maximum is the optimum (or ``"brain"`` for an interior P+ maximum, ``"scan range"`` when the top of the
    scan is reached). If P+ is 0 everywhere (no control at any allowed activity) the optimum is the largest
    allowed activity. Organs absent from ``organ_doses`` are not limited.

    Parameters
    ----------
    scan_MBq : (float, float)
        Lowest and highest activity considered, MBq (0 < low < high).
    tcp, brain_ntcp : callable
        TCP of all lesions and brain-necrosis NTCP versus activity (MBq), increasing.
    hippocampus_eqd2_Gy : callable
        Hippocampal EQD2 (Gy) versus activity, increasing.
    organ_doses : Mapping[str, OrganDose]
        Dose per MBq of ``"marrow"`` and ``"kidneys"`` (others are reported, not limited).
    limits : OrganLimits
    rbe_alpha : float
        RBE of α particles (weights every α dose compared with a limit).
    tcp_micrometastasis : callable, optional
        TCP of the micrometastases (default ``tcp``); the activity where it reaches 0.5 is reported.
    n_grid : int
        Log-spaced points of the coarse P+ search.

    Returns
    -------
    ActivityPlan

    Examples
    --------
    >>> tcp = lambda a: math.exp(-100.0 * math.exp(-a))
    >>> ntcp = lambda a: 0.0
    >>> plan = optimise_activity((0.1, 100.0), tcp=tcp, brain_ntcp=ntcp, hippocampus_eqd2_Gy=lambda a: 0.0,
    ...     organ_doses={"marrow": OrganDose(0.0, 0.25)}, limits=organ_limits(), rbe_alpha=5.0)
    >>> plan.limited_by, round(plan.activity_MBq, 6), round(plan.organ_rbe_Gy["marrow"], 6)
    ('marrow', 8.0, 2.0)
    """
    if not (isinstance(scan_MBq, tuple | list) and len(scan_MBq) == 2):
        raise InputError("scan_MBq", scan_MBq, "a (low, high) pair of activities in MBq")
    lo, hi = positive("scan_MBq[0]", scan_MBq[0]), positive("scan_MBq[1]", scan_MBq[1])
    if hi <= lo:
        raise InputError("scan_MBq[1]", hi, f"> scan_MBq[0] = {lo:g} MBq")
    if not isinstance(limits, OrganLimits):
        raise InputError("limits", limits, "an OrganLimits (brainrit.radiobiology.organ_limits())")
    rbe = positive("rbe_alpha", rbe_alpha)
    for k, d in organ_doses.items():
        if not isinstance(d, OrganDose):
            raise InputError(f"organ_doses[{k!r}]", d, "an OrganDose")
    tcp_mm = tcp_micrometastasis or tcp

    amax: dict[str, float] = {}
    amax["brain"] = _root_increasing(brain_ntcp, limits.brain_necrosis_ntcp, lo, hi)
    amax["cognition"] = _root_increasing(hippocampus_eqd2_Gy, limits.hippocampus_eqd2_Gy, lo, hi)
    if "marrow" in organ_doses:
        per = organ_doses["marrow"].rbe_Gy(1.0, rbe)
        amax["marrow"] = limits.marrow_rbe_Gy / per if per > 0 else math.inf
    if "kidneys" in organ_doses:
        kd = organ_doses["kidneys"]
        a_lin = rbe * kd.alpha_Gy_per_MBq + kd.electron_Gy_per_MBq
        a_q = kd.g_factor * kd.electron_Gy_per_MBq**2 / limits.kidney_alpha_beta_Gy
        L = limits.kidney_bed_limit_Gy
        if a_q > 0:
            amax["kidneys"] = 2.0 * L / (a_lin + math.sqrt(a_lin * a_lin + 4.0 * a_q * L))
        else:
            amax["kidneys"] = L / a_lin if a_lin > 0 else math.inf
    binding = min(amax, key=lambda k: amax[k])
    a_cap = min(hi, amax[binding])
    if a_cap <= 0:
        raise InputError("limits", limits, "limits that allow some activity (one is exceeded at any)")
    a_lo = min(lo, a_cap / 100.0)
    grid = np.geomspace(a_lo, a_cap, int(n_grid))
    pp = np.array([tcp(a) * (1.0 - brain_ntcp(a)) for a in grid])
    if not np.any(pp > 0):
        i = grid.size - 1
    else:
        i = int(np.argmax(pp))
        if pp[-1] >= pp[i]:
            i = grid.size - 1
    if i == grid.size - 1:
        a_opt = a_cap
        limited = binding if amax[binding] <= hi else "scan range"
    else:
        from scipy.optimize import minimize_scalar

        r = minimize_scalar(
            lambda a: -tcp(a) * (1.0 - brain_ntcp(a)),
            bounds=(float(grid[max(i - 1, 0)]), float(grid[i + 1])),
            method="bounded",
            options={"xatol": 1e-9 * a_cap},
        )
        a_opt = float(r.x) if -r.fun >= pp[i] else float(grid[i])
        limited = "brain"
    t_opt, n_opt = float(tcp(a_opt)), float(brain_ntcp(a_opt))

    def doses_at(a: float) -> dict[str, float]:
        return {o: d.rbe_Gy(a, rbe) for o, d in organ_doses.items()}

    kid = organ_doses.get("kidneys")
    kidney_bed = kid.bed_Gy(a_opt, rbe, limits.kidney_alpha_beta_Gy) if kid is not None else None

    # micrometastasis control: TCP = 0.5 within the limits, else where it would be reached
    a_half: float | None = None
    reason = ""
    a_free = _root_increasing(tcp_mm, 0.5, a_lo, hi * 1e6)
    a_free_v = a_free if math.isfinite(a_free) and a_free > 0 else None
    if tcp_mm(a_lo) >= 0.5:
        a_half = a_free if a_free_v is not None else a_lo
    elif a_free_v is not None and a_free <= a_cap:
        a_half = a_free
    else:
        reason = (
            f"micrometastasis TCP at the highest activity the limits allow ({a_cap:.4g} MBq, set by "
            f"{binding if amax[binding] <= hi else 'the scan range'}) is {tcp_mm(a_cap):.3g} < 0.5; "
            + (
                f"it would reach 0.5 at {a_free:.4g} MBq"
                if a_free_v is not None
                else f"it does not reach 0.5 below {hi * 1e6:.3g} MBq"
            )
        )
    a_cost = a_half if a_half is not None else a_free_v
    return ActivityPlan(
        activity_MBq=a_opt,
        p_plus=t_opt * (1.0 - n_opt),
        tcp=t_opt,
        ntcp=n_opt,
        limited_by=limited,
        organ_rbe_Gy=MappingProxyType(doses_at(a_opt)),
        kidney_bed_Gy=kidney_bed,
        hippocampus_eqd2_Gy=float(hippocampus_eqd2_Gy(a_opt)),
        max_activity_MBq=MappingProxyType(amax),
        tcp_0p5_activity_MBq=a_half,
        tcp_0p5_reason=reason,
        tcp_0p5_unconstrained_MBq=a_free_v,
        tcp_0p5_organ_rbe_Gy=MappingProxyType(doses_at(a_cost) if a_cost is not None else {}),
    )
