"""Section "At initialisation": per layer, before any training, the back-propagated signal
‖∂L/∂h_l‖, how much each layer still depends on the input (its spread), its level,
‖∂L/∂W_l‖ as the product of the two, and saturation (claims C4–C6 of docs/science.md)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from core.gradients import SATURATION, TINY, describe_health, slope_bound
from core.init import weight_variance
from sections.vanishing import readings
from sections.vanishing.compute import Band, InitProfile, init_profile
from sections.vanishing.opening import describe_setup, opened
from sections.vanishing.settings import INIT_BUDGET, N_INITS, NAME, InitSpec, Setup, VanishingSettings
from ui.cache import memo_run, view_memo
from ui.charts import activation_legend, compiled, finite_positive, line_chart
from ui.export import Block, chart_block, chart_row
from ui.frame import Frame
from ui.guard import budget_epochs
from ui.i18n import Translator, percent
from ui.references import cite

SERIES_COLUMNS = ["series", "act", "init"]  # leading columns of every CSV with one row per series
#: A chart drawn: its Vega-Lite spec and the table its CSV download holds.
View = tuple[dict, pd.DataFrame]


@dataclass(frozen=True)
class InitViews:
    """The section's charts, one line (or band over the initialisations) per series and one
    point per layer; None where nothing finite is left to draw.

    ``signal``, ``grad`` and ``spread`` are bands (the signal ‖∂L/∂h_l‖, ‖∂L/∂W_l‖ and the
    spread, spreads below rounding error left out); ``level`` and ``saturated`` lines.
    ``has_ref``: the signal chart carries sigmoid's ¼-per-layer reference line;
    ``hidden_spread``: a spread below rounding error was left out of its chart.
    """

    signal: View | None
    grad: View | None
    spread: View | None
    level: View
    saturated: View
    has_ref: bool
    hidden_spread: bool


def profiles(fr: Frame, su: Setup) -> dict[tuple[str, str], InitProfile]:
    """The statistics at initialisation of every series (cached), by series ``(act, init)``,
    with the compute guard's note when they use fewer points than asked for."""
    s = su.settings
    n_stat = budget_epochs(s.depth, s.width, su.n_train, 1, runs=N_INITS * len(su.series),
                           n_in=su.n_in, budget=INIT_BUDGET).n_samples
    if n_stat < su.n_train:
        st.warning(fr.t(f"{NAME}.guard.init", allowed=n_stat, requested=su.n_train,
                        seconds=f"{INIT_BUDGET:g}"),
                   icon=":material/speed:")
    spec = InitSpec(su.data, s.depth, s.width, s.std, n_stat)
    return {(a, i): memo_run(init_profile, spec, a, i, **su.arrays) for a, i in su.series}


def draw(s: VanishingSettings, fr: Frame) -> None:
    """The key chart first (the signal per layer) with its one-sentence reading under it,
    the spread beside it, then how to read both, the setup line and the rest."""
    su = opened(fr, s, "init", line=False)
    if su is None:
        return
    t = fr.t
    profs = profiles(fr, su)
    views = view_memo((f"{NAME}.init", su.run.data, su.series, s.depth, s.width, s.std, t.lang),
                      lambda: _views(t, su, profs))
    if views.signal is None:
        st.warning(t(f"{NAME}.init.nothing_to_plot"))
    signal_caption = t(f"{NAME}.init.signal_caption", n_inits=N_INITS) + (
        " " + t(f"{NAME}.init.ref_caption") if views.has_ref else "")
    spread_caption = t(f"{NAME}.init.spread_caption") + (
        " " + t("common.below_rounding_caption") if views.hidden_spread else "")
    # One row: the signal (the key chart) and the reading under it on the left, the
    # spread on the right; the captions that say how to read them under both. On a phone
    # the columns stack, and the reading still follows the signal chart.
    left, right = st.columns(2)
    with left:
        if views.signal is not None:
            chart_block(*views.signal, "init-signal", t,
                        title=t(f"{NAME}.init.signal_title"))
        st.markdown(headline(t, su, profs))
        st.caption(signal_caption)
    with right:
        if views.spread is not None:
            chart_block(*views.spread, "init-spread", t, title=t(f"{NAME}.init.spread_title"),
                        caption=spread_caption)
    describe_setup(su)
    chart_row(t, _block(views.level, "init-activations", t(f"{NAME}.init.level_title"),
                        t(f"{NAME}.init.level_caption")),
              _block(views.grad, "init-gradient", t(f"{NAME}.init.grad_title", n_inits=N_INITS),
                     t(f"{NAME}.init.grad_caption")))
    left, right = st.columns(2)
    with left:
        chart_block(*views.saturated, "init-saturation", t, title=t(f"{NAME}.init.sat_title"),
                    caption=t(f"{NAME}.init.sat_caption", pct=f"{100 * SATURATION:.0f}"))
    with right:
        st.markdown(f"**{t(f'{NAME}.init.reading_title')}**")
        for (a, i), p in profs.items():
            _reading(t, su, a, i, p)
    st.caption(cite(t, "glorot2010", "he2015"))


