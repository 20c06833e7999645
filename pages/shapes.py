"""Function shapes: every activation and its slope, the chain of slopes, why depth
needs a non-linearity (C1) and why a sigmoid output pairs with cross-entropy (C2)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import activations as acts
from core.activations import ACTIVATIONS, Activation
from core.datasets import DATASETS, load, train_test_split
from core.grid import plane_grid
from core.linear import affine_logits, boundary_segment, collapse_linear
from core.mlp import MLP
from core.outputs import confidently_wrong, output_deltas
from core.slopes import chain_of_slopes, curves, eval_cost, facts, flat_intervals
from ui import guard
from ui.cache import page_cache
from ui.charts import (
    ACTIVATION_COLOURS,
    activation_colour,
    activation_scale,
    boundary_chart,
    compiled,
    finite_positive,
)
from ui.export import Weights, show_chart, weights_button
from ui.frame import available_pages, frame
from ui.guard import budget_epochs, note_budget
from ui.progress import progress_bar, progress_callback
from ui.upload import UPLOAD, load_data, uploader, user_data

DEFAULT_ACTS = ["sigmoid", "tanh", "relu"]
DATA_2D = [name for name, info in DATASETS.items() if info.two_d]
DEFAULT_DATA = "circles"
N_SAMPLES = 300
NOISE = 0.15
CHAIN_DEPTH = 30
GRID = 50
# C1: deep enough that "depth" is not the excuse; trained with Adam so that the
# identity network gets every chance to bend (it cannot).
DEEP_SIZES = (2, 16, 16, 16, 16, 1)
DRAW_EVERY = 2  # draw every 2nd point of the 401-point curves
DEEP_EPOCHS, DEEP_LR = 200, 0.01
# C2: one small ReLU classifier, plain full-batch gradient descent.
SMALL_SIZES = (2, 16, 1)
SMALL_EPOCHS, SMALL_LR = 200, 0.2
FLAT_TOL = 0.05  # a tail counts as flat where |f'| < 5% of the largest slope


def _act(name: str, slope: float, alpha: float) -> Activation:
    """The registry record, with the sidebar's parameter for the two families."""
    if name == "leaky_relu":
        return acts.get(name, slope=slope)
    if name == "elu":
        return acts.get(name, alpha=alpha)
    return acts.get(name)


# ------------------------------------------------------------------ cached core calls
@page_cache(64)
def shape_data(name: str, lo: float, hi: float, slope: float, alpha: float) -> dict:
    """Curves of one activation and what the chart marks on them."""
    act = _act(name, slope, alpha)
    x, f, df = curves(act, lo, hi)
    peak = int(np.argmax(np.abs(df)))
    return {
        "x": x, "f": f, "df": df,
        # Marked only when the steepest point of the whole function is in view.
        "peak": (float(x[peak]), float(df[peak]))
        if abs(df[peak]) >= act.max_slope * (1 - 1e-9) else None,
        "flat": flat_intervals(x, df, act.max_slope, FLAT_TOL) if act.saturates == "both" else [],
        "f0": float(act.f(0.0)),
        "smooth": act.smooth, "dead_zone": act.dead_zone, "saturates": act.saturates,
    }


@page_cache(64)
def cost(name: str, slope: float, alpha: float) -> float:
    """Seconds for f and f' on a million numbers (measured once per process and setting)."""
    return eval_cost(_act(name, slope, alpha))


@page_cache(128)
def chain(name: str, slope: float, alpha: float, spread: float, seed: int) -> dict:
    L, best, typical = chain_of_slopes(_act(name, slope, alpha), CHAIN_DEPTH, spread, seed=seed)
    return {"L": L, "best": best, "typical": typical}


def _train_part(X: np.ndarray, y: np.ndarray, seed: int, n_train: int) -> tuple:
    """The page's split of (X, y); the training part cut to `n_train` random rows if asked."""
    Xtr, Xte, ytr, yte = train_test_split(X, y, seed=seed)
    if n_train < len(ytr):
        keep = np.sort(np.random.default_rng(seed).permutation(len(ytr))[:n_train])
        Xtr, ytr = Xtr[keep], ytr[keep]
    return Xtr, Xte, ytr, yte


