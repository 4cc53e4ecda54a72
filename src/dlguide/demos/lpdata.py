"""The demos' data: small offline defaults, generated sets that show a family's bias, and real loaders.

Every loader returns a ``Data``: the inputs, labels with ``-1`` for a point whose label is unknown (an
image in ``unlabeled/``, an empty cell of the label column), the class names as the user wrote them and,
for the user's own files, each item's own name (its path under the folder, its id, its row number) so
that predictions can be traced back. Defaults need no download: scikit-learn's digits, wine and
breast-cancer sets, sequences whose class depends on the order of two markers across a long gap, and a
stochastic block model whose node features alone are too noisy to classify. Real data sit behind
options: an image folder, a torchvision dataset, a CSV, an edge list with a node table. How a CSV is
separated and encoded, and how its columns of categories and its empty cells become numbers, is
``lptable``'s job. A user's files are checked before any model trains: a file where a folder is expected
(or the reverse), an empty file, uneven rows, fewer than two classes - each named by row and column.

It imports only numpy, scikit-learn, PIL, torch/torchvision (lazily) and the standard library, so a
scaffolded demo can copy it next to ``demo.py``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

try:
    from . import lpimages, lptable
    from .lpkit import DemoError
except ImportError:  # run as a copied script next to lpkit.py
    import lpimages
    import lptable
    from lpkit import DemoError


@dataclass
class Data:
    """What a loader gives a demo: inputs, labels (-1 unknown), class names, and where they came from."""

    x: np.ndarray
    labels: np.ndarray
    classes: list
    name: str  # shown in the report, e.g. "folder photos/"
    items: Optional[list] = None  # the user's own name of every item; None for built-in data
    item_header: str = "index"  # the CSV column that holds those names
    inputs: list = field(default_factory=list)  # the user's files this run reads (never written onto)
    notes: list = field(default_factory=list)  # what the loader skipped or decided, for the report
    vocab: int = 0  # token sequences: the vocabulary size, 0 pads
    edges: Optional[np.ndarray] = None  # graphs: E x 2 node indices

    @property
    def own(self) -> bool:
        """True for the user's own files: every label they gave is used, and the truth of the rest is unknown."""
        return self.items is not None


def _subsample(n_total: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.permutation(n_total)[: min(n, n_total)])


# -- images --------------------------------------------------------------------------------------------

def digits(n: int, seed: int) -> Data:
    """scikit-learn's 8x8 handwritten digits: images N x 1 x 8 x 8 in [0, 1], labels, names."""
    from sklearn.datasets import load_digits

    data = load_digits()
    keep = _subsample(len(data.target), n, seed)
    images = (data.images[keep] / 16.0).astype(np.float32)[:, None]
    return Data(images, data.target[keep].astype(np.int64), [str(c) for c in range(10)], "digits (scikit-learn, 8x8)")


def _folder(path: str, what: str, wants: str) -> Path:
    root = Path(path).expanduser()
    if root.is_file():
        raise DemoError("data", f"{what} {path}: this is a file, but the demo wants a folder ({wants})")
    if not root.is_dir():
        raise DemoError("data", f"{what} {path}: no such folder ({wants})")
    return root


def _file(path: str, what: str, wants: str) -> Path:
    target = Path(path).expanduser()
    if target.is_dir():
        raise DemoError("data", f"{what} {path}: this is a folder, but the demo wants a file ({wants})")
    if not target.is_file():
        raise DemoError("data", f"{what} {path}: no such file ({wants})")
    return target


