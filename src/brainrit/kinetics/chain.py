"""Which chain members the kinetic model tracks, and which decay in place with their parent.

A member whose half-life is shorter than ``equilibrium_half_life_s`` (default 600 s) is not given its own
compartments: it decays where it is born, in equilibrium with the nearest tracked ancestor (its *carrier*).
For the ²¹²Pb chain this applies to ²¹²Po (0.30 µs) and ²⁰⁸Tl (3.05 min). Every atom of ²¹²Bi that decays
produces exactly one ²¹²Po (64.06 %) or ²⁰⁸Tl (35.94 %) decay, so their time-integrated activities are the
branching fractions times that of ²¹²Bi in the same compartment — exact for TIA to infinity. What is
neglected is the delay (²⁰⁸Tl mean life 4.4 min, against ²¹²Bi 87 min and ²¹²Pb 15.4 h) and any
displacement of ²⁰⁸Tl after its α-recoil birth, and the activity curves of the in-place members are taken as
branching × carrier activity.

The chain itself comes from :func:`brainrit.nuclides.decay_chain` (any object with the same attributes works).

Examples
--------
>>> from types import SimpleNamespace as NS
>>> m = lambda n, t, d: NS(name=n, half_life_s=t, stable=t == float("inf"), daughters=d)
>>> chain = NS(parent="Pb-212", members=(
...     m("Pb-212", 38304.0, (("Bi-212", 1.0),)),
...     m("Bi-212", 3633.0, (("Po-212", 0.6406), ("Tl-208", 0.3594))),
...     m("Po-212", 3.0e-7, (("Pb-208", 1.0),)), m("Tl-208", 183.2, (("Pb-208", 1.0),)),
...     m("Pb-208", float("inf"), ())))
>>> spec = chain_spec(chain)
>>> spec.tracked, [(n, spec.tracked[c], r) for n, c, r in spec.in_place]
(('Pb-212', 'Bi-212'), [('Po-212', 'Bi-212', 0.6406), ('Tl-208', 'Bi-212', 0.3594)])
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from brainrit.checks import positive
from brainrit.errors import InputError

__all__ = ["ChainSpec", "chain_spec", "element_of"]


def element_of(name: str) -> str:
    """Chemical symbol of a canonical nuclide name ("Bi-212" → "Bi").

    Examples
    --------
    >>> element_of("Bi-212")
    'Bi'
    """
    m = re.match(r"([A-Za-z]+)", name)
    return m.group(1) if m else name


@dataclass(frozen=True)
class ChainSpec:
    """Decay structure used by the kinetic model.

    Attributes
    ----------
    tracked : tuple[str, ...]
        Members with their own compartments (parent first, topological order).
    decay_per_h : tuple[float, ...]
        Decay constants of the tracked members, 1/h.
    production : tuple[tuple[int, int, float], ...]
        (ancestor index, daughter index, atoms of daughter per ancestor decay) between tracked members;
        short-lived intermediates are folded into the fraction.
    in_place : tuple[tuple[str, int, float], ...]
        (member, carrier index, decays per carrier decay) for members decaying in place.
    """

    parent: str
    tracked: tuple[str, ...]
    decay_per_h: tuple[float, ...]
    production: tuple[tuple[int, int, float], ...]
    in_place: tuple[tuple[str, int, float], ...]

    @property
    def elements(self) -> tuple[str, ...]:
        return tuple(element_of(n) for n in self.tracked)

    @property
    def all_members(self) -> tuple[str, ...]:
        """Tracked and in-place radioactive members (names, each once)."""
        out = list(self.tracked)
        for n, _, _ in self.in_place:
            if n not in out:
                out.append(n)
        return tuple(out)


def chain_spec(chain: Any, *, equilibrium_half_life_s: float = 600.0) -> ChainSpec:
    """Build a :class:`ChainSpec` from a ``DecayChain`` (see module docstring).

    Examples
    --------
    >>> from brainrit.nuclides import decay_chain
    >>> spec = chain_spec(decay_chain("Pb-212"))
    >>> spec.parent
    'Pb-212'
    """
    thr = positive("equilibrium_half_life_s", equilibrium_half_life_s)
    try:
        members = {m.name: m for m in chain.members}
        parent = chain.parent
    except AttributeError:
        raise InputError("chain", chain, "a DecayChain (from brainrit.nuclides.decay_chain)") from None
    if parent not in members:
        raise InputError("chain.parent", parent, "a member of the chain")

    def radioactive(name: str) -> bool:
        m = members.get(name)
        return m is not None and not m.stable and math.isfinite(m.half_life_s) and m.half_life_s > 0

    if not radioactive(parent):
        raise InputError("nuclide", parent, "a radioactive parent")
    order = [m.name for m in chain.members]
    tracked = [n for n in order if radioactive(n) and (n == parent or members[n].half_life_s >= thr)]
    index = {n: i for i, n in enumerate(tracked)}
    production: dict[tuple[int, int], float] = {}
    in_place: dict[tuple[str, int], float] = {}

    def walk(carrier: int, name: str, acc: float, depth: int) -> None:
        if depth > 64:  # pragma: no cover - malformed chain guard
            raise InputError("chain", parent, "an acyclic decay chain")
        for d, b in members[name].daughters:
            if not radioactive(d):
                continue
            w = acc * float(b)
            if d in index:
                key = (carrier, index[d])
                production[key] = production.get(key, 0.0) + w
            else:
                k2 = (d, carrier)
                in_place[k2] = in_place.get(k2, 0.0) + w
                walk(carrier, d, w, depth + 1)

    for n in tracked:
        walk(index[n], n, 1.0, 0)
    lam = tuple(math.log(2.0) / members[n].half_life_s * 3600.0 for n in tracked)
    return ChainSpec(
        parent=parent,
        tracked=tuple(tracked),
        decay_per_h=lam,
        production=tuple((p, d, b) for (p, d), b in sorted(production.items())),
        in_place=tuple((n, c, r) for (n, c), r in in_place.items()),
    )
