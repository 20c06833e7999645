"""Benchmarks of Activation Lab's NumPy network (see BENCHMARKS.md).

Each module is runnable on its own (``python -m benchmarks.train_step``), prints a
markdown table and, with ``--write``, replaces its section of ``BENCHMARKS.md``.
Nothing here is imported by the app or the test suite; there are no timed
assertions anywhere.
"""
