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
