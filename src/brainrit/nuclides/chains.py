"""Decay chains: members, half-lives, decay modes, branching and decays per parent decay.

Half-lives, decay modes and branching fractions are those of ICRP Publication 107 (ICRP 2008,
*Nuclear Decay Data for Dosimetric Calculations*, Ann. ICRP 38(3)) as shipped in radioactivedecay's
``icrp107_ame2020_nubase2020`` dataset (Malins & Lemoine 2022, J. Open Source Softw. 7:3318).

Chain rule (one rule for every caller)
--------------------------------------
``decays_per_parent_decay`` is the weight of a member wherever brainrit sums a chain (voxel kernels,
cellular and vascular S-values, Monte Carlo sampling, energy per decay): the number of decays the member
makes **within a time window** per decay of the parent in that window.

- ``window_h=None`` (default, for callers without a dosimetry integration time): long-lived progeny
  are cut — a member whose half-life exceeds :data:`LONG_LIVED_HALF_LIFE_S` (1 year) or
  :data:`LONG_LIVED_PARENT_RATIO` (10) times the parent's is kept as an end-point (``cut=True``,
  listed in :attr:`DecayChain.auto_cut`), with everything below it, and a :class:`ChainCutWarning`
  names it; every other member counts all its decays (branching fractions propagated down the chain
  in topological order, i.e. the activity ratio member/parent in secular equilibrium). Why 10: while
  the parent makes 99 % of its decays (6.6 of its half-lives) a daughter living 10 times longer makes
  only 30 % of its own, so counting all of them would more than triple its share of the dose; at 3×
  it makes 68 %. For ²¹²Pb: ²¹²Bi 1, ²¹²Po 0.6406, ²⁰⁸Tl 0.3594 (all shorter-lived, unchanged); for
  ²¹¹At: ²¹¹Po 0.582 and ²⁰⁷Bi (T½ 32.9 y) cut; for ¹⁵²Tb: ¹⁵²Gd (T½ 1.08e14 y) cut; for ¹⁴⁹Tb
  (4.12 h): ¹⁴⁹Gd (9.28 d, 54×) and ¹⁴⁵Eu (5.93 d, 35×) cut.
- ``window_h=T`` (a caller with an integration time T, e.g. the dosimetry window of a scenario): no
  member is cut; each member's weight is its decays in [0, T] divided by the parent's decays in [0, T]
  for a pure parent source at t = 0 (Bateman solution, :func:`~brainrit.nuclides.cumulated_decays`).
  ``window_h=math.inf`` gives the all-time weights of the full chain (the pre-1.0 behaviour: ²⁰⁷Bi
  counted at 0.418 decays per ²¹¹At decay, 0.0087 of them within a year).

Which members were counted is on the result: :attr:`DecayChain.counted` (and :attr:`~DecayChain.rule`).

Notes
-----
- ICRP-107 sends ⁸⁹Zr directly to stable ⁸⁹Y: the 15.7 s ⁸⁹ᵐY isomer is not a chain member and its
  909 keV γ is listed among ⁸⁹Zr's emissions.
- ²¹⁷At: ICRP-107 carries only the α branch (0.99988); the 1.2e-4 β⁻ branch to ²¹⁷Rn is absent, so the
  branching fractions of ²¹⁷At sum to 0.99988.
- A spontaneous-fission branch appears in ``decay_modes`` ("SF") but has no daughter entry.

Examples
--------
>>> chain = decay_chain("Pb-212")
>>> [(m.name, round(m.decays_per_parent_decay, 4)) for m in chain.members]
[('Pb-212', 1.0), ('Bi-212', 1.0), ('Po-212', 0.6406), ('Tl-208', 0.3594), ('Pb-208', 0.0)]
>>> chain.counted, chain.auto_cut
(('Pb-212', 'Bi-212', 'Po-212', 'Tl-208'), ())
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from brainrit.errors import InputError
from brainrit.nuclides._decaydata import decay_record
from brainrit.nuclides.names import parse_name

__all__ = [
    "LONG_LIVED_HALF_LIFE_S",
    "LONG_LIVED_PARENT_RATIO",
    "ChainCutWarning",
    "ChainMember",
    "DecayChain",
    "decay_chain",
    "format_half_life",
]

#: Default chain rule: progeny with a half-life above 1 year (s; 365.2422 d) are cut.
LONG_LIVED_HALF_LIFE_S = 365.2422 * 86400.0
#: Default chain rule: progeny living more than this many parent half-lives are cut (module notes).
LONG_LIVED_PARENT_RATIO = 10.0


class ChainCutWarning(UserWarning):
    """A long-lived chain member was cut by the default chain rule (see module notes).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = decay_chain("Tb-152")
    >>> caught[0].category.__name__, "Gd-152" in str(caught[0].message)
    ('ChainCutWarning', True)
    """


_MODE_ASCII = {"α": "A", "β": "B", " & ": "/"}


def _mode(text: str) -> str:
    for greek, ascii_ in _MODE_ASCII.items():
        text = text.replace(greek, ascii_)
    return text


@dataclass(frozen=True)
class ChainMember:
    """One nuclide of a decay chain.

    Attributes
    ----------
    name : str
        Canonical name, e.g. ``"Po-212"``.
    half_life_s : float
        Half-life in s (ICRP-107); ``math.inf`` when stable.
    stable : bool
        True for stable nuclides.
    decay_modes : tuple of str
        Mode of each branch in ASCII (``"A"`` α, ``"B-"`` β⁻, ``"B+/EC"``, ``"EC"``, ``"IT"``, ``"SF"``),
        in the order of ``daughters`` (SF, with no daughter, comes last).
    daughters : tuple of (str, float)
        Daughter name and branching fraction. Empty for stable members and for cut members.
    decays_per_parent_decay : float
        Decays of this member per decay of the chain parent under the chain rule (module notes): all
        its decays by default, its decays within the window when the chain has one. 0 for stable and
        cut members.
    cut : bool
        True when the member is a chain end-point (its own decays are not followed): named in ``cut``
        or cut by the default rule as long-lived.
    """

    name: str
    half_life_s: float
    stable: bool
    decay_modes: tuple[str, ...]
    daughters: tuple[tuple[str, float], ...]
    decays_per_parent_decay: float
    cut: bool = False

    @property
    def decay_constant_per_s(self) -> float:
        """ln 2 / T½ in 1/s (0 when stable)."""
        return 0.0 if self.stable else math.log(2.0) / self.half_life_s


@dataclass(frozen=True)
class DecayChain:
    """A parent and all its progeny, parent first, in topological order, stable end-points included.

    Attributes
    ----------
    parent : str
        Chain parent.
    members : tuple of ChainMember
        Parent first; weights follow the chain rule (module notes).
    window_h : float or None
        Time window of the weights (h; ``math.inf``: all time, nothing cut); None: the default rule
        (all decays, long-lived progeny cut).
    auto_cut : tuple of str
        Members cut by the default rule (long-lived), in chain order.
    """

    parent: str
    members: tuple[ChainMember, ...]
    window_h: float | None = None
    auto_cut: tuple[str, ...] = ()

    @property
    def counted(self) -> tuple[str, ...]:
        """Members whose decays count (weight > 0), in chain order."""
        return tuple(m.name for m in self.members if m.decays_per_parent_decay > 0.0)

    @property
    def rule(self) -> str:
        """The chain rule that set the weights, in words."""
        if self.window_h is None:
            cut = f"; cut as long-lived: {', '.join(self.auto_cut)}" if self.auto_cut else ""
            return "all decays of members with T½ <= 1 y and <= 10 × the parent's" + cut
        if math.isinf(self.window_h):
            return "all decays of every member (no window)"
        return f"decays within {self.window_h:g} h of a pure parent source"

    def member(self, name: str) -> ChainMember:
        """The member called ``name`` (any spelling accepted by :func:`parse_name`)."""
        canonical = parse_name(name)
        for m in self.members:
            if m.name == canonical:
                return m
        raise InputError(
            "member", name, "a member of the " + self.parent + " chain: " + ", ".join(self.names)
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Names of all members, in chain order."""
        return tuple(m.name for m in self.members)

    @property
    def radioactive(self) -> tuple[ChainMember, ...]:
        """Members whose decays are followed: neither stable nor cut."""
        return tuple(m for m in self.members if not m.stable and not m.cut)