@page_cache(16)
def linear_vs_relu(key: str, seed: int, epochs: int, n_train: int, _X: np.ndarray,
                   _y: np.ndarray, _text: str = "") -> dict:
    """C1: a deep identity network and the same ReLU network on one 2-D data set.

    `key` names the data (a built-in set's name, or the digest of an upload); the
    arrays themselves are not hashed.
    """
    X, y = _X, _y
    Xtr, Xte, ytr, yte = _train_part(X, y, seed, n_train)
    points, _, step = plane_grid(X, resolution=GRID)
    out: dict = {"X": X, "y": y, "points": points, "step": step}
    with progress_bar(_text) as bar:
        for i, (act, init) in enumerate((("identity", "glorot_uniform"), ("relu", "he_normal"))):
            model = MLP(DEEP_SIZES, activation=act, init=init, seed=seed)
            hist = model.fit(Xtr, ytr, epochs=epochs, lr=DEEP_LR, optimizer="adam",
                             X_test=Xte, y_test=yte,
                             callback=progress_callback(bar, _text, start=i / 2, span=1 / 2))
            out[act] = {"test_acc": float(hist.test_acc[-1]), "grid_p": model.predict_proba(points),
                        "diverged_at": hist.diverged_at, "params": model.get_params()}
            if act == "identity":
                W, b = collapse_linear(model.weights, model.biases)
                deep = model.forward_trace(X)[0][-1]
                out["W"], out["b"] = W[:, 0], float(b[0])
                half = 0.5 * step
                out["segment"] = boundary_segment(W[:, 0], float(b[0]), points.min(axis=0) - half,
                                                  points.max(axis=0) + half)
                out["gap"] = float(np.max(np.abs(affine_logits(X, W, b) - deep)))
                out["logit_scale"] = float(np.max(np.abs(deep)))
    return out


@page_cache(16)
def bce_vs_mse(key: str, logit: float, seed: int, epochs: int, n_train: int, _X: np.ndarray,
               _y: np.ndarray, _text: str = "") -> dict:
    """C2: one classifier from a confidently wrong start, trained with BCE and with MSE."""
    Xtr, _, ytr, _ = _train_part(_X, _y, seed, n_train)
    start = MLP(SMALL_SIZES, activation="relu", output="sigmoid", init="he_normal", seed=seed)
    confidently_wrong(start, Xtr, ytr, logit)
    z0 = start.forward_trace(Xtr)[0][-1][:, 0]
    d_bce, d_mse = output_deltas(z0, ytr)
    out: dict = {"delta_bce": float(np.mean(np.abs(d_bce))),
                 "delta_mse": float(np.mean(np.abs(d_mse))),
                 "start_acc": start.accuracy(Xtr, ytr)}
    with progress_bar(_text) as bar:
        for i, output in enumerate(("sigmoid", "sigmoid_mse")):
            model = MLP(SMALL_SIZES, activation="relu", output=output, init="he_normal", seed=seed)
            model.set_params(*start.get_params())
            hist = model.fit(Xtr, ytr, epochs=epochs, lr=SMALL_LR, optimizer="sgd",
                             callback=progress_callback(bar, _text, start=i / 2, span=1 / 2))
            out[output] = {"loss": hist.loss, "acc": hist.train_acc, "diverged_at": hist.diverged_at,
                           "params": model.get_params()}
    return out


# ------------------------------------------------------------------------ charts
def curves_frame(data: dict[str, dict], show_deriv: bool, t) -> pd.DataFrame:
    """The curves in long form: x, y, act, kind (f or f')."""
    f_label, df_label = t("shapes.curves.f"), t("shapes.curves.df")
    return pd.concat(
        [pd.DataFrame({"x": d["x"], "y": d[key], "act": name, "kind": label})
         for name, d in data.items()
         for key, label in (("f", f_label), ("df", df_label)) if key == "f" or show_deriv],
        ignore_index=True,
    )


