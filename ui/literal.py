"""Visitor text shown as literal text: the one escaping helper of the app.

Anything a visitor controls (a URL value, a pasted Playground link, an uploaded
file's name, labels, column names and cells, a typed formula, drawn points)
reaches Streamlit's markdown only through :func:`literal`. Streamlit renders
markdown in notes, captions, alerts, metric and widget labels, radio options and
expander titles, and its renderer does far more than CommonMark:

* links and images (``[x](url)``, ``![p](url)``, ``<https://...>``);
* *bare* addresses autolinked (``https://evil.example``, ``www.x.y``,
  ``a@b.c``): GFM's autolink literals are found in the parsed text, **after**
  backslash escapes are resolved, so ``https\\://evil.example`` is still a link;
* ``$...$`` and ``$$...$$`` math (KaTeX), ``:red[...]``-style directives,
  ``:smile:`` emoji shortcodes, ``:material/icon:`` icons;
* emphasis, strike-through, headings, tables, raw HTML shown as text.

Backslash escapes therefore cannot make text literal (checked in Chromium:
an escaped URL is still linked). A **code span** can: inside one, CommonMark
and GFM interpret nothing, not even autolink literals, math or directives. The
one exception is Streamlit's own pre-pass, which rewrites every
``:material/`` of the source (code spans included) to ``:material_``; a word
joiner (U+2060, invisible) after the colon keeps that text as typed.

So :func:`literal` returns a complete code span: the value, cut to a short
length with an ellipsis, with line breaks and other control characters made
harmless, fenced with one more backtick than its longest run of backticks (so
a backtick in the value cannot close the span). Templates in the catalog
place it bare (``{value}``, never ```{value}```).

Plain-text places (select-box and multiselect options, table cells, chart
axis titles and legends) show text as it is and need no escaping.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LIMIT", "literal", "plain"]

#: Characters of a visitor value shown before it is cut (with "…").
LIMIT = 40
#: Unicode categories replaced: controls, line/paragraph separators, surrogates,
#: private use and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs", "Co", "Cn"})
#: Format characters that reorder or hide text (bidirectional overrides and
#: isolates, zero-width space, word joiner, BOM). Zero-width (non-)joiners stay:
#: scripts and emoji need them.
_UNSAFE_FORMAT = frozenset("\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")
_REPLACEMENT = "\ufffd"
_BACKTICKS = re.compile(r"`+")
_WORD_JOINER = "\u2060"


def _char(c: str) -> str:
    if c in "\t\n\r\v\f":
        return " "
    category = unicodedata.category(c)
    if category in _UNSAFE_CATEGORIES or (category == "Cf" and c in _UNSAFE_FORMAT):
        return _REPLACEMENT
    return c


def plain(value: object, limit: int = LIMIT) -> str:
    """`value` as one line of at most `limit` characters, before any fencing.

    Control, separator, bidirectional-override and unassigned characters are
    replaced (tabs and line breaks by a space, the rest by U+FFFD), and a
    longer text is cut to ``limit - 1`` characters plus "…".

    Parameters
    ----------
    value : object
        Any value; ``str(value)`` is shown.
    limit : int, default LIMIT
        Most characters kept (at least 2).
    """
    text = "".join(_char(c) for c in str(value)[: limit + 1])
    limit = max(limit, 2)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def literal(value: object, limit: int = LIMIT) -> str:
    """`value` as a markdown code span that Streamlit shows literally.

    Parameters
    ----------
    value : object
        A visitor-controlled value (``str(value)`` is shown).
    limit : int, default LIMIT
        Most characters shown; a longer value is cut and ends with "…".

    Returns
    -------
    str
        Markdown for inline use: ``` `x` ``` for ``x``, ```` `` a`b `` ```` for
        ``a`b``. An empty value is a code span holding one space.

    Examples
    --------
    >>> literal("[x](https://evil.example)")
    '` [x](https://evil.example) `'
    >>> literal("x` ![p](http://127.0.0.1:9/p.gif)")
    '`` x` ![p](http://127.0.0.1:9/p.gif) ``'
    """
    text = plain(value, limit).replace(":material/", f":{_WORD_JOINER}material/")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # One space inside each fence: CommonMark strips exactly one from both ends
    # when both are there, so a value that starts or ends with a backtick (or a
    # space) is shown whole.
    return f"{fence} {text} {fence}"
