"""The sections of every page, one small module each.

A page (``pages/<page>.py``, or ``dashboard.py`` for home) is three lines: the
shared frame, the page's settings, and the open section::

    fr = frame(NAME)
    fr.heading()
    fr.run(SECTIONS, read_settings, REFERENCES)

(``Frame.run`` draws the controls and the open section in one fragment: a
control's move reruns those, not the frame.)

Each page has a package here (outside ``pages/``, because Streamlit turns every
file in ``pages/`` into a page):

* ``settings.py`` — the page's controls, read once into a frozen dataclass of
  validated values (its *settings*), and the constants they range over;
* ``compute.py`` — the cached functions that train and measure, keyed on
  settings records (``ui.cache``);
* one module per section with one ``draw(settings, frame)``;
* ``__init__.py`` — ``NAME``, ``SECTIONS`` (code -> draw, in reading order)
  and ``read_settings``.

To add a section: copy a section module, give it a code in ``SECTIONS`` and
its texts in ``locales/en/<page>.toml`` and ``locales/ko/<page>.toml``
(``[nav] <code>`` for its button). Charts come from ``ui.charts`` builders only.
"""
