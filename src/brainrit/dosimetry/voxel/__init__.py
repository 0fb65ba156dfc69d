"""Voxel-scale dosimetry: voxel S-value kernels, dose maps, sphere S-values and DVHs.

Sub-modules are imported lazily; ``from brainrit.dosimetry.voxel import dvh`` loads only
what it needs.

Examples
--------
>>> from brainrit.dosimetry.voxel.dvh import DVH, dvh
>>> DVH.__name__
'DVH'
"""