def headline(t: Translator, su: Setup, profs: dict[tuple[str, str], InitProfile]) -> str:
    """The key chart's reading in a sentence, from the run: by how much the signal is
    multiplied from the last hidden layer down to layer 1, per series, and which series
    have lost (or multiplied) it past :data:`readings.VANISHED`."""
    ratios = {su.label(a, i): readings.measures(p).signal_ratio for (a, i), p in profs.items()}
    items = ", ".join(f"**{name}** ×{readings.sci(r)}" for name, r in ratios.items())
    share = f"1/{round(1 / readings.VANISHED)}"
    said = [t(f"{NAME}.init.headline", depth=su.settings.depth, items=items)]
    finite = {n: r for n, r in ratios.items() if math.isfinite(r)}
    lost = [n for n, r in finite.items() if r < readings.VANISHED]
    grown = [n for n, r in finite.items() if r > 1 / readings.VANISHED]
    if lost:
        said.append(t(f"{NAME}.init.headline_lost", names=", ".join(lost), share=share))
    if grown:
        said.append(t(f"{NAME}.init.headline_grown", names=", ".join(grown),
                      factor=round(1 / readings.VANISHED)))
    if finite and not lost and not grown:
        said.append(t(f"{NAME}.init.headline_kept", share=share, depth=su.settings.depth))
    return " ".join(said)


def _block(view: View | None, name: str, title: str, caption: str) -> Block | None:
    """A chart of the row, or None (an empty column) when nothing finite is left to draw."""
    return None if view is None else Block(*view, name, title, caption)


def _reading(t: Translator, su: Setup, act: str, init: str, p: InitProfile) -> None:
    """One series' numbers in words, and what they mean when they say something."""
    name, depth = su.label(act, init), su.settings.depth
    m = readings.measures(p)
    st.markdown(t(f"{NAME}.init.reading", series=name, ratio=readings.sci(m.signal_ratio),
                  depth=depth, factor=readings.sci(m.per_layer),
                  spread_first=readings.spread_text(t, m.spread_first, m.floor_first),
                  spread_last=readings.spread_text(t, m.spread_last, m.floor_last),
                  w_ratio=readings.sci(m.weight_ratio),
                  level_first=readings.sci(m.level_first), level_last=readings.sci(m.level_last),
                  sat=percent(m.saturated, digits=0)))
    if readings.masked(m):
        st.warning(t(f"{NAME}.init.masked", series=name, w_ratio=readings.sci(m.weight_ratio),
                     ratio=readings.sci(m.signal_ratio)))
    if readings.collapsed(m):
        st.info(t(f"{NAME}.init.constant", series=name, depth=depth,
                  spread_last=readings.spread_text(t, m.spread_last, m.floor_last),
                  spread_first=readings.spread_text(t, m.spread_first, m.floor_first)))
    if act == "tanh" and init == "standard" and depth >= 2 and np.isfinite(m.per_layer):
        gain = su.settings.width * weight_variance(init, su.settings.width, su.settings.width,
                                                   su.settings.std)
        slope2 = readings.mean_slope_sq(p.slope_sq)
        st.markdown(t(f"{NAME}.init.tanh_factor", series=name, factor=readings.sci(m.per_layer),
                      slope2=readings.sci(slope2), gain=readings.sci(gain),
                      predicted=readings.sci(math.sqrt(gain * slope2))))
    _health(t, name, p.grad_raw)


def _health(t: Translator, name: str, grad_raw: np.ndarray) -> None:
    health = describe_health(grad_raw)
    if health.overflow:
        st.warning(t(f"{NAME}.health.overflow", series=name))
    if health.zero_layers:
        st.warning(t(f"{NAME}.health.zero", series=name, layers=_layer_list(health.zero_layers)))
    if health.underflow_layers:
        st.warning(t(f"{NAME}.health.underflow", series=name,
                     layers=_layer_list(health.underflow_layers), tiny=f"{TINY:.0e}"))


def _layer_list(layers: list[int]) -> str:
    return ", ".join(map(str, layers[:8])) + ("…" if len(layers) > 8 else "")


def _finite(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=float).copy()
    out[~np.isfinite(out)] = np.nan
    return out


def _frame(su: Setup, profs: dict[tuple[str, str], InitProfile], layers: np.ndarray,
           columns: dict) -> pd.DataFrame:
    """One row per (series, layer): `columns` maps a column to what it shows of a profile
    (a function of the :class:`InitProfile`)."""
    return pd.concat([
        pd.DataFrame({"layer": layers, **{c: f(p) for c, f in columns.items()},
                      "act": a, "init": i, "series": su.label(a, i)})
        for (a, i), p in profs.items()], ignore_index=True)


