"""Each step's chart, drawn with the builders the pages use (``ui.charts``), from what its
run measured. A chart's title and caption are ``lesson.step.<code>.chart`` and
``lesson.step.<code>.caption``; the axes reuse the pages' own catalog entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from sections.lesson.experiments import CURE_VARIANTS, TODAY_VARIANTS, Measured
from sections.lesson.settings import NAME
from ui.charts import activation_legend, compiled, finite_positive, line_chart
from ui.charts.lesson import SERIES_COLOURS, per_layer_chart
from ui.charts.shapes import c1_chart, chain_chart, shapes_chart
from ui.export import chart_block
from ui.i18n import Translator, option_labels

#: A chart: its spec and the data its CSV holds.
Chart = tuple[dict, pd.DataFrame]


def _linear(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    return compiled(c1_chart, m.frame, m.extra["dots"], m.extra["segment"], m.extra["step"], t), m.frame


def before_linear(dots: pd.DataFrame, t: Translator) -> Chart:
    """Step 1 before its run: the data on an undecided plane (P = ½ everywhere), on the
    grid the run then fills in (the Function shapes page's)."""
    from core.grid import plane_grid
    from sections.shapes.compute import GRID

    points, _, step = plane_grid(dots[["x1", "x2"]].to_numpy(), resolution=GRID)
    grid = pd.DataFrame(points, columns=["x1", "x2"]).assign(p=0.5)
    return compiled(c1_chart, grid, dots, None, step, t), dots


def _slope_curves(m: Measured, v: Mapping[str, Any], t: Translator, deriv: bool) -> Chart:
    from sections.shapes.curves import curves_frame

    data = {v["act"]: m.extra["data"]}
    long = curves_frame(data, deriv, t)
    return compiled(shapes_chart, data, deriv, t, long), long


def _slope(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    return _slope_curves(m, v, t, True)


def before_slope(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    """Step 2 before its run: the function alone, without its slope."""
    return _slope_curves(m, v, t, False)


def _chain(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    best, rms = t("shapes.chain.best"), t("shapes.chain.rms")
    f = m.frame
    rows = pd.concat([pd.DataFrame({"L": f["L"], "value": finite_positive(f[col].to_numpy()),
                                    "act": v["act"], "case": case})
                      for col, case in (("best", best), ("rms", rms))], ignore_index=True)
    return compiled(chain_chart, rows, t), rows


def _per_layer(frame: pd.DataFrame, y: str, colour: str, t: Translator, y_title: str,
               band: tuple[str, str] | None = None, **kw: Any) -> Chart:
    clean = frame.assign(**{c: finite_positive(frame[c].to_numpy())
                            for c in (y, *(band or ()))})
    return compiled(per_layer_chart, clean, "layer", y, colour,
                    x_title=t("vanishing.axis.hidden_layer"), y_title=y_title, band=band,
                    compact=True, legend="bottom", **kw), clean


def _signal(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    return _per_layer(m.frame, "signal", "act", t, t("vanishing.axis.signal_short"), ("lo", "hi"),
                      **activation_legend(t))


def _spread(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    names = {q: t(f"{NAME}.quantity.{q}") for q in ("level", "spread")}
    return _per_layer(m.frame, "value", "quantity", t, t(f"{NAME}.axis.level_spread"),
                      colour_title=t(f"{NAME}.axis.quantity"), labels=names,
                      colours={q: SERIES_COLOURS[q] for q in names})


def _losses(m: Measured, group: str, t: Translator, **kw: Any) -> Chart:
    clean = m.frame.assign(loss=finite_positive(m.frame["loss"].to_numpy()))
    return compiled(line_chart, clean, "epoch", "loss", group, x_title=t("common.axis.epoch"),
                    y_title=t("common.axis.loss"), log_y=True, legend="bottom", **kw), clean


def _duel(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    return _losses(m, "act", t, **activation_legend(t))


def _named(labels: dict[str, str], title: str) -> dict[str, Any]:
    """Legend options for series named by code: their shown names and colours."""
    return {"colour_title": title, "labels": labels,
            "colours": {c: SERIES_COLOURS[c] for c in labels}}


def _init(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    inits = ("glorot_uniform", "he_normal")
    return _losses(m, "init", t, **_named(option_labels(t, "init", inits),
                                          t("vanishing.axis.init")))


def _variants(codes: tuple[str, ...]) -> Callable[[Measured, Mapping[str, Any], Translator], Chart]:
    """The losses of the Cures section's networks `codes`, named as the lesson names them."""

    def chart(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
        names = {c: t(f"{NAME}.variant.{c}") for c in codes}
        return _losses(m, "variant", t, **_named(names, t(f"{NAME}.axis.variant")))

    return chart


_cures = _variants(CURE_VARIANTS)
_today = _variants(TODAY_VARIANTS)


def _dead(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    return compiled(line_chart, m.frame, "epoch", "dead", "act", x_title=t("common.axis.epoch"),
                    y_title=t(f"{NAME}.axis.dead"), y_range=(0.0, 1.0), legend="bottom",
                    **activation_legend(t)), m.frame


def _pieces(m: Measured, v: Mapping[str, Any], t: Translator) -> Chart:
    return compiled(line_chart, m.frame, "x", "y", "act", x_title="x", y_title=t(f"{NAME}.axis.tent"),
                    y_range=(0.0, 1.0), legend="bottom", **activation_legend(t)), m.frame


CHARTS: dict[str, Callable[[Measured, Mapping[str, Any], Translator], Chart]] = {
    "linear": _linear, "slope": _slope, "chain": _chain, "signal": _signal, "spread": _spread,
    "duel": _duel, "init": _init, "dead": _dead, "pieces": _pieces, "cures": _cures,
    "today": _today,
}


def draw(code: str, m: Measured, v: Mapping[str, Any], t: Translator,
         params: Mapping[str, Any]) -> None:
    """The step's chart with its title, *Download* menu and caption (`params` fill their
    placeholders: the step's settings as shown, and the run's numbers)."""
    spec, data = CHARTS[code](m, v, t)
    chart_block(spec, data, f"lesson-{code}", t, title=t(f"{NAME}.step.{code}.chart", **params),
                caption=t(f"{NAME}.step.{code}.caption", **params))


def draw_before(code: str, spec_data: Chart, t: Translator, params: Mapping[str, Any]) -> None:
    """A step's chart before its run (what the question is about), with its own caption."""
    spec, data = spec_data
    chart_block(spec, data, f"lesson-{code}-setup", t,
                title=t(f"{NAME}.step.{code}.before", **params),
                caption=t(f"{NAME}.step.{code}.before_caption", **params))
