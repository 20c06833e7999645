"""Read a TensorFlow Playground link into Activation Lab's playground settings.

A Playground link keeps its whole state in the URL hash, ``key=value`` pairs joined by
``&`` (``playground.tensorflow.org/#activation=tanh&networkShape=4,2&...``), written by
Playground's ``State.serialize``. :func:`parse_playground_link` reads such a link (or
the hash alone) and returns the same experiment in our URL keys, plus the Playground
keys it could not use. It never raises: anything it cannot read is reported, not fatal.

How each Playground key maps to ours
------------------------------------
``dataset`` / ``regDataset`` / ``problem`` -> ``data``, ``problem``
    ``circle``, ``xor``, ``gauss``, ``spiral`` keep their names (our
    :mod:`core.datasets` has Playground's generators under them); ``reg-plane`` ->
    ``plane`` and ``reg-gauss`` -> ``multigauss``. As in Playground, ``problem``
    (``classification`` / ``regression``) decides which of the two data keys counts.
``activation`` -> ``act``
    ``relu``, ``tanh``, ``sigmoid`` as they are; ``linear`` -> ``identity``.
``networkShape`` -> ``shape``
    The hidden widths, ``"6,6,4"``; an empty value is a network without hidden layers
    (``""``). Every width is a whole number in ``1 .. max_width``, at most
    ``max_layers`` of them.
``learningRate`` -> ``lr``, ``regularizationRate`` -> ``reg_rate``
    Must be a value of Playground's menu (:data:`LEARNING_RATES`,
    :data:`REGULARIZATION_RATES`); our page offers the same menus.
``regularization`` -> ``reg``
    ``none``, ``L1``, ``L2`` -> ``none``, ``l1``, ``l2``.
``batchSize`` -> ``batch``
    A whole number in ``1 .. 10 000`` (Playground's slider gives 1 .. 30).
``noise`` -> ``noise``
    Playground's noise level is a percentage (its slider: 0 .. 50; a link may hold up
    to 80, the most Playground itself accepts). Our ``noise`` is the fraction that
    Playground's generators use, ``percent / 100``: ``noise=30`` -> ``0.3``.
``percTrainData`` -> ``train``
    The share of the data used for training, a whole percentage in 1 .. 99.
``x``, ``y``, ``xSquared``, ``ySquared``, ``xTimesY``, ``sinX``, ``sinY`` -> ``features``
    Each flag ``true`` adds its code (:mod:`core.features`), listed in Playground's
    order; at least one must be on. ``cosX``/``cosY`` exist in Playground's state but
    not in its interface: ``false`` is accepted, ``true`` is reported.
``seed`` -> ``seed``
    Playground seeds its generator with a string (usually ``Math.random().toFixed(5)``,
    e.g. ``"0.12345"``). Ours is an integer in ``0 .. 9999``: the first eight bytes of
    the SHA-256 of the string's UTF-8 bytes, read big-endian, modulo 10 000. The map is
    stable across processes and machines (unlike Python's ``hash``); the same string
    always gives the same seed, so one link always gives the same data, though not
    Playground's own points.
``showTestData`` -> ``show_test``, ``discretize`` -> ``discretize``
    ``true`` / ``false``.
``initZero`` -> ``init_zero``
    ``true`` / ``false``: every weight starts at zero (Playground's way to show why
    the symmetry between units must be broken).
``<name>_hide=true`` -> ``hide``
    The control's key joins the list ``hide`` (classroom mode); a hidden input feature
    is removed from ``features``, since Playground then drops that input altogether.

Booleans must read ``true`` or ``false``. An empty value counts as absent, as in
Playground, except for ``networkShape``. ``collectStats`` and ``hideText`` change
nothing a network computes here and are read silently; a ``tutorial`` is reported.
Keys and values are percent-decoded first.

A link holding at least one of Playground's keys is completed with Playground's own
defaults for the keys it leaves out (tanh, ``4,2``, rate 0.03, batch 10, noise 0, 50 %
training data, no regularisation, features x₁ and x₂, random initial weights,
classification on ``circle``),
since those are what Playground shows for it; pass ``fill_defaults=False`` to get only
what the link says. A missing seed stays missing (Playground would draw a random one).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from core.features import FEATURES

__all__ = [
    "LEARNING_RATES",
    "PLAYGROUND_DEFAULTS",
    "REGULARIZATION_RATES",
    "SEED_RANGE",
    "PlaygroundLink",
    "parse_playground_link",
    "playground_seed",
]

#: Playground's learning-rate menu (whole numbers as ints, so URLs read ``lr=3``).
LEARNING_RATES: tuple[float, ...] = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
#: Playground's regularisation-rate menu.
REGULARIZATION_RATES: tuple[float, ...] = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
#: Our seeds are ``0 .. SEED_RANGE - 1``.
SEED_RANGE = 10_000

_DEFAULT_FEATURES = ("x1", "x2")

#: What Playground uses for a key its link leaves out, in our keys and units.
PLAYGROUND_DEFAULTS: dict[str, object] = {
    "problem": "classification",
    "data": "circle",
    "act": "tanh",
    "shape": "4,2",
    "lr": 0.03,
    "batch": 10,
    "noise": 0.0,
    "train": 50,
    "reg": "none",
    "reg_rate": 0,
    "features": list(_DEFAULT_FEATURES),
    "show_test": False,
    "discretize": False,
    "init_zero": False,
}
_DEFAULT_REG_DATA = "plane"

_ACTIVATIONS = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "identity"}
_REGULARIZATIONS = {"none": "none", "l1": "l1", "l2": "l2"}
_CLASS_DATA = ("circle", "xor", "gauss", "spiral")
_REG_DATA = {"reg-plane": "plane", "reg-gauss": "multigauss"}
_PROBLEMS = ("classification", "regression")
_FEATURE_FLAGS = {feat.playground: code for code, feat in FEATURES.items()}
#: Playground's hidable controls -> our control keys (features are handled apart).
_HIDE_KEYS = {
    "showTestData": "show_test", "discretize": "discretize", "playButton": "play",
    "stepButton": "step", "resetButton": "reset", "learningRate": "lr", "activation": "act",
    "regularization": "reg", "regularizationRate": "reg_rate", "problem": "problem",
    "dataset": "data", "percTrainData": "train", "noise": "noise", "batchSize": "batch",
    "numHiddenLayers": "shape",
}
# Read without effect: they only change what Playground's page shows around the network.
_SILENT = ("collectStats", "hideText")
_ORDER = ("problem", "data", "act", "shape", "lr", "batch", "noise", "train", "reg", "reg_rate",
          "features", "seed", "show_test", "discretize", "init_zero", "hide")

_MAX_TEXT = 20_000  # characters read; a real link is well under 1 000
_MAX_PAIRS = 200
_MAX_NOISE_PERCENT = 80.0
_MAX_BATCH = 10_000
#: ASCII digits only (``\d`` would also match ``٣`` or ``１``, which ``float`` reads):
#: the rule of the app's own links (ui.controls).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class PlaygroundLink:
    """What a Playground link says, in our terms.

    Attributes
    ----------
    settings : dict
        Our URL keys, in the order ``problem, data, act, shape, lr, batch, noise, train,
        reg, reg_rate, features, seed, show_test, discretize, init_zero, hide``, each present only
        when known: ``problem``, ``data``, ``act``, ``reg`` str; ``shape`` str such as
        ``"6,6,4"`` (``""`` for no hidden layer); ``lr``, ``reg_rate`` a menu value;
        ``batch``, ``train`` (percent), ``seed`` int; ``noise`` float (fraction);
        ``features`` list of codes; ``show_test``, ``discretize``, ``init_zero`` bool;
        ``hide`` list of
        our control keys.
    unknown : tuple of str
        Playground keys that were not understood or whose value was unusable, in the
        order they appear (each once).
    raw : dict of str to str
        The hash as read: key -> value after percent-decoding (the last occurrence of a
        repeated key wins, as in Playground); a key without ``=`` maps to ``""``.
    """

    settings: dict[str, object] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    raw: dict[str, str] = field(default_factory=dict)


def playground_seed(text: str) -> int:
    """Our integer seed for Playground's seed string (see the module docstring).

    Parameters
    ----------
    text : str
        Playground's seed, e.g. ``"0.12345"``; used exactly as given.

    Returns
    -------
    int
        ``int.from_bytes(sha256(text.encode("utf-8", "surrogatepass"))[:8], "big") % 10000``.
    """
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % SEED_RANGE


def _hash_pairs(text: str) -> list[tuple[str, str | None]]:
    """``(key, value)`` pairs of the hash; value None for a pair without ``=``."""
    text = text[:_MAX_TEXT].strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    elif "://" in text or text.lower().startswith(("playground.", "www.")):
        return []  # an address without a hash carries no settings
    pairs: list[tuple[str, str | None]] = []
    for part in text.split("&")[:_MAX_PAIRS]:
        if part == "":
            continue
        key, eq, value = part.partition("=")
        # Like Playground (split("=")): a second "=" ends the value.
        value = value.split("=", 1)[0]
        pairs.append((unquote(key).strip(), unquote(value).strip() if eq else None))
    return pairs


def _number(text: str) -> float | None:
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _whole(text: str, lo: int, hi: int) -> int | None:
    value = _number(text)
    if value is None or value != int(value) or not lo <= value <= hi:
        return None
    return int(value)


def _menu(text: str, menu: tuple[float, ...]) -> float | None:
    value = _number(text)
    if value is None:
        return None
    for item in menu:
        if math.isclose(value, item, rel_tol=1e-9, abs_tol=1e-15):
            return item
    return None


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.lower())


def _shape(text: str, max_layers: int, max_width: int) -> str | None:
    if text == "":
        return ""
    widths = [_whole(item.strip(), 1, max_width) for item in text.split(",")]
    if len(widths) > max_layers or any(w is None for w in widths):
        return None
    return ",".join(str(w) for w in widths)


class _Reader:
    """One pass over the pairs: every key is either used, read silently, or reported."""

    def __init__(self, max_layers: int, max_width: int) -> None:
        self.max_layers, self.max_width = max_layers, max_width
        self.out: dict[str, object] = {}
        self.unknown: dict[str, None] = {}  # an ordered set
        self.flags: dict[str, bool] = {}  # feature code -> flag
        self.flag_keys: list[str] = []
        self.hidden_features: set[str] = set()
        self.hide: dict[str, None] = {}
        self.class_data: str | None = None
        self.reg_data: str | None = None
        self.playground = False  # a key of Playground's was seen: the text is one of its links

    def bad(self, key: str) -> None:
        self.unknown[key] = None

    def put(self, key: str, ours: str, value: object | None) -> None:
        if value is None:
            self.bad(key)
        else:
            self.out[ours] = value

    def read(self, key: str, value: str) -> None:
        """Use one ``key=value`` pair with a non-empty value (or networkShape's empty one)."""
        simple = {
            "activation": ("act", lambda v: _ACTIVATIONS.get(v.lower())),
            "regularization": ("reg", lambda v: _REGULARIZATIONS.get(v.lower())),
            "problem": ("problem", lambda v: v.lower() if v.lower() in _PROBLEMS else None),
            "learningRate": ("lr", lambda v: _menu(v, LEARNING_RATES)),
            "regularizationRate": ("reg_rate", lambda v: _menu(v, REGULARIZATION_RATES)),
            "batchSize": ("batch", lambda v: _whole(v, 1, _MAX_BATCH)),
            "percTrainData": ("train", lambda v: _whole(v, 1, 99)),
            "networkShape": ("shape", lambda v: _shape(v, self.max_layers, self.max_width)),
            "showTestData": ("show_test", _bool),
            "discretize": ("discretize", _bool),
            "initZero": ("init_zero", _bool),
        }
        if key in simple:
            ours, parse = simple[key]
            self.put(key, ours, parse(value))
        elif key == "noise":
            percent = _number(value)
            ok = percent is not None and 0 <= percent <= _MAX_NOISE_PERCENT
            self.put(key, "noise", percent / 100 if ok else None)
        elif key == "seed":
            self.out["seed"] = playground_seed(value)
        elif key == "dataset":
            self.class_data = value.lower() if value.lower() in _CLASS_DATA else None
            if self.class_data is None:
                self.bad(key)
        elif key == "regDataset":
            self.reg_data = _REG_DATA.get(value.lower())
            if self.reg_data is None:
                self.bad(key)
        elif key in _FEATURE_FLAGS:
            flag = _bool(value)
            self.flag_keys.append(key)
            if flag is None:
                self.bad(key)
            else:
                self.flags[_FEATURE_FLAGS[key]] = flag
        elif key in ("cosX", "cosY"):
            if _bool(value) is not False:  # no cosine inputs here
                self.bad(key)
        elif key == "tutorial":
            self.bad(key)  # Playground's tutorial texts are its own
        elif key.endswith("_hide") and key != "_hide":
            self.read_hide(key, value)
        elif key not in _SILENT:
            self.bad(key)

    def read_hide(self, key: str, value: str) -> None:
        name = key.removesuffix("_hide")
        flag = _bool(value)
        if flag is None or (name not in _HIDE_KEYS and name not in _FEATURE_FLAGS):
            self.bad(key)
        elif flag and name in _FEATURE_FLAGS:
            self.hidden_features.add(_FEATURE_FLAGS[name])
            self.flag_keys.append(key)
        elif flag:
            self.hide[_HIDE_KEYS[name]] = None

    def finish(self, fill_defaults: bool) -> dict[str, object]:
        """Settings from what was read, completed with Playground's defaults if asked."""
        out = self.out
        fill = fill_defaults and self.playground
        problem = out.get("problem", "classification" if fill else None)
        if problem == "classification" and (self.class_data or fill):
            out["data"] = self.class_data or PLAYGROUND_DEFAULTS["data"]
        elif problem == "regression" and (self.reg_data or fill):
            out["data"] = self.reg_data or _DEFAULT_REG_DATA
        elif problem is None and (self.class_data or self.reg_data):
            # Without a problem the data set alone still says which kind it is.
            out["data"] = self.class_data or self.reg_data
            out["problem"] = "classification" if self.class_data else "regression"
        if self.flags or self.hidden_features or fill:
            on = {code: code in _DEFAULT_FEATURES for code in FEATURES} if fill else {}
            on.update(self.flags)
            features = [c for c in FEATURES if on.get(c) and c not in self.hidden_features]
            if features:
                out["features"] = features
            else:  # a network needs an input: the flags that switched them all off are reported
                for key in self.flag_keys:
                    self.bad(key)
        if fill:
            for key, value in PLAYGROUND_DEFAULTS.items():
                out.setdefault(key, list(value) if isinstance(value, list) else value)
        if self.hide:
            out["hide"] = list(self.hide)
        return {key: out[key] for key in _ORDER if key in out}


def parse_playground_link(
    text: str, *, fill_defaults: bool = True, max_layers: int = 8, max_width: int = 16
) -> PlaygroundLink:
    """Our settings for a TensorFlow Playground link (see the module docstring).

    Parameters
    ----------
    text : str
        A ``playground.tensorflow.org/#...`` URL, or only the part after ``#``. Only the
        first 20 000 characters and 200 pairs are read.
    fill_defaults : bool, default True
        Complete a link holding any of Playground's keys with Playground's defaults
        for the keys it leaves out (or holds garbage in).
    max_layers, max_width : int, default 8 and 16
        The largest ``networkShape`` accepted; a larger one is reported.

    Returns
    -------
    PlaygroundLink
        Never raises: for text that is no link at all, ``settings`` is empty and every
        key read is in ``unknown``.

    Examples
    --------
    >>> link = parse_playground_link(
    ...     "https://playground.tensorflow.org/#activation=sigmoid&dataset=spiral"
    ...     "&networkShape=6,6,4&x=true&y=true&sinX=true&sinY=true")
    >>> [link.settings[k] for k in ("data", "act", "shape", "features")]
    ['spiral', 'sigmoid', '6,6,4', ['x1', 'x2', 'sinx1', 'sinx2']]
    """
    if not isinstance(text, str):
        return PlaygroundLink()
    reader = _Reader(max_layers, max_width)
    raw: dict[str, str] = {}
    last: dict[str, str | None] = {}
    for key, value in _hash_pairs(text):
        last[key] = value  # Playground keeps the last of repeated keys
        raw[key] = "" if value is None else value
    for key, value in last.items():
        reader.playground = reader.playground or _known(key)
        if value is None:
            reader.bad(key)
        elif value != "" or key == "networkShape":
            reader.read(key, value)
        elif not _known(key):
            reader.bad(key)
    settings = reader.finish(fill_defaults)
    return PlaygroundLink(settings, tuple(reader.unknown), raw)


#: Every key of Playground's state (its State.PROPS).
_PLAYGROUND_KEYS = frozenset({
    "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
    "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
    "percTrainData", "cosX", "cosY", "problem", "initZero", "tutorial", *_SILENT, *_FEATURE_FLAGS,
})


def _known(key: str) -> bool:
    """A key Playground reads (an empty value for it is simply 'not set')."""
    if key.endswith("_hide"):
        name = key.removesuffix("_hide")
        return name in _HIDE_KEYS or name in _FEATURE_FLAGS
    return key in _PLAYGROUND_KEYS