def _band_columns(pick: Callable[[InitProfile], Band],
                  shown: Callable[[InitProfile, np.ndarray], np.ndarray]) -> dict:
    """The columns ``mid``, ``lo`` and ``hi`` of one band of each profile, as `shown` makes
    them (of the profile and the band's values)."""
    return {"mid": lambda p: shown(p, pick(p).mid), "lo": lambda p: shown(p, pick(p).lo),
            "hi": lambda p: shown(p, pick(p).hi)}


def _positive(p: InitProfile, values: np.ndarray) -> np.ndarray:
    """The values that are finite and positive, NaN elsewhere (for a log axis)."""
    return finite_positive(values)


def _resolved(p: InitProfile, values: np.ndarray) -> np.ndarray:
    """A spread where it is above its rounding floor, NaN where it is rounding noise."""
    return readings.resolved(finite_positive(values), readings.rounding_floor(p.level, p.level_std))


def _views(t: Translator, su: Setup, profs: dict[tuple[str, str], InitProfile]) -> InitViews:
    """The section's charts from the profiles."""
    depth = su.settings.depth
    hidden, weights = np.arange(1, depth + 1), np.arange(1, depth + 2)
    signal = _frame(su, profs, hidden, _band_columns(lambda p: p.signal, _positive))
    grad = _frame(su, profs, weights, _band_columns(lambda p: p.grad, _positive))
    spread = _frame(su, profs, hidden, _band_columns(lambda p: p.spread, _resolved))
    raw_spread = _frame(su, profs, hidden, _band_columns(lambda p: p.spread, _positive))
    fwd = _frame(su, profs, hidden, {"level": lambda p: _finite(p.level),
                                     "saturated": lambda p: _finite(p.saturated)})
    ref = _reference(su, profs, hidden)
    x_title, h_title = t("common.axis.layer"), t(f"{NAME}.axis.hidden_layer")
    return InitViews(
        signal=_band_view(t, su, signal, h_title, t(f"{NAME}.axis.signal"), ref),
        grad=_band_view(t, su, grad, x_title, t("common.axis.grad_norm"), None),
        spread=_band_view(t, su, spread, h_title, t(f"{NAME}.axis.spread"), None),
        level=_line_view(t, su, fwd, "level", h_title, t(f"{NAME}.axis.act_value")),
        saturated=_line_view(t, su, fwd, "saturated", h_title, t(f"{NAME}.axis.saturated")),
        has_ref=ref is not None,
        hidden_spread=bool((spread["mid"].isna() & raw_spread["mid"].notna()).any()
                           | (spread["lo"].isna() & raw_spread["lo"].notna()).any()))


def _reference(su: Setup, profs: dict[tuple[str, str], InitProfile],
               hidden: np.ndarray) -> pd.DataFrame | None:
    """¼ per sigmoid layer below the last hidden layer: what σ′ ≤ ¼ alone allows."""
    sig = [k for k in su.series if k[0] == "sigmoid"]
    if not sig:
        return None
    last = float(profs[sig[0]].signal.mid[-1])
    depth = su.settings.depth
    return pd.DataFrame({"layer": hidden, "ref": finite_positive(
        [last * slope_bound(ACTIVATIONS["sigmoid"], depth - int(k)) for k in hidden])})


def _band_view(t: Translator, su: Setup, frame: pd.DataFrame, x_title: str, y_title: str,
               ref: pd.DataFrame | None) -> View | None:
    if not frame["mid"].notna().any():
        return None
    spec = compiled(line_chart, frame, "layer", "mid", "act", band=("lo", "hi"), x_title=x_title,
                    y_title=y_title, **activation_legend(t),
                    log_y=True, compact=True, height=280, series="series" if su.two else None,
                    dash="init" if su.two else None, shapes=su.two,
                    dash_title=t(f"{NAME}.axis.init"), dash_labels=su.init_labels(), reference=ref,
                    reference_title=t(f"{NAME}.init.ref_label"))
    csv = frame.merge(ref, on="layer", how="left") if ref is not None else frame
    return spec, csv[[*SERIES_COLUMNS, "layer", "mid", "lo", "hi", *(["ref"] if ref is not None else [])]]


def _line_view(t: Translator, su: Setup, frame: pd.DataFrame, y: str, x_title: str,
               y_title: str) -> View:
    spec = compiled(line_chart, frame, "layer", y, "act", x_title=x_title, y_title=y_title,
                    **activation_legend(t), compact=True, height=280,
                    series="series" if su.two else None, dash="init" if su.two else None,
                    shapes=su.two, dash_title=t(f"{NAME}.axis.init"), dash_labels=su.init_labels())
    return spec, frame[[*SERIES_COLUMNS, "layer", y]]
