"""The text catalog: every user-facing string, in English and Korean.

Each language has one catalog, stored as one TOML file per page under
``locales/<lang>/`` so pages can be added without touching each other's text.
A key is ``<file stem>.<key>`` (nested tables add more dots), e.g.
``home.title`` or ``common.nav.shapes``. Values are ``str.format`` templates.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES: tuple[str, ...] = ("en", "ko")
DEFAULT_LANGUAGE = "en"
# How each language names itself in the switch; the same in every language.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ko": "한국어"}


def _flatten(table: dict, prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """Return the flat ``key -> template`` catalog of one language.

    Parameters
    ----------
    lang : str
        One of `LANGUAGES`.
    """
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; choose one of {LANGUAGES}")
    flat: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            flat.update(_flatten(tomllib.load(fh), path.stem))
    return flat


def percent(fraction: float, digits: int = 1) -> str:
    """A fraction as a percentage (``0.934 -> "93.4%"``); "—" when not finite."""
    return "—" if not math.isfinite(fraction) else f"{100 * fraction:.{digits}f}%"


class Translator:
    """Look up and format catalog text for one language.

    Missing keys fall back to English, then to the key itself, so a gap in a
    catalog shows up as a visible key rather than a crash (the catalog test
    keeps both languages complete).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._text = catalog(self.lang)
        self._fallback = catalog(DEFAULT_LANGUAGE)

    def __call__(self, key: str, /, **values: object) -> str:
        template = self._text.get(key) or self._fallback.get(key) or key
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self._text


def option_labels(t: Translator, kind: str, codes: Iterable[str]) -> dict[str, str]:
    """What a select box shows for each option code: ``common.option.<kind>.<code>``.

    Codes without a catalog entry are shown as they are. Pass the result as a
    control's ``labels=``: the widget shows the text, the URL keeps the code.
    """
    return {c: t(key) if t.has(key := f"common.option.{kind}.{c}") else c for c in codes}


def act_labels(t: Translator) -> dict[str, str]:
    """Every activation's shown name (``common.option.act``), for chart legends."""
    return {key.rsplit(".", 1)[1]: t(key) for key in catalog(DEFAULT_LANGUAGE)
            if key.startswith("common.option.act.")}