def shapes_chart(data: dict[str, dict], show_deriv: bool, t,
                 long: pd.DataFrame | None = None) -> alt.LayerChart:
    """f and f' of every activation, a hover rule with all values, and the marks."""
    f_label, df_label = t("shapes.curves.f"), t("shapes.curves.df")
    names = list(data)
    if long is None:
        long = curves_frame(data, show_deriv, t)
    # The browser redraws every mark of a chart on every rerun, so draw every
    # 2nd curve point and put a hover rule at every 4th; x = 0 stays on both
    # (the grid is odd and symmetric), so kinks are still drawn exactly.
    x_all = next(iter(data.values()))["x"]
    long = long[long["x"].isin(x_all[::DRAW_EVERY])]
    wide = pd.DataFrame({"x": x_all})
    tips = [alt.Tooltip("x:Q", title="x", format=".2f")]
    for name, d in data.items():
        wide[f"{name}_f"] = d["f"]
        tips.append(alt.Tooltip(f"{name}_f:Q", title=f"{name}: {f_label}", format=".4f"))
        if show_deriv:
            wide[f"{name}_df"] = d["df"]
            tips.append(alt.Tooltip(f"{name}_df:Q", title=f"{name}: {df_label}", format=".4f"))

    x_enc = alt.X("x:Q", title=t("shapes.curves.x"))
    y_enc = alt.Y("y:Q", title=t("shapes.curves.y"))
    # Stroke symbols at full opacity: the faint flat-tail bands share this legend.
    colour = alt.Color("act:N", scale=activation_scale(names), title=t("common.axis.activation"),
                       legend=alt.Legend(symbolType="stroke", symbolOpacity=1,
                                         symbolStrokeWidth=3))
    nearest = alt.selection_point(nearest=True, on="pointerover", fields=["x"], empty=False)

    lines = alt.Chart(long).mark_line(strokeWidth=2.2).encode(
        x=x_enc, y=y_enc, color=colour,
        strokeDash=alt.StrokeDash("kind:N", title=t("shapes.curves.kind"),
                                  scale=alt.Scale(domain=[f_label, df_label],
                                                  range=[[1, 0], [6, 3]]),
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2)),
    )
    # The hover dots are a separate chart without strokeDash, so the legend keeps dashes.
    # Filtered to the hovered x: a handful of marks to redraw, not one per curve point.
    dots = alt.Chart(long).mark_point(filled=True, size=45, opacity=1).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), color=colour,
    ).transform_filter(alt.ParameterPredicate(param=nearest.name, empty=False))
    rule = alt.Chart(wide.iloc[::2 * DRAW_EVERY]).mark_rule(color="#555555").encode(
        x=alt.X("x:Q"), tooltip=tips,
        # What alt.when(nearest).then(0.5).otherwise(0) builds, without its slow
        # schema look-up (~40 ms a call).
        opacity=alt.OpacityValue(0, condition=[{"param": nearest.name, "value": 0.5,
                                                "empty": False}]),
    ).add_params(nearest)
    layers: list = [lines, dots, rule]

    flats, peaks, kinks, dead = [], [], [], []
    for name, d in data.items():
        for a, b in d["flat"]:
            flats.append({"a": a, "b": b, "act": name})
        lo, hi = float(d["x"][0]), float(d["x"][-1])
        if show_deriv and d["saturates"] == "both" and d["peak"] is not None:
            px, py = d["peak"]
            peaks.append({"x": px, "y": py,
                          "label": t("shapes.curves.mark_peak", slope=f"{py:.3g}", x=f"{px:.3g}")})
        if not d["smooth"] and lo < 0 < hi:
            kinks.append({"x": 0.0, "y": d["f0"], "label": t("shapes.curves.mark_kink")})
        if show_deriv and d["dead_zone"] and lo < 0:
            dead.append({"x": lo + 0.04 * (min(hi, 0.0) - lo), "y": 0.0,
                         "label": t("shapes.curves.mark_dead")})
    # Every layer is there even when it has nothing to mark (an empty data set):
    # a chart whose layers come and go is rebuilt from scratch in the browser,
    # one whose data alone changes is updated in place (ui.charts).
    band = pd.DataFrame(flats, columns=["a", "b", "act"]).astype({"a": float, "b": float})
    layers.insert(0, alt.Chart(band).mark_rect(opacity=0.10).encode(
        x=alt.X("a:Q"), x2=alt.X2("b:Q"), color=colour,
        tooltip=[alt.Tooltip("act:N", title=t("common.axis.activation")),
                 alt.Tooltip("a:Q", title=t("shapes.curves.flat_from"), format=".2f"),
                 alt.Tooltip("b:Q", title=t("shapes.curves.flat_to"), format=".2f")],
    ))
    if flats:
        top = max(float(np.max(d["f"])) for d in data.values())
        flat_label = [{"x": flats[0]["a"], "y": top, "label": t("shapes.curves.mark_flat")}]
    else:
        flat_label = []
    # Peaks are labelled to the left, kinks below right, so labels at x = 0 do not collide.
    for rows, align, dx, dy, point in ((peaks, "right", -9, -9, True),
                                       (kinks, "left", 9, 12, True),
                                       (dead, "left", 4, -12, True),
                                       (flat_label, "left", 4, 0, False)):
        m = pd.DataFrame(rows, columns=["x", "y", "label"]).astype({"x": float, "y": float})
        base = alt.Chart(m.drop_duplicates()).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
        if point:
            layers.append(base.mark_point(size=90, shape="diamond", filled=True, color="#222222"))
        layers.append(base.mark_text(align=align, dx=dx, dy=dy, fontSize=12,
                                     color="#222222" if point else "#555555")
                      .encode(text=alt.Text("label:N")))
    return alt.layer(*layers).properties(height=420)