def format_half_life(half_life_s: float) -> str:
    """Readable half-life, e.g. ``'10.64 h'``, ``'299 ns'``; ``'stable'`` for ``inf``.

    Examples
    --------
    >>> format_half_life(38304.0), format_half_life(3633.0), format_half_life(2.99e-7)
    ('10.64 h', '60.55 min', '299 ns')
    """
    if math.isinf(half_life_s):
        return "stable"
    units = (
        ("y", 365.2422 * 86400.0),
        ("d", 86400.0),
        ("h", 3600.0),
        ("min", 60.0),
        ("s", 1.0),
        ("ms", 1e-3),
        ("µs", 1e-6),
        ("ns", 1e-9),
    )
    for i, (unit, seconds) in enumerate(units):
        if half_life_s >= seconds:
            # prefer minutes over hours and hours over days while the value stays below 100
            if unit in ("d", "h") and half_life_s / units[i + 1][1] < 100.0:
                unit, seconds = units[i + 1]
            return f"{half_life_s / seconds:.4g} {unit}"
    return f"{half_life_s:.3g} s"


def decay_chain(parent: str, *, cut: Iterable[str] = (), window_h: float | None = None) -> DecayChain:
    """Decay chain of ``parent`` down to stable nuclides or to the members named in ``cut``.

    Parameters
    ----------
    parent : str
        Parent nuclide, any spelling accepted by :func:`parse_name`.
    cut : iterable of str, optional
        Progeny treated as end-points: kept as members (``cut=True``) but neither their decays nor their
        own progeny are followed, e.g. ``cut=["Pb-209"]`` to stop the ²²⁵Ac chain there.
    window_h : float, optional
        Time window of the chain weights in hours (> 0, ``math.inf`` allowed). None (default): the
        default rule, which cuts long-lived progeny with a :class:`ChainCutWarning` (module
        notes). Callers with a dosimetry integration time pass it here.

    Returns
    -------
    DecayChain
        Half-lives and branching from ICRP-107 (radioactivedecay's ICRP-107 dataset, exported to
        ``data/decay_chains_icrp107.json``).

    Raises
    ------
    InputError
        Unknown parent, a cut name that is not a progeny of ``parent``, a cut equal to the parent, or a
        window that is not a number > 0.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ChainCutWarning)
    ...     chain = decay_chain("At-211")
    >>> [(m.name, m.cut, round(m.decays_per_parent_decay, 3)) for m in chain.members]
    [('At-211', False, 1.0), ('Po-211', False, 0.582), ('Bi-207', True, 0.0), ('Pb-207', False, 0.0)]
    >>> chain.auto_cut
    ('Bi-207',)
    >>> round(decay_chain("At-211", window_h=365.2422 * 24).member("Bi-207").decays_per_parent_decay, 4)
    0.0087
    """
    name = parse_name(parent)
    if isinstance(cut, str):
        cut = [cut]
    try:
        cut_names = tuple(sorted({parse_name(c) for c in cut}))
    except TypeError:
        raise InputError("cut", cut, "an iterable of nuclide names such as ['Bi-207']") from None
    window = _window_h(window_h)
    full = _chain(name, (), math.inf)
    for c in cut_names:
        if c == name:
            raise InputError("cut", c, f"a progeny of {name}, not the parent itself")
        if c not in full.names:
            raise InputError("cut", c, f"a member of the {name} chain: " + ", ".join(full.names[1:]))
    if window is not None:
        return _chain(name, cut_names, window)
    chain = _default_chain(name, cut_names)
    if chain.auto_cut:
        warnings.warn(
            f"{name} chain: {', '.join(chain.auto_cut)} cut as long-lived (T½ > 1 y or > 10 × "
            f"{name}'s); pass window_h to count their decays within a time window",
            ChainCutWarning,
            stacklevel=2,
        )
    return chain


