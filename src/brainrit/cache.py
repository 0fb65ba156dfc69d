"""In-process memo for results that do not depend on the parameters a sweep varies.

A sweep of the clinical scenario runs the same pipeline hundreds of times in one worker; the phantom, its
masks, the external-beam dose grids, the voxel-kernel convolutions and the perivascular cell layout are the
same in every sample whose geometry and seed are the same. :func:`memoize` keeps the last few of them,
keyed by exactly the inputs that determine them.

One rule, as for the seeded Monte Carlo: **a cache may change the time, never a number.** A cached value is
the object the uncached call returned, frozen (numpy arrays read-only, results frozen dataclasses), so a
caller cannot alter what the next caller gets. ``BRAINRIT_CACHE=0`` in the environment, or the
:func:`disabled` context manager, turns every cache off (the pipeline benchmark's baseline and the test
that cached and uncached runs are identical use it).

Keys must be hashable and must identify the inputs completely: plain numbers, strings, tuples, and
objects hashed by identity (a frozen :class:`~brainrit.phantoms.Phantom` is ``eq=False``, so two phantoms
are the same key only if they are the same object — which is what a cached phantom is).

Examples
--------
>>> from brainrit.cache import memoize, disabled, cache_info
>>> calls = []
>>> @memoize(maxsize=2)
... def square(x):
...     calls.append(x)
...     return x * x
>>> square(3), square(3), len(calls)
(9, 9, 1)
>>> with disabled():
...     square(3)
9
>>> len(calls)
2
>>> [info["hits"] for name, info in cache_info().items() if name.endswith(".square")]
[1]
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar

import numpy as np

__all__ = ["Identity", "cache_info", "clear_all", "disabled", "enabled", "freeze", "memoize"]

P = ParamSpec("P")
R = TypeVar("R")

_state = threading.local()
_REGISTRY: dict[str, _Memo] = {}


def enabled() -> bool:
    """Whether caches are in use here (``BRAINRIT_CACHE`` not ``0`` and not inside :func:`disabled`).

    Examples
    --------
    >>> with disabled():
    ...     enabled()
    False
    """
    if getattr(_state, "off", 0):
        return False
    return os.environ.get("BRAINRIT_CACHE", "1").strip() not in {"0", "false", "no", "off"}


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the block with every cache bypassed (neither read nor written), in this thread.

    Examples
    --------
    >>> with disabled():
    ...     enabled()
    False
    >>> enabled()
    True
    """
    _state.off = getattr(_state, "off", 0) + 1
    try:
        yield
    finally:
        _state.off -= 1


def freeze(value: Any) -> Any:
    """Make the numpy arrays in ``value`` read-only; returns it.

    ``value`` may be an array, a tuple / list / dict of values, or a dataclass (its fields are frozen in
    turn), so a shared cached result cannot be altered in place by one of its callers.

    Examples
    --------
    >>> a = freeze(np.zeros(2))
    >>> a.flags.writeable
    False
    """
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple | list):
        for v in value:
            freeze(v)
    elif isinstance(value, dict):
        for v in value.values():
            freeze(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            freeze(getattr(value, f.name))
    return value


class Identity:
    """A key part that stands for one object by identity (for objects that are not hashable by value).

    It holds a reference to the object, so the identity cannot be reused by another object while the key
    lives in a cache. Use it only for objects that are never changed in place (frozen results, read-only
    arrays, the read-only masks of a cached phantom).

    Examples
    --------
    >>> a = np.zeros(3)
    >>> Identity(a) == Identity(a), Identity(a) == Identity(np.zeros(3))
    (True, False)
    """

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and other.obj is self.obj

    def __repr__(self) -> str:
        return f"Identity({type(self.obj).__name__} at {id(self.obj):#x})"


class _Memo:
    """An LRU memo of one function, with hit/miss counts."""

    def __init__(
        self, fn: Callable[..., Any], maxsize: int, key: Callable[[Mapping[str, Any]], Hashable] | None
    ) -> None:
        self.fn = fn
        self.maxsize = maxsize
        self.key = key
        self.signature = inspect.signature(fn)
        self.data: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not enabled():
            return self.fn(*args, **kwargs)
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError:  # a wrong call: let the function raise its own error
            return self.fn(*args, **kwargs)
        bound.apply_defaults()
        # one key however the call spells its arguments (positional, by name, defaults left out)
        k = self.key(bound.arguments) if self.key is not None else tuple(bound.arguments.items())
        if k is None:  # the key function says this call is not cacheable (e.g. a Generator seed)
            return self.fn(*args, **kwargs)
        with self.lock:
            if k in self.data:
                self.data.move_to_end(k)
                self.hits += 1
                return self.data[k]
        value = freeze(self.fn(*args, **kwargs))
        with self.lock:
            self.misses += 1
            self.data[k] = value
            while len(self.data) > self.maxsize:
                self.data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


def memoize(
    maxsize: int = 4, *, key: Callable[[Mapping[str, Any]], Hashable] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: keep the last ``maxsize`` results of a pure function, keyed by its arguments.

    Parameters
    ----------
    maxsize : int
        Entries kept (least recently used dropped first). Keep it small for grids (a 1 mm human
        phantom's masks and dose grids are tens of MB each).
    key : callable, optional
        ``key(arguments)`` → a hashable key that identifies every input that determines the result, or
        None for a call that must not be cached (e.g. one that consumes a random Generator).
        ``arguments`` maps every parameter name of the function to its value in this call, defaults
        included, so a key function never repeats the signature or its defaults. Default: the
        ``(name, value)`` pairs themselves (the values must then be hashable).

    Returns
    -------
    callable
        The wrapped function; its results are frozen with :func:`freeze` and shared between callers.

    Examples
    --------
    >>> @memoize(maxsize=1, key=lambda a: (a["n"], float(a["scale"])))
    ... def ramp(n, *, scale=1.0):
    ...     return np.arange(n) * scale
    >>> ramp(3) is ramp(n=3, scale=1)
    True
    """
    if not isinstance(maxsize, int) or maxsize < 1:
        from brainrit.errors import InputError

        raise InputError("maxsize", maxsize, "an integer >= 1")

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        memo = _Memo(fn, maxsize, key)
        _REGISTRY[f"{fn.__module__}.{fn.__qualname__}"] = memo

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return memo(*args, **kwargs)

        wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]
        return wrapper

    return wrap


def clear_all() -> None:
    """Empty every cache (e.g. between benchmark rounds).

    Examples
    --------
    >>> clear_all()
    """
    for memo in _REGISTRY.values():
        memo.clear()


def cache_info() -> dict[str, dict[str, int]]:
    """Hits, misses and current size of every cache, by function name.

    Examples
    --------
    >>> isinstance(cache_info(), dict)
    True
    """
    return {name: {"hits": m.hits, "misses": m.misses, "size": len(m.data)} for name, m in _REGISTRY.items()}
