"""One palette and one colour language (ui/charts/palette.py).

Every colour the app draws is named in the palette; the class and sign colours
mean the same on every page and in the playground component; the gradient view
has a scale of its own.
"""

from __future__ import annotations

import colorsys
import itertools
import json
import re
from pathlib import Path

import pytest
from apptest_utils import charts, drawn_spec, errors_text, open_page

from ui.charts import palette
from ui.frame import PAGES

ROOT = Path(__file__).resolve().parent.parent
HOME = PAGES[0]
PLAYGROUND = next(p for p in PAGES if p.name == "playground")
COMPONENT = ROOT / "ui" / "components"

#: What writes a colour: a hex code, an rgb()/rgba()/hsl() with numbers, a Vega
#: scheme by name, or a CSS colour name given to a colour argument.
HEX = re.compile(r"(?<![\w&/])#[0-9A-Fa-f]{3,8}\b")
FUNCTIONAL = re.compile(r"\b(?:rgba?|hsla?)\(\s*\d")
SCHEME = re.compile(r"\bscheme\s*=")
NAMED = re.compile(r"""\b(?:colou?r|stroke|fill|background)\s*[=:]\s*["'](?:black|white|red|blue|"""
                   r"""green|orange|gr[ae]y|yellow|purple|pink|brown|navy|teal|silver)["']""")
#: Where the app's drawing code lives; the palette itself is the one exception.
SCANNED = ("dashboard.py", "pages", "sections", "ui", "core")
SUFFIXES = {".py", ".js", ".css", ".html"}


def _app_files() -> list[Path]:
    files = []
    for name in SCANNED:
        root = ROOT / name
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        files += [p for p in paths if p.suffix in SUFFIXES and p != ROOT / "ui/charts/palette.py"]
    return files


def test_the_scan_reads_the_files_that_draw() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _app_files()}
    assert {"ui/components/playground.js", "ui/components/playground.css",
            "ui/charts/images.py", "sections/vanishing/cures.py"} <= names
    # and the patterns find what they are for
    assert HEX.search('c = "#D55E00"') and HEX.search("color: #fff;")
    assert FUNCTIONAL.search("rgba(0,0,0,0.35)") and SCHEME.search('alt.Scale(scheme="viridis")')
    assert NAMED.search('mark_tick(color="black")')
    assert not HEX.search("see issue #27") and not HEX.search("&#123;")


def test_no_colour_is_written_outside_the_palette() -> None:
    found = []
    for path in _app_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for pattern in (HEX, FUNCTIONAL, SCHEME, NAMED):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "colours outside ui/charts/palette.py:\n" + "\n".join(found)


def test_the_theme_is_the_palettes() -> None:
    import tomllib

    from core.activations import ACTIVATIONS

    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        theme = tomllib.load(fh)["theme"]
    assert theme["primaryColor"] == palette.PRIMARY
    assert theme["chartCategoricalColors"] == [palette.ACTIVATION_COLOURS[n] for n in ACTIVATIONS]
    # The config names the module that holds the colours (not a path that is gone).
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "ui/charts/palette.py" in text and "ui/charts.py" not in text


def _hue(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 360 * colorsys.rgb_to_hls(r, g, b)[0]


def _hue_gap(a: float, b: float) -> float:
    return min(abs(a - b), 360 - abs(a - b))


def test_the_gradient_scale_is_its_own() -> None:
    """No class or sign colour is on the gradient ramp, and its hue is far from theirs."""
    ramp = palette.GRADIENT_RAMP
    assert len(ramp) >= 5 and not set(ramp) & (set(palette.CLASS_COLOURS) | set(palette.SIGN_RAMP))
    for stop in ramp:
        # Orange is at ~30°, blue at ~205°, the greens at 100-145°: at least 45° from both.
        for colour in (*palette.CLASS_COLOURS[:2], *palette.SIGN_RAMP[::2]):
            assert _hue_gap(_hue(stop), _hue(colour)) > 45, (stop, colour)
    # Sequential: every stop darker than the one before (pale = tiny, dark = large).
    lightness = [colorsys.rgb_to_hls(*(int(s[i:i + 2], 16) / 255 for i in (1, 3, 5)))[1] for s in ramp]
    assert all(b < a for a, b in itertools.pairwise(lightness))
    assert palette.NO_GRADIENT not in ramp


def test_sign_and_class_are_one_convention() -> None:
    assert palette.CLASS_COLOURS[:2] == (palette.NEGATIVE, palette.POSITIVE)
    assert palette.SIGN_RAMP == (palette.NEGATIVE, palette.NEUTRAL, palette.POSITIVE)
    assert _hue_gap(_hue(palette.NEGATIVE), 30) < 15   # orange
    assert _hue_gap(_hue(palette.POSITIVE), 205) < 15  # blue
    doc = palette.__doc__ or ""
    for word in ("class 1", "class 0", "positive", "negative", "gradient", "log scale"):
        assert word in doc


def test_the_component_gets_every_colour_it_uses() -> None:
    """The stylesheet's --pg-* properties and the script's PAL.* keys all come from the palette."""
    css = palette.component_css()
    used_css = set(re.findall(r"var\(--pg-([\w-]+)\)", (COMPONENT / "playground.css").read_text()))
    defined = set(re.findall(r"--pg-([\w-]+):", css))
    assert used_css and used_css <= defined
    js = (COMPONENT / "playground.js").read_text()
    used_js = set(re.findall(r"\bPAL\.(\w+)", js)) | set(re.findall(r"\bc\.(\w+)", js))
    assert used_js and used_js <= set(palette.component_colours())
    # Class 1 (a label >= 0.5) is drawn in the positive colour, class 0 in the negative one.
    assert "arr[i + 2] >= 0.5 ? POS : NEG" in js
    assert json.loads(json.dumps(palette.component_colours())) == palette.component_colours()


def _class_colours(spec: dict) -> tuple[dict[str, str], list[str]]:
    """A boundary chart's class colours (label -> colour) and its P(class 1) legend range."""
    classes, prob = {}, []
    for layer in spec.get("layer", []):
        colour = layer.get("encoding", {}).get("color", {})
        scale = colour.get("scale") or {}
        if colour.get("field") == "label":
            classes = dict(zip(scale["domain"], scale["range"], strict=True))
        elif colour.get("field") == "p":
            # in RGB, as the map's pixels: Vega's default (HCL) passes through green
            assert scale.get("interpolate") == "rgb"
            prob = scale["range"]
    return classes, prob


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_home_and_playground_agree_on_class_colours(lang: str) -> None:
    home = open_page(HOME, {"lang": lang})
    assert not home.exception, errors_text(home)
    maps = [_class_colours(drawn_spec(c)) for c in charts(home)]
    maps = [m for m in maps if m[0]]
    assert len(maps) == 2  # sigmoid's and ReLU's
    play = open_page(PLAYGROUND, {"lang": lang})
    assert not play.exception, errors_text(play)
    (comp,) = play.get("bidi_component")
    proto = comp.proto
    sent = json.loads(proto.json if proto.WhichOneof("data") == "json" else proto.mixed.json)
    colours = sent["colours"]
    for classes, prob in maps:
        # Home's dots and the component's dots: class 0 orange, class 1 blue.
        assert classes == {"0": colours["negative"], "1": colours["positive"]}
        # Home's P(class 1) map and the component's output map run the same way.
        assert prob == [colours["negative"], colours["neutral"], colours["positive"]]
    assert colours["gradient"] == list(palette.GRADIENT_RAMP)
