"""ui.references: the paper registry, the one-line citation, and the References expander."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import LANGUAGES, Translator, catalog
from ui.references import PAPERS, cite, full, paper, short

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
# Where a "public page" of a paper may live: arXiv abstracts, proceedings and publishers.
PUBLIC_HOSTS = {"arxiv.org", "proceedings.mlr.press", "icml.cc", "doi.org", "ai.stanford.edu",
                "neuralnetworksanddeeplearning.com"}


def test_registry_is_well_formed() -> None:
    for key, p in PAPERS.items():
        assert p.key == key
        assert re.fullmatch(r"[a-z]+\d{4}", key), key
        assert key.startswith(p.families[0].lower().replace(" ", "")), key
        assert key.endswith(str(p.year)), key
        assert all("," in a for a in p.authors), key  # "Family, Given"
        assert p.title.strip() and p.venue.strip()
        url = urlparse(p.url)
        assert url.scheme in ("https", "http") and url.netloc in PUBLIC_HOSTS, (key, p.url)
        assert not re.search(r"[\s()]", p.url), p.url  # would break a markdown link
        if url.netloc == "arxiv.org":
            assert re.fullmatch(r"/abs/\d{4}\.\d{4,5}", url.path), p.url


def test_the_science_page_cites_every_paper() -> None:
    science = (Path(__file__).resolve().parent.parent / "docs" / "science.md").read_text(encoding="utf-8")
    references = science.split("## 6. References", 1)[1]
    for key, p in PAPERS.items():
        assert f"<{p.url}>" in references, key
        assert f"({p.year})" in references and p.names[0] in references, key


def test_every_paper_has_a_note_in_every_language() -> None:
    for lang in LANGUAGES:
        for key in PAPERS:
            assert catalog(lang).get(f"refs.note.{key}", "").strip(), (lang, key)
    # and no note is left over for a paper that is not in the registry
    notes = {k.removeprefix("refs.note.") for k in catalog("en") if k.startswith("refs.note.")}
    assert notes == set(PAPERS)


def test_short_citations() -> None:
    en, ko = Translator("en"), Translator("ko")
    assert short(en, "he2015") == "He et al., 2015"
    assert short(en, "glorot2010") == "Glorot & Bengio, 2010"
    assert short(en, "telgarsky2016") == "Telgarsky, 2016"
    assert short(ko, "he2015") == "He 외, 2015"
    assert short(ko, "hanin2019") == "Hanin & Rolnick, 2019"


def test_cite_is_one_markdown_line_with_a_link_per_paper() -> None:
    en, ko = Translator("en"), Translator("ko")
    line = cite(en, "he2015")
    assert line == "Source: [He et al., 2015](https://arxiv.org/abs/1502.01852)"
    assert cite(ko, "he2015") == "출처: [He 외, 2015](https://arxiv.org/abs/1502.01852)"
    two = cite(en, "glorot2010", "he2015", "glorot2010")
    assert two.startswith("Sources: ") and "\n" not in two
    assert LINK.findall(two) == [("Glorot & Bengio, 2010", PAPERS["glorot2010"].url),
                                 ("He et al., 2015", PAPERS["he2015"].url)]


def test_unknown_keys_and_empty_citations_fail() -> None:
    t = Translator("en")
    with pytest.raises(KeyError, match="valid keys"):
        paper("nobody2099")
    with pytest.raises(KeyError):
        cite(t, "he2015", "nobody2099")
    with pytest.raises(ValueError):
        cite(t)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_reference_names_every_author_title_venue_and_link(lang: str) -> None:
    t = Translator(lang)
    for key, p in PAPERS.items():
        text = full(t, key)
        for name in p.names:
            assert name in text, (key, name)
        assert f"({p.year})" in text and p.venue in text
        assert LINK.search(text).groups() == (f"*{p.title}*", p.url)
        assert catalog(lang)[f"refs.note.{key}"] in text
    assert full(Translator("en"), "glorot2010").startswith("Xavier Glorot and Yoshua Bengio (2010). ")
    assert full(Translator("ko"), "glorot2010").startswith("Xavier Glorot, Yoshua Bengio (2010). ")


def _expander_app() -> None:
    import streamlit as st

    from ui.i18n import Translator
    from ui.references import references_expander

    lang = st.query_params.get("lang", "en")
    keys = [k for k in st.query_params.get("keys", "").split(",") if k]
    references_expander(Translator(lang), keys)


def _run(lang: str, keys: str) -> AppTest:
    at = AppTest.from_function(_expander_app)
    at.query_params["lang"] = lang
    at.query_params["keys"] = keys
    return at.run()


@pytest.mark.parametrize(("lang", "label"), [("en", "References"), ("ko", "참고 문헌")])
def test_expander_lists_the_sources_in_order(lang: str, label: str) -> None:
    at = _run(lang, "he2015,glorot2010,he2015")
    assert not at.exception
    assert [e.label for e in at.expander] == [label]
    body = at.expander[0].markdown
    assert len(body) == 1  # one element for the whole list
    items = body[0].value.split("\n")
    t = Translator(lang)
    assert items == [f"- {full(t, 'he2015')}", f"- {full(t, 'glorot2010')}"]


def test_expander_draws_nothing_without_sources() -> None:
    at = _run("en", "")
    assert not at.exception
    assert len(at.expander) == 0


def test_expander_with_an_unknown_key_fails_before_drawing() -> None:
    at = _run("en", "he2015,nobody2099")
    assert at.exception
    assert len(at.expander) == 0