def chain_chart(rows: pd.DataFrame, t) -> alt.LayerChart:
    """Best (solid) and typical (dashed) chains on a log axis, over the 4^-L reference."""
    names = rows["act"].unique().tolist()
    L = np.arange(1, CHAIN_DEPTH + 1)
    ref = pd.DataFrame({"L": L, "value": 0.25 ** L.astype(float)})
    x_enc = alt.X("L:Q", title=t("shapes.chain.x"))
    y_enc = alt.Y("value:Q", title=t("shapes.chain.y"), scale=alt.Scale(type="log"),
                  axis=alt.Axis(format=".0e"))
    halo = alt.Chart(ref).mark_line(color="#999999", strokeWidth=8, opacity=0.35).encode(
        x=x_enc, y=y_enc,
        tooltip=[alt.Tooltip("L:Q", title="L"),
                 alt.Tooltip("value:Q", title=t("shapes.chain.ref"), format=".3~g")],
    )
    label = alt.Chart(ref[ref.L == 12]).mark_text(
        align="left", dx=8, dy=-12, color="#555555", fontSize=13, fontWeight="bold"
    ).encode(x=alt.X("L:Q"), y=alt.Y("value:Q"), text=alt.TextValue(t("shapes.chain.ref")))
    best, typical = t("shapes.chain.best"), t("shapes.chain.typical")
    lines = alt.Chart(rows).mark_line(strokeWidth=2.2).encode(
        x=x_enc, y=y_enc,
        color=activation_colour("act", names, t("common.axis.activation")),
        strokeDash=alt.StrokeDash("case:N", title=t("shapes.chain.case"),
                                  scale=alt.Scale(domain=[best, typical], range=[[1, 0], [6, 3]]),
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2)),
        tooltip=[alt.Tooltip("act:N", title=t("common.axis.activation")),
                 alt.Tooltip("case:N", title=t("shapes.chain.case")),
                 alt.Tooltip("L:Q", title="L"),
                 alt.Tooltip("value:Q", title=t("shapes.chain.y"), format=".3~g")],
    )
    return alt.layer(halo, lines, label).properties(height=380)


def loss_frame(runs: dict, key: str, names: dict[str, str]) -> pd.DataFrame:
    return pd.concat(
        [pd.DataFrame({"epoch": np.arange(len(r[key])), "value": r[key], "run": names[o]})
         for o, r in runs.items()],
        ignore_index=True,
    )


