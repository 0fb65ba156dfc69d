"""Built-in scenarios shipped as package data.

Examples
--------
>>> from brainrit.scenario.builtin import builtin_names, builtin_scenario
>>> builtin_names()
('human-early-bm', 'human-pb203-theranostic', 'mouse-vcam1-pb212')
>>> builtin_scenario("human-early-bm").study.species
'human'
"""

from __future__ import annotations

from importlib import resources

from brainrit.checks import choice
from brainrit.scenario.loader import loads
from brainrit.scenario.schema import Scenario

__all__ = ["builtin_names", "builtin_scenario", "builtin_text"]


def builtin_names() -> tuple[str, ...]:
    """Names of the built-in scenarios, sorted.

    Examples
    --------
    >>> builtin_names()
    ('human-early-bm', 'human-pb203-theranostic', 'mouse-vcam1-pb212')
    """
    folder = resources.files("brainrit.scenario") / "builtin"
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))


def builtin_text(name: str) -> str:
    """The annotated TOML of a built-in scenario (a starting point for your own).

    Examples
    --------
    >>> builtin_text("mouse-vcam1-pb212").splitlines()[0]
    '# brainrit scenario: mouse-vcam1-pb212'
    """
    name = choice("scenario", name, builtin_names())
    return (resources.files("brainrit.scenario") / "builtin" / f"{name}.toml").read_text(encoding="utf-8")


def builtin_scenario(name: str) -> Scenario:
    """A built-in scenario, validated.

    Examples
    --------
    >>> sc = builtin_scenario("mouse-vcam1-pb212")
    >>> sc.study.species, sc.radiopharmaceutical.nuclide
    ('mouse', 'Pb-212')
    """
    return loads(builtin_text(name), source=f"builtin:{name}")
