// The playground's diagram, output view and playback. It only draws: every number
// (heatmaps, weights, gradients, dead units, losses) comes from the server in `data`
// (sections/playground/run.py). Text from the catalog is set with textContent only.
//
// The module is loaded once per page, so `STATES` keeps one playback state per
// mounted element: new data with the same key extends the animation instead of
// restarting it. Playback shows one frame every 1000/fps ms and asks the server for
// the next chunk of frames (`cmd` = {action: "more"}) while one chunk is still left,
// or, while the play waits for the session's budget, after the `wait` seconds it says.

const STATES = new WeakMap();
// The colours, from the payload (`colours`, ui/charts/palette.py, which states the
// colour language): NEG orange = negative and class 0, POS blue = positive and class 1,
// MID = 0; GRAD the gradient-size ramp, pale (tiny) to dark (large) on a log scale.
let NEG = [0, 0, 0], MID = [0, 0, 0], POS = [0, 0, 0], GRAD = [[0, 0, 0], [0, 0, 0]];
let PAL = {};
const REQUEST_GAP_MS = 250;
const PENDING_TIMEOUT_MS = 8000;
const MAX_KEPT_FRAMES = 160;
// The largest float32: the server sends values beyond float32's range as ±this
// (sections/playground/frames.py), shown as "≥ 3.4e38" rather than as infinity.
const F32_MAX = 3.4028234663852886e38;

