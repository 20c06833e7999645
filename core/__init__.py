"""Activation Lab's maths: activations, initialisers, a NumPy MLP and data sets.

Pure NumPy/SciPy/scikit-learn; nothing here imports Streamlit or Altair, so every
module can be imported and tested on its own. Pages read controls, call ``core``,
and draw the result.
"""