def image_folder(root: str, size: int) -> Data:
    """Images from a folder of class folders (``lpimages`` says which image is whose), resized to size x size.

    Every image keeps its path under ``root`` as its name; files that are not images, and images that cannot
    be read (a truncated download), are left out and named in the notes, never silently.
    """
    from PIL import UnidentifiedImageError

    wants = f"one subfolder per class, plus an optional '{lpimages.UNLABELED}/'"
    root_path = _folder(root, "--data", wants)
    notes, entries, skipped, unreadable, pictures, kept = [], [], [], [], [], []
    for folder, name, deep in lpimages.class_folders(root_path, notes):
        files = lpimages.files_in(folder, deep)
        images = [p for p in files if p.suffix.lower() in lpimages.IMAGE_SUFFIXES]
        skipped += [p for p in files if p.suffix.lower() not in lpimages.IMAGE_SUFFIXES]
        if not images and name != lpimages.UNLABELED:
            notes.append(f"class folder '{folder.name}' holds no images; it is not a class of this run")
        entries += [(p, name) for p in images]
    for path, name in entries:
        try:
            pictures.append(lpimages.pixels(path, size))
            kept.append((path, name))
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
            unreadable.append(f"{path.relative_to(root_path).as_posix()} ({exc})")
    classes = sorted({name for _, name in kept if name != lpimages.UNLABELED})
    if len(classes) < 2:
        raise DemoError("data", f"--data {root}: found {len(classes)} class folder(s) with images; need at least 2 ({wants})")
    if skipped:
        notes.append(f"skipped {len(skipped)} file(s) that are not images, e.g. {skipped[0].relative_to(root_path).as_posix()}")
    if unreadable:
        notes.append(f"left out {len(unreadable)} image(s) that cannot be read: {'; '.join(unreadable[:3])}"
                     + ("; ..." if len(unreadable) > 3 else ""))
    index = {name: i for i, name in enumerate(classes)}
    arrays = np.stack(pictures).transpose(0, 3, 1, 2)
    if np.allclose(arrays[:, 0], arrays[:, 1]) and np.allclose(arrays[:, 1], arrays[:, 2]):
        arrays = arrays[:, :1]  # grey pictures: one channel is enough
    labels = np.asarray([index.get(name, -1) for _, name in kept], dtype=np.int64)
    items = [path.relative_to(root_path).as_posix() for path, _ in kept]
    return Data(np.ascontiguousarray(arrays), labels, classes, f"folder {root}", items=items, item_header="path",
                inputs=[str(root_path)], notes=notes)


def torchvision_dataset(name: str, root: str, download: bool, n: int, seed: int, size: int) -> Data:
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
    return Data(images, np.asarray(data.targets)[keep].astype(np.int64), list(data.classes), name)


def add_image_options(parser) -> None:
    """The real-data options of every image demo."""
    add = parser.add_argument
    add("--data", metavar="DIR", help="your image folder: one subfolder per class, plus optional unlabeled/; every label is used")
    add("--dataset", choices=["cifar10", "mnist", "fashion-mnist"], help="a torchvision dataset instead of digits")
    add("--data-root", default="./data", help="where torchvision datasets live (default ./data)")
    add("--download", action="store_true", help="allow torchvision to download --dataset")
    add("--image-size", type=int, default=16, help="side that folder and dataset images are resized to, a multiple of 4 from 4 to 256 (default 16)")


def load_images(args) -> Data:
    """Images N x C x H x W in [0, 1] from --data, --dataset or the built-in digits."""
    if args.image_size < 4 or args.image_size > 256 or args.image_size % 4:
        raise DemoError("usage", f"--image-size: expected a multiple of 4 from 4 to 256, got {args.image_size}")
    if args.data and args.dataset:
        raise DemoError("usage", "--data and --dataset both name the data; give one")
    if args.data:
        return image_folder(args.data, args.image_size)
    if args.dataset:
        return torchvision_dataset(args.dataset, args.data_root, args.download, args.samples, args.seed, args.image_size)
    return digits(args.samples, args.seed)


# -- tables --------------------------------------------------------------------------------------------

@dataclass
class Table:
    """A CSV read and checked: its header, its rows (all as long as the header) and the labels."""

    path: str
    header: list
    rows: list
    labels: np.ndarray
    classes: list
    items: list
    item_header: str
    lines: list  # the file's line number of each row, for messages a user can find in an editor
    notes: list = field(default_factory=list)  # how the file was read, for the report
    delimiter: str = ","

    def where(self, index: int) -> str:
        """Row ``index`` (from 0) as the user finds it: "row 3 (line 4)"."""
        return f"row {index + 1} (line {self.lines[index]})"

    def column(self, name: str) -> list:
        return [row[self.header.index(name)] for row in self.rows]

    def features(self, columns: list) -> np.ndarray:
        """``columns`` as numbers (``lptable``: categories one-hot, gaps filled); what it decided goes to the notes."""
        x, _, notes = lptable.encode(self.header, self.rows, columns, id_hint=self.item_header == "row",
                                     decimal_comma=self.delimiter != ",")
        self.notes += notes
        if x.shape[1] == 0:
            raise DemoError("data", f"{self.path}: no column holds numbers or a few categories ({'; '.join(notes)})")
        return x


