"""A small fully connected network in NumPy, with a backward pass that reads like the math.

Notation (weight layer ``l = 0 .. L-1``, ``L = len(sizes) - 1``; hidden layer ``l``
is weight layer ``l < L-1``)::

    h_0 = X                                   (n, sizes[0])
    z_l = h_l W_l + b_l                       (n, sizes[l+1])
    ẑ_l = N_l(z_l)                            normalisation (``norm``), else ẑ_l = z_l
    h_{l+1} = f_l(ẑ_l)                        hidden layers, f_l the layer's activation
    h_{l+1} = h_l + f_l(ẑ_l)                  ... with a skip connection (``residual``)
    a = g(z_{L-1})                            the output activation g (sigmoid / softmax /
                                              identity); the output is never normalised

Back-propagation walks the same lists backwards::

    δ_{L-1} = dL/dz_{L-1}                      (see "Losses" below)
    dL/dW_l = h_lᵀ δ_l,   dL/db_l = Σ_samples δ_l
    dL/dh_l = δ_l W_lᵀ  (+ dL/dh_{l+1} when hidden layer l has a skip)
    dL/dẑ_{l-1} = dL/dh_l ⊙ f'_{l-1}(ẑ_{l-1})
    δ_{l-1} = N'_{l-1}ᵀ dL/dẑ_{l-1}             (the identity without normalisation)

so without skips the signal reaching layer ``l`` contains the product of
``f'(ẑ_k) W_kᵀ`` over the layers above it — the source of vanishing (``σ' <= 1/4``)
and exploding gradients — while a skip adds a path that multiplies by nothing.
The forward pass and this backward pass are written once (:meth:`MLP._pass`): the
training loop runs them on preallocated buffers, and the traces, predictions and
``loss_and_grads`` on fresh arrays they hand back.

Normalisation
-------------
``norm="layer"`` or ``"batch"`` turns every hidden pre-activation into
``ẑ = γ ⊙ (z − μ) / sqrt(σ² + ε) + β`` with ``ε = 1e−5`` and biased σ², as PyTorch's
``LayerNorm`` and ``BatchNorm1d`` do; γ starts at 1 and β at 0, both trained.

``"layer"``
    μ and σ² over the layer's units, for each sample.
``"batch"``
    μ and σ² over the batch, for each unit (*batch statistics*). Every pass that
    computes a loss or gradient (``loss``, ``loss_and_grads``, ``backward_trace``,
    training, and the per-epoch metrics of :meth:`MLP.fit`) uses them. Every training
    step also updates ``running_mean ← 0.9 running_mean + 0.1 μ`` and
    ``running_var ← 0.9 running_var + 0.1 σ²·n/(n−1)`` (unbiased), starting from 0
    and 1; prediction (``forward``, ``forward_trace``, ``predict*``, ``accuracy``,
    dead units) normalises with these running averages, as PyTorch's ``eval()``
    mode does. A batch of one sample is normalised to ``ẑ = β`` exactly (no NaN),
    passes no gradient to the layers below and leaves the running averages alone,
    since its unbiased variance is undefined; :meth:`MLP.fit` folds a trailing
    one-sample mini-batch into the batch before it, so only ``batch_size=1`` (or a
    training set of one sample) meets that case.

Penalties
---------
``l1`` and ``l2`` add ``l1 · Σ|W| + l2 · ½ ΣW²`` over the weight matrices (not the
biases, not γ/β) to the mean loss; the L1 subgradient at ``W = 0`` is taken as 0.

Losses (all means over the ``n`` samples)
-----------------------------------------
``output="sigmoid"``
    One output unit, binary cross-entropy from the logit ``z``:
    ``L = mean(softplus(z) − y z)``, equal to ``−mean(y log a + (1−y) log(1−a))``
    with ``a = σ(z)`` but finite for any ``z``. ``y`` in {0, 1}, shape (n,) or (n, 1).
``output="softmax"``
    ``n_out >= 2`` units, cross-entropy with integer labels ``y`` of shape (n,):
    ``L = mean(logsumexp(z) − z_y)``.
``output="identity"``
    Mean squared error over **all** output elements, without a ½ factor:
    ``L = mean((a − y)²)``, so ``dL/dz = 2 (a − y) / (n · n_out)``. ``y`` has shape
    (n,) (when ``n_out = 1``) or (n, n_out).
``output="sigmoid_mse"``
    A sigmoid output trained with the squared error ``L = mean((σ(z) − y)²)``. Its
    output delta ``2 (a − y) σ'(z) / n`` carries the extra factor ``σ'(z) <= 1/4``,
    which vanishes when the output saturates on the wrong side; the page on
    "why BCE" shows this against the plain ``(a − y)/n`` of sigmoid + BCE.

Modules
-------
:mod:`core.mlp.records`
    ``Params``, ``LossAndGrads``, ``BackwardTrace``, ``History`` and the names of the choices.
:mod:`core.mlp.network`
    :class:`MLP`: the state, the one forward and backward pass, prediction, parameters.
:mod:`core.mlp.numerics`, :mod:`core.mlp.buffers`
    Output activations and normalisation; where a pass writes its arrays.
:mod:`core.mlp.training`
    The training loop, :meth:`MLP.fit`.
:mod:`core.mlp.optimisers`
    SGD, momentum and Adam; gradient clipping.
"""

from __future__ import annotations

from core.dead import dead_units
from core.mlp.network import MLP
from core.mlp.records import (
    NORM_EPS,
    NORM_MOMENTUM,
    NORMS,
    OPTIMIZERS,
    OUTPUTS,
    RECORDS,
    BackwardTrace,
    History,
    LossAndGrads,
    Params,
)
from core.mlp.training import single_threaded_blas

__all__ = [
    "MLP",
    "NORMS",
    "NORM_EPS",
    "NORM_MOMENTUM",
    "OPTIMIZERS",
    "OUTPUTS",
    "RECORDS",
    "BackwardTrace",
    "History",
    "LossAndGrads",
    "Params",
    "dead_units",
    "single_threaded_blas",
]
