"""Human and mouse brain phantoms (brain, hippocampi, brainstem, metastases) and their external-beam arms.

Examples
--------
>>> from brainrit.phantoms import human_brain, metastasis
>>> p = human_brain(voxel_mm=4.0, lesions=[metastasis("met1", (30.0, -30.0, 20.0), 15.0)])
>>> p.species, len(p.lesions), p.lesions[0].visible
('human', 1, True)
"""

from brainrit.phantoms.brain import (
    VISIBLE_DIAMETER_MM,
    Phantom,
    add_lesions,
    human_brain,
    metastasis,
    micrometastases,
    mouse_brain,
)
from brainrit.phantoms.geometry import Lesion

__all__ = [
    "VISIBLE_DIAMETER_MM",
    "Lesion",
    "Phantom",
    "add_lesions",
    "human_brain",
    "metastasis",
    "micrometastases",
    "mouse_brain",
]
