"""The text catalog: every user-facing string, in English and Korean.

Each language has one catalog, stored as one TOML file per page under
``locales/<lang>/`` so pages can be added without touching each other's text.
A key is ``<file stem>.<key>`` (nested tables add more dots), e.g.
``home.title`` or ``common.nav.shapes``. Values are ``str.format`` templates.
"""

from __future__ import annotations

import math
import re
import string
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


def superscript(n: int) -> str:
    """A whole number in superscript digits (``9 -> "⁹"``), for powers such as ``¼⁹``."""
    return str(n).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))


def percent(fraction: float, digits: int = 1) -> str:
    """A fraction as a percentage (``0.934 -> "93.4%"``); "—" when not finite."""
    return "—" if not math.isfinite(fraction) else f"{100 * fraction:.{digits}f}%"


# --- Korean particles ------------------------------------------------------------------
#: Each particle pair: (after a final consonant, after a vowel). 으로/로 also takes 로 after ㄹ.
PARTICLES: dict[str, tuple[str, str]] = {}
for _pair in (("이", "가"), ("을", "를"), ("은", "는"), ("과", "와"), ("으로", "로"),
              ("이나", "나"), ("이라", "라"), ("이에요", "예요"), ("이면", "면")):
    for _form in (*_pair, "/".join(_pair)):
        PARTICLES[_form] = _pair

# How a word's last sound ends: "" (a vowel), "ㄹ", or "C" (any other final consonant).
_DIGIT_END = {"0": "C", "1": "ㄹ", "2": "", "3": "C", "4": "", "5": "", "6": "C", "7": "ㄹ",
              "8": "ㄹ", "9": ""}  # 영 일 이 삼 사 오 육 칠 팔 구
# Trailing zeros of a whole number: 십 백 천, and every fourth 만 억 조 경.
_UNIT_END = {1: "C", 2: "C", 3: "C", 4: "C", 8: "C", 12: "", 16: "C"}
# Letters read by their English names: 엘, 엠, 엔, 알 end in a consonant, the others in a vowel.
_LETTER_END = {"L": "ㄹ", "M": "C", "N": "C", "R": "ㄹ"}
# Latin words read as words, where the last letter's rule gets it wrong.
_WORD_END = {"xor": "", "xavier": "", "layer": "", "softmax": "", "adam": "C", "lecun": "C",
             "glorot": "", "moons": "", "relu": "", "sigmoid": ""}
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$")
_TRAILING = re.compile(r"(\s|[*_`'\".,;:!?)\]]|\([^()]*\)|\[[^\[\]]*\])+$")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _whole_end(digits: str) -> str:
    """How a whole number ends when read in Sino-Korean (12 → 십이, 50 → 오십, 100 → 백)."""
    stripped = digits.lstrip("0")
    if not stripped:
        return _DIGIT_END["0"]
    zeros = len(stripped) - len(stripped.rstrip("0"))
    if zeros == 0:
        return _DIGIT_END[stripped[-1]]
    return _UNIT_END.get(zeros if zeros % 4 == 0 else zeros % 4, "C")


