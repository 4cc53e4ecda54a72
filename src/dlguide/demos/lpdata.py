"""The demos' data: small offline defaults, generated sets that show a family's bias, and real loaders.

Every loader returns numpy arrays plus class names, with ``-1`` for a point whose label is unknown
(an image in ``unlabeled/``, an empty cell of the label column). Defaults need no download: scikit-learn's
digits, wine and breast-cancer sets, sequences whose class depends on the order of two markers across a
long gap, and a stochastic block model whose node features alone are too noisy to classify. Real data sit
behind options: an image folder, a torchvision dataset, a CSV, an edge list with a node table.

It imports only numpy, scikit-learn, PIL, torch/torchvision (lazily) and the standard library, so a
scaffolded demo can copy it next to ``demo.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

try:
    from .lpkit import DemoError
except ImportError:  # run as a copied script next to lpkit.py
    from lpkit import DemoError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
UNLABELED = "unlabeled"


def _subsample(n_total: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.permutation(n_total)[: min(n, n_total)])


def digits(n: int, seed: int):
    """scikit-learn's 8x8 handwritten digits: images N x 1 x 8 x 8 in [0, 1], labels, names."""
    from sklearn.datasets import load_digits

    data = load_digits()
    keep = _subsample(len(data.target), n, seed)
    images = (data.images[keep] / 16.0).astype(np.float32)[:, None]
    return images, data.target[keep].astype(np.int64), [str(c) for c in range(10)]


def image_folder(root: str, size: int):
    """Images from ``root/<class>/*`` (and ``root/unlabeled/*``, label -1), resized to size x size."""
    from PIL import Image, UnidentifiedImageError

    root_path = Path(root)
    if not root_path.is_dir():
        raise DemoError("data", f"--data {root}: no such folder (expected one subfolder per class)")
    classes = sorted(p.name for p in root_path.iterdir() if p.is_dir() and p.name != UNLABELED)
    if len(classes) < 2:
        raise DemoError("data", f"--data {root}: found {len(classes)} class folder(s); need at least 2 (plus an optional '{UNLABELED}/')")
    entries = [(path, index) for index, name in enumerate(classes) for path in sorted((root_path / name).iterdir())]
    if (root_path / UNLABELED).is_dir():
        entries += [(path, -1) for path in sorted((root_path / UNLABELED).iterdir())]
    entries = [(p, c) for p, c in entries if p.suffix.lower() in IMAGE_SUFFIXES]
    pictures, labels = [], []
    for path, label in entries:
        try:
            with Image.open(path) as picture:
                pictures.append(picture.convert("RGB").resize((size, size)))
        except (OSError, UnidentifiedImageError) as exc:
            raise DemoError("data", f"{path}: not a readable image ({exc})") from exc
        labels.append(label)
    arrays = np.stack([np.asarray(p, dtype=np.float32) / 255.0 for p in pictures]).transpose(0, 3, 1, 2)
    if np.allclose(arrays[:, 0], arrays[:, 1]) and np.allclose(arrays[:, 1], arrays[:, 2]):
        arrays = arrays[:, :1]  # grey pictures: one channel is enough
    return arrays, np.asarray(labels, dtype=np.int64), classes


def torchvision_dataset(name: str, root: str, download: bool, n: int, seed: int, size: int):
    """A subsample of CIFAR-10, MNIST or Fashion-MNIST; without --download it must already be in ``root``."""
    import torchvision

    makers = {"cifar10": torchvision.datasets.CIFAR10, "mnist": torchvision.datasets.MNIST, "fashion-mnist": torchvision.datasets.FashionMNIST}
    try:
        data = makers[name](root=root, train=True, download=download)
    except RuntimeError as exc:
        hint = "" if download else " (add --download to fetch it)"
        raise DemoError("data", f"dataset {name} not found in {root}{hint}: {str(exc).splitlines()[0]}") from exc
    except OSError as exc:
        raise DemoError("data", f"could not download {name} into {root}: {exc}") from exc
    keep = _subsample(len(data.targets), n, seed)
    images = np.asarray(data.data)[keep].astype(np.float32) / 255.0
    images = images[:, None] if images.ndim == 3 else images.transpose(0, 3, 1, 2)
    if images.shape[-1] != size:
        import torch
        import torch.nn.functional as F

        images = F.interpolate(torch.from_numpy(images), size=(size, size), mode="bilinear", antialias=True).numpy()
    return images, np.asarray(data.targets)[keep].astype(np.int64), list(data.classes)


