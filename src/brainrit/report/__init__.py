"""Self-contained HTML report and figures.

Probabilities are printed with :func:`format_probability` (``< 10⁻⁴`` below 10⁻⁴; defined with the
calibrated outcome models in :mod:`brainrit.radiobiology.outcome_models`, where the stages also use it).

Examples
--------
>>> from brainrit.report import format_probability
>>> format_probability(1.9e-218)
'< 10⁻⁴'
"""

from brainrit.radiobiology.outcome_models import Probability, format_probability

__all__ = ["Probability", "format_probability"]
