"""From an Altair chart to the Vega-Lite spec the browser draws, fast and cached.

Building an Altair chart and converting it to Vega-Lite is pure-Python work
(tens of milliseconds for a layered chart), so :func:`compiled` keeps a
finished spec for the same builder and arguments, and :func:`vega_spec` skips
Altair's schema validation (the builders produce the same structure every
time, and ``tests/test_chart_specs.py`` validates every chart the pages draw).

Keep numbers computed from the data out of a spec (scale domains above all):
the browser updates a chart in place when only its datasets change, but a
spec whose text changed is built again from scratch (Vega-Lite compile, Vega
parse, first render: ~15-30 ms a chart on a 2-core machine).
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
from collections.abc import Callable
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.cache import is_private, session_memo
from ui.i18n import Translator
from ui.internals import arrow_bytes


def _charts_in(chart: Any) -> list[Any]:
    """`chart` and every chart nested in it (layers, concatenations, facets)."""
    found = [chart]
    for attr in ("layer", "hconcat", "vconcat", "concat"):
        parts = getattr(chart, attr, alt.Undefined)
        if parts is not alt.Undefined:
            for part in parts:
                found.extend(_charts_in(part))
    spec = getattr(chart, "spec", alt.Undefined)  # facet / repeat
    if spec is not alt.Undefined and isinstance(spec, alt.TopLevelMixin | alt.SchemaBase):
        found.extend(_charts_in(spec))
    return found


def vega_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart, ready for ``st.vega_lite_chart``.

    What ``st.altair_chart`` does, at a fraction of the cost: every DataFrame
    is sent as Arrow bytes under a content-hash name (``spec["datasets"]``,
    which Streamlit passes through unchanged), and the spec is *not*
    re-validated against the Vega-Lite JSON schema. Validation is what made
    a rerun slow (a layered chart took ~60 ms to convert, most of it in
    ``jsonschema``), and the builders in this module produce the same
    structure every time, which the tests validate once (``validate=True``).
    Altair's default theme (a 300 x 300 view) is left out, as Streamlit does,
    and the chart is drawn on a canvas (``usermeta.embedOptions.renderer``).
    No global Altair state (themes, data transformers) is touched, so
    concurrent sessions are safe. `chart` is left as it was.
    """
    datasets: dict[str, bytes] = {}
    names: dict[int, str] = {}  # id(frame) -> its data set's name
    swapped: list[tuple[Any, pd.DataFrame]] = []
    try:
        for part in _charts_in(chart):
            data = getattr(part, "data", alt.Undefined)
            if isinstance(data, pd.DataFrame):
                if id(data) not in names:
                    payload = arrow_bytes(data)
                    name = "d" + hashlib.md5(payload, usedforsecurity=False).hexdigest()[:20]
                    # Equal frames of different layers (two empty ones, say) keep
                    # their own data sets: how many a chart has must not depend on
                    # the values, or new values would change the spec's shape.
                    if name in datasets:
                        name += f"_{len(datasets)}"
                    datasets[name] = payload
                    names[id(data)] = name
                swapped.append((part, data))
                part.data = alt.NamedData(name=names[id(data)])
        spec = chart.to_dict(validate=False)
    finally:
        for part, data in swapped:
            part.data = data
    config = spec.setdefault("config", {})
    view = config.get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if not view:
        config.pop("view", None)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    # Drawn on a canvas, not as SVG (Streamlit's default): a chart updated in place
    # then repaints its pixels instead of rewriting hundreds of SVG nodes, which the
    # browser must restyle and lay out again; on chart-heavy sections the charts
    # are drawn ~18% sooner after a slider move (BENCHMARKS.md, "Charts drawn on a canvas").
    spec["usermeta"] = {**spec.get("usermeta", {}), "embedOptions": {"renderer": "canvas"}}
    # No ARIA descriptions: Vega-Lite would give every mark item a text
    # description ("epoch: 3; loss: 0.41; ...", three number formats each), built
    # on every update, which only the SVG renderer writes out; a canvas never shows
    # them, and they were ~5% of a move on the training curves. Exported SVG files
    # keep them (ui.export.chart_svg).
    config["aria"] = False
    return spec


