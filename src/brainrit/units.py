"""Physical constants and unit conversions, defined once for the whole package.

Exact values of the 2019 SI redefinition (CODATA 2018; Tiesinga et al., Rev Mod Phys 2021;93:025010):
the elementary charge e = 1.602176634 × 10⁻¹⁹ C and the Avogadro constant N_A = 6.02214076 × 10²³ mol⁻¹.

Examples
--------
>>> from brainrit.units import MEV_TO_J, S_PER_H
>>> 5.0 * MEV_TO_J / 1e-3        # 5 MeV absorbed in 1 g, in Gy
8.01088317e-10
>>> 2.5 * S_PER_H
9000.0
"""

from __future__ import annotations

__all__ = ["AVOGADRO_PER_MOL", "MEV_TO_J", "S_PER_D", "S_PER_H"]

#: Joule per MeV: 10⁶ × e (exact).
MEV_TO_J = 1.602176634e-13
#: Avogadro constant (mol⁻¹, exact).
AVOGADRO_PER_MOL = 6.02214076e23
#: Seconds per hour.
S_PER_H = 3600.0
#: Seconds per day.
S_PER_D = 86400.0