def read_table(path: str, label_column: str, id_column: Optional[str] = None, what: str = "--data") -> Table:
    """Read and check a CSV with a header row; rows are numbered from 1, the first row under the header."""
    source = _file(path, what, f"a CSV file with a header row and a '{label_column}' column")
    text, notes = lptable.text_of(source)
    delimiter = lptable.delimiter_of(text)
    if delimiter != ",":
        notes.append(f"{path}: columns separated by {lptable.DELIMITERS[delimiter]}")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        numbered = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise DemoError("data", f"{path}: cannot read as CSV ({exc})") from exc
    numbered = [(line, row) for line, row in numbered if any(cell.strip() for cell in row)]  # blank lines are not rows
    lines = [row for _, row in numbered]
    line_of = [line for line, _ in numbered[1:]]
    if not lines:
        raise DemoError("data", f"{path}: the file is empty; expected a header row with a '{label_column}' column, then one row per item")
    header = [cell.strip() for cell in lines[0]]
    rows = lines[1:]
    if label_column not in header:  # a file without a header (Cora's) is told apart from a misnamed column
        why = (f"the first line holds values ({', '.join(header[:4])}, ...), not column names; add a header line naming "
               f"the columns, one of them '{label_column}'" if lptable.looks_like_data(header) else
               f"no '{label_column}' column in the header ({', '.join(header)}); {lptable.column_hint(header, label_column)}")
        raise DemoError("data", f"{path}: {why}")
    if id_column is not None and id_column not in header:
        raise DemoError("data", f"{path}: no '{id_column}' column in the header ({', '.join(header)}) for --id-column")
    if len(set(header)) != len(header):
        twice = sorted({h for h in header if header.count(h) > 1})
        raise DemoError("data", f"{path}: the header names column '{twice[0]}' more than once")
    if not rows:
        raise DemoError("data", f"{path}: the file has a header but no rows")
    for number, row in enumerate(rows, 1):
        if len(row) != len(header):
            raise DemoError("data", f"{path}: row {number} (line {line_of[number - 1]}) has {len(row)} cells, but the header has {len(header)} columns")
    at = header.index(label_column)
    given = [row[at].strip() for row in rows]
    classes = sorted({g for g in given if g})
    if len(classes) < 2:
        found = f"only one class ('{classes[0]}')" if classes else "no labels at all"
        raise DemoError("data", f"{path}: the '{label_column}' column gives {found}; label items of at least two classes")
    index = {name: i for i, name in enumerate(classes)}
    labels = np.asarray([index.get(g, -1) for g in given], dtype=np.int64)
    if id_column is None:
        items, item_header = [str(number) for number in range(1, len(rows) + 1)], "row"
    else:
        items, item_header = [row[header.index(id_column)].strip() for row in rows], id_column
        seen = {}
        for number, item in enumerate(items, 1):
            if not item:
                raise DemoError("data", f"{path}: row {number} (line {line_of[number - 1]}), column '{id_column}': an empty id")
            if item in seen:
                raise DemoError("data", f"{path}: column '{id_column}': id {item!r} appears on rows {seen[item]} and {number}; ids must be unique")
            seen[item] = number
    return Table(str(path), header, rows, labels, classes, items, item_header, line_of, notes, delimiter)


def add_csv_options(parser, wants: str) -> None:
    """--data FILE.csv and the columns it is read by, for the table and sequence demos."""
    add = parser.add_argument
    add("--data", metavar="FILE", help=f"your CSV: {wants}, and a label column whose empty cells are unlabeled; every label is used")
    add("--label-column", default="label", help="column holding the label (default label)")
    add("--id-column", default=None, help="column naming each row in --output (default: the row number, 1 = first row under the header)")


