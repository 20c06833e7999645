"""The two text catalogs: same keys, no empty values, placeholders that agree."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from ui.frame import PAGES
from ui.i18n import LANGUAGES, LOCALES_DIR, Translator, catalog


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_same_files_in_every_language() -> None:
    files = {lang: sorted(p.name for p in (LOCALES_DIR / lang).glob("*.toml")) for lang in LANGUAGES}
    assert files["en"] == files["ko"]
    assert "common.toml" in files["en"]


def test_same_keys_and_no_empty_values() -> None:
    en, ko = catalog("en"), catalog("ko")
    assert set(en) == set(ko), sorted(set(en) ^ set(ko))
    for lang, cat in (("en", en), ("ko", ko)):
        empty = [k for k, v in cat.items() if not v.strip()]
        assert not empty, f"{lang}: empty values {empty}"


def test_placeholders_agree() -> None:
    en, ko = catalog("en"), catalog("ko")
    for key, template in en.items():
        assert _fields(template) == _fields(ko[key]), key


def test_korean_is_korean() -> None:
    # Every Korean value that is a sentence contains Hangul (catches copy-paste of English).
    ko = catalog("ko")
    for key, value in ko.items():
        prose = re.sub(r"\{[^}]*\}|`[^`]*`|\$[^$]*\$", "", value)
        letters = [ch for ch in prose if ch.isalpha()]
        if len(letters) >= 12:
            assert any("\uac00" <= ch <= "\ud7a3" for ch in value), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_nav_title_and_lead(lang: str) -> None:
    t = Translator(lang)
    for info in PAGES:
        assert t.has(f"common.nav.{info.name}")


def test_catalogs_are_valid_toml() -> None:
    paths = sorted(Path(LOCALES_DIR).rglob("*.toml"))
    for lang in LANGUAGES:  # every page's catalog, in every language, is among them
        for name in ("common", *(info.name for info in PAGES)):
            assert Path(LOCALES_DIR) / lang / f"{name}.toml" in paths, (lang, name)
    for path in paths:
        with path.open("rb") as fh:
            assert tomllib.load(fh), f"{path} is empty"


def test_translator_falls_back_and_formats() -> None:
    t = Translator("ko")
    assert t("common.diverged", epoch=3).count("3") >= 1
    assert Translator("xx").lang == "en"
    assert t("no.such.key") == "no.such.key"


#: Raw TeX-like notation shown as text: a ``_{`` group or a subscript written ``_l``
#: (h_l, W_l, z_l, f_m ...). Math belongs in ``$…$`` (Streamlit renders it) or in
#: Unicode subscripts (hₗ, Wₗ, fₘ). Link targets and ``code`` are not page text.
RAW_NOTATION = re.compile(r"_\{|(?<=[A-Za-zα-ωẑ])_[lmkLn](?![A-Za-z_])|_\((?=l)")


def _prose(text: str) -> str:
    """What a page shows as text: without $…$ math, `code`, placeholders and link targets."""
    text = re.sub(r"\$[^$]*\$", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\{[a-z_0-9]*\}", "", text)  # a placeholder: {two_k}
    return re.sub(r"\]\([^)]*\)", "]", text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_raw_subscript_notation_outside_math(lang: str) -> None:
    bad = {key: value for key, value in catalog(lang).items()
           if RAW_NOTATION.search(_prose(value))}
    assert bad == {}, bad


def test_the_notation_scan_finds_what_it_is_for() -> None:
    for raw in ("‖∂L/∂h_l‖", "h_{l−1}", "f_m(x)", "W_l", "h_(l−1)"):
        assert RAW_NOTATION.search(_prose(raw)), raw
    for fine in ("‖∂L/∂hₗ‖", "$h_{l-1}$", "`leaky_relu`", "[x](/dead_relu?view=layer)",
                 "leaky_relu", "x_1"):
        assert not RAW_NOTATION.search(_prose(fine)), fine


@pytest.mark.parametrize(("word", "form", "expected"), [
    # Numbers as they are read: 일 (ㄹ) and 이/오 (vowels) take 로; 삼, 육, 영 take 으로.
    (0.1, "으로", "로"), (0.5, "으로", "로"), (1, "으로", "로"), (2, "으로", "로"), (5, "으로", "로"),
    (0.033, "으로", "으로"), ("0.006", "으로", "으로"), (0, "으로", "으로"), (10, "로", "으로"),
    (100, "가", "이"), (1000, "는", "은"), (20000, "와", "과"), (12, "을", "를"), (7, "로", "로"),
    ("3.8e-06", "로", "으로"),  # 10의 −6제곱
    ("51%", "이", "가"), ("1.6×", "은", "는"), ("x²", "를", "을"),
    # Words: the final consonant of the last syllable; ㄹ takes 로.
    ("시그모이드", "을", "를"), ("50층", "로", "으로"), ("마지막 층", "이/가", "이"), ("레일", "으로", "로"),
    # Latin names by their last letter, or as a word where that is how they are read.
    ("ReLU", "이", "가"), ("tanh", "을", "를"), ("SGD", "와", "와"), ("Adam", "과", "과"),
    ("N", "은", "은"), ("XOR", "이", "가"),
    # Markdown, punctuation and a parenthesised aside do not count.
    ("**ReLU**", "은", "는"), ("He (정규분포)", "으로", "로"), ("LeCun (정규분포)", "을", "을"),
])
def test_korean_particle_follows_how_the_word_is_read(word, form, expected) -> None:
    from ui.i18n import particle

    assert particle(word, form) == expected


def test_a_template_writes_the_particle_as_a_format_spec() -> None:
    from ui.i18n import _FORMATTER

    assert _FORMATTER.format("노름 {clip:으로} 클리핑", clip=0.5) == "노름 0.5로 클리핑"
    assert _FORMATTER.format("50층 {x:으로}", x="0.033") == "50층 0.033으로"
    assert _FORMATTER.format("{s:**는} 배웠다", s="시그모이드") == "**시그모이드**는 배웠다"
    assert _FORMATTER.format("{d:*은}", d="붓꽃 (특성 4개)") == "*붓꽃 (특성 4개)*은"
    assert _FORMATTER.format("{x:.2g}", x=0.0333) == "0.033"  # other specs as str.format


#: A placeholder followed by a particle it does not choose (``{x}으로``, ``**{x}**는``).
_BARE_PARTICLE = re.compile(r"\{[^{}:]*\}\*{0,2}(으로|로|이|가|을|를|은|는|과|와|이나|나|이라|라|이면|면)"
                            r"(\([^)]*\))?(?![가-힣])")


def test_korean_particles_after_a_value_are_chosen_by_the_helper() -> None:
    # A number or a name changes with the settings, so its particle must too: the
    # catalog writes {x:으로}, and ui.i18n.particle picks 으로 or 로 from how x is read.
    bare = [(k, m.group(0)) for k, v in catalog("ko").items() for m in _BARE_PARTICLE.finditer(v)]
    assert not bare, bare


def test_every_korean_format_spec_in_hangul_is_a_known_particle() -> None:
    # {x:의} would reach str.format as a format code and crash the page.
    from ui.i18n import PARTICLES

    for key, value in catalog("ko").items():
        for _, name, spec, _ in string.Formatter().parse(value):
            hangul = spec and any("가" <= ch <= "힣" for ch in spec)
            if name is not None and hangul:
                assert spec.lstrip("*") in PARTICLES, (key, spec)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_says_what_every_other_page_shows(lang: str) -> None:
    """Home's "explore" list names every page with a line of its own (a key built from
    the page's name, which no literal-key scan sees)."""
    t = Translator(lang)
    for info in PAGES:
        if info.name != "home":
            line = t(f"home.next.{info.name}")
            assert line and line != f"home.next.{info.name}", (lang, info.name)