#: Compiled specs kept across reruns and sessions (a spec is mostly its Arrow
#: data: a few kB for a curve, ~100 kB for a 50 x 50 probability map).
SPEC_CACHE_ENTRIES = 256


@st.cache_data(max_entries=SPEC_CACHE_ENTRIES, show_spinner=False)
def _compiled(
    key: str, _builder: Callable[..., alt.TopLevelMixin], _args: tuple, _kwargs: dict
) -> dict[str, Any]:
    return vega_spec(_builder(*_args, **_kwargs))


def _fingerprint(value: Any, h: Any) -> None:
    """Feed `value` into the hash `h`: DataFrames and arrays by their bytes, a
    dataclass record by its class and its fields.

    Far cheaper than ``st.cache_data``'s own argument hashing of DataFrames
    (~25 ms for a 2,500-row grid, against ~0.1 ms here).
    """
    if isinstance(value, pd.DataFrame):
        h.update(b"F" + repr(list(value.columns)).encode())
        for name in value.columns:
            _fingerprint(value[name].to_numpy(), h)
    elif isinstance(value, pd.Series):
        _fingerprint(value.to_numpy(), h)
    elif isinstance(value, np.ndarray):
        h.update(f"A{value.dtype.str}{value.shape}".encode())
        if value.dtype.kind in "biufcmM":
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update("\x1f".join(map(str, value.ravel().tolist())).encode())
    elif isinstance(value, list | tuple):
        h.update(f"L{len(value)}".encode())
        for item in value:
            _fingerprint(item, h)
    elif isinstance(value, dict):
        h.update(f"D{len(value)}".encode())
        for k in sorted(value, key=repr):
            _fingerprint(k, h)
            _fingerprint(value[k], h)
    elif isinstance(value, Translator):
        h.update(f"T:{value.lang}".encode())  # catalogs are fixed while the app runs
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A result record: its class, then each field by name.
        fields = dataclasses.fields(value)
        h.update(f"R{type(value).__module__}.{type(value).__qualname__}:{len(fields)}".encode())
        for f in fields:
            _fingerprint(f.name, h)
            _fingerprint(getattr(value, f.name), h)
    elif value is None or isinstance(value, bool | int | float | str | np.generic):
        h.update(f"{type(value).__name__}:{value!r}".encode())
    else:
        raise TypeError(f"compiled() cannot key a chart on a {type(value).__name__}")


def _code_key(code: types.CodeType, h: Any) -> None:
    """Feed a function's code into `h`: its bytecode, constants and nested functions.

    Part of a :func:`compiled` key, so that editing a builder (while the app
    runs, or between deployments that share a cache) never serves a spec the
    old code built.
    """
    h.update(code.co_code)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _code_key(const, h)
        else:
            h.update(repr(const).encode())
    h.update(repr(code.co_names).encode())


def compiled(builder: Callable[..., alt.TopLevelMixin], /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """``vega_spec(builder(*args, **kwargs))``, cached on the builder and its arguments.

    `builder` must be a module-level function whose chart depends only on its
    arguments: DataFrames, arrays, numbers, strings, ``None`` and lists, tuples,
    dicts and dataclass records of those (anything else raises ``TypeError``, so
    a chart is never keyed on something the key does not see). It is identified
    by file, name and code (see :func:`_code_key`). A rerun that passes equal arguments gets
    the spec back without touching Altair.
    """
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{builder.__code__.co_filename}:{builder.__qualname__}".encode())
    _code_key(builder.__code__, h)
    _fingerprint(args, h)
    _fingerprint(kwargs, h)
    if is_private():  # a visitor's own data: kept in their session, never shared
        return session_memo(("spec", h.hexdigest()), lambda: vega_spec(builder(*args, **kwargs)))
    return _compiled(h.hexdigest(), builder, args, kwargs)


def inline_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a :func:`vega_spec` spec with its Arrow datasets as JSON rows
    (what standalone Vega-Lite tools such as vl-convert read)."""
    import pyarrow as pa

    out = dict(spec)
    out["datasets"] = {
        name: pa.ipc.open_stream(data).read_all().to_pylist() if isinstance(data, bytes) else data
        for name, data in spec.get("datasets", {}).items()
    }
    return out