def add_image_options(parser) -> None:
    """The real-data options of every image demo."""
    add = parser.add_argument
    add("--data", metavar="DIR", help="image folder: one subfolder per class, plus optional unlabeled/")
    add("--dataset", choices=["cifar10", "mnist", "fashion-mnist"], help="a torchvision dataset instead of digits")
    add("--data-root", default="./data", help="where torchvision datasets live (default ./data)")
    add("--download", action="store_true", help="allow torchvision to download --dataset")
    add("--image-size", type=int, default=16, help="side that folder and dataset images are resized to, a multiple of 4 (default 16)")


def load_images(args):
    """Images N x C x H x W in [0, 1], labels (-1 unknown), class names, and a name for the report."""
    if args.image_size < 4 or args.image_size % 4:
        raise DemoError("usage", f"--image-size must be a positive multiple of 4, got {args.image_size}")
    if args.data:
        images, labels, names = image_folder(args.data, args.image_size)
        return images, labels, names, f"folder {args.data}"
    if args.dataset:
        images, labels, names = torchvision_dataset(args.dataset, args.data_root, args.download, args.samples, args.seed, args.image_size)
        return images, labels, names, args.dataset
    images, labels, names = digits(args.samples, args.seed)
    return images, labels, names, "digits (scikit-learn, 8x8)"


def _read_csv(path: str, label_column: str):
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DemoError("data", f"{path}: cannot read CSV ({exc})") from exc
    if not rows or label_column not in rows[0]:
        raise DemoError("data", f"{path}: expected a header row with a '{label_column}' column")
    names = sorted({r[label_column].strip() for r in rows if r[label_column].strip()})
    if len(names) < 2:
        raise DemoError("data", f"{path}: the '{label_column}' column names {len(names)} class(es); need at least 2")
    index = {name: i for i, name in enumerate(names)}
    labels = np.asarray([index.get(r[label_column].strip(), -1) for r in rows], dtype=np.int64)
    return rows, labels, names


def order_sequences(n: int, seed: int, length: int = 40, vocab: int = 16, gap: int = 12):
    """Token sequences whose class is the ordered pair of two markers (A..B, B..A, A..A, B..B).

    Markers sit at random positions at least ``gap`` apart among random filler tokens, so A..B and B..A
    hold the same bag of tokens: only a model that reads order across a long gap tells them apart.
    """
    rng = np.random.default_rng(seed)
    marker_a, marker_b = 1, 2
    pairs = [(marker_a, marker_b), (marker_b, marker_a), (marker_a, marker_a), (marker_b, marker_b)]
    tokens = rng.integers(3, vocab, size=(n, length))
    labels = rng.integers(0, len(pairs), size=n)
    for row, label in enumerate(labels):
        first = rng.integers(0, length - gap)
        second = rng.integers(first + gap, length)
        tokens[row, first], tokens[row, second] = pairs[label]
    return tokens.astype(np.int64), labels.astype(np.int64), ["A..B", "B..A", "A..A", "B..B"], vocab


def sequence_csv(path: str, text_column: str, label_column: str, max_length: int = 128):
    """Sequences from a CSV: the text column is split on spaces (or into characters when it has none)."""
    rows, labels, names = _read_csv(path, label_column)
    if text_column not in rows[0]:
        raise DemoError("data", f"{path}: expected a '{text_column}' column (set it with --text-column)")
    texts = [r[text_column] or "" for r in rows]
    split = (lambda s: s.split()) if any(" " in t for t in texts) else list
    pieces = [split(t)[:max_length] for t in texts]
    vocab = {tok: i + 1 for i, tok in enumerate(sorted({tok for p in pieces for tok in p}))}  # 0 pads
    length = max(1, max(len(p) for p in pieces))
    tokens = np.zeros((len(rows), length), dtype=np.int64)
    for row, piece in enumerate(pieces):
        tokens[row, : len(piece)] = [vocab[tok] for tok in piece]
    return tokens, labels, names, len(vocab) + 1