def _named_keys(path: Path, name: str | None) -> list[tuple[int, str]]:
    """The catalog keys a module names whole in ``t(...)`` calls: a string, or
    ``f"{NAME}.rest"`` with `name` for the page's ``NAME``."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        f = node.func
        is_t = (isinstance(f, ast.Name) and f.id == "t") or (isinstance(f, ast.Attribute) and f.attr == "t")
        if not is_t:
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value:
            found.append((node.lineno, arg.value))
        elif (isinstance(arg, ast.JoinedStr) and name and len(arg.values) == 2
              and isinstance(arg.values[0], ast.FormattedValue)
              and isinstance(arg.values[0].value, ast.Name) and arg.values[0].value.id == "NAME"
              and isinstance(arg.values[1], ast.Constant)):
            found.append((node.lineno, name + arg.values[1].value))
    return found


def test_every_key_the_code_names_is_in_the_catalogs() -> None:
    """A key missing from a catalog shows as the key itself, and a test comparing the
    page with ``t(key)`` then compares the key with itself: so check every key the code
    names outright (four Playground notes once sat under the ``[quick]`` table and
    showed as ``playground.limits``)."""
    root = Path(__file__).resolve().parent.parent
    keys = [set(catalog(lang)) for lang in LANGUAGES]
    checked, missing = 0, []
    for path in sorted([*root.glob("sections/**/*.py"), *root.glob("ui/**/*.py"),
                        *root.glob("pages/*.py"), root / "dashboard.py"]):
        package = path.relative_to(root).parts
        name = None
        if package[0] == "sections" and len(package) > 2:
            settings = root / "sections" / package[1] / "settings.py"
            m = re.search(r'^NAME = "(\w+)"', settings.read_text(), re.M) if settings.exists() else None
            name = m.group(1) if m else None
        for line, key in _named_keys(path, name):
            checked += 1
            if any(key not in k for k in keys):
                missing.append(f"{path.relative_to(root)}:{line}: {key}")
    assert checked > 300  # the scan finds the calls it is for
    assert not missing, missing
