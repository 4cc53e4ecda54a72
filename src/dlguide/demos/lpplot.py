"""The demos' pictures: a map of the embeddings beside the raw inputs, and grids of samples a person can see.

``embedding_map`` projects each set of points to two dimensions (t-SNE for up to a few thousand points,
PCA for more, and in --quick runs) and draws them coloured by their propagated class, the given labels
outlined in black and, on built-in data where the truth is known, every mistake on a hidden point circled
in red. ``save_grid`` enlarges each sample to at least 64 pixels wide before writing a grid, since an
8x8 digit drawn at its own size is a speck. Neither ever overwrites a file the user did not name: the
default names move to ``name-1.png``, ``name-2.png``... when taken.

matplotlib is imported inside the functions, with its Agg (file-only) canvas, so nothing opens a window
and the reading commands of dlguide never load it. It imports only numpy, scikit-learn, matplotlib,
torch/torchvision (lazily) and the other helpers, so a scaffolded demo can copy it next to ``demo.py``.
"""

from __future__ import annotations

import math

import numpy as np

try:
    from . import lpfiles, lpkit
except ImportError:  # run as a copied script next to the other helpers
    import lpfiles
    import lpkit

TSNE_LIMIT = 3000  # above this many points t-SNE takes minutes on a CPU; PCA takes a second
MIN_SAMPLE_PX = 64


def project(x, *, quick: bool, seed: int):
    """Two coordinates per point and the method's name: t-SNE for 50..TSNE_LIMIT points, else PCA."""
    from sklearn.decomposition import PCA

    x = lpkit.normalise(x)
    n, dim = x.shape
    if 50 <= n <= TSNE_LIMIT and not quick and dim > 2:
        from sklearn.manifold import TSNE

        reduced = PCA(n_components=min(50, dim, n), random_state=seed).fit_transform(x)  # t-SNE is faster and steadier on PCA's first 50
        settings = {"n_components": 2, "perplexity": min(30.0, (n - 1) / 3), "init": "pca", "random_state": seed}
        try:  # 500 iterations draw the same clusters as the default 1000 in half the time
            tsne = TSNE(max_iter=500, **settings)
        except TypeError:  # scikit-learn before 1.5 calls it n_iter
            tsne = TSNE(n_iter=500, **settings)
        return tsne.fit_transform(reduced), "t-SNE"
    if dim < 2 or n < 2:
        flat = np.zeros((n, 2))
        flat[:, : min(dim, 2)] = x[:, : min(dim, 2)]
        return flat, "raw coordinates"
    return PCA(n_components=2, random_state=seed).fit_transform(x), "PCA"


def _colours(count: int):
    from matplotlib import colormaps

    if count <= 10:
        return [colormaps["tab10"](i) for i in range(count)]
    if count <= 20:
        return [colormaps["tab20"](i) for i in range(count)]
    return [colormaps["hsv"](i / count) for i in range(count)]


NAMED_LIMIT = 30  # up to this many points, each is written next to its name; beyond, names would be a blot


def embedding_map(path, panels, *, y_semi, y_true, classes, quick: bool, seed: int, title: str, items=None) -> str:
    """Write a PNG with one scatter per panel (name, points, propagation result, accuracy or None).

    ``y_true`` is None on the user's own data (the truth of unlabeled items is unknown, so no mistakes
    can be drawn); on built-in data the hidden points whose predicted class is wrong are circled. A small
    set is drawn larger, and with ``items`` (the user's names) each point is labelled with its name.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    colours = np.asarray(_colours(len(classes)))
    given = y_semi >= 0
    figure = Figure(figsize=(6.5 * len(panels), 6.8), dpi=100)
    FigureCanvasAgg(figure)
    for column, (name, points, result, accuracy) in enumerate(panels, 1):
        axes = figure.add_subplot(1, len(panels), column)
        xy, method = project(points, quick=quick, seed=seed)
        labels = result["labels"]
        rest = ~given
        size = 12 if len(xy) > 500 else (30 if len(xy) > 60 else 90)
        axes.scatter(xy[rest, 0], xy[rest, 1], c=colours[labels[rest]], s=size, alpha=0.75, linewidths=0)
        axes.scatter(xy[given, 0], xy[given, 1], c=colours[y_semi[given]], s=size * 3 if size < 30 else size * 1.5, edgecolors="black", linewidths=1.0)
        if items is not None and len(xy) <= NAMED_LIMIT:
            for (px, py), item in zip(xy, items):
                axes.annotate(str(item)[:24], (px, py), xytext=(5, 4), textcoords="offset points", fontsize=8)
        shown = f"{name}\n{method}"
        if y_true is not None:
            wrong = rest & (y_true >= 0) & (labels != y_true)
            axes.scatter(xy[wrong, 0], xy[wrong, 1], s=90, facecolors="none", edgecolors="red", linewidths=1.2)
            shown += f", {int(wrong.sum())} mistakes circled" + (f", accuracy on hidden points {accuracy:.3f}" if accuracy is not None else "")
        elif accuracy is not None:
            shown += f", estimated accuracy {accuracy:.3f} (k-fold over the given labels)"
        axes.set_title(shown, fontsize=10)
        axes.set_xticks([])
        axes.set_yticks([])
    handles = [Line2D([], [], marker="o", linestyle="", color=colours[i], label=str(c)) for i, c in enumerate(classes)] if len(classes) <= 20 else []
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="black", label="given label"))
    if y_true is not None:
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor="red", label="mistake (hidden point)"))
    figure.legend(handles=handles, loc="lower center", ncol=min(len(handles), 14), fontsize=9, frameon=False)
    figure.suptitle(f"{title}: colour = propagated class", fontsize=12)
    figure.tight_layout(rect=(0, 0.06, 1, 0.95))
    figure.savefig(str(path), format="png")
    return str(path)


def save_grid(images, path, default: str, nrow: int = 8) -> str:
    """Write a PNG grid of images (a tensor N x C x H x W in [0, 1]), each enlarged to >= 64 px wide.

    ``path`` is the user's --png, already checked by lpkit.check_outputs before training. Without it the
    grid goes to ``default`` in the current folder, or to the first free ``name-1.png``, ``name-2.png``...
    so that a demo never overwrites a file the user already had.
    """
    import torch.nn.functional as F
    from torchvision.utils import save_image

    target = path if path else lpfiles.free_path(default)
    images = images.detach().float().cpu().clamp(0, 1)
    scale = max(1, math.ceil(MIN_SAMPLE_PX / images.shape[-1]))
    if scale > 1:  # nearest keeps every pixel a crisp square instead of a blur
        images = F.interpolate(images, scale_factor=scale, mode="nearest")
    try:
        save_image(images, str(target), nrow=nrow, padding=2 * scale, pad_value=1.0)
    except OSError as exc:
        raise lpkit.DemoError("data", f"cannot write {target}: {exc.strerror or exc}") from None
    return str(target)
