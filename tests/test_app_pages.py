"""Every page through AppTest: defaults, Korean, and tampered URLs for every control."""

from __future__ import annotations

import re

import pytest
from apptest_utils import (
    bound_widgets,
    errors_text,
    every_section,
    keys_by_section,
    open_page,
    open_with,
    page_text,
    url_note_shown,
)

from core.activations import ACTIVATIONS
from core.datasets import DATASETS
from core.init import INITIALISERS
from core.mlp import OPTIMIZERS
from ui.frame import available_pages
from ui.i18n import PARTICLES, Translator, particle

PAGES = available_pages()
IDS = [p.name for p in PAGES]
GARBAGE = ["garbage☃", "1e999", "nan", "-inf", "9" * 40, "<script>alert(1)</script>", "0" * 300]


@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_defaults_render(info) -> None:
    at = open_page(info)
    assert not at.exception, errors_text(at)
    assert Translator("en")(f"{info.name}.title") in [t.value for t in at.title]
    assert not url_note_shown(at)
    assert bound_widgets(at), "a page has at least one URL-bound control"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_korean_text_breaks_between_words(lang: str) -> None:
    # A browser breaks Korean anywhere by default ("사라지/는" in a phone's heading); the
    # frame's style for Korean breaks it at spaces, and English needs no style at all.
    from ui.frame import KEEP_WORDS_CSS

    at = open_page(PAGES[0], {"lang": lang} if lang != "en" else None)
    assert not at.exception, errors_text(at)
    styles = [h.proto.body for h in at.get("html")]
    assert styles == ([KEEP_WORDS_CSS] if lang == "ko" else []), styles
    assert "word-break: keep-all" in KEEP_WORDS_CSS


#: Registry codes a visitor must never read as they are. Codes with "_" in every language;
#: these lower-case ones too (the page says ReLU, SGD, Adam); and in Korean the codes whose
#: Korean name differs (the glossary keeps only ReLU, tanh, softplus and the like in Latin).
_CODES = sorted({c for c in (*ACTIVATIONS, *INITIALISERS, *DATASETS, *OPTIMIZERS) if "_" in c})
_CASED = ["relu", "gelu", "elu", "silu", "sgd", "adam"]
_KOREAN_ONLY = ["sigmoid", "identity", "momentum"]
#: Code spans, inline math, link targets, addresses and URL parameters are not prose.
_NOT_PROSE = re.compile(r"`[^`]*`|\$[^$]*\$|\]\([^)]*\)|https?://\S+|[?&][a-z_]+=[^\s&)]*")
#: Raw subscript notation that reads as code outside math: h_{l−1}, W_l.
_RAW_SUBSCRIPT = re.compile(r"(?<=[A-Za-z])_(\{|l\b|i\b)")
#: A number directly followed by a Korean particle.
_FORMS = "|".join(sorted((p for p in PARTICLES if "/" not in p), key=len, reverse=True))
_NUMBER_PARTICLE = re.compile(rf"(\d[\d.]*(?:e[+-]?\d+)?)({_FORMS})(?![가-힣])")


def _text_faults(texts: list[str], lang: str) -> list[str]:
    """Registry codes, raw subscripts and (Korean) wrong particles in a page's text."""
    words = _CODES + _CASED + (_KOREAN_ONLY if lang == "ko" else [])
    faults = []
    for text in texts:
        prose = _NOT_PROSE.sub(" ", text)
        for word in words:
            if re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", prose):
                faults.append(f"code {word!r} in {text[:120]!r}")
        if _RAW_SUBSCRIPT.search(prose):
            faults.append(f"raw subscript in {text[:120]!r}")
        if lang == "ko":
            for number, form in _NUMBER_PARTICLE.findall(prose):
                if particle(number, form) != form:
                    faults.append(f"{number}{form} (should be {number}{particle(number, form)})")
    return faults


@pytest.mark.slow  # every section of every page
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_korean_in_every_section(info) -> None:
    ko = Translator("ko")
    faults = []
    for view, at in every_section(info, {"lang": "ko"}):
        assert not at.exception, (view, errors_text(at))
        assert ko(f"{info.name}.title") in [t.value for t in at.title]
        if view is not None:
            assert ko(f"{info.name}.nav.{view}") in at.segmented_control[0].options
        faults += [f"{view}: {f}" for f in _text_faults(page_text(at), "ko")]
    assert not faults, "\n".join(faults)


@pytest.mark.slow  # every section of every page
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_every_section_names_things_as_shown_in_english(info) -> None:
    faults = []
    for view, at in every_section(info):
        assert not at.exception, (view, errors_text(at))
        faults += [f"{view}: {f}" for f in _text_faults(page_text(at), "en")]
    assert not faults, "\n".join(faults)


@pytest.mark.slow  # every section of the vanishing page but Cures, twice
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_two_initialisations_are_named_as_shown(lang: str) -> None:
    # A second initialisation puts initialisation names into legends, headings and the
    # He et al. comparison, where the codes showed before.
    info = next(p for p in PAGES if p.name == "vanishing")
    query = {"n": "100", "epochs": "3", "depth": "4", "act": ["sigmoid", "relu"],
             "init": "glorot_uniform", "init2": "he_normal", **({"lang": lang} if lang != "en" else {})}
    faults = []
    for view, at in every_section(info, query, until="cures"):
        assert not at.exception, (view, errors_text(at))
        faults += [f"{view}: {f}" for f in _text_faults(page_text(at), lang)]
    assert not faults, "\n".join(faults)


def test_the_text_check_finds_what_it_should() -> None:
    assert sorted(_text_faults(["**relu** and he_normal, h_{l−1}"], "en")) == [
        "code 'he_normal' in '**relu** and he_normal, h_{l−1}'",
        "code 'relu' in '**relu** and he_normal, h_{l−1}'",
        "raw subscript in '**relu** and he_normal, h_{l−1}'"]
    assert _text_faults(["노름 0.5으로 클리핑", "50층 0.033로"], "ko") == [
        "0.5으로 (should be 0.5로)", "0.033로 (should be 0.033으로)"]
    assert not _text_faults(["`act=relu` [link](/vanishing?act=relu) ReLU, sigmoid", "$h_{l}$"], "en")
    assert _text_faults(["시그모이드 sigmoid"], "ko") and not _text_faults(["sigmoid"], "en")


@pytest.mark.slow  # every control of every page
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_tampered_url_falls_back_with_note(info) -> None:
    # Every control of every section, opened in the section that draws it.
    sections = keys_by_section(info)
    defaults = {}
    for view in dict.fromkeys(sections.values()):
        defaults.update(bound_widgets(open_with(info, view, {})))
    keys = [k for k in sections if type(defaults[k]).__name__ != "TextInput"]
    for i, key in enumerate(keys):
        garbage = GARBAGE[i % len(GARBAGE)]
        at = open_with(info, sections[key], {key: garbage})
        assert not at.exception, (key, errors_text(at))
        assert url_note_shown(at), f"no note for {key}={garbage!r}"
        assert bound_widgets(at)[key].value == defaults[key].value


@pytest.mark.slow  # every section of every page, cold
@pytest.mark.parametrize("info", PAGES, ids=IDS)
def test_repeated_and_unknown_keys(info) -> None:
    sections = keys_by_section(info)
    for view in dict.fromkeys(sections.values()):
        query = {k: ["1", "2", "3"] for k, v in sections.items() if v == view}
        query["no_such_control"] = "x"
        at = open_with(info, view, query)
        assert not at.exception, (view, errors_text(at))
        assert url_note_shown(at)
