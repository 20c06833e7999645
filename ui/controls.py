"""Sidebar controls bound to the URL, with our own check of every URL value.

Every control that shapes a view is a keyed widget created with
``bind="query-params"``: its key is the URL parameter, so a copied link
reproduces the view. Streamlit silently drops URL values it cannot use and
accepts some we cannot (a reversed range, say), so each control first reads its
raw value from ``st.query_params``, validates it here, and:

* if the value is bad, the page shows one note listing what was replaced;
* if Streamlit kept a value we rejected, the control is reset to its fallback
  through ``st.session_state`` and the script reruns once (a URL-seeded value
  cannot be overridden in the run that seeds it).

Options are short codes (``relu``, ``he_normal``), never translated labels:
Streamlit writes the *displayed* option into the URL, and a link must mean the
same thing in every language.

Numbers in a link: ASCII only
-----------------------------
One rule for every numeric key of every page, applied where raw URL values are
checked (:meth:`Controls.check_raw` and :meth:`Controls._number`): a number is
written with the ASCII digits 0-9, an optional sign, decimal point and
exponent (:data:`NUMBER`; ``5``, ``-0.25``, ``1e-05``: what Streamlit itself
writes). Python's ``float``/``int`` also accept other scripts' digits
(``٣``), full-width ones (``１６``), underscores (``1_0``) and spaces, and
``str.isdigit`` accepts ``²`` and ``①``, which ``int`` then refuses. None of
them is a number here: such a value gets the note (``common.url.reason.digits``)
and the control its default, and the link the page writes back is ASCII. A
value with a non-ASCII digit is refused for every key, numeric or not, before
the key's own check, so a page's free-text parser (the playground's ``shape``)
never sees one. Normalising instead (NFKC, then ``int``) would read ``²`` as
``2`` and keep a link that means different things to different parsers; the
strict rule keeps one spelling per value.

One declaration per control
---------------------------
A page declares its controls once, as a :class:`ControlTable` of
:class:`Control` records (key, default, kind, range or options, catalog keys
of its label, help and option labels, classroom hide key, and where it is
written elsewhere: a Playground link's key, the exported ``.npz``). The page
draws a row with :meth:`Controls.draw`, which picks the widget and the URL
check from the row; the page's ``DEFAULTS``, its Reset, the ``.npz`` settings
and the tests' and benchmarks' default specs are read from the same table. A
value the page keeps in the URL by hand is bound with :meth:`Controls.keep`.

Visitor text in notes
---------------------
Keys and values from the URL are shown only through :func:`ui.literal.literal`
(literal text in a code span, cut short); see :meth:`Controls.note`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import streamlit as st

from ui.i18n import Translator, option_labels
from ui.literal import literal

#: Longest URL value we even try to parse; anything longer is garbage.
MAX_RAW_LENGTH = 200
#: A number as a link may write it (ASCII only; see the module docstring).
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FIX_STATE = "_url_fix"
_SEEN_STATE = "_url_seen"
_CARRY_STATE = "_url_notes_carried"
#: Session state: page -> the defaults of its declared table (:meth:`Controls.declare`).
DECLARED_STATE = "_control_declared"


@dataclass(frozen=True)
class Bound:
    """One bound control as the page created it: what a share link needs."""

    key: str
    default: Any
    value: Any


#: What a control holds: a whole number, a number, one option code, several
#: option codes, on/off, or free text.
Kind = Literal["int", "float", "choice", "list", "bool", "text"]
KINDS: tuple[str, ...] = ("int", "float", "choice", "list", "bool", "text")
#: How a row is drawn when its kind allows more than one widget.
WIDGETS: tuple[str, ...] = ("", "slider", "number", "radio", "range")


@dataclass(frozen=True)
class Control:
    """One control of a page, declared once (see "One declaration per control").

    Attributes
    ----------
    key : str
        The URL parameter, the widget's key and the settings field's name.
    default : object
        The value without a URL value (and after Reset).
    kind : {"int", "float", "choice", "list", "bool", "text"}
        What the value is.
    lo, hi, step : number, optional
        The range of an ``int``/``float`` slider or number box.
    options : tuple
        The codes of a ``choice``/``list``; for an ``int``/``float`` a menu of
        values (drawn as a select slider).
    labels : str or callable, optional
        What options show: ``common.option.<labels>.<code>`` for a string (see
        :func:`ui.i18n.option_labels`), or ``labels(t)`` -> code -> text.
    help : str, optional
        Catalog key of the help text.
    label : str
        Catalog key of the label (the table fills ``<page>.controls.<key>``).
    hide : str
        The classroom key that pins it (``<hide>_hide=true``, ``hide=<hide>``);
        the table fills the `key`.
    widget : {"", "slider", "number", "radio", "range"}
        How to draw it when the kind allows more than one way ("" = the usual).
    link : bool
        A pasted TensorFlow Playground link sets it: :mod:`core.playground_link`
        reports the link's value under this row's key (``initZero`` -> ``init_zero``).
    npz : str, optional
        The name it is stored under in an exported ``.npz``'s settings (the key
        when None; ``""`` leaves it out).
    max_chars : int
        Longest ``text`` value.
    fmt : str, optional
        printf-style format of a numeric widget.
    """

    key: str
    default: Any
    kind: Kind
    lo: int | float | None = None
    hi: int | float | None = None
    step: int | float | None = None
    options: tuple[Any, ...] = ()
    labels: str | Callable[[Translator], Mapping[str, str]] | None = None
    help: str | None = None
    label: str = ""
    hide: str = ""
    widget: str = ""
    link: bool = False
    npz: str | None = None
    max_chars: int = 120
    fmt: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.widget not in WIDGETS:
            raise ValueError(f"{self.key}: widget must be one of {WIDGETS}, got {self.widget!r}")
        if self.kind in ("int", "float") and not self.options and (self.lo is None or self.hi is None):
            raise ValueError(f"{self.key}: a number needs lo and hi, or a menu of options")
        if self.kind in ("choice", "list") and not self.options:
            raise ValueError(f"{self.key}: a {self.kind} needs options")
        allowed = self.default if self.kind == "list" else [self.default]
        if self.kind in ("choice", "list") and any(v not in self.options for v in allowed):
            raise ValueError(f"{self.key}: default {self.default!r} is not among the options")

    @property
    def stored(self) -> str:
        """The name in an exported ``.npz``'s settings (``""``: not stored)."""
        return self.key if self.npz is None else self.npz

    def fresh_default(self) -> Any:
        """The default, a new list for a ``list`` (callers may change it)."""
        return list(self.default) if isinstance(self.default, list) else self.default

    def option_labels(self, t: Translator) -> dict[str, str] | None:
        """Code -> shown text of each option, or None when options show their codes."""
        if self.labels is None:
            return None
        if isinstance(self.labels, str):
            return option_labels(t, self.labels, self.options)
        return dict(self.labels(t))

    def snap(self, value: Any) -> Any:
        """`value` moved onto the control: into ``[lo, hi]`` and onto its steps.

        Used where values come from elsewhere than the URL (a pasted Playground link).
        """
        if isinstance(value, list | tuple) and self.kind == "list":
            return list(value)
        if self.kind not in ("int", "float") or self.options or self.lo is None or self.hi is None:
            return value
        v = float(value)
        if not math.isfinite(v):
            return self.default
        if self.step:
            v = round(self.lo + self.step * round((v - self.lo) / self.step), 10)
        v = min(max(v, self.lo), self.hi)
        return round(v) if self.kind == "int" else float(v)


