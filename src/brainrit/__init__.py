"""brainrit — plan and evaluate α-emitter radioimmunotherapy of brain metastases.

Targets VCAM-1 on the inflamed tumour vasculature with ²¹²Pb (and other α, β⁻ and Auger emitters)
and compares it with whole-brain and stereotactic radiotherapy. See ``DESIGN`` in the docs for the
data flow: radiopharmaceutical → kinetics → time-integrated activity → dosimetry → radiobiology.

Heavy dependencies (radioactivedecay, numba, matplotlib) are imported lazily by the modules that
need them, so ``import brainrit`` and ``brainrit --help`` stay fast.
"""

from brainrit.errors import BrainritError

__version__ = "0.1.0"

__all__ = ["BrainritError", "__version__"]