# -- sequences -----------------------------------------------------------------------------------------

def order_sequences(n: int, seed: int, length: int = 40, vocab: int = 16, gap: int = 12) -> Data:
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
    return Data(tokens.astype(np.int64), labels.astype(np.int64), ["A..B", "B..A", "A..A", "B..B"],
                "marker-order sequences (generated)", vocab=vocab)


def sequence_csv(path: str, text_column: str, label_column: str, id_column: Optional[str] = None, max_length: int = 128) -> Data:
    """Sequences from a CSV: the text column is split into words and punctuation (or characters when it has no spaces)."""
    table = read_table(path, label_column, id_column)
    if text_column not in table.header:
        raise DemoError("data", f"{path}: no '{text_column}' column in the header ({', '.join(table.header)}); "
                                f"{lptable.column_hint(table.header, text_column, '--text-column')}")
    texts = table.column(text_column)
    # words and punctuation apart ("great!" is "great" and "!"); a column without spaces (DNA) by character
    split = (lambda s: re.findall(r"\w+|[^\w\s]", s.lower())) if any(" " in t.strip() for t in texts) else list
    pieces = [split(t)[:max_length] for t in texts]
    vocab = {tok: i + 1 for i, tok in enumerate(sorted({tok for p in pieces for tok in p}))}  # 0 pads
    length = max(1, max(len(p) for p in pieces))
    tokens = np.zeros((len(texts), length), dtype=np.int64)
    for row, piece in enumerate(pieces):
        tokens[row, : len(piece)] = [vocab[tok] for tok in piece]
    return Data(tokens, table.labels, table.classes, f"csv {path}", items=table.items, item_header=table.item_header,
                inputs=[path], notes=table.notes, vocab=len(vocab) + 1)


def load_sequences(args) -> Data:
    """Token ids N x L (0 pads) from a CSV with --data, else the generated marker-order sequences."""
    if args.data:
        return sequence_csv(args.data, args.text_column, args.label_column, args.id_column)
    return order_sequences(args.samples, args.seed)


def one_hot(tokens: np.ndarray, vocab: int) -> np.ndarray:
    """Position-wise one-hot tokens, flattened to N x (L * V)."""
    return np.eye(vocab, dtype=np.float32)[tokens].reshape(len(tokens), -1)


RAW_WORDS = 4096  # a user's text: the raw baseline counts its commonest words only


def raw_sequences(data: Data) -> np.ndarray:
    """The raw input propagation is compared on. The generated sequences: tokens position by position (their
    class is an order). A user's text: how often each of its ``RAW_WORDS`` commonest words occurs, rows of
    unit length; position by position it would need N x length x vocabulary numbers (gigabytes for a few
    thousand reviews) and would match words only where they stand at the same place."""
    if not data.own:
        return one_hot(data.x, data.vocab)
    frequency = np.bincount(data.x.ravel(), minlength=data.vocab)
    frequency[0] = 0  # padding is not a word
    kept = [t for t in np.argsort(-frequency, kind="stable")[:RAW_WORDS] if frequency[t]]
    column = np.full(data.vocab, -1)
    column[kept] = np.arange(len(kept))
    rows, at = np.nonzero(column[data.x] >= 0)
    counts = np.zeros((len(data.x), max(1, len(kept))), dtype=np.float32)
    np.add.at(counts, (rows, column[data.x[rows, at]]), 1.0)
    return counts / np.linalg.norm(counts, axis=1, keepdims=True).clip(min=1e-12)


# -- tables of numbers ---------------------------------------------------------------------------------