@dataclass(frozen=True)
class ControlTable:
    """A page's controls, in the order the page draws them (see :class:`Control`)."""

    page: str
    rows: tuple[Control, ...]

    def __post_init__(self) -> None:
        keys = [r.key for r in self.rows]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.page}: a key is declared twice in {keys}")
        rows = tuple(replace(r, label=r.label or f"{self.page}.controls.{r.key}",
                             hide=r.hide or r.key) for r in self.rows)
        object.__setattr__(self, "rows", rows)

    def __getitem__(self, key: str) -> Control:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return any(row.key == key for row in self.rows)

    def __iter__(self) -> Iterator[Control]:
        return iter(self.rows)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)

    @property
    def defaults(self) -> dict[str, Any]:
        """Key -> default of every control (lists are new each time)."""
        return {r.key: r.fresh_default() for r in self.rows}

    @property
    def hide_keys(self) -> tuple[str, ...]:
        """The classroom keys of the page's controls (``<name>_hide=true``)."""
        return tuple(r.hide for r in self.rows)

    @property
    def link_keys(self) -> tuple[str, ...]:
        """The keys a pasted TensorFlow Playground link sets (the rest go back to defaults)."""
        return tuple(r.key for r in self.rows if r.link)

    def stored(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The ``.npz`` settings of the controls in `values` (by key), under their stored names."""
        return {r.stored: values[r.key] for r in self.rows if r.stored and r.key in values}


@dataclass
class Controls:
    """Create URL-bound widgets in one container and collect URL notes.

    Parameters
    ----------
    t : Translator
        Text of the current language (labels are passed in already translated;
        the notes are written here).
    container : DeltaGenerator
        Where widgets go (the sidebar, normally).
    note_box : DeltaGenerator
        An empty placeholder near the top of the page for the fallback note.
    """

    t: Translator
    container: Any
    note_box: Any
    bound: dict[str, Bound] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Keys whose widgets are hidden (classroom mode): their value comes from the
    #: URL (validated) or the default, and no widget is drawn.
    hidden: frozenset[str] | None = None
    #: Called after every control is bound (the share box redraws its link).
    on_bind: Callable[[], None] | None = None
    #: The page these controls belong to (URL checks are remembered per page).
    page: str = ""

    #: The sidebar: ``hide=all`` pins the sidebar controls; controls a page
    #: places beside its charts (scrubbers, pickers) stay usable.
    sidebar: Any = None

    def is_hidden(self, key: str) -> bool:
        """Whether the control `key` is pinned (classroom mode) and drawn as no widget.

        ``hide=all`` pins the sidebar's controls; controls placed beside a
        section's charts (:meth:`placed`) stay usable unless named.
        """
        if self.hidden is None:
            return False
        in_sidebar = self.sidebar is None or self.container is self.sidebar
        return key in self.hidden or ("all" in self.hidden and in_sidebar)

    @contextmanager
    def placed(self, container: Any) -> Iterator[Controls]:
        """Draw the controls made in this block in `container` (a column beside a chart).

        ``with c.placed(cols[0]): layer = c.slider(...)``; afterwards controls go
        to the sidebar again.
        """
        saved = self.container
        self.container = container
        try:
            yield self
        finally:
            self.container = saved

    # ----------------------------------------------------------------- notes
    def note(self, key: str, raw: Sequence[str] | str, reason: str) -> None:
        """Record that URL parameter `key` was rejected and show the note.

        `key` and `raw` came from the visitor: they are shown through
        :func:`ui.literal.literal` (literal text, cut short). `reason` is
        catalog text; a visitor value inside it must have gone through
        ``literal`` already (``common.url.reason.unknown`` does).
        """
        shown = raw if isinstance(raw, str) else "&".join(raw)
        self.note_line(self.t("common.url.item", param=literal(key), value=literal(shown),
                              reason=reason))

    def restore_notes(self) -> None:
        """Show again the notes of a run that ended in a fix rerun (see :meth:`_widget`)."""
        for line in st.session_state.pop(_CARRY_STATE, None) or ():
            self.note_line(line)

    def note_line(self, line: str) -> None:
        """Add one line (catalog text, visitor values already :func:`literal`) to the note."""
        self.note_lines([line])

    def note_lines(self, lines: Sequence[str]) -> None:
        """Add several lines to the note, and draw it once."""
        self.notes.extend(lines)
        body = "\n".join(f"- {line}" for line in self.notes)
        self.note_box.warning(
            f"**{self.t('common.url.title')}**\n\n{body}\n\n{self.t('common.url.after')}",
            icon="⚠️",
        )

    def query_items(self) -> list[tuple[str, str]]:
        """``(key, value)`` URL pairs of every bound control not at its default.

        Values are written the way Streamlit writes them (``true``/``false``,
        ``5`` for 5.0, one pair per item of a list or range).
        """
        items: list[tuple[str, str]] = []
        for b in self.bound.values():
            if _close(b.value, b.default):
                continue
            values = b.value if isinstance(b.value, (list, tuple)) else [b.value]
            if isinstance(b.value, list) and not values:
                items.append((b.key, ""))
            items.extend((b.key, _url_text(v)) for v in values)
        return items

    # ------------------------------------------------------------- machinery
    @staticmethod
    def raw(key: str) -> list[str] | None:
        """The raw URL values of `key` (repeated keys give several), or None."""
        if key not in st.query_params:
            return None
        return st.query_params.get_all(key)

    def _bind(
        self,
        key: str,
        default: Any,
        check: Callable[[list[str]], tuple[str | None, Any]],
        make: Callable[[], Any],
        same: Callable[[Any, Any], bool] = lambda a, b: a == b,
    ) -> Any:
        """Validate the URL value of `key`, create the widget, reconcile both.

        `check(raw)` returns ``(reason, target)``: `reason` is None when the raw
        value is fine, and `target` is the value the widget must end up with
        (the parsed value, a cleaned value, or the default).
        """
        if self.is_hidden(key):
            value = self._pinned(key, default, check)
        else:
            value = self._widget(key, default, check, make, same)
        return self._record(key, default, value)

    def _record(self, key: str, default: Any, value: Any) -> Any:
        return self.keep(key, default, value)

    def keep(self, key: str, default: Any, value: Any) -> Any:
        """Bind a value the page keeps in the URL by hand: the share link, Reset and the
        share box then treat it as any bound control. Returns `value`.

        For a value whose URL text the page reads and writes itself (the playground's
        drawn points and features, the language): ``value`` is what the link must
        carry, `default` what it leaves out.
        """
        self.bound[key] = Bound(key, default, value)
        if self.on_bind is not None:
            self.on_bind()
        return value

    # ------------------------------------------------------------ declared rows
    def declare(self, table: ControlTable) -> None:
        """Make the page's table known: Reset sets every row back, drawn this run or not."""
        declared = st.session_state.setdefault(DECLARED_STATE, {})
        declared[self.page or table.page] = table.defaults

    def draw(
        self,
        row: Control,
        *,
        help_args: Mapping[str, Any] | None = None,
        valid: Callable[[str], bool] | None = None,
        captions: Sequence[str] | None = None,
    ) -> Any:
        """Draw `row` with the widget its kind calls for and return its checked value.

        The URL check is the widget's (:meth:`slider`, :meth:`select` ...), from the
        row's range or options. `help_args` fill the help text's placeholders. A
        ``text`` row with `valid` is kept by hand, and a URL value `valid` refuses
        gets the note ``<label>_bad``; a typed one, the warning ``<label>_typed_bad``
        beside the box.
        """
        t = self.t
        label = t(row.label)
        help = t(row.help, **(help_args or {})) if row.help else None
        labels = row.option_labels(t)
        kind, d = row.kind, row.default
        if kind in ("int", "float"):
            cast = int if kind == "int" else float
            if row.options:
                return cast(self.select_slider(row.key, label, row.options, d, help=help))
            if row.widget == "range":
                lo, hi = self.range_slider(row.key, label, row.lo, row.hi, d, step=row.step,
                                           help=help)
                return (float(lo), float(hi))
            make = self.number if row.widget == "number" else self.slider
            return cast(make(row.key, label, row.lo, row.hi, d, step=row.step, help=help,
                             fmt=row.fmt))
        if kind == "choice":
            return self.select(row.key, label, row.options, d, help=help,
                               radio=row.widget == "radio", horizontal=row.widget == "radio",
                               captions=captions, labels=labels)
        if kind == "list":
            return self.multiselect(row.key, label, row.options, d, help=help, labels=labels)
        if kind == "bool":
            return bool(self.checkbox(row.key, label, d, help=help))
        if valid is None:
            return self.text(row.key, label, d, max_chars=row.max_chars, help=help)
        return self._checked_text(row, label, help, valid)

    def _checked_text(self, row: Control, label: str, help: str | None,
                      valid: Callable[[str], bool]) -> str:
        """Free text whose meaning `valid(text)` checks, kept in the URL by hand
        (Streamlit's binding could not refuse a typed value)."""
        default = str(row.default)

        def check(raw: list[str]) -> tuple[str | None, Any]:
            if len(raw) != 1:
                return self.t("common.url.reason.repeated"), default
            if not valid(raw[0]):
                return self.t(f"{row.label}_bad"), default
            return None, raw[0]

        text = self.by_hand(row.key, default, check,
                            lambda state: self.container.text_input(label, key=state, help=help))
        if not valid(text):
            # Typed into the box (a URL value was checked above): say so beside it.
            self.container.warning(self.t(f"{row.label}_typed_bad", value=literal(text),
                                          reason=self.t(f"{row.label}_bad"),
                                          default=literal(default)))
        return text

    def _pinned(
        self, key: str, default: Any, check: Callable[[list[str]], tuple[str | None, Any]]
    ) -> Any:
        """A hidden control's value: the validated URL value, else the default."""
        raw = self.raw(key)
        if raw is None:
            return default
        reason, target = self.check_raw(check, raw, default)
        if reason is not None:
            self.note(key, raw, reason)
            return default
        return target

    def _widget(
        self,
        key: str,
        default: Any,
        check: Callable[[list[str]], tuple[str | None, Any]],
        make: Callable[[], Any],
        same: Callable[[Any, Any], bool],
    ) -> Any:
        fixes: dict[str, tuple[Any, list[str], str]] = st.session_state.setdefault(_FIX_STATE, {})
        if key in fixes:
            # Second run after a rejected value that Streamlit had accepted.
            target, raw, reason = fixes.pop(key)
            st.session_state[key] = target
            self.note(key, raw, reason)
            value = make()
            # A bound value put back to its default leaves Streamlit's copy of the
            # query silently (no message to the browser), so the address bar would
            # keep the refused value: send the query as it now is.
            st.query_params.update()
            return value
        raw = self.raw(key)
        # Check a URL value once per session: later reruns carry the same value
        # (or, in AppTest, a stale one) and it has been dealt with already.
        seen: dict[str, list[str] | None] = st.session_state.setdefault(_SEEN_STATE, {})
        if raw is not None and seen.get(f"{self.page}/{key}") == raw:
            raw = None
        else:
            seen[f"{self.page}/{key}"] = raw
        reason, target = (None, default) if raw is None else self.check_raw(check, raw, default)
        value = make()
        if raw is not None and reason is not None:
            if same(value, target):
                self.note(key, raw, reason)
            else:
                fixes[key] = (target, raw, reason)
                # The rerun draws the page again, and values already dealt with are
                # not checked twice: this run's notes go with it (restore_notes).
                st.session_state[_CARRY_STATE] = list(self.notes)
                st.rerun()
        elif raw is not None and not same(value, target):
            # Streamlit refused a value we found acceptable; say so anyway.
            self.note(key, raw, self.t("common.url.reason.refused"))
        return value

    def check_raw(
        self, check: Callable[[list[str]], tuple[str | None, Any]], raw: list[str], default: Any
    ) -> tuple[str | None, Any]:
        """``check(raw)``, refusing overlong values and foreign digits first:
        ``(reason or None, value to use)``."""
        if any(len(r) > MAX_RAW_LENGTH for r in raw):
            return self.t("common.url.reason.too_long"), default
        if any(foreign_digits(r) for r in raw):
            return self.t("common.url.reason.digits"), default
        return check(raw)

    def unused(self, key: str, allowed: Sequence[str]) -> None:
        """A URL key the page draws no control for: a value other than one of
        `allowed` gets the usual note and is dropped from the URL."""
        raw = self.raw(key)
        if raw is None:
            return
        reason, _ = self.check_raw(lambda r: self._check_option(r, allowed, ""), raw, "")
        if reason is not None:
            self.note(key, raw, reason)
            st.query_params.pop(key, None)

    def _single(self, raw: list[str]) -> str | None:
        return raw[0] if len(raw) == 1 else None

    def _number(self, text: str, integer: bool) -> float | int | None:
        """`text` as a number by the link rule (:data:`NUMBER`), or None."""
        value = url_number(text)
        if value is None:
            return None
        if integer:
            if value != int(value):
                return None
            return int(value)
        return value

    def _not_number(self, texts: Sequence[str], integer: bool = False) -> str:
        """Why :meth:`_number` refused `texts`: a fraction where a whole number is
        needed, not written with 0-9 (though Python would read it), or no finite
        number at all."""
        if integer and all(url_number(t) is not None for t in texts):
            return self.t("common.url.reason.whole")
        loose = any(url_number(t) is None and _python_number(t) for t in texts)
        return self.t("common.url.reason.digits" if loose else "common.url.reason.not_number")

    def _check_option(
        self, raw: list[str], options: Sequence[str], default: str
    ) -> tuple[str | None, Any]:
        """One of `options`, given once."""
        text = self._single(raw)
        if text is None:
            return self.t("common.url.reason.repeated"), default
        if text not in options:
            return self.t("common.url.reason.option"), default
        return None, text

    def _check_number(
        self, raw: list[str], lo: float, hi: float, default: Any, integer: bool
    ) -> tuple[str | None, Any]:
        text = self._single(raw)
        if text is None:
            return self.t("common.url.reason.repeated"), default
        value = self._number(text, integer)
        if value is None:
            return self._not_number([text], integer), default
        if not lo <= value <= hi:
            return self.t("common.url.reason.range", lo=lo, hi=hi), default
        return None, value

    # --------------------------------------------------------------- widgets
    def slider(
        self,
        key: str,
        label: str,
        lo: int | float,
        hi: int | float,
        default: int | float,
        step: int | float | None = None,
        help: str | None = None,
        fmt: str | None = None,
    ) -> Any:
        """A bound numeric slider; integer when `lo`, `hi` and `default` are ints."""
        return self._bind_number(key, lo, hi, default, lambda integer: self.container.slider(
            label, lo, hi, default, step=step, key=key, help=help, format=fmt,
            bind="query-params"))

    def _bind_number(self, key: str, lo: int | float, hi: int | float, default: int | float,
                     make: Callable[[bool], Any]) -> Any:
        """Bind a numeric widget made by ``make(integer)``: the URL value must be a
        number in ``[lo, hi]`` (a whole one when `lo`, `hi` and `default` are ints)."""
        integer = all(isinstance(v, int) for v in (lo, hi, default))

        def check(raw: list[str]) -> tuple[str | None, Any]:
            return self._check_number(raw, lo, hi, default, integer)

        return self._bind(key, default, check, lambda: make(integer), _close)

    def range_slider(
        self,
        key: str,
        label: str,
        lo: float,
        hi: float,
        default: tuple[float, float],
        step: float | None = None,
        help: str | None = None,
    ) -> tuple[float, float]:
        """A bound two-ended slider; the URL must hold two increasing values."""

        def check(raw: list[str]) -> tuple[str | None, Any]:
            if len(raw) != 2:
                return self.t("common.url.reason.pair"), default
            values = [self._number(r, integer=False) for r in raw]
            if any(v is None for v in values):
                return self._not_number(raw), default
            a, b = values
            if not (lo <= a <= hi and lo <= b <= hi):
                return self.t("common.url.reason.range", lo=lo, hi=hi), default
            if not a < b:
                return self.t("common.url.reason.order"), default
            return None, (a, b)

        value = self._bind(
            key,
            default,
            check,
            lambda: self.container.slider(
                label, lo, hi, default, step=step, key=key, help=help, bind="query-params"
            ),
            _close,
        )
        return tuple(value)  # type: ignore[return-value]

    def select(
        self,
        key: str,
        label: str,
        options: Sequence[str],
        default: str,
        help: str | None = None,
        horizontal: bool = False,
        radio: bool = False,
        captions: Sequence[str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """A bound choice among short option codes (selectbox, or radio).

        With `labels` (code -> translated text) the widget shows the text and
        the URL keeps the code (see :meth:`by_hand`).
        """
        options = list(options)

        def check(raw: list[str]) -> tuple[str | None, Any]:
            return self._check_option(raw, options, default)

        if labels is not None:
            def draw(state: str) -> str:
                kw = {"horizontal": horizontal, "captions": captions} if radio else {}
                widget = self.container.radio if radio else self.container.selectbox
                return widget(label, options, format_func=lambda o: labels.get(o, o), key=state,
                              help=help, **kw)

            return self.by_hand(key, default, check, draw)

        def make() -> str:
            if radio:
                return self.container.radio(
                    label, options, index=options.index(default), key=key, help=help,
                    horizontal=horizontal, captions=captions, bind="query-params",
                )
            return self.container.selectbox(
                label, options, index=options.index(default), key=key, help=help,
                bind="query-params",
            )

        return self._bind(key, default, check, make)

    def _url_into_state(
        self, key: str, state: str, default: Any,
        check: Callable[[list[str]], tuple[str | None, Any]],
    ) -> tuple[list[str] | None, dict[str, list[str] | None]]:
        """A new URL value of `key` (once per session), checked, into ``session_state[state]``.

        Returns the raw URL value and the session's record of values already dealt
        with (the caller stores what it writes back there).
        """
        raw = self.raw(key)
        seen: dict[str, list[str] | None] = st.session_state.setdefault(_SEEN_STATE, {})
        if raw is not None and seen.get(f"{self.page}/{key}") != raw:
            reason, target = self.check_raw(check, raw, default)
            if reason is not None:
                self.note(key, raw, reason)
            st.session_state[state] = target
        return raw, seen

    def by_hand(
        self,
        key: str,
        default: Any,
        check: Callable[[list[str]], tuple[str | None, Any]],
        draw: Callable[[str], Any],
    ) -> Any:
        """A widget kept in the URL by hand, with `check` deciding what a URL value means.

        ``draw(state_key)`` makes the widget (not bound; its value lives in
        ``st.session_state[state_key]``). Used for selects with translated labels,
        and by pages for free text whose meaning they check themselves.

        Streamlit's ``bind="query-params"`` writes the *displayed* option into
        the URL, so a widget with translated labels would write "사인" where a
        link needs ``sine``. These widgets are not bound: the URL value is read
        and checked here once per session (as for bound ones), put into the
        widget's state, and the chosen code is written back to the URL.
        """
        if self.is_hidden(key):
            return self._record(key, default, self._pinned(key, default, check))
        raw, seen = self._url_into_state(key, key, default, check)
        st.session_state.setdefault(key, list(default) if isinstance(default, list) else default)
        value = draw(key)
        if _close(value, default):
            written = None
        else:  # `?act=` is how an empty multi-choice is written, as Streamlit does
            written = [_url_text(v) for v in _as_list(value)] or [""]
        if raw != written:
            if written is None:
                st.query_params.pop(key, None)
            else:
                st.query_params[key] = written if isinstance(value, list) else written[0]
        seen[f"{self.page}/{key}"] = written
        return self._record(key, default, value)

    def select_slider(
        self,
        key: str,
        label: str,
        options: Sequence[float],
        default: float,
        help: str | None = None,
    ) -> float:
        """A bound slider over fixed values (e.g. log-spaced learning rates)."""
        options = list(options)

        def check(raw: list[str]) -> tuple[str | None, Any]:
            text = self._single(raw)
            if text is None:
                return self.t("common.url.reason.repeated"), default
            value = self._number(text, integer=False)
            if value is None:
                return self._not_number([text]), default
            match = [o for o in options if _close(o, value)]
            if not match:
                return self.t("common.url.reason.option"), default
            return None, match[0]

        return self._bind(
            key,
            default,
            check,
            lambda: self.container.select_slider(
                label, options, value=default, key=key, help=help, bind="query-params"
            ),
            _close,
        )

    def multiselect(
        self,
        key: str,
        label: str,
        options: Sequence[str],
        default: Sequence[str],
        help: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> list[str]:
        """A bound multi-choice; unknown or repeated items in the URL are dropped.

        With `labels` the chips show translated text and the URL keeps codes.
        """
        options = list(options)
        default = list(default)

        def check(raw: list[str]) -> tuple[str | None, Any]:
            items = [r for r in raw if r != ""]
            if not items:
                return None, []  # `?act=` is how Streamlit writes an empty choice
            known = list(dict.fromkeys(r for r in items if r in options))
            if len(known) != len(items):
                bad = [r for r in items if r not in options]
                reason = (
                    self.t("common.url.reason.unknown", items=literal_items(bad))
                    if bad
                    else self.t("common.url.reason.repeated")
                )
                return reason, known or default
            return None, known

        if labels is not None:
            return self.by_hand(key, default, check, lambda state: self.container.multiselect(
                label, options, format_func=lambda o: labels.get(o, o), key=state, help=help))
        return self._bind(
            key,
            default,
            check,
            lambda: self.container.multiselect(
                label, options, default=default, key=key, help=help, bind="query-params"
            ),
        )

    def checkbox(self, key: str, label: str, default: bool, help: str | None = None) -> bool:
        """A bound on/off switch; the URL holds ``true`` or ``false``."""

        def check(raw: list[str]) -> tuple[str | None, Any]:
            text = self._single(raw)
            if text is None:
                return self.t("common.url.reason.repeated"), default
            if text.lower() not in ("true", "false"):
                return self.t("common.url.reason.bool"), default
            return None, text.lower() == "true"

        return self._bind(
            key,
            default,
            check,
            lambda: self.container.toggle(
                label, value=default, key=key, help=help, bind="query-params"
            ),
        )

    def number(
        self,
        key: str,
        label: str,
        lo: int | float,
        hi: int | float,
        default: int | float,
        step: int | float | None = None,
        help: str | None = None,
        fmt: str | None = None,
    ) -> Any:
        """A bound number box (for values with many digits, such as seeds).

        Integer boxes are float boxes with step 1 shown as ``%.0f``: Streamlit's
        integer box crashes on ``?seed=inf`` while seeding from the URL, before
        any check of ours could run.
        """

        def make(integer: bool) -> Any:
            if integer:
                value = self.container.number_input(
                    label, float(lo), float(hi), float(default), step=1.0, key=key,
                    help=help, format="%.0f", bind="query-params",
                )
                return round(value)
            return self.container.number_input(
                label, lo, hi, default, step=step, key=key, help=help, format=fmt,
                bind="query-params",
            )

        return self._bind_number(key, lo, hi, default, make)

    def text(
        self, key: str, label: str, default: str, max_chars: int = 120, help: str | None = None
    ) -> str:
        """A bound free-text box; its meaning is checked by the page."""

        def check(raw: list[str]) -> tuple[str | None, Any]:
            text = self._single(raw)
            if text is None:
                return self.t("common.url.reason.repeated"), default
            if len(text) > max_chars:
                return self.t("common.url.reason.too_long"), default
            return None, text

        return self._bind(
            key,
            default,
            check,
            lambda: self.container.text_input(
                label, value=default, max_chars=max_chars, key=key, help=help,
                bind="query-params",
            ),
        )

    def section(
        self,
        key: str,
        labels: dict[str, str],
        default: str,
        label: str,
        container: Any,
    ) -> str:
        """The page's section switch: only the chosen section is computed and drawn.

        A page is a handful of experiments; drawing them all on every rerun
        made each slider move re-send and re-render every chart of the page
        (see BENCHMARKS.md). The switch is a row of buttons in `container`
        (the main area, so classroom mode keeps it usable); the chosen
        section's code is kept in the URL as `key`, so a link opens that
        section. The widget itself is not URL-bound: Streamlit would write
        the translated button text into the URL, and a link must mean the same
        in every language. With ``hide=<key>`` the URL's section is pinned and
        no switch is drawn.

        Parameters
        ----------
        key : str
            URL parameter (``view``).
        labels : dict of str to str
            Section code -> translated button text, in page order.
        default : str
            The section shown without a URL value.
        label : str
            The switch's accessible label (not shown).
        container : DeltaGenerator
            Where the switch is drawn.

        Returns
        -------
        str
            The chosen section's code.
        """
        codes = list(labels)

        def check(raw: list[str]) -> tuple[str | None, Any]:
            return self._check_option(raw, codes, default)

        # Only an explicit ``hide=view`` pins the section; ``hide=all`` pins the
        # sidebar, and the switch is in the page.
        if self._pins_section(key):
            value = self._pinned(key, default, check)
        else:
            state = self._section_state
            raw, seen = self._url_into_state(key, state, default, check)
            st.session_state.setdefault(state, default)
            if st.session_state[state] not in codes:  # state left by an older run
                st.session_state[state] = default
            value = container.segmented_control(
                label, codes, format_func=labels.__getitem__, key=state, required=True,
                label_visibility="collapsed", width="stretch",
            )
            written = None if value == default else [value]
            if raw != written:
                if written is None:
                    st.query_params.pop(key, None)
                else:
                    st.query_params[key] = value
            seen[f"{self.page}/{key}"] = written
        return self._record(key, default, value)

    @property
    def _section_state(self) -> str:
        """Session-state key of this page's section switch."""
        return f"_section_{self.page}"

    def _pins_section(self, key: str) -> bool:
        return self.hidden is not None and key in self.hidden

    def next_section(self, key: str, labels: dict[str, str], text: Callable[[str], str]) -> None:
        """A button at the end of a section that opens the next one.

        Parameters
        ----------
        key : str
            The URL parameter of :meth:`section`.
        labels : dict of str to str
            The same code -> text mapping given to :meth:`section`.
        text : callable
            Button text from the next section's name.
        """
        if self._pins_section(key) or key not in self.bound:
            return
        codes = list(labels)
        i = codes.index(self.bound[key].value)
        if i + 1 == len(codes):
            return
        nxt = codes[i + 1]

        def go() -> None:
            st.session_state[self._section_state] = nxt

        st.button(text(labels[nxt]), key=f"_next_{key}", on_click=go,
                  icon=":material/arrow_forward:", type="tertiary")


def literal_items(items: Sequence[str], most: int = 5) -> str:
    """Up to `most` visitor values, each shown literally, comma-separated (with "…" if more)."""
    shown = ", ".join(literal(item, 20) for item in items[:most])
    return shown + (", …" if len(items) > most else "")


def url_number(text: str) -> float | None:
    """A finite number written by the link rule (ASCII digits, :data:`NUMBER`), or None."""
    if not NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def foreign_digits(text: str) -> bool:
    """Whether `text` holds a digit or numeral other than ASCII 0-9 (``٣``, ``１``, ``²``, ``①``)."""
    return not text.isascii() and any(c.isnumeric() and not c.isascii() for c in text)


def _python_number(text: str) -> bool:
    """Whether Python's ``float`` reads `text` as a finite number (it is laxer than a link)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _url_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def _close(a: Any, b: Any) -> bool:
    """Equality that tolerates float rounding, elementwise for pairs."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b
