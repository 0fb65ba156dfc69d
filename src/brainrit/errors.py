"""Errors raised by brainrit.

Every error names the field, the value received and what is allowed, so that a
user can fix the input without reading a traceback.

Examples
--------
>>> from brainrit.errors import InputError
>>> err = InputError("activity_MBq", -3.0, "a finite number > 0")
>>> str(err)
'activity_MBq: must be a finite number > 0, got -3.0'
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BrainritError",
    "DataError",
    "InputError",
    "OutputError",
    "ScenarioError",
]


class BrainritError(Exception):
    """Base class of every error that brainrit raises on purpose.

    Examples
    --------
    >>> issubclass(InputError, BrainritError), issubclass(OutputError, BrainritError)
    (True, True)
    """


class InputError(BrainritError, ValueError):
    """An argument or input value is outside what is allowed.

    Parameters
    ----------
    field : str
        Name of the argument or field (with its unit, e.g. ``"radius_um"``).
    value : Any
        The value received.
    allowed : str
        What is allowed, phrased to follow "must be", e.g. ``"a finite number > 0"``.
    hint : str, optional
        Extra help, e.g. close matches for a misspelt name.

    Examples
    --------
    >>> err = InputError("radius_um", -1, "a finite number > 0")
    >>> str(err), err.field, isinstance(err, ValueError)
    ('radius_um: must be a finite number > 0, got -1', 'radius_um', True)
    """

    def __init__(self, field: str, value: Any, allowed: str, hint: str | None = None) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.hint = hint
        msg = f"{field}: must be {allowed}, got {_short_repr(value)}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class DataError(BrainritError):
    """Packaged physics or decay data are missing, malformed or do not cover a request.

    Examples
    --------
    >>> str(DataError("Pb-212: no ICRP-107 record"))
    'Pb-212: no ICRP-107 record'
    """


class ScenarioError(BrainritError):
    """A scenario file cannot be read or does not validate.

    The message names the place in the file, e.g. ``arms[1].dose_Gy``.

    Examples
    --------
    >>> isinstance(ScenarioError("bad scenario"), BrainritError)
    True
    """


class OutputError(BrainritError):
    """An output cannot be written (folder exists, not writable, ...).

    Examples
    --------
    >>> str(OutputError("out: folder exists"))
    'out: folder exists'
    """


def _short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text
