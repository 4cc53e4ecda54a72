"""The parts of lpgraph's kNN graph: the neighbour searches (exact on numpy, approximate with faiss, exact on
torch), the edge weights, and the symmetric sparse matrix (scipy or torch).

Each returns (indices, scores), N x k, self excluded: for ``metric="cosine"`` the scores are similarities
of rows that ``lpgraph.prepare`` centred and normalised; for ``"euclidean"`` they are negated squared
distances, so larger is nearer either way. A missing neighbour (k >= the points a search can see) is
index -1 with score -inf. The exact searches work in blocks of about ``BLOCK_ELEMENTS`` scores, so memory
stays flat as N grows. ``progress(phase, done, total)``, when given, is called after each block.

It imports numpy and the standard library; scipy, faiss and torch only inside the search that needs them, so
that a scaffolded demo can copy this file next to ``demo.py``.
"""

from __future__ import annotations

import math

import numpy as np

BLOCK_ELEMENTS = 1 << 24  # rows x columns of one block of the exact search: 64 MB of float32 scores
POWER = 3  # cosine similarity cubed: neighbours that barely agree weigh little (Iscen et al., 2019)


def _report(progress, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def knn_exact(x: np.ndarray, k: int, metric: str, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours (self excluded) by blocked matrix products and a partial sort.

    Returns (indices N x k int64, scores N x k float32): cosine similarity, or minus squared distance.
    """
    n = len(x)
    squared = (x * x).sum(axis=1)
    block = max(1, min(n, BLOCK_ELEMENTS // n))
    indices = np.empty((n, k), dtype=np.int64)
    scores = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        stop = min(n, start + block)
        part = x[start:stop] @ x.T  # block x N similarities
        if metric == "euclidean":
            part = 2 * part - squared[None, :] - squared[start:stop, None]  # minus squared distance
        part[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # no self-loops
        top = _top_k(part, k)
        indices[start:stop] = top
        scores[start:stop] = np.take_along_axis(part, top, axis=1)
        _report(progress, "knn", stop, n)
    return indices, scores


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """The columns of the k largest scores of each row (unordered), several times faster than argpartition.

    A row's k-th largest score over every 8th column is a lower bound of its k-th largest over all, so
    one comparison keeps about 8k candidates per row and only those are sorted.
    """
    rows_n, n = scores.shape
    stride = min(8, n // (4 * k))
    if stride < 2:
        return np.argpartition(scores, n - k, axis=1)[:, n - k:]
    sample = scores[:, ::stride]
    bound = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
    rows, cols = np.nonzero(scores >= bound[:, None])  # at least k per row: the k sampled ones
    order = np.lexsort((-scores[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, np.arange(rows_n))[rows]
    return cols[rank < k].reshape(rows_n, k)


def knn_faiss(x: np.ndarray, k: int, metric: str, progress=None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Approximate k nearest neighbours from a faiss inverted-file index (sqrt(N) lists, 8 probed).

    Raises ImportError when faiss is not installed. Scores as ``knn_exact``. The list count and probes
    were chosen by benchmarks/propagate.py: more lists cost more k-means training than they save in search.
    """
    import faiss

    n, d = x.shape
    lists = max(1, min(int(math.sqrt(n)), n // 39))  # faiss wants 39 training points per list
    kind = faiss.METRIC_INNER_PRODUCT if metric == "cosine" else faiss.METRIC_L2
    quantiser = faiss.IndexFlatIP(d) if metric == "cosine" else faiss.IndexFlatL2(d)
    index = faiss.IndexIVFFlat(quantiser, d, lists, kind)
    index.cp.niter = 10
    sample = np.random.default_rng(seed).choice(n, size=min(n, 40 * lists), replace=False)
    threads = faiss.omp_get_max_threads()
    # k-means runs many short parallel loops whose threads spin-wait on a busy machine (10x slower measured)
    faiss.omp_set_num_threads(1)
    try:
        index.train(x[np.sort(sample)])
    finally:
        faiss.omp_set_num_threads(threads)
    index.add(x)
    index.nprobe = min(lists, 8)
    found = np.empty((n, k + 1), dtype=np.int64)
    values = np.empty((n, k + 1), dtype=np.float32)
    block = max(1, n // 20)
    for start in range(0, n, block):
        stop = min(n, start + block)
        values[start:stop], found[start:stop] = index.search(x[start:stop], k + 1)
        _report(progress, "knn", stop, n)
    # drop the point itself where it was found, else the last (weakest) hit; -1 marks "not found"
    own = found == np.arange(n)[:, None]
    drop = np.where(own.any(axis=1), own.argmax(axis=1), k)
    keep = np.ones_like(own)
    keep[np.arange(n), drop] = False
    indices, scores = found[keep].reshape(n, k), values[keep].reshape(n, k)
    scores = scores if metric == "cosine" else -scores
    return indices, np.where(indices >= 0, scores, -np.inf).astype(np.float32)


def knn_torch(x, k: int, metric: str, progress=None):
    """Exact kNN on torch (the CUDA path): blocked products and torch.topk, like ``knn_exact``.

    On CUDA the products that pick the neighbours run in half precision, then the k chosen scores are
    recomputed in full precision, so the weights are exact even where a near-tie was ordered roughly.
    """
    import torch

    n = x.shape[0]
    squared = (x * x).sum(dim=1)
    fast = x.half() if x.is_cuda else x
    block = max(1, min(n, (BLOCK_ELEMENTS * (16 if x.is_cuda else 1)) // n))
    indices = torch.empty((n, k), dtype=torch.int64, device=x.device)
    scores = torch.empty((n, k), dtype=x.dtype, device=x.device)
    for start in range(0, n, block):
        stop = min(n, start + block)
        rows = torch.arange(stop - start, device=x.device)
        part = (fast[start:stop] @ fast.T).to(x.dtype)
        if metric == "euclidean":
            part = 2 * part - squared[None, :] - squared[start:stop, None]
        part[rows, rows + start] = -math.inf
        top = part.topk(k, dim=1).indices
        exact = (x[start:stop, None, :] * x[top]).sum(dim=-1)
        if metric == "euclidean":
            exact = 2 * exact - squared[top] - squared[start:stop, None]
        indices[start:stop], scores[start:stop] = top, exact
        _report(progress, "knn", stop, n)
    return indices, scores


def edge_weights(indices, scores, metric: str, xp=np):
    """Weights of the kNN edges: cosine similarity cubed (negatives dropped), or Gaussian with local scale.

    The local scale of a point is its distance to its k-th neighbour, so dense and sparse regions both
    get weights near 1 for their close neighbours (Zelnik-Manor and Perona, 2004).
    """
    valid = indices >= 0
    if metric == "cosine":
        return xp.where(valid, xp.clip(scores, 0, None) ** POWER, 0)
    squared = xp.clip(-scores, 0, None)
    finite = xp.where(valid, squared, 0)
    scale = xp.sqrt(finite.max(axis=1) if xp is np else finite.amax(dim=1)) + 1e-12
    other = scale[xp.where(valid, indices, 0)]
    return xp.where(valid, xp.exp(-squared / (scale[:, None] * other)), 0)


def symmetric_numpy(indices, weights, n):
    import scipy.sparse as sp

    rows = np.repeat(np.arange(n), indices.shape[1])
    keep = (indices.ravel() >= 0) & (weights.ravel() > 0)
    directed = sp.csr_matrix((weights.ravel()[keep].astype(np.float64), (rows[keep], indices.ravel()[keep])), shape=(n, n))
    return directed.maximum(directed.T).tocsr()  # an edge found from either end, with its weight


def symmetric_torch(indices, weights, n: int):
    """W on torch: each kNN edge in both directions, the larger weight where both ends found it."""
    import torch

    k = indices.shape[1]
    rows = torch.arange(n, device=indices.device).repeat_interleave(k)
    cols, values = indices.reshape(-1), weights.reshape(-1)
    keep = (cols >= 0) & (values > 0)
    rows, cols, values = rows[keep], cols[keep], values[keep]
    keys = torch.cat([rows * n + cols, cols * n + rows])
    unique, inverse = torch.unique(keys, return_inverse=True)  # sorted: already in CSR order
    merged = torch.zeros(len(unique), dtype=values.dtype, device=values.device)
    merged = merged.scatter_reduce(0, inverse, torch.cat([values, values]), reduce="amax", include_self=False)
    coo = torch.sparse_coo_tensor(torch.stack([unique // n, unique % n]), merged, (n, n), is_coalesced=True)
    return coo.to_sparse_csr()