def table(name: str, n: int, seed: int) -> Data:
    """A scikit-learn tabular set (wine, breast-cancer, digits as 64 columns): features, labels, names."""
    from sklearn import datasets

    loaders = {"wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer, "digits": datasets.load_digits}
    data = loaders[name]()
    keep = _subsample(len(data.target), n, seed)
    return Data(data.data[keep].astype(np.float32), data.target[keep].astype(np.int64), [str(c) for c in data.target_names],
                f"{name} (scikit-learn)")


def table_csv(path: str, label_column: str, id_column: Optional[str] = None) -> Data:
    """Feature columns (numbers, categories, dates: ``lptable``) and a label column (empty cells: unlabeled) from a CSV."""
    table_ = read_table(path, label_column, id_column)
    columns = [c for c in table_.header if c not in (label_column, id_column)]
    if not columns:
        raise DemoError("data", f"{path}: no feature columns besides '{label_column}'")
    x = table_.features(columns)
    return Data(x, table_.labels, table_.classes, f"csv {path}", items=table_.items,
                item_header=table_.item_header, inputs=[path], notes=table_.notes)


# -- graphs --------------------------------------------------------------------------------------------

def block_model(n: int, seed: int, classes: int = 5, degree_in: float = 8.0, degree_out: float = 1.0, noise: float = 2.0, dim: int = 16) -> Data:
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
    return Data(features.astype(np.float32), labels.astype(np.int64), [f"block {c}" for c in range(classes)],
                "stochastic block model (generated)", edges=np.stack([src, dst], 1))


def graph_files(edges_path: str, nodes_path: str, label_column: str) -> Data:
    """A node table CSV (id, label, features...) and an edge list (two node ids a line)."""
    text, _ = lptable.text_of(_file(nodes_path, "--nodes", "a CSV node table: id, label, feature columns"))
    id_column = next(csv.reader(text.splitlines()[:1], delimiter=lptable.delimiter_of(text)), [""])[0].strip() or None
    if id_column == label_column:
        raise DemoError("data", f"{nodes_path}: the first column must be the node id, not the label column '{label_column}'")
    nodes = read_table(nodes_path, label_column, id_column, what="--nodes")
    ids = {item: i for i, item in enumerate(nodes.items)}
    columns = [c for c in nodes.header if c not in (id_column, label_column)]
    features = nodes.features(columns) if columns else np.eye(len(ids), dtype=np.float32)  # no features: one-hot
    try:
        lines = _file(edges_path, "--edges", "an edge list: two node ids a line").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DemoError("data", f"{edges_path}: cannot read edge list ({exc})") from exc
    edges = []
    for number, line in enumerate(lines, 1):
        parts = [part for part in re.split(r"[\s,;|]+", line.strip()) if part]  # spaces, tabs, commas, semicolons or bars
        if not parts or line.lstrip().startswith("#") or (number == 1 and parts[0] not in ids):
            continue  # blank, comment or header line
        if len(parts) < 2 or parts[0] not in ids or parts[1] not in ids:
            raise DemoError("data", f"{edges_path}:{number}: expected two node ids from {nodes_path}, got {line.strip()!r}")
        edges.append((ids[parts[0]], ids[parts[1]]))
    return Data(features, nodes.labels, nodes.classes, f"graph {nodes_path} + {edges_path}", items=nodes.items,
                item_header=id_column, inputs=[nodes_path, edges_path], notes=nodes.notes, edges=np.asarray(edges, dtype=np.int64).reshape(-1, 2))


# -- augmentation -------------------------------------------------------------------------------------

def random_shift(x):
    """Images moved by up to 1/8 of their side (one offset per batch): the same digit, a pixel away."""
    import torch.nn.functional as F

    pad = max(1, x.shape[-1] // 8)
    padded = F.pad(x, (pad, pad, pad, pad))
    dx, dy = np.random.randint(0, 2 * pad + 1, size=2)
    return padded[..., dy : dy + x.shape[-2], dx : dx + x.shape[-1]]


def random_affine(x, degrees: float = 12.0, shift: float = 0.125, scale: float = 0.1):
    """Each image turned by up to ``degrees``, moved by up to ``shift`` of its side and scaled by up to
    ``scale``, independently per image: the same digit as another hand might have written it."""
    import math

    import torch
    import torch.nn.functional as F

    n = len(x)
    angle = (torch.rand(n, device=x.device) * 2 - 1) * math.radians(degrees)
    zoom = 1 + (torch.rand(n, device=x.device) * 2 - 1) * scale
    move = (torch.rand(n, 2, device=x.device) * 2 - 1) * shift * 2  # grid coordinates span [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, move[:, 0]], 1), torch.stack([sin, cos, move[:, 1]], 1)], 1)  # N x 2 x 3
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