function fill(tpl, values) {
  return String(tpl ?? "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function bytes(b64) {
  const bin = atob(b64 || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function floats(b64) {
  const u = bytes(b64);
  return new Float32Array(u.buffer, 0, Math.floor(u.length / 4));
}

function hexRgb(hex) {
  const h = String(hex || "").replace("#", "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) || 0);
}

function setColours(c) {
  if (!c || PAL === c) return;
  PAL = c;
  NEG = hexRgb(c.negative); MID = hexRgb(c.neutral); POS = hexRgb(c.positive);
  GRAD = (c.gradient || []).map(hexRgb);
}

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// t in [-1, 1]: orange through grey-white to blue.
function diverging(t) {
  const c = Math.max(-1, Math.min(1, t));
  return c < 0 ? mix(MID, NEG, -c) : mix(MID, POS, c);
}

function ramp(t) {
  const c = Math.max(0, Math.min(1, t)) * (GRAD.length - 1);
  const i = Math.min(Math.floor(c), GRAD.length - 2);
  return mix(GRAD[i], GRAD[i + 1], c - i);
}

function rgb(c, alpha = 1) {
  const v = typeof c === "string" ? hexRgb(c) : c;
  return `rgba(${v[0] | 0},${v[1] | 0},${v[2] | 0},${alpha})`;
}

function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  if (a >= F32_MAX) return v > 0 ? "≥ 3.4e38" : "≤ −3.4e38";
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return v.toPrecision(3);
}

// ---------------------------------------------------------------- state

function create(root) {
  const q = (role) => root.querySelector(`[data-role="${role}"]`);
  const s = {
    root, run: null, frames: [], pos: 0, playing: false, pending: false, pendingAt: 0,
    nextRequestAt: 0, lastAdvance: 0, ctl: 0, seq: -1, data: null, layout: null,
    hover: null, updates: 0, stopSent: false, loop: null, inputs: null, send: () => {},
    el: {
      epoch: q("epoch"), losses: q("losses"), status: q("status"), net: q("net"), out: q("out"),
      curve: q("curve"), legend: q("legend"), curveLegend: q("curve-legend"), tip: q("tip"),
      hint: q("hint"), outTitle: q("out-title"), cbar: q("cbar"),
      play: root.querySelector('[data-cmd="play"]'), step: root.querySelector('[data-cmd="step"]'),
      reset: root.querySelector('[data-cmd="reset"]'), png: root.querySelector('[data-cmd="png"]'),
    },
  };
  s.el.play.addEventListener("click", () => (s.playing ? pause(s) : play(s)));
  s.el.step.addEventListener("click", () => control(s, "step", { at: shown(s) }));
  s.el.reset.addEventListener("click", () => { s.playing = false; control(s, "reset", {}); });
  s.el.png.addEventListener("click", () => savePng(s));
  s.el.net.addEventListener("mousemove", (ev) => hoverNet(s, ev));
  s.el.net.addEventListener("mouseleave", () => { s.hover = null; s.el.tip.hidden = true; });
  s.el.out.addEventListener("click", (ev) => clickPlane(s, ev));
  new ResizeObserver(() => { s.layout = null; s.dirty = true; }).observe(root);
  return s;
}

function shown(s) {
  const f = s.frames[s.pos];
  return f ? f.e : 0;
}

// How many epochs Step advances from epoch e: to the next kept frame, which the server
// makes every `stride` epochs and at the end of every chunk (sections/playground/
// frames.py, next_frame; the same rule).
function stepSize(d, e) {
  const stride = Math.max(d.stride || 1, 1), chunk = Math.max(d.chunk || 1, 1);
  const next = Math.min(
    (Math.floor(e / stride) + 1) * stride, (Math.floor(e / chunk) + 1) * chunk,
    Math.max(d.max_epochs || Infinity, e + 1));
  return next - e;
}

function control(s, action, fields) {
  s.ctl += 1;
  s.send("cmd", { action, ctl: s.ctl, ...fields });
}

function play(s) {
  s.playing = true;
  s.stopSent = false;
  s.pending = true;
  s.pendingAt = performance.now();
  s.lastAdvance = performance.now();
  control(s, "play", { at: shown(s), have: lastEpoch(s) });
  s.dirty = true;
}

function pause(s) {
  s.playing = false;
  control(s, "pause", { at: shown(s) });
  s.dirty = true;
}

function lastEpoch(s) {
  return s.frames.length ? s.frames[s.frames.length - 1].e : 0;
}

function receive(s, data) {
  s.data = data;
  setColours(data.colours);
  const fresh = data.run !== s.run;
  if (fresh) {
    s.run = data.run;
    s.frames = [];
    s.pos = 0;
    s.inputs = null;
    s.stopSent = false;
    s.playing = false;
    s.pending = false;
  }
  if (data.seq !== s.seq) s.pending = false;
  s.seq = data.seq;
  // The play waits for the session's share of the server: ask again when it says, not
  // every REQUEST_GAP_MS (each ask is a rerun on the server).
  if (data.wait > 0) s.nextRequestAt = Math.max(s.nextRequestAt, performance.now() + 1000 * data.wait);
  const last = lastEpoch(s);
  for (const f of data.frames || []) {
    if (!s.frames.length || f.e > last) s.frames.push(f);
    else if (!s.frames.some((g) => g.e === f.e)) {
      s.frames.push(f);
      s.frames.sort((a, b) => a.e - b.e);
    }
  }
  // An answer to an older control action must not undo a newer one (a Play just pressed).
  if (fresh || data.ctl >= s.ctl) {
    s.ctl = Math.max(s.ctl, data.ctl || 0);
    if (data.mode === "playing") {
      if (!s.playing) s.lastAdvance = performance.now();
      s.playing = true;
    } else {
      s.playing = false;
      const i = s.frames.findIndex((f) => f.e === data.pointer);
      if (i >= 0) s.pos = i;
    }
  }
  if (s.pos > MAX_KEPT_FRAMES) {
    const drop = s.pos - MAX_KEPT_FRAMES / 2;
    s.frames.splice(0, drop);
    s.pos -= drop;
  }
  s.layout = null;
  s.dirty = true;
  texts(s);
}

// ---------------------------------------------------------------- playback loop

function tick(s, now) {
  if (!s.root.isConnected) { s.loop = null; return; }
  s.loop = requestAnimationFrame((t) => tick(s, t));
  const d = s.data;
  if (!d) return;
  const period = 1000 / (d.fps || 30);
  if (s.playing && now - s.lastAdvance >= period) {
    if (s.pos < s.frames.length - 1) {
      s.pos += 1;
      s.updates += 1;
      s.root.dataset.updates = String(s.updates);
      // Catch up after a slow frame, but never by more than one period.
      s.lastAdvance = Math.max(s.lastAdvance + period, now - period);
      s.dirty = true;
    } else if (d.stop && !s.pending && !s.stopSent) {
      s.stopSent = true;
      s.playing = false;
      control(s, "pause", { at: shown(s) });
      s.dirty = true;
    }
  }
  if (s.playing) maybeRequest(s, now);
  if (s.dirty) {
    s.dirty = false;
    draw(s);
  }
}

function maybeRequest(s, now) {
  const d = s.data;
  if (s.pending && now - s.pendingAt < PENDING_TIMEOUT_MS) return;
  if (d.stop || now < s.nextRequestAt) return;
  const ahead = (s.frames.length - 1 - s.pos) * (d.stride || 1);
  if (ahead > (d.chunk || 25)) return;
  s.pending = true;
  s.pendingAt = now;
  s.nextRequestAt = now + REQUEST_GAP_MS;
  s.send("cmd", { action: "more", have: lastEpoch(s), ctl: s.ctl });
}

// ---------------------------------------------------------------- decoding

function decoded(s, f) {
  if (f._d) return f._d;
  const st = s.data.static;
  const res = st.res;
  f._d = {
    heat: bytes(f.h), w: floats(f.w), b: floats(f.b), gw: floats(f.gw),
    gh: floats(f.gh), out: bytes(f.o), dead: new Map((f.d || []).map((r) => [r[0], r])),
    res,
  };
  return f._d;
}

function inputs(s) {
  if (!s.inputs) s.inputs = bytes(s.data.static.inputs);
  return s.inputs;
}

// Node k's heatmap bytes and its range.
function nodeMap(s, f, k) {
  const st = s.data.static;
  const nIn = st.sizes[0];
  const n = st.res * st.res;
  if (k < nIn) {
    return { q: inputs(s).subarray(k * n, (k + 1) * n), lo: st.input_ranges[2 * k], hi: st.input_ranges[2 * k + 1] };
  }
  const j = k - nIn;
  const d = decoded(s, f);
  return { q: d.heat.subarray(j * n, (j + 1) * n), lo: f.r[2 * j], hi: f.r[2 * j + 1] };
}

// ---------------------------------------------------------------- layout

function computeLayout(s) {
  const st = s.data.static;
  const sizes = st.sizes;
  const width = Math.max(320, s.el.net.parentElement.clientWidth || 600);
  const most = Math.max(...sizes);
  const top = 46, bottom = 30, left = 70, right = 30;
  const gap = most > 10 ? 5 : 9;
  const node = Math.max(16, Math.min(40, Math.floor((520 - top - bottom) / most) - gap));
  const height = Math.max(260, top + bottom + most * (node + gap));
  const cols = sizes.length;
  const step = cols > 1 ? (width - left - right - node) / (cols - 1) : 0;
  const nodes = [];
  sizes.forEach((n, l) => {
    const x = left + l * step;
    const y0 = top + (height - top - bottom - n * (node + gap) + gap) / 2;
    for (let i = 0; i < n; i++) nodes.push({ layer: l, unit: i, x, y: y0 + i * (node + gap) });
  });
  const offsets = [0];
  sizes.forEach((n) => offsets.push(offsets[offsets.length - 1] + n));
  return { width, height, node, nodes, offsets, sizes, top, left };
}

function sizeCanvas(canvas, w, h) {
  const r = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * r) || canvas.height !== Math.round(h * r)) {
    canvas.width = Math.round(w * r);
    canvas.height = Math.round(h * r);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}

// ---------------------------------------------------------------- drawing

function draw(s) {
  const d = s.data;
  const f = s.frames[s.pos];
  if (!d) return;
  if (!f) { // no network yet (no points drawn): only the plane to click on
    sizeCanvas(s.el.net, 1, 1);
    drawOutput(s, null);
    texts(s);
    return;
  }
  if (!s.layout) s.layout = computeLayout(s);
  drawNet(s, f);
  drawOutput(s, f);
  drawCurve(s, f);
  texts(s);
  if (s.hover) tooltip(s, s.hover.x, s.hover.y);
}

// A node's map on its own scale: symmetric about 0 when its values have both signs;
// white (its smallest size) to blue or orange when they all have one sign, so the
// shape of a unit that is positive everywhere (sigmoid, ReLU) still shows.
function nodeColour(v, lo, hi) {
  if (lo >= 0) return diverging(hi > lo ? (v - lo) / (hi - lo) : (hi > 0 ? 1 : 0));
  if (hi <= 0) return diverging(hi > lo ? -(hi - v) / (hi - lo) : -1);
  return diverging(v / Math.max(-lo, hi));
}

function heatImage(ctx, q, res, lo, hi) {
  const img = ctx.createImageData(res, res);
  const a = lo || 0, b = hi || 0;
  for (let i = 0; i < q.length; i++) {
    const c = nodeColour(a + (q[i] * (b - a)) / 255, a, b);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  return img;
}

function blit(ctx, img, x, y, size, smooth) {
  const tmp = blit.canvas || (blit.canvas = document.createElement("canvas"));
  tmp.width = img.width; tmp.height = img.height;
  tmp.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(tmp, x, y, size, size);
}

// The log10 range a gradient view colours: `gradient_decades` powers of ten below the
// largest value (smaller values take the palest colour).
function logRange(values) {
  let top = -Infinity;
  for (const v of values) if (v > 0 && Number.isFinite(v)) top = Math.max(top, Math.log10(v));
  return Number.isFinite(top) ? [top - (PAL.gradient_decades || 6), top] : null;
}

function gradColour(v, range) {
  if (!range || !(v > 0) || !Number.isFinite(v)) return hexRgb(PAL.no_gradient);
  return ramp((Math.log10(v) - range[0]) / (range[1] - range[0]));
}

function edgePath(L, a, b) {
  const x0 = a.x + L.node, y0 = a.y + L.node / 2, x1 = b.x, y1 = b.y + L.node / 2;
  const mx = (x0 + x1) / 2;
  return [x0, y0, mx, y0, mx, y1, x1, y1];
}

function drawEdges(s, ctx, f, dd, grad, gwRange) {
  const L = s.layout;
  let k = 0;
  for (let l = 0; l + 1 < L.sizes.length; l++) {
    for (let i = 0; i < L.sizes[l]; i++) {
      for (let j = 0; j < L.sizes[l + 1]; j++, k++) {
        const p = edgePath(L, L.nodes[L.offsets[l] + i], L.nodes[L.offsets[l + 1] + j]);
        const w = dd.w[k];
        if (grad) {
          ctx.strokeStyle = rgb(gradColour(dd.gw[k], gwRange), 0.85);
          ctx.lineWidth = 1.6;
        } else {
          const a = Math.min(Math.abs(w) / 3, 1);
          ctx.strokeStyle = rgb(w >= 0 ? POS : NEG, 0.25 + 0.65 * a);
          ctx.lineWidth = Number.isFinite(w) ? 0.6 + 5.4 * a : 0.6;
        }
        ctx.beginPath();
        ctx.moveTo(p[0], p[1]);
        ctx.bezierCurveTo(p[2], p[3], p[4], p[5], p[6], p[7]);
        ctx.stroke();
      }
    }
  }
}

function drawNet(s, f) {
  const L = s.layout;
  const d = s.data;
  const dd = decoded(s, f);
  const ctx = sizeCanvas(s.el.net, L.width, L.height);
  ctx.clearRect(0, 0, L.width, L.height);
  const grad = !!d.view.grad;
  const gwRange = grad ? logRange(dd.gw) : null;
  const ghRange = grad ? logRange(dd.gh) : null;
  drawEdges(s, ctx, f, dd, grad, gwRange);
  const res = d.static.res;
  ctx.font = "12px sans-serif";
  ctx.textBaseline = "middle";
  L.nodes.forEach((n, k) => {
    const m = nodeMap(s, f, k);
    blit(ctx, heatImage(ctx, m.q, res, m.lo, m.hi), n.x, n.y, L.node, false);
    ctx.lineWidth = grad ? 3 : 1;
    ctx.strokeStyle = grad ? rgb(gradColour(dd.gh[k], ghRange)) : rgb(PAL.ink, 0.35);
    ctx.strokeRect(n.x - 0.5, n.y - 0.5, L.node + 1, L.node + 1);
    const mark = dd.dead.get(k);
    if (mark) (mark[4] ? drawDead : drawBelow)(ctx, n, L.node);
    if (n.layer === 0) {
      ctx.fillStyle = PAL.ink;
      ctx.textAlign = "right";
      ctx.fillText(d.net.labels[n.unit] || "", n.x - 6, n.y + L.node / 2);
    }
  });
  drawHeaders(s, ctx);
  drawNetLegend(s, ctx, grad, gwRange, ghRange);
}

function drawDead(ctx, n, size) {
  ctx.save();
  ctx.strokeStyle = PAL.dead;
  ctx.lineWidth = 2;
  ctx.setLineDash([4, 3]);
  ctx.strokeRect(n.x - 2, n.y - 2, size + 4, size + 4);
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(n.x + 3, n.y + 3); ctx.lineTo(n.x + size - 3, n.y + size - 3);
  ctx.moveTo(n.x + size - 3, n.y + 3); ctx.lineTo(n.x + 3, n.y + size - 3);
  ctx.stroke();
  ctx.restore();
}

// A unit below zero on every training point whose activation still has a slope there
// (Leaky ReLU, ELU, GELU, SiLU): a grey dashed frame, no cross, since it is not dead.
function drawBelow(ctx, n, size) {
  ctx.save();
  ctx.strokeStyle = PAL.below;
  ctx.lineWidth = 2;
  ctx.setLineDash([4, 3]);
  ctx.strokeRect(n.x - 2, n.y - 2, size + 4, size + 4);
  ctx.restore();
}

function drawHeaders(s, ctx) {
  const L = s.layout;
  const d = s.data;
  ctx.fillStyle = PAL.ink;
  ctx.textAlign = "center";
  ctx.font = "12px sans-serif";
  L.sizes.forEach((n, l) => {
    const x = L.nodes[L.offsets[l]].x + L.node / 2;
    const head = d.net.headers[l] || "";
    const lines = head.split("\n");
    lines.forEach((line, i) => ctx.fillText(line, x, 12 + i * 14));
  });
}

function drawNetLegend(s, ctx, grad, gwRange, ghRange) {
  const d = s.data;
  const el = s.el.legend;
  s.el.cbar.hidden = !grad;
  if (grad) {
    el.textContent = d.text.grad_legend;
    drawColourBars(s, [[d.text.grad_bar_w, gwRange], [d.text.grad_bar_h, ghRange]]);
  } else {
    el.textContent = d.text.weight_legend;
  }
}

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

function powerOfTen(k) {
  return "10" + String(k).split("").map((ch) => SUPERSCRIPT[ch] ?? ch).join("");
}

// The gradient view's colour bars, one per row of [label, log10 range]: the ramp from
// pale (the range's low end) to dark (its largest value), with a tick and a label at
// every power of ten inside the range; beside the first, a swatch for "no gradient at all".
function drawColourBars(s, rows) {
  const T = s.data.text;
  const width = Math.min(Math.max(320, s.el.net.parentElement.clientWidth || 600), 640);
  const rowH = 40, labelW = 150, swatchW = 110, barH = 12;
  const barW = width - labelW - swatchW - 16;
  const ctx = sizeCanvas(s.el.cbar, width, rowH * rows.length);
  ctx.clearRect(0, 0, width, rowH * rows.length);
  ctx.font = "11px sans-serif";
  rows.forEach(([label, range], r) => {
    const y = r * rowH + 6;
    ctx.fillStyle = PAL.ink;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(label || "", 0, y + barH / 2);
    const x0 = labelW;
    for (let i = 0; i < barW; i++) {
      ctx.fillStyle = rgb(ramp(i / (barW - 1)));
      ctx.fillRect(x0 + i, y, 1, barH);
    }
    ctx.strokeStyle = rgb(PAL.ink, 0.35);
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 - 0.5, y - 0.5, barW + 1, barH + 1);
    ctx.fillStyle = PAL.ink;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    if (range) {
      for (let k = Math.ceil(range[0]); k <= Math.floor(range[1]); k++) {
        const x = x0 + ((k - range[0]) / (range[1] - range[0])) * barW;
        ctx.fillRect(Math.round(x) - 0.5, y + barH, 1, 4);
        ctx.fillText(powerOfTen(k), x, y + barH + 5);
      }
    } else {
      ctx.fillText("—", x0 + barW / 2, y + barH + 5);
    }
    if (r > 0) return; // one swatch for both bars
    const sx = x0 + barW + 16;
    ctx.fillStyle = PAL.no_gradient;
    ctx.fillRect(sx, y, 14, barH);
    ctx.fillStyle = PAL.ink;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(T.grad_bar_none || "", sx + 20, y + barH / 2);
  });
}

function planeToPx(v, size, extent) {
  return ((v + extent) / (2 * extent)) * size;
}

function drawOutput(s, f) {
  const d = s.data;
  const size = 260;
  const ctx = sizeCanvas(s.el.out, size, size);
  const cls = d.problem === "classification";
  if (f) {
    const dd = decoded(s, f);
    const res = d.static.out_res;
    const lo = f.or[0] || 0, hi = f.or[1] || 0;
    const img = ctx.createImageData(res, res);
    for (let i = 0; i < dd.out.length; i++) {
      const v = lo + (dd.out[i] * (hi - lo)) / 255;
      let t = cls ? 2 * v - 1 : v;
      if (d.view.discretize) t = t >= 0 ? 1 : -1;
      const c = diverging(t);
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    blit(ctx, img, 0, 0, size, !d.view.discretize);
  } else {
    ctx.fillStyle = rgb(MID);
    ctx.fillRect(0, 0, size, size);
  }
  const ext = d.extent;
  const pts = (arr, stroke) => {
    for (let i = 0; i + 2 < arr.length; i += 3) {
      const x = planeToPx(arr[i], size, ext), y = size - planeToPx(arr[i + 1], size, ext);
      const c = cls ? (arr[i + 2] >= 0.5 ? POS : NEG) : diverging(arr[i + 2]);
      ctx.beginPath();
      ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = rgb(c);
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = stroke;
      ctx.stroke();
    }
  };
  pts(d.points.train, PAL.paper);
  if (d.view.show_test) pts(d.points.test, PAL.ring);
  ctx.fillStyle = rgb(PAL.ink, 0.55);
  ctx.font = "10px sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "bottom";
  ctx.fillText(`−${ext}`, 2, size - 2);
  ctx.textAlign = "right";
  ctx.fillText(`${ext}`, size - 2, size - 2);
  s.el.out.classList.toggle("draw", !!d.view.draw);
}

function drawCurve(s, f) {
  const d = s.data;
  const w = 260, h = 90;
  const ctx = sizeCanvas(s.el.curve, w, h);
  ctx.clearRect(0, 0, w, h);
  const hist = d.history || { e: [], lt: [], lv: [] };
  const ep = [...hist.e], lt = [...hist.lt], lv = [...hist.lv];
  const base = ep.length ? ep[ep.length - 1] : -1;
  for (let i = 0; i <= s.pos; i++) {
    const g = s.frames[i];
    if (g.e > base) { ep.push(g.e); lt.push(g.lt); lv.push(g.lv); }
  }
  const end = Math.max(f.e, 1);
  let top = 0;
  for (const v of [...lt, ...lv]) if (v !== null && Number.isFinite(v)) top = Math.max(top, v);
  top = top > 0 ? top * 1.05 : 1;
  ctx.strokeStyle = rgb(PAL.ink, 0.15);
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  const line = (vals, colour) => {
    ctx.beginPath();
    let on = false;
    for (let i = 0; i < ep.length; i++) {
      const v = vals[i];
      if (v === null || !Number.isFinite(v) || ep[i] > f.e) { on = false; continue; }
      const x = (ep[i] / end) * (w - 4) + 2, y = h - 2 - (v / top) * (h - 4);
      if (on) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      on = true;
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.6;
    ctx.stroke();
  };
  line(lt, PAL.loss_train);
  line(lv, PAL.loss_test);
  s.el.curveLegend.textContent = fill(d.text.curve_legend, { top: fmt(top) });
}

function texts(s) {
  const d = s.data;
  if (!d) return;
  const f = s.frames[s.pos];
  const T = d.text;
  const e = s.el;
  e.play.textContent = s.playing ? T.pause : T.play;
  e.play.setAttribute("aria-label", s.playing ? T.pause : T.play);
  const n = stepSize(d, f ? f.e : 0);
  e.step.textContent = fill(n === 1 ? T.step_one : T.step_many, { n });
  e.reset.textContent = T.reset;
  e.png.textContent = T.png;
  const hidden = new Set(d.hidden || []);
  e.play.hidden = hidden.has("play");
  e.step.hidden = hidden.has("step");
  e.reset.hidden = hidden.has("reset");
  e.play.disabled = !f;
  const epoch = f ? f.e : 0;
  // A run that diverged or reached the page's limit trains no more: Step has nowhere to go.
  e.step.disabled = !f || !!(d.stop && d.stop.kind !== "play_cap" && epoch >= (d.stop.epoch ?? Infinity));
  e.epoch.textContent = fill(T.epoch, { n: epoch.toLocaleString("en-US") });
  s.root.dataset.epoch = String(epoch);
  e.losses.textContent = f ? fill(T.losses, { train: fmt(f.lt), test: fmt(f.lv) }) : "";
  e.outTitle.textContent = T.output_title;
  e.hint.textContent = d.view.draw ? T.draw_hint : T.output_hint;
  let status = "";
  let warn = false;
  if (d.stop && f && (!s.playing || s.pos === s.frames.length - 1) && epoch >= (d.stop.epoch ?? Infinity)) {
    status = T[`stop_${d.stop.kind}`] || "";
    warn = d.stop.kind === "diverged";
  } else if (!f) {
    status = T.empty;
  } else if (s.playing && s.pending && s.pos === s.frames.length - 1) {
    status = T.waiting;
  }
  e.status.textContent = fill(status, { epoch });
  e.status.classList.toggle("warn", warn);
}

// ---------------------------------------------------------------- hover

function hitNode(L, x, y) {
  return L.nodes.findIndex((n) => x >= n.x && x <= n.x + L.node && y >= n.y && y <= n.y + L.node);
}

function bezier(p, t) {
  const u = 1 - t;
  return [
    u * u * u * p[0] + 3 * u * u * t * p[2] + 3 * u * t * t * p[4] + t * t * t * p[6],
    u * u * u * p[1] + 3 * u * u * t * p[3] + 3 * u * t * t * p[5] + t * t * t * p[7],
  ];
}

function hitEdge(L, x, y) {
  let best = null, bestD = 5;
  let k = 0;
  for (let l = 0; l + 1 < L.sizes.length; l++) {
    for (let i = 0; i < L.sizes[l]; i++) {
      for (let j = 0; j < L.sizes[l + 1]; j++, k++) {
        const a = L.nodes[L.offsets[l] + i], b = L.nodes[L.offsets[l + 1] + j];
        if (x < a.x + L.node || x > b.x) continue;
        const p = edgePath(L, a, b);
        for (let t = 0; t <= 1.0001; t += 0.05) {
          const [px, py] = bezier(p, t);
          const dist = Math.hypot(px - x, py - y);
          if (dist < bestD) { bestD = dist; best = { k, l, i, j }; }
        }
      }
    }
  }
  return best;
}

function hoverNet(s, ev) {
  const r = s.el.net.getBoundingClientRect();
  s.hover = { x: ev.clientX - r.left, y: ev.clientY - r.top };
  tooltip(s, s.hover.x, s.hover.y);
}

function nodeName(s, k) {
  const L = s.layout;
  const n = L.nodes[k];
  const T = s.data.text;
  if (n.layer === 0) return s.data.net.labels[n.unit];
  if (n.layer === L.sizes.length - 1) return T.output_name;
  return fill(T.unit_name, { layer: n.layer, unit: n.unit + 1 });
}

function tooltip(s, x, y) {
  const L = s.layout;
  const f = s.frames[s.pos];
  const tip = s.el.tip;
  if (!L || !f) return;
  const dd = decoded(s, f);
  const T = s.data.text;
  let text = "";
  const k = hitNode(L, x, y);
  if (k >= 0) {
    const n = L.nodes[k];
    const m = nodeMap(s, f, k);
    const lines = [nodeName(s, k), fill(T.tip_range, { lo: fmt(m.lo), hi: fmt(m.hi) })];
    if (n.layer > 0) {
      const bias = dd.b[k - L.sizes[0]];
      lines.push(fill(T.tip_bias, { b: fmt(bias) }));
      if (n.layer < L.sizes.length - 1) lines.push(fill(T.tip_act, { act: s.data.net.acts[n.layer - 1] }));
    }
    lines.push(fill(n.layer === L.sizes.length - 1 ? T.tip_grad_out : T.tip_grad, { g: fmt(dd.gh[k]) }));
    const mark = dd.dead.get(k);
    if (mark) lines.push(...markLines(s, n, mark));
    text = lines.join("\n");
  } else {
    const hit = hitEdge(L, x, y);
    if (hit) {
      text = [
        fill(T.tip_edge, { from: nodeName(s, L.offsets[hit.l] + hit.i), to: nodeName(s, L.offsets[hit.l + 1] + hit.j) }),
        fill(T.tip_w, { w: fmt(dd.w[hit.k]) }),
        fill(T.tip_gw, { g: fmt(dd.gw[hit.k]) }),
      ].join("\n");
    }
  }
  if (!text) { tip.hidden = true; return; }
  tip.textContent = text;
  tip.hidden = false;
  const box = s.root.getBoundingClientRect();
  const net = s.el.net.getBoundingClientRect();
  // Long lines wrap (at most 360 px wide): keep the whole box inside the component.
  tip.style.left = `${Math.max(Math.min(net.left - box.left + x + 14, box.width - tip.offsetWidth - 4), 0)}px`;
  tip.style.top = `${net.top - box.top + y + 14}px`;
}

// A marked unit's tooltip lines. mark = [node, largest z, gets gradient, since, dead,
// layers below frozen]. Whether a dead unit can come back depends on where it sits: a
// first-layer unit sees the fixed features; a deeper one's inputs change when the
// layers below it do (a regularisation penalty changes weights without the loss).
function markLines(s, n, mark) {
  const T = s.data.text;
  const reg = s.data.net.reg || "";
  const [, z, gets, since, dead, frozen] = mark;
  if (!dead) {
    const act = s.data.net.acts[n.layer - 1];
    return [fill(T.tip_below, { z: fmt(z), since, act }), gets ? T.tip_below_learns : T.tip_below_none];
  }
  const lines = [fill(T.tip_dead, { z: fmt(z), since })];
  if (n.layer === 1) lines.push(fill(reg ? T.tip_dead_first_reg : T.tip_dead_first, { reg }));
  else if (!frozen) lines.push(T.tip_dead_deep);
  else lines.push(fill(reg ? T.tip_dead_deep_frozen_reg : T.tip_dead_deep_frozen, { reg }));
  return lines;
}

// ---------------------------------------------------------------- drawing your own data

function clickPlane(s, ev) {
  const d = s.data;
  if (!d || !d.view.draw) return;
  const r = s.el.out.getBoundingClientRect();
  const ext = d.extent;
  const x1 = ((ev.clientX - r.left) / r.width) * 2 * ext - ext;
  const x2 = ext - ((ev.clientY - r.top) / r.height) * 2 * ext;
  const clamp = (v) => Math.max(-ext, Math.min(ext, Math.round(v * 100) / 100));
  s.playing = false;
  control(s, "click", { x1: clamp(x1), x2: clamp(x2) });
}

// ---------------------------------------------------------------- export

function savePng(s) {
  const net = s.el.net, out = s.el.out, curve = s.el.curve, cbar = s.el.cbar;
  const r = window.devicePixelRatio || 1;
  const pad = 12 * r, head = 28 * r;
  const bars = cbar.hidden ? 0 : cbar.height + pad;
  const canvas = document.createElement("canvas");
  canvas.width = net.width + out.width + 3 * pad;
  canvas.height = Math.max(net.height + bars, out.height + curve.height + pad) + head + 2 * pad;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = PAL.paper;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = PAL.ink;
  ctx.font = `${16 * r}px sans-serif`;
  ctx.textBaseline = "top";
  ctx.fillText(s.el.epoch.textContent + "   " + s.el.losses.textContent, pad, pad);
  ctx.drawImage(net, pad, pad + head);
  if (bars) ctx.drawImage(cbar, pad, pad + head + net.height + pad);
  ctx.drawImage(out, 2 * pad + net.width, pad + head);
  ctx.drawImage(curve, 2 * pad + net.width, 2 * pad + head + out.height);
  const a = document.createElement("a");
  a.href = canvas.toDataURL("image/png");
  a.download = s.data.png_name || "playground.png";
  s.root.appendChild(a);
  a.click();
  a.remove();
}

// ---------------------------------------------------------------- entry

// Streamlit dims an element while its script reruns (a Streamlit-internal hook, listed in
// ui/internals.py: STALE_RULE is this rule); while playing, the fragment holding
// this component reruns for every chunk, and a dimmed diagram would flicker. One rule
// for the page keeps this component's container at full opacity.
function keepBright() {
  if (document.getElementById("pg-keep-bright")) return;
  const style = document.createElement("style");
  style.id = "pg-keep-bright";
  style.textContent = '.st-key-_pg_player[data-stale="true"] { opacity: 1 !important; transition: none !important; }';
  document.head.appendChild(style);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('[data-role="root"]');
  if (!root || !data) return undefined;
  let s = STATES.get(root);
  if (!s) {
    s = create(root);
    STATES.set(root, s);
  }
  s.send = setTriggerValue;
  keepBright();
  receive(s, data);
  if (!s.loop) s.loop = requestAnimationFrame((t) => tick(s, t));
  // No cleanup: new data calls this function again on the same element, and the
  // loop ends by itself once the element has left the page.
  return undefined;
}
