"""External-beam radiotherapy comparators: WBRT, HA-WBRT, SRS/fSRS dose on voxel grids, DICOM RT, outcomes.

Dose functions take plain arrays (masks, voxel size, origin; see :mod:`brainrit.phantoms.geometry` for the
grid convention and :class:`Lesion`); :mod:`brainrit.phantoms` builds those arrays and
:mod:`brainrit.ebrt.phantom_arms` composes the standard arms on a phantom.

Sub-modules: ``regimens`` (prescriptions, RTOG 90-05),
``wbrt`` (opposed-lateral WBRT, HA-WBRT), ``srs`` (Paddick-gradient SRS model), ``arms``
(:class:`Arm`), ``dicom`` (RTDOSE/RTSTRUCT import, RTDOSE export), ``outcomes`` (TCP, NTCP, cognition,
P+, comparison table).

Examples
--------
>>> from brainrit.ebrt import REGIMENS, srs_prescription_Gy
>>> REGIMENS["HA-WBRT-30/10"].n_fractions, srs_prescription_Gy(12.0)
(10, 24.0)
"""

from brainrit.ebrt.arms import Arm, ArmComponent
from brainrit.ebrt.regimens import REGIMENS, Regimen, get_regimen, srs_prescription_Gy
from brainrit.ebrt.srs import srs_dose, v_isodose_cm3
from brainrit.ebrt.wbrt import BEAMS, Beam, ha_wbrt_dose, wbrt_dose
from brainrit.phantoms.geometry import Lesion

__all__ = [
    "BEAMS",
    "REGIMENS",
    "Arm",
    "ArmComponent",
    "Beam",
    "Lesion",
    "Regimen",
    "get_regimen",
    "ha_wbrt_dose",
    "srs_dose",
    "srs_prescription_Gy",
    "v_isodose_cm3",
    "wbrt_dose",
]