def _ending(word: object) -> str:
    """The last sound of `word` as a Korean reader reads it aloud: "", "ㄹ" or "C"."""
    text = _TRAILING.sub("", format(word, "")) or format(word, "")
    if not text:
        return ""
    last = text[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return "" if final == 0 else "ㄹ" if final == 8 else "C"
    if last in _SUPERSCRIPTS:  # x² = "x 제곱"
        return "C"
    if last in "%×":  # 퍼센트, 배
        return ""
    number = _NUMBER.search(text)
    if number:
        whole, fraction, exponent = number.groups()
        if exponent is not None:  # 3.8e-06 = "3.8 곱하기 10의 −6제곱"
            return "C"
        if fraction:  # digits after the point are read one by one: 0.033 = 영 점 영삼삼
            return _DIGIT_END[fraction[-1]]
        return _whole_end(whole)
    word_match = re.search(r"[A-Za-z]+$", text)
    if word_match:
        latin = word_match.group(0)
        if latin.lower() in _WORD_END:
            return _WORD_END[latin.lower()]
        return _LETTER_END.get(latin[-1].upper(), "")
    return ""


def particle(word: object, form: str) -> str:
    """The Korean particle of pair `form` that follows `word` (a number or a name).

    `form` is either member of a pair, or both joined by "/": ``이``/``가``,
    ``을``/``를``, ``은``/``는``, ``과``/``와``, ``으로``/``로``, ``이나``/``나``,
    ``이라``/``라``, ``이에요``/``예요``, ``이면``/``면``. The choice follows how
    `word` is read aloud: its last Hangul syllable's final consonant; a number as it
    is read in Sino-Korean (``0.033`` ends in 삼, ``0.5`` in 오, ``50`` in 십, ``1`` in
    일, whose ㄹ takes 로); a Latin name by its last letter (``ReLU`` ends in 유,
    ``N`` in 엔). Trailing markdown, punctuation and a parenthesised aside are
    skipped: ``He (정규분포)`` takes the particle of ``He``.

    >>> particle(0.033, "으로"), particle(0.5, "으로"), particle("50층", "로")
    ('으로', '로', '으로')
    """
    if form not in PARTICLES:
        raise KeyError(f"unknown particle {form!r}; choose one of {sorted(PARTICLES)}")
    after_consonant, after_vowel = PARTICLES[form]
    end = _ending(word)
    if after_consonant == "으로":
        return "으로" if end == "C" else "로"
    return after_consonant if end else after_vowel


class _Formatter(string.Formatter):
    """``str.format`` plus Korean particles: ``{x:으로}`` formats `x` followed by the
    particle its reading takes (:func:`particle`); ``{x:**는}`` (``{x:*는}``) the same
    with `x` in bold (in italics) and the particle after it. Every other format spec
    works as in ``str.format``."""

    def format_field(self, value: object, format_spec: str) -> str:
        stars = format_spec[:len(format_spec) - len(format_spec.lstrip("*"))]
        spec = format_spec[len(stars):]
        if spec in PARTICLES and len(stars) <= 2:
            text = format(value, "")
            return f"{stars}{text}{stars}{particle(text, spec)}"
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


class Translator:
    """Look up and format catalog text for one language.

    Missing keys fall back to English, then to the key itself, so a gap in a
    catalog shows up as a visible key rather than a crash (the catalog test
    keeps both languages complete). Templates may write a Korean particle as a
    format spec, ``{clip:으로}``, so that it follows the value (:func:`particle`).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._text = catalog(self.lang)
        self._fallback = catalog(DEFAULT_LANGUAGE)

    def __call__(self, key: str, /, **values: object) -> str:
        template = self._text.get(key) or self._fallback.get(key) or key
        return _FORMATTER.vformat(template, (), values) if values else template

    def has(self, key: str) -> bool:
        return key in self._text


def option_labels(t: Translator, kind: str, codes: Iterable[str]) -> dict[str, str]:
    """What a select box shows for each option code: ``common.option.<kind>.<code>``.

    Codes without a catalog entry are shown as they are. Pass the result as a
    control's ``labels=``: the widget shows the text, the URL keeps the code.
    """
    return {c: t(key) if t.has(key := f"common.option.{kind}.{c}") else c for c in codes}


def shown_name(t: Translator, kind: str, code: str) -> str:
    """How the page names one registry entry (``common.option.<kind>.<code>``): an
    activation (`kind` "act"), an initialisation ("init"), an optimiser ("opt") or a
    data set ("data"). The code itself where the catalog has no name for it; the
    URL and the runs keep the code. Every reading that names one uses this."""
    return option_labels(t, kind, [code])[code]


def act_labels(t: Translator) -> dict[str, str]:
    """Every activation's shown name (``common.option.act``), for chart legends."""
    return {key.rsplit(".", 1)[1]: t(key) for key in catalog(DEFAULT_LANGUAGE)
            if key.startswith("common.option.act.")}
