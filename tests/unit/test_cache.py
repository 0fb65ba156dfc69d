"""brainrit.cache: a cache may change the time, never a number.

The pipeline test runs the human scenario twice with caches on (the second run reads every cache) and once
with caches off, and compares every number of results.json exactly (no tolerance).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from brainrit import cache
from brainrit.errors import InputError


def test_memoize_hits_and_disable():
    calls = []

    @cache.memoize(maxsize=2)
    def f(x):
        calls.append(x)
        return np.arange(x)

    a = f(3)
    assert f(3) is a and len(calls) == 1
    assert not a.flags.writeable  # shared results are read-only
    with cache.disabled():
        b = f(3)
    assert b is not a and len(calls) == 2
    f(4), f(5)  # evicts 3 (maxsize 2)
    f(3)
    assert len(calls) == 5


def test_key_none_is_not_cached():
    calls = []

    @cache.memoize(key=lambda a: None if a["rng"] is not None else a["x"])
    def g(x, rng=None):
        calls.append(x)
        return x

    g(1), g(1), g(1, rng=np.random.default_rng(0)), g(1, rng=np.random.default_rng(0))
    assert len(calls) == 3


def test_one_entry_however_the_call_spells_its_arguments():
    calls = []

    @cache.memoize(maxsize=4)
    def h(n, *, scale=1.0):
        calls.append(n)
        return n * scale

    assert h(2) == h(n=2) == h(2, scale=1.0) == 2.0
    assert len(calls) == 1
    with pytest.raises(TypeError):
        h(2, 3)  # a wrong call still fails as the function itself would


def test_environment_switch(monkeypatch):
    monkeypatch.setenv("BRAINRIT_CACHE", "0")
    assert not cache.enabled()
    monkeypatch.setenv("BRAINRIT_CACHE", "1")
    assert cache.enabled()


def test_bad_maxsize():
    with pytest.raises(InputError, match="maxsize"):
        cache.memoize(maxsize=0)


def _numbers(obj, path=""):
    """Every leaf of a JSON document with its path (numbers, strings, None)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _numbers(v, f"{path}/{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _numbers(v, f"{path}[{i}]")
    else:
        yield path, obj


def _results(scenario):
    from brainrit.pipeline.runner import run_scenario

    r = run_scenario(scenario, figures=False)
    from brainrit.pipeline.core import to_jsonable

    doc = {
        k: {"data": s.to_json(), "tables": [t.as_records() for t in s.tables], "notes": list(s.notes)}
        for k, s in r.stages.items()
    }
    return json.loads(json.dumps(to_jsonable(doc)))


@pytest.mark.slow
def test_pipeline_cached_equals_uncached():
    from brainrit.scenario import builtin_scenario

    sc = builtin_scenario("human-early-bm")
    cache.clear_all()
    first = _results(sc)
    second = _results(sc)  # every cache hit
    with cache.disabled():
        uncached = _results(sc)
    hits = sum(v["hits"] for v in cache.cache_info().values())
    assert hits > 0, "the second run should have read the caches"
    a, b, c = dict(_numbers(first)), dict(_numbers(second)), dict(_numbers(uncached))
    assert a.keys() == b.keys() == c.keys()
    for key in a:
        for other in (b[key], c[key]):
            same = a[key] == other or (
                isinstance(a[key], float)
                and isinstance(other, float)
                and math.isnan(a[key])
                and math.isnan(other)
            )
            assert same, f"{key}: cached {a[key]!r} != {other!r}"
