"""Lazy, cached access to radioactivedecay (importing it loads SymPy, about 2 s)."""

from __future__ import annotations

import functools
from types import ModuleType


@functools.lru_cache(maxsize=1)
def radioactivedecay() -> ModuleType:
    """The ``radioactivedecay`` module, imported on first use (its default dataset is ICRP-107)."""
    import radioactivedecay as rd

    if rd.DEFAULTDATA.dataset_name != "icrp107_ame2020_nubase2020":  # pragma: no cover - guards upgrades
        from brainrit.errors import DataError

        raise DataError(
            f"radioactivedecay default dataset is {rd.DEFAULTDATA.dataset_name!r}; "
            "brainrit expects 'icrp107_ame2020_nubase2020' (ICRP-107 half-lives and branching)"
        )
    return rd
