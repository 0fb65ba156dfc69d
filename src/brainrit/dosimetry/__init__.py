"""Absorbed-dose calculation at cell, vessel and voxel scale.

Sub-modules: ``cellular`` (MIRD-type S-values), ``vascular`` (perivascular geometry),
``geometry`` (cell and capillary arrangements), ``microdosimetry`` (Monte Carlo α tracks),
``voxel`` (voxel S-value kernels, dose maps, DVHs).
"""
