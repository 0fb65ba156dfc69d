"""Human labels and number formats for report tables: no internal keys, units and sensible digits.

Stage tables keep the data as computed (results.json carries the same values, with internal keys such as
``alpha_recoil`` or the ICRP-107 decay-mode codes ``B-/A``); the report shows them as a physicist reads
them. :func:`cell_text` formats one cell knowing its column.

Examples
--------
>>> label("alpha_recoil"), label("B-/A"), label("ie")
('α recoil nuclei', 'β⁻ / α', 'internal-conversion electrons')
>>> cell_text("day", 1423.7), cell_text("TCP all lesions", 1.9e-218), cell_text("P+", 0.5)
('1424', '< 10⁻⁴', '0.5')
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["cell_text", "is_probability_column", "label"]

_LABELS = {
    # radiation classes (brainrit.nuclides)
    "alpha": "α particles",
    "alpha_recoil": "α recoil nuclei",
    "beta_minus": "β⁻ particles",
    "beta_plus": "β⁺ particles",
    "ie": "internal-conversion electrons",
    "auger": "Auger electrons",
    "gamma": "γ rays",
    "xray": "X-rays",
    "annihilation": "annihilation photons",
    "electron": "electrons",
    "photon": "photons",
    # ICRP-107 decay-mode codes
    "A": "α",
    "B-": "β⁻",
    "B+": "β⁺",
    "EC": "electron capture",
    "IT": "isomeric transition",
    "SF": "spontaneous fission",
    "B-/A": "β⁻ / α",
    "B-A": "β⁻ / α",
    "ECA": "EC / α",
    "EC/A": "EC / α",
    "ECB+": "EC / β⁺",
    "EC/B+": "EC / β⁺",
    "stable": "stable",
}

_PROBABILITY = re.compile(r"^(TCP|NTCP|P\+|P\(|P cognitive|probability|fraction unhit)", re.I)
_DAY = re.compile(r"^(day|days)\b|\(d\)$|\(days\)$", re.I)


def label(value: str) -> str:
    """Human text for an internal key or code (the value itself when it has none).

    Examples
    --------
    >>> label("alpha"), label("no such key")
    ('α particles', 'no such key')
    """
    return _LABELS.get(value, value)


def is_probability_column(column: str) -> bool:
    """True for columns holding probabilities (TCP, NTCP, P+, P(...), P cognitive ...).

    Examples
    --------
    >>> is_probability_column("TCP"), is_probability_column("dose (Gy)")
    (True, False)
    """
    return bool(_PROBABILITY.match(column.strip()))


def cell_text(column: str, value: Any) -> str:
    """Text of one table cell: labels for keys, whole days, probabilities to 4 decimals (``< 10⁻⁴`` below).

    Other numbers get 4 significant digits, scientific notation outside [10⁻³, 10⁵); integers get thousands
    separators from 10,000; ``None`` and non-finite numbers are "–".

    Examples
    --------
    >>> cell_text("TCP", 1e-5), cell_text("TCP", 0.123456), cell_text("n", 12345)
    ('< 10⁻⁴', '0.1235', '12,345')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return label(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if _DAY.search(column.strip()):
            return f"{value:.0f}"
        if is_probability_column(column):
            if value == 0:
                return "0"
            if 0 < value < 1e-4:
                return "< 10⁻⁴"
            if 1 - 1e-4 < value < 1:
                return "> 0.9999"
            return f"{value:.4g}"
        if value == 0:
            return "0"
        if 1e-3 <= abs(value) < 1e5:
            return f"{value:.4g}"
        return f"{value:.3e}"
    return str(value)