@functools.lru_cache(maxsize=256)
def _default_chain(name: str, cut_names: tuple[str, ...]) -> DecayChain:
    auto = _long_lived(name, cut_names)
    chain = _chain(name, tuple(sorted(set(cut_names) | set(auto))), math.inf)
    return DecayChain(parent=chain.parent, members=chain.members, window_h=None, auto_cut=auto)


def _window_h(window_h: float | None) -> float | None:
    if window_h is None:
        return None
    allowed = "None (default chain rule), a number of hours > 0, or math.inf"
    if isinstance(window_h, bool) or not isinstance(window_h, int | float):
        raise InputError("window_h", window_h, allowed)
    value = float(window_h)
    if not value > 0.0:  # also rejects NaN
        raise InputError("window_h", window_h, allowed)
    return value


@functools.lru_cache(maxsize=256)
def _long_lived(name: str, cut_names: tuple[str, ...]) -> tuple[str, ...]:
    """Progeny cut by the default rule: reached from the parent, radioactive, longer-lived than the limits."""
    chain = _chain(name, cut_names, math.inf)
    limit = min(LONG_LIVED_HALF_LIFE_S, LONG_LIVED_PARENT_RATIO * chain.members[0].half_life_s)
    reached = {name}
    out: list[str] = []
    for m in chain.members:  # topological order: a member's feeders come first
        if m.name not in reached:
            continue
        if m.name != name and not m.stable and not m.cut and m.half_life_s > limit:
            out.append(m.name)
            continue
        reached.update(d for d, _ in m.daughters)
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _chain(name: str, cut_names: tuple[str, ...], window_h: float) -> DecayChain:
    info: dict[str, tuple[float, tuple[str, ...], tuple[tuple[str, float], ...]]] = {}
    order_found: list[str] = []
    stack = [name]
    while stack:  # discover members breadth-first
        current = stack.pop(0)
        if current in info:
            continue
        half_life, decays = decay_record(current)
        modes: list[str] = []
        daughters: list[tuple[str, float]] = []
        sf: list[str] = []
        if current not in cut_names:
            for d, b, m in decays:
                if d == "SF":
                    sf.append(_mode(m))
                    continue
                daughters.append((d, b))
                modes.append(_mode(m))
        else:
            modes = [_mode(m) for _, _, m in decays]
        info[current] = (half_life, tuple(modes + sf), tuple(daughters))
        order_found.append(current)
        stack.extend(d for d, _ in daughters)
    # Kahn's topological sort, ties broken by discovery order
    indegree = dict.fromkeys(order_found, 0)
    for n in order_found:
        for d, _ in info[n][2]:
            indegree[d] += 1
    ready = [n for n in order_found if indegree[n] == 0]
    order: list[str] = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for d, _ in info[n][2]:
            indegree[d] -= 1
            if indegree[d] == 0:
                ready.append(d)
        ready.sort(key=order_found.index)
    per_parent = dict.fromkeys(order, 0.0)
    per_parent[name] = 1.0
    for n in order:
        for d, b in info[n][2]:
            per_parent[d] += per_parent[n] * b
    if not math.isinf(window_h) and not math.isinf(info[name][0]):
        per_parent = _windowed(name, cut_names, window_h, per_parent)
    members = []
    for n in order:
        half_life, modes_n, daughters_n = info[n]
        stable = math.isinf(half_life)
        is_cut = n in cut_names
        members.append(
            ChainMember(
                name=n,
                half_life_s=half_life,
                stable=stable,
                decay_modes=modes_n,
                daughters=daughters_n,
                decays_per_parent_decay=0.0 if (stable or is_cut) else per_parent[n],
                cut=is_cut,
            )
        )
    return DecayChain(parent=name, members=tuple(members), window_h=window_h)


def _windowed(
    name: str, cut_names: tuple[str, ...], window_h: float, all_time: dict[str, float]
) -> dict[str, float]:
    """Decays of each radioactive member in [0, window] per parent decay in [0, window] (pure parent)."""
    from brainrit.nuclides.decays import cumulated_decays

    decays = cumulated_decays(name, 1.0, 0.0, window_h, cut=cut_names)
    parent = decays[name]
    out = dict.fromkeys(all_time, 0.0)
    for n, v in decays.items():
        out[n] = v / parent if parent > 0 else all_time[n]
    return out
