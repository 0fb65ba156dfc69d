"""Nuclide names: parse the spellings users type into the canonical ``"Pb-212"`` / ``"Tc-99m"`` form.

Accepted spellings (case-insensitive, optional ``-``, ``_`` or space between the parts):
``Pb-212``, ``Pb212``, ``pb-212``, ``212Pb``, ``212-Pb``, ``Pb-212m``, ``Tc-99m``, ``Tc99m``, ``99mTc``.
The canonical form is the one used by ICRP Publication 107 (ICRP 2008, Ann. ICRP 38(3)) and by both
data packages (icrp107-database, radioactivedecay): element symbol, hyphen, mass number, then ``m``/``n``
for the first/second metastable state.

A name is known when ICRP-107 has decay data for it (1252 radionuclides) or, for stable end-points of
decay chains, when radioactivedecay's ICRP-107 dataset lists it. The first check reads a file listing
and is fast; the second reads the chain data exported from radioactivedecay (no SymPy import).

Examples
--------
>>> parse_name("212pb")
'Pb-212'
>>> parse_name("99mTc")
'Tc-99m'
>>> from brainrit.errors import InputError
>>> try:
...     parse_name("Pb-213")
... except InputError as err:
...     print(err.hint)
did you mean 'Pb-212' or 'Pb-214' or 'Pb-211'?
"""

from __future__ import annotations

import functools
import importlib.resources
import re

from brainrit.checks import close_matches
from brainrit.errors import InputError

__all__ = ["ELEMENTS", "VCAM1_COMPARISON_NUCLIDES", "known_names", "parse_name"]

#: The 12 radionuclides compared on a perivascular model of early brain metastases targeted at
#: VCAM-1 (Falzone N, Ackerman NL, de la Fuente Rosales L, et al., Theranostics 2018;8:292-303).
VCAM1_COMPARISON_NUCLIDES: tuple[str, ...] = (
    "Tb-149",
    "At-211",
    "Pb-212",
    "Bi-213",
    "Ac-225",
    "Y-90",
    "Tb-161",
    "Lu-177",
    "Ga-67",
    "Zr-89",
    "In-111",
    "I-124",
)

#: Element symbols by atomic number (index 0 is Z = 1), IUPAC 2016.
ELEMENTS: tuple[str, ...] = tuple(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr
    Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb
    Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf
    Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og""".split()
)
_SYMBOL = {s.lower(): s for s in ELEMENTS}

_ALLOWED = "a radionuclide in ICRP-107 or a stable nuclide, written like 'Pb-212', '212Pb' or 'Tc-99m'"
# symbol first: "Pb-212", "pb212", "Tc-99m", "Pb 212 m"
_SYMBOL_FIRST = re.compile(r"^([a-z]{1,2})[-_ ]?(\d{1,3})[-_ ]?([mn]?)$")
# mass first: "212Pb", "212-Pb", "99mTc", "99m-Tc"
_MASS_FIRST = re.compile(r"^(\d{1,3})([mn]?)[-_ ]?([a-z]{1,2})$")


@functools.lru_cache(maxsize=1)
def _icrp107_names() -> frozenset[str]:
    folder = importlib.resources.files("icrp107_database") / "icrp107"
    return frozenset(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


@functools.lru_cache(maxsize=1)
def _stable_names() -> frozenset[str]:
    from brainrit.nuclides._decaydata import nuclide_names

    return nuclide_names() - _icrp107_names()


def known_names() -> tuple[str, ...]:
    """Every canonical name accepted: ICRP-107 radionuclides and the stable nuclides of its chains.

    Examples
    --------
    >>> "Pb-212" in known_names() and "Pb-208" in known_names()
    True
    """
    return tuple(sorted(_icrp107_names() | _stable_names()))


def _candidates(text: str) -> list[str]:
    """Syntactically possible canonical forms of ``text`` (element symbols not yet checked)."""
    s = text.strip().lower()
    out: list[str] = []
    m = _SYMBOL_FIRST.match(s)
    if m:
        out.append(f"{m.group(1)}|{int(m.group(2))}{m.group(3)}")
    m = _MASS_FIRST.match(s)
    if m:
        out.append(f"{m.group(3)}|{int(m.group(1))}{m.group(2)}")
    # "268mt" may be Mt-268 rather than a metastable "t": also try the symbol swallowing the m/n
    m = re.match(r"^(\d{1,3})[-_ ]?([a-z]{1,2})$", s)
    if m:
        out.append(f"{m.group(2)}|{int(m.group(1))}")
    result = []
    for cand in out:
        sym, rest = cand.split("|")
        if sym in _SYMBOL:
            result.append(f"{_SYMBOL[sym]}-{rest}")
    return list(dict.fromkeys(result))


def parse_name(name: str) -> str:
    """Canonical name (``"Pb-212"``, ``"Tc-99m"``) of a nuclide typed in any usual spelling.

    Parameters
    ----------
    name : str
        ``Pb-212``, ``Pb212``, ``212Pb``, ``pb-212``, ``Tc-99m``, ``Tc99m``, ``99mTc`` (case-insensitive).

    Returns
    -------
    str
        The ICRP-107 name (ICRP Publication 107, 2008).

    Raises
    ------
    InputError
        If ``name`` is not a string or not a nuclide in ICRP-107 / radioactivedecay; the message
        suggests close matches.

    Examples
    --------
    >>> [parse_name(s) for s in ("Pb-212", "Pb212", "212Pb", "pb-212", "Tc99m", "99mTc")]
    ['Pb-212', 'Pb-212', 'Pb-212', 'Pb-212', 'Tc-99m', 'Tc-99m']
    """
    if not isinstance(name, str):
        raise InputError("nuclide", name, _ALLOWED)
    cands = _candidates(name)
    radio = _icrp107_names()
    for cand in cands:
        if cand in radio:
            return cand
    if cands:
        stable = _stable_names()
        for cand in cands:
            if cand in stable:
                return cand
    near = _suggest(cands[0], radio) if cands else close_matches(name.strip(), sorted(radio))
    hint = "did you mean " + " or ".join(repr(n) for n in near) + "?" if near else None
    raise InputError("nuclide", name, _ALLOWED, hint)


def _suggest(candidate: str, names: frozenset[str], n: int = 3) -> list[str]:
    """Same element first (nearest mass numbers), then spelling-close names."""
    symbol, rest = candidate.split("-", 1)
    mass = int(re.match(r"\d+", rest).group(0))
    same = [x for x in names if x.split("-", 1)[0] == symbol]
    same.sort(key=lambda x: (abs(int(re.match(r"\d+", x.split("-", 1)[1]).group(0)) - mass), x))
    return same[:n] or close_matches(candidate, sorted(names), n=n)
