"""Regular grids over a 2-D input plane, for decision boundaries and region maps."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def plane_grid(
    X: FloatArray, resolution: int = 60, margin: float = 0.5
) -> tuple[FloatArray, FloatArray, float]:
    """A square grid of points covering the data with a margin.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The data whose bounding box (plus `margin` on every side) is covered.
    resolution : int
        Number of grid points per axis (``resolution**2`` points in all).
    margin : float
        Extra room around the data, in the data's units.

    Returns
    -------
    points : ndarray of shape (resolution**2, 2)
        Grid points, x₁ varying fastest.
    axes : ndarray of shape (2, resolution)
        The coordinates along each axis.
    step : float
        The larger of the two grid spacings (for drawing cells).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plane_grid needs 2-D inputs, got shape {X.shape}")
    if resolution < 2:
        raise ValueError("resolution must be at least 2")
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    axes = np.stack([np.linspace(lo[i], hi[i], resolution) for i in range(2)])
    g1, g2 = np.meshgrid(axes[0], axes[1])
    points = np.column_stack([g1.ravel(), g2.ravel()])
    step = float(max(axes[0][1] - axes[0][0], axes[1][1] - axes[1][0]))
    return points, axes, step
