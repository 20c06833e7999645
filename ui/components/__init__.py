"""Custom browser components (Streamlit's ``st.components.v2``), written by hand.

Each component is a small Python wrapper beside its HTML, CSS and JavaScript, kept
in separate files and read once at import: no build step, no bundler, nothing
fetched from a network. Data goes in as the component's JSON ``data``; whatever a
visitor controls is set with ``textContent`` in the browser, never written into
HTML.

* :mod:`ui.components.playground` — the playground's network diagram, output view
  and playback (Play, Pause, Step, Reset, the epoch counter, the loss curve).
"""