def c1_chart(grid: pd.DataFrame, dots: pd.DataFrame, segment: np.ndarray | None, step: float,
             t) -> alt.LayerChart:
    """The C1 probability map, with the identity net's single straight boundary dashed."""
    chart = boundary_chart(grid, dots, prob_title=t("shapes.c1.prob"),
                           class_title=t("shapes.c1.class"), step=step, height=320)
    if segment is not None:
        chart = chart + alt.Chart(pd.DataFrame(segment, columns=["x1", "x2"])).mark_line(
            color="#111111", strokeWidth=2.5, strokeDash=[7, 4]
        ).encode(x=alt.X("x1:Q"), y=alt.Y("x2:Q"))
    return chart


def run_chart(frame_: pd.DataFrame, y_title: str, t, log_y: bool) -> alt.Chart:
    domain = frame_["run"].unique().tolist()
    colours = [ACTIVATION_COLOURS["relu"], ACTIVATION_COLOURS["sigmoid"]]
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(domain=[0, 1])
    return alt.Chart(frame_).mark_line(strokeWidth=2.2).encode(
        x=alt.X("epoch:Q", title=t("common.axis.epoch")),
        y=alt.Y("value:Q", title=y_title, scale=y_scale),
        color=alt.Color("run:N", title=t("shapes.c2.run"),
                        scale=alt.Scale(domain=domain, range=colours[: len(domain)]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("run:N", title=t("shapes.c2.run")),
                 alt.Tooltip("epoch:Q", title=t("common.axis.epoch")),
                 alt.Tooltip("value:Q", title=y_title, format=".3~g")],
    ).properties(height=280)


# ------------------------------------------------------------------------ helpers
def _data_settings(used: str, key: str, n: int, n_train: int, seed: int) -> dict:
    """The data part of a network's settings (an upload is named by its digest)."""
    out = {"data": used, "n_samples": n, "n_train": n_train, "seed": seed, "test_fraction": 0.25}
    if used == UPLOAD:
        out["data_digest"] = key
    elif DATASETS[used].uses_noise:
        out["noise"] = NOISE
    return out


def _c1_settings(act: str, epochs: int, data: dict) -> dict:
    """What produced one C1 network, stored beside its weights in the .npz."""
    return {
        "sizes": list(DEEP_SIZES), "activation": act, "output": "sigmoid",
        "init": "glorot_uniform" if act == "identity" else "he_normal", "optimizer": "adam",
        "lr": DEEP_LR, "batch_size": None, "epochs": epochs, **data,
    }


def _c2_settings(output: str, logit: float, epochs: int, data: dict) -> dict:
    """What produced one C2 network: the confidently wrong start, then plain GD."""
    return {
        "sizes": list(SMALL_SIZES), "activation": "relu", "output": output, "init": "he_normal",
        "start": "confidently_wrong", "start_logit": logit, "optimizer": "sgd", "lr": SMALL_LR,
        "batch_size": None, "epochs": epochs, **data,
    }


def _training_data(data: str, seed: int, t) -> tuple[np.ndarray, np.ndarray, str, str]:
    """``(X, y, used, key)`` for both experiments; `key` is what the caches hash.

    Both experiments are binary (a straight z = 0 line, a single sigmoid output), so an
    upload with more than two classes is not used: the page says so and trains on
    the default set instead.
    """
    mine = user_data() if data == UPLOAD else None
    if mine is not None and int(mine[1].max()) + 1 > 2:
        st.warning(t("shapes.upload.binary", k=int(mine[1].max()) + 1, data=DEFAULT_DATA),
                   icon=":material/upload_file:")
        X, y = load(DEFAULT_DATA, n_samples=N_SAMPLES, noise=NOISE, seed=seed)
        return X, y, DEFAULT_DATA, DEFAULT_DATA
    X, y, used = load_data(data, N_SAMPLES, NOISE, seed, t)
    return X, y, used, (mine[2] if used == UPLOAD and mine is not None else used)


def _experiment_data(data: str, seed: int, t) -> tuple:
    """The two training experiments' data: ``X, y, used, key``, the training-set
    size and each experiment's compute budget.

    Only an upload (up to core.userdata.MAX_ROWS rows) makes these fixed networks
    bigger; each experiment may use half of the request's budget.
    """
    X, y, used, key = _training_data(data, seed, t)
    n_train = len(train_test_split(X, y, seed=seed)[2])
    return X, y, used, key, n_train, guard.BUDGET / 2


def _num(v: float) -> str:
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:.3g}".replace("-", "−")