def table(name: str, n: int, seed: int):
    """A scikit-learn tabular set (wine, breast-cancer, digits as 64 columns): features, labels, names."""
    from sklearn import datasets

    loaders = {"wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer, "digits": datasets.load_digits}
    data = loaders[name]()
    keep = _subsample(len(data.target), n, seed)
    return data.data[keep].astype(np.float32), data.target[keep].astype(np.int64), [str(c) for c in data.target_names]


def table_csv(path: str, label_column: str):
    """Numeric feature columns and a label column (empty cells: unlabeled) from a CSV."""
    rows, labels, names = _read_csv(path, label_column)
    columns = [c for c in rows[0] if c != label_column]
    try:
        features = np.asarray([[float(r[c]) for c in columns] for r in rows], dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise DemoError("data", f"{path}: every column but '{label_column}' must be numeric ({exc})") from exc
    return features, labels, names


def block_model(n: int, seed: int, classes: int = 5, degree_in: float = 8.0, degree_out: float = 1.0, noise: float = 2.0, dim: int = 16):
    """A stochastic block model: edges mostly within a class, node features a class centre plus heavy noise.

    The features alone are poor evidence; the graph is good evidence. A model that mixes both wins.
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size=n)
    size = n / classes
    p_in, p_out = degree_in / size, degree_out / (n - size)
    upper = np.triu(rng.random((n, n)) < np.where(labels[:, None] == labels[None, :], p_in, p_out), k=1)
    src, dst = np.nonzero(upper)
    centres = rng.normal(size=(classes, dim))
    features = centres[labels] + noise * rng.normal(size=(n, dim))
    return features.astype(np.float32), np.stack([src, dst], 1), labels.astype(np.int64), [f"block {c}" for c in range(classes)]


def graph_files(edges_path: str, nodes_path: str, label_column: str):
    """A node table CSV (id, label, numeric features...) and an edge list (two node ids a line)."""
    rows, labels, names = _read_csv(nodes_path, label_column)
    id_column = next(iter(rows[0]))
    ids = {r[id_column].strip(): i for i, r in enumerate(rows)}
    columns = [c for c in rows[0] if c not in (id_column, label_column)]
    try:
        features = np.asarray([[float(r[c]) for c in columns] for r in rows], dtype=np.float32).reshape(len(rows), len(columns))
    except ValueError as exc:
        raise DemoError("data", f"{nodes_path}: feature columns must be numeric ({exc})") from exc
    if not columns:
        features = np.eye(len(rows), dtype=np.float32)  # no features: each node is its own one-hot
    edges = []
    try:
        lines = Path(edges_path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DemoError("data", f"{edges_path}: cannot read edge list ({exc})") from exc
    for number, line in enumerate(lines, 1):
        parts = line.replace(",", " ").split()
        if not parts or line.lstrip().startswith("#") or (number == 1 and parts[0] not in ids):
            continue  # blank, comment or header line
        if len(parts) < 2 or parts[0] not in ids or parts[1] not in ids:
            raise DemoError("data", f"{edges_path}:{number}: expected two node ids from {nodes_path}, got {line.strip()!r}")
        edges.append((ids[parts[0]], ids[parts[1]]))
    return features, np.asarray(edges, dtype=np.int64).reshape(-1, 2), labels, names


def load_sequences(args):
    """Token ids N x L (0 pads), labels (-1 unknown), class names, vocabulary size, dataset name."""
    if args.data:
        tokens, labels, names, vocab = sequence_csv(args.data, args.text_column, args.label_column)
        return tokens, labels, names, vocab, f"csv {args.data}"
    tokens, labels, names, vocab = order_sequences(args.samples, args.seed)
    return tokens, labels, names, vocab, "marker-order sequences (generated)"


def one_hot(tokens: np.ndarray, vocab: int) -> np.ndarray:
    """The raw input as propagation sees it: position-wise one-hot tokens, flattened to N x (L * V)."""
    return np.eye(vocab, dtype=np.float32)[tokens].reshape(len(tokens), -1)
