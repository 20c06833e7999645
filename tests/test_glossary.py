"""The glossary (locales/glossary.toml): one term per concept, and no listed variant in the catalogs."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

from ui.i18n import LANGUAGES, LOCALES_DIR, catalog

GLOSSARY = LOCALES_DIR / "glossary.toml"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Code spans and inline math are not prose: `hide=depth`, $\sigma'(z)$.
NOT_PROSE = re.compile(r"`[^`]*`|\$[^$]*\$")
SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+")


@cache
def glossary() -> dict[str, dict]:
    with GLOSSARY.open("rb") as fh:
        return tomllib.load(fh)


def prose(value: str) -> str:
    """A catalog value as a reader sees it, minus code: each placeholder becomes ``⟨⟩``."""
    return NOT_PROSE.sub(" ", PLACEHOLDER.sub("⟨⟩", value))


def violations(lang: str, entries: dict[str, dict], text: dict[str, str]) -> list[str]:
    """Every (key, concept, variant) where a catalog value uses a variant the glossary rules out."""
    found = []
    for concept, entry in entries.items():
        keys = entry.get("scope", list(text))
        for key in keys:
            value = prose(text[key])
            for variant in entry.get(f"avoid_{lang}", []):
                hit = re.search(variant, value)
                if hit:
                    found.append(f"{key}: {hit.group(0)!r} (use {entry[lang]!r} for {concept})")
            for rule in entry.get(f"avoid_{lang}_near", []):
                for sentence in SENTENCE_END.split(value):
                    if re.search(rule["variant"], sentence) and any(n in sentence for n in rule["near"]):
                        found.append(f"{key}: {rule['variant']!r} next to {rule['near']} in {sentence!r} "
                                     f"(use {entry[lang]!r} for {concept})")
    return found


def test_every_concept_has_one_term_per_language() -> None:
    for concept, entry in glossary().items():
        for lang in LANGUAGES:
            assert isinstance(entry.get(lang), str) and entry[lang].strip(), (concept, lang)


def test_variants_are_valid_and_spare_the_chosen_term() -> None:
    # A variant that matched the chosen term would make the glossary impossible to follow.
    for concept, entry in glossary().items():
        for lang in LANGUAGES:
            for variant in entry.get(f"avoid_{lang}", []):
                assert not re.search(variant, entry[lang]), (concept, variant)
            for rule in entry.get(f"avoid_{lang}_near", []):
                re.compile(rule["variant"])
                assert rule["near"], concept


def test_scoped_keys_exist() -> None:
    for concept, entry in glossary().items():
        for key in entry.get("scope", []):
            assert key in catalog("en"), (concept, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_use_the_glossary_terms(lang: str) -> None:
    found = violations(lang, glossary(), catalog(lang))
    assert not found, "\n".join(found)


def test_the_check_catches_what_it_should() -> None:
    entries = glossary()
    text = {
        "a.epoch": "{epochs} 에폭 동안, epoch마다",
        "a.grad": "층마다 기울기를 받지 못합니다.",
        "a.near": "‖∂L/∂W‖는 첫 층의 기울기입니다.",
        "a.slope": "ReLU의 기울기는 1입니다. ‖∂L/∂h‖는 그래디언트입니다.",
        "a.code": "`epoch=3` 과 {epoch} 에포크",
        "common.reset": "초기화",
        "common.reset_help": "모든 조절기를 기본값으로 되돌립니다.",
    }
    found = violations("ko", entries, text)
    assert any(f.startswith("a.epoch: '에폭'") for f in found)
    assert any(f.startswith("a.epoch: 'epoch'") for f in found)
    assert any(f.startswith("a.grad:") for f in found)
    assert any(f.startswith("a.near:") for f in found)
    assert any(f.startswith("common.reset:") for f in found)
    # The slope f′ may be 기울기 in a sentence of its own; code and placeholders are not prose.
    assert not any(f.startswith(("a.slope", "a.code", "common.reset_help")) for f in found)


def test_glossary_is_linked_from_the_science_page() -> None:
    science = (Path(__file__).resolve().parent.parent / "docs" / "science.md").read_text(encoding="utf-8")
    assert "glossary" in science.lower()
    assert "](../locales/glossary.toml)" in science


def test_the_science_page_table_quotes_the_glossary() -> None:
    # The short table in docs/science.md must not drift from the glossary file.
    science = (Path(__file__).resolve().parent.parent / "docs" / "science.md").read_text(encoding="utf-8")
    section = science.split("## 5. Glossary", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.MULTILINE)[2:]  # skip header and rule
    assert len(rows) >= 10
    pairs = {(e["en"], e["ko"]) for e in glossary().values()}
    for en, ko in rows:
        assert (en, ko) in pairs, (en, ko)