def _sci(v: float) -> str:
    if not math.isfinite(v):
        return "—"
    return f"{v:.1e}".replace("-", "−")


# -------------------------------------------------------------------------- page
#: The page's sections, in reading order (URL ``view``; the first is the default).
SECTIONS = ("curves", "facts", "chain", "c1", "c2")


def main() -> None:
    fr = frame("shapes")
    t, c = fr.t, fr.controls
    fr.heading()

    side = c.container
    side.subheader(t("shapes.controls.curves"))
    names = c.multiselect("act", t("shapes.controls.act"), list(ACTIVATIONS), DEFAULT_ACTS,
                          help=t("shapes.controls.act_help"))
    lo, hi = c.range_slider("x", t("shapes.controls.x"), -10.0, 10.0, (-6.0, 6.0), step=0.5)
    slope = c.slider("slope", t("shapes.controls.slope"), 0.0, 0.5, 0.01, step=0.01,
                     help=t("shapes.controls.slope_help"))
    alpha = c.slider("alpha", t("shapes.controls.alpha"), 0.1, 3.0, 1.0, step=0.1,
                     help=t("shapes.controls.alpha_help"))
    show_deriv = c.checkbox("deriv", t("shapes.controls.deriv"), True)
    side.subheader(t("shapes.controls.chain"))
    spread = c.slider("s", t("shapes.controls.s"), 0.1, 5.0, 1.0, step=0.1,
                      help=t("shapes.controls.s_help"))
    side.subheader(t("shapes.controls.train"))
    data = c.select("data", t("shapes.controls.data"), [*DATA_2D, UPLOAD], DEFAULT_DATA)
    logit = c.slider("sat", t("shapes.controls.sat"), 2.0, 10.0, 6.0, step=0.5,
                     help=t("shapes.controls.sat_help"))
    seed = c.number("seed", t("shapes.controls.seed"), 0, 9999, 0, help=t("common.seed_help"))
    uploader(t)
    slope, alpha, spread, logit = float(slope), float(alpha), float(spread), float(logit)
    lo, hi = float(lo), float(hi)

    # Only the open section is computed and drawn (see Frame.sections).
    view = fr.sections(SECTIONS)
    # ---- 1. shapes
    if view == "curves":
        st.header(t("shapes.curves.title"))
        if not names:
            st.info(t("shapes.none_selected"))
        else:
            data_by_act = {n: shape_data(n, lo, hi, slope, alpha) for n in names}
            long = curves_frame(data_by_act, show_deriv, t)
            show_chart(compiled(shapes_chart, data_by_act, show_deriv, t, long), long, "curves", t)
            st.caption(t("shapes.curves.caption" if show_deriv else "shapes.curves.caption_no_deriv",
                         tol=f"{100 * FLAT_TOL:.0f}"))
            with st.expander(t("shapes.curves.formulas")):
                for n in names:
                    act = _act(n, slope, alpha)
                    st.markdown(f"**{n}**")
                    st.latex(rf"f(z) = {act.formula} \qquad f'(z) = {act.dformula}")
        sig = facts(ACTIVATIONS["sigmoid"])
        tanh_f = facts(ACTIVATIONS["tanh"])
        st.info(t("shapes.curves.reading", sig_max=_num(sig.max_slope), sig_f0=_num(sig.f0),
                  tanh_max=_num(tanh_f.max_slope)))
    # ---- 2. facts table
    elif view == "facts":
        st.header(t("shapes.facts.title"))
        if not names:
            st.info(t("shapes.none_selected"))
        else:
            ref = cost("relu", slope, alpha)
            rows = []
            for n in names:
                fa = facts(_act(n, slope, alpha))
                lo_r, hi_r = fa.output_range
                rows.append({
                    t("shapes.facts.name"): n,
                    t("shapes.facts.range"): f"({_num(lo_r)}, {_num(hi_r)})",
                    t("shapes.facts.f0"): _num(fa.f0),
                    t("shapes.facts.df0"): _num(fa.df0),
                    t("shapes.facts.max_slope"): _num(fa.max_slope),
                    t("shapes.facts.zero_centred"): t(f"shapes.facts.{'yes' if fa.zero_centred else 'no'}"),
                    t("shapes.facts.saturates"): t(f"shapes.facts.sat_{fa.saturates}"),
                    t("shapes.facts.smooth"): t(f"shapes.facts.{'yes' if fa.smooth else 'no'}"),
                    t("shapes.facts.dead_zone"): t(f"shapes.facts.{'yes' if fa.dead_zone else 'no'}"),
                    t("shapes.facts.cost"): f"{cost(n, slope, alpha) / ref:.1f}×",
                })
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            st.caption(t("shapes.facts.caption", ms=f"{1000 * ref:.1f}"))
    # ---- 3. chain of slopes
    elif view == "chain":
        st.header(t("shapes.chain.title"))
        st.markdown(t("shapes.chain.intro", s=f"{spread:g}"))
        if names:
            best_l, typ_l = t("shapes.chain.best"), t("shapes.chain.typical")
            rows = []
            for n in names:
                ch = chain(n, slope, alpha, spread, seed)
                rows.append(pd.DataFrame({"L": ch["L"], "value": finite_positive(ch["best"]),
                                          "act": n, "case": best_l}))
                rows.append(pd.DataFrame({"L": ch["L"], "value": finite_positive(ch["typical"]),
                                          "act": n, "case": typ_l}))
            chain_rows = pd.concat(rows, ignore_index=True)
            show_chart(compiled(chain_chart, chain_rows, t), chain_rows, "chain-of-slopes", t)
            st.caption(t("shapes.chain.caption"))
        sig_c = chain("sigmoid", slope, alpha, spread, seed)
        relu_c = chain("relu", slope, alpha, spread, seed)
        depth = 10
        st.info(t("shapes.chain.reading", depth=depth, s=f"{spread:g}",
                  sig_best=_sci(sig_c["best"][depth - 1]), sig_typ=_sci(sig_c["typical"][depth - 1]),
                  relu_typ=_sci(relu_c["typical"][depth - 1])))
        if any(p.name == "vanishing" for p in available_pages()):
            st.page_link("pages/vanishing.py", label=t("shapes.chain.link"),
                         icon=":material/trending_down:",
                         query_params={"lang": fr.lang} if fr.lang != "en" else None)
    # ---- 4. C1: depth without a non-linearity
    elif view == "c1":
        X, y, used, key, n_train, share = _experiment_data(data, seed, t)
        st.header(t("shapes.c1.title"))
        b1 = budget_epochs(len(DEEP_SIZES) - 2, DEEP_SIZES[1], n_train, DEEP_EPOCHS, runs=2,
                           n_in=DEEP_SIZES[0], budget=share)
        note_budget(b1, t)
        c1 = linear_vs_relu(key, seed, b1.epochs, b1.n_samples, _X=X, _y=y,
                            _text=t("shapes.c1.training"))
        data_name = t("shapes.upload.name") if used == UPLOAD else used
        st.markdown(t("shapes.c1.setup", layers=len(DEEP_SIZES) - 2, width=DEEP_SIZES[1],
                      epochs=b1.epochs, data=data_name, n=len(y)))
        points = pd.DataFrame(c1["points"], columns=["x1", "x2"])
        dots = pd.DataFrame({"x1": c1["X"][:, 0], "x2": c1["X"][:, 1], "label": c1["y"]})
        for col, act in zip(st.columns(2), ("identity", "relu"), strict=True):
            run = c1[act]
            with col:
                st.subheader(t(f"shapes.c1.side_{act}"))
                st.metric(t("shapes.c1.test_acc"), f"{100 * run['test_acc']:.1f}%")
                if run["diverged_at"] is not None:
                    st.error(t("common.diverged", epoch=run["diverged_at"]))
                grid = points.assign(p=np.nan_to_num(run["grid_p"], nan=0.5))
                segment = c1["segment"] if act == "identity" else None
                show_chart(compiled(c1_chart, grid, dots, segment, c1["step"], t), grid,
                           f"c1-boundary-{act}", t,
                           Weights(run["params"],
                                   _c1_settings(act, b1.epochs,
                                                _data_settings(used, key, len(y), b1.n_samples, seed)),
                                   f"c1-weights-{act}"))
                st.caption(t(f"shapes.c1.caption_{act}"))
        w1, w2 = (float(v) for v in c1["W"])
        st.latex(t("shapes.c1.map", w1=f"{w1:.3f}", w2=f"{w2:+.3f}", b=f"{c1['b']:+.3f}"))
        m1, m2 = st.columns(2)
        m1.metric(t("shapes.c1.gap"), _sci(c1["gap"]), help=t("shapes.c1.gap_help"))
        m2.metric(t("shapes.c1.scale"), f"{c1['logit_scale']:.3g}")
        st.info(t("shapes.c1.reading", gap=_sci(c1["gap"]), layers=len(DEEP_SIZES) - 1))
    # ---- 5. C2: sigmoid output with cross-entropy
    elif view == "c2":
        X, y, used, key, n_train, share = _experiment_data(data, seed, t)
        st.header(t("shapes.c2.title"))
        b2 = budget_epochs(len(SMALL_SIZES) - 2, SMALL_SIZES[1], n_train, SMALL_EPOCHS, runs=2,
                           n_in=SMALL_SIZES[0], budget=share)
        note_budget(b2, t)
        c2 = bce_vs_mse(key, logit, seed, b2.epochs, b2.n_samples, _X=X, _y=y,
                        _text=t("shapes.c2.training"))
        st.markdown(t("shapes.c2.setup", width=SMALL_SIZES[1], logit=f"{logit:g}",
                      start_acc=f"{100 * c2['start_acc']:.0f}", epochs=b2.epochs, lr=SMALL_LR))
        st.markdown(t("shapes.c2.math"))
        run_names = {"sigmoid": t("shapes.c2.bce"), "sigmoid_mse": t("shapes.c2.mse")}
        runs = {o: c2[o] for o in ("sigmoid", "sigmoid_mse")}
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("shapes.c2.delta_bce"), _sci(c2["delta_bce"]))
        m2.metric(t("shapes.c2.delta_mse"), _sci(c2["delta_mse"]))
        m3.metric(t("shapes.c2.acc_bce"), f"{100 * runs['sigmoid']['acc'][-1]:.1f}%")
        m4.metric(t("shapes.c2.acc_mse"), f"{100 * runs['sigmoid_mse']['acc'][-1]:.1f}%")
        for col, o in ((m3, "sigmoid"), (m4, "sigmoid_mse")):
            with col:
                weights_button(Weights(runs[o]["params"],
                               _c2_settings(o, logit, b2.epochs,
                                            _data_settings(used, key, len(y), b2.n_samples, seed)),
                               f"c2-weights-{'bce' if o == 'sigmoid' else 'mse'}"), t)
        for o, r in runs.items():
            if r["diverged_at"] is not None:
                st.error(f"{run_names[o]}: {t('common.diverged', epoch=r['diverged_at'])}")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('shapes.c2.acc_title')}**")
            af = loss_frame(runs, "acc", run_names)
            show_chart(compiled(run_chart, af, t("common.axis.accuracy"), t, log_y=False), af,
                       "c2-accuracy", t)
            st.caption(t("shapes.c2.acc_caption"))
        with right:
            st.markdown(f"**{t('shapes.c2.loss_title')}**")
            lf = loss_frame(runs, "loss", run_names)
            lf["value"] = finite_positive(lf["value"].to_numpy())
            show_chart(compiled(run_chart, lf, t("shapes.c2.own_loss"), t, log_y=True), lf, "c2-loss", t)
            st.caption(t("shapes.c2.loss_caption"))
        ratio = c2["delta_bce"] / c2["delta_mse"] if c2["delta_mse"] > 0 else math.inf
        st.info(t("shapes.c2.reading", ratio=f"{ratio:.3g}",
                  acc_bce=f"{100 * runs['sigmoid']['acc'][-1]:.0f}",
                  acc_mse=f"{100 * runs['sigmoid_mse']['acc'][-1]:.0f}"))
    fr.next_section()


main()
