"""Plan, then write, a standalone demo project for one family.

The project is the family's demo file as ``demo.py``, the helper modules it imports (``lpkit.py``,
``lpdata.py``, ``lptable.py``, ``lpimages.py``, ``lpresult.py``, ``lpplot.py``, ``lpfiles.py``, ``lpgraph.py``, ``lpknn.py``) copied unchanged, a README saying how to
run it, on its demo data and on the user's own folder or CSV, and what to change, and a
``requirements.txt`` with the torch pins of dlguide's ``constraints.txt``. It needs torch, torchvision,
scikit-learn, numpy, pillow and matplotlib, never dlguide, and runs the very code ``dlguide run-demo`` runs.
Planning is pure (so ``--dry-run`` and tests can look at it). ``check`` applies the one write rule
(``dlguide.demos.lpfiles``) to the whole plan before a single file is written: an empty path is
refused, a folder that is not empty needs ``force``, and every destination must be writable; it sorts
the plan into files it would create and files it would overwrite. Writing replaces only the plan's
files, each all at once, and never deletes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dlguide.errors import WriteFailed

DEMOS_DIR = Path(__file__).resolve().parents[1] / "demos"
HELPERS = ("lpkit.py", "lpdata.py", "lptable.py", "lpimages.py", "lpresult.py", "lpplot.py", "lpfiles.py", "lpgraph.py", "lpknn.py")
# The pins dlguide itself installs with; a copy keeps them when constraints.txt is not shipped.
FALLBACK_PINS = {"torch": "torch==2.14.1", "torchvision": "torchvision==0.29.1"}

README = """# {family} demo: embeddings + label propagation

Written by `dlguide scaffold {family}`. It trains a small {family} model on demo data or on yours, turns
every item into an embedding, spreads the known labels to the rest with scikit-learn's LabelSpreading
over a sparse kNN graph, and compares the result with the same propagation on the raw inputs (same
labels). On the demo data a few labels are shown and accuracy is counted on the hidden rest; on your own
data every label you gave is used, and accuracy is estimated by k-fold over them.

## Run it

    python -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt
    python demo.py --quick{options}          # a few seconds
    python demo.py{options}                  # the full demo (under a minute on a laptop CPU)
    python demo.py --json{options}           # one JSON object with the results, versions and seed
    python demo.py --device cuda{options}    # on a GPU (default --device auto: CUDA when present)

Every run writes a PNG map of the embeddings beside the raw inputs (`{family}_map.png`, or
`{family}_map-1.png` and so on: an existing file is never replaced), coloured by the propagated class.

## Run it on your own data

{own_data}

Every label you give is used for the predictions (`--labeled` applies to the built-in data only). The
accuracy is estimated by 5-fold over your labels (`--folds`): each fold hides a fifth of them,
propagates from the rest and scores the hidden ones, for the embeddings and for the raw inputs alike;
with fewer than 20 labels the report says an estimate is not meaningful instead of printing one.
`predictions.csv` has one row per item, named as in your data, with the label as you wrote it, the
confidence, and the runner-up class with its score. It is never written over an existing file unless
you add `--force`, and never over one of your inputs.

## Options

`python demo.py --help` lists every option (the data, the model, training, the propagation, the files
it writes), with its default; they are declared once, in `lpkit.make_parser` and the demo's `main`.

## What to change

- Your data: {data_hint}
- The model: the class in `demo.py` (widths, layers); the embedding is what its `forward` returns last.
- Training: `train()` in `demo.py`; it learns only from the labeled points (and, in rounds after the
  first, from its own confident propagated labels), never from the hidden ones.
- The propagation: `propagate()` in `lpkit.py` (graph, k, LabelSpreading's alpha).

## Files

- `demo.py`: data, model, training, embedding, propagation and the report, top to bottom.
- `lpkit.py`: options, device, the labels, label propagation and its checks, self-training.
- `lpdata.py`: the demo data, the loaders for your own data (which check your files before training), augmentation.
- `lpresult.py`: the result, its accuracy and k-fold estimate, the predictions CSV and the printed report.
- `lpplot.py`: the PNG map of the embeddings and the sample grids.
- `lpfiles.py`: the one rule for every file written: nothing of yours is replaced without `--force`.
- `lpgraph.py`, `lpknn.py`: label propagation over a weighted kNN graph, and that graph's neighbour search.
"""

_FOLDER = """A folder with one subfolder per class and the images without a label in `unlabeled/`:

    photos/cat/001.jpg  photos/cat/002.jpg  ...  photos/dog/001.jpg  ...  photos/unlabeled/x.jpg
    python demo.py --data photos --output predictions.csv{options}"""

_CSV = """A CSV with a header row, {columns} and a `label` column whose empty cells are unlabeled:

{example}
    python demo.py --data mine.csv --id-column {id} --output predictions.csv{options}"""

OWN_DATA = {
    "images": _FOLDER,
    "text": _CSV.replace("{columns}", "a `text` column").replace("{id}", "id").replace(
        "{example}", "    id,text,label\n    a1,I love machine learning,positive\n    a2,I hate bugs in code,negative\n    a3,AI is the future,"),
    "table": _CSV.replace("{columns}", "columns of numbers or categories (empty cells are filled, other columns left "
                          "out; `lptable.py` says how, and the report notes it)").replace("{id}", "name").replace(
        "{example}", "    name,alcohol,acidity,region,label\n    w1,13.2,2.1,north,red\n    w2,12.4,,south,white\n    w3,12.9,1.8,north,"),
    "graph": """A node table (first column the node id, a `label` column whose empty cells are unlabeled, feature
columns of numbers or categories) and an edge list (two node ids a line):

    nodes.csv: id,label,f1,f2   ann,red,0.1,2.0   bob,,0.3,1.5 ...      edges.txt: ann bob ...
    python demo.py --nodes nodes.csv --edges edges.txt --output predictions.csv{options}""",
}

@dataclass(frozen=True)
class PlannedFile:
    path: Path
    content: str


@dataclass
class Plan:
    family: str
    directory: Path
    files: list[PlannedFile] = field(default_factory=list)


def requirements() -> str:
    """The demo extra's packages (pyproject.toml's ``demos``), with torch and torchvision pinned as in constraints.txt."""
    pins = dict(FALLBACK_PINS)
    constraints = Path(__file__).resolve().parents[3] / "constraints.txt"
    if constraints.is_file():
        for line in constraints.read_text(encoding="utf-8").splitlines():
            name = line.split("#")[0].strip().split("==")[0].strip()
            if name in pins:
                pins[name] = line.split("#")[0].strip()
    from dlguide.demos.runner import demo_requirements, package_name

    return "".join(pins.get(package_name(spec), spec) + "\n" for spec in demo_requirements())


def plan(choice, directory: Path | str, options: str = "") -> Plan:
    """What ``scaffold`` writes for ``choice`` (a ``dlguide.demos.runner.DemoChoice``: the family, its demo
    file, the kind of data it reads and the README's data hint, all from the family's YAML) into ``directory``.

    An empty ``directory`` is refused (``lpfiles.WriteRefused``): it must never mean the current folder.

    ``options`` (e.g. ``--cell gru``) are the demo options the name the user typed stands for; the
    README's run lines include them, and the demo file stays the same code ``run-demo`` runs.
    """
    from dlguide.demos.lpfiles import named_path

    family = choice.family
    result = Plan(family, named_path(directory, "scaffold", "my-demo"))
    result.files.append(PlannedFile(result.directory / "demo.py", choice.file.read_text(encoding="utf-8")))
    for helper in HELPERS:
        result.files.append(PlannedFile(result.directory / helper, (DEMOS_DIR / helper).read_text(encoding="utf-8")))
    shown = f" {options}" if options else ""
    own_data = OWN_DATA[choice.data].replace("{options}", shown)
    readme = README.format(family=family, data_hint=choice.hint, options=shown, own_data=own_data)
    result.files.append(PlannedFile(result.directory / "README.md", readme))
    result.files.append(PlannedFile(result.directory / "requirements.txt", requirements()))
    return result


def check(planned: Plan, *, force: bool = False) -> dict[str, list[Path]]:
    """Every check of the write rule on the whole plan, before any work: {"create": [...], "overwrite": [...]}.

    Raises ``lpfiles.WriteRefused`` (one line: what was wrong, what would be right) when writing would
    lose a file of the user's or cannot succeed. Without ``force`` a non-empty folder is refused
    whole, so nothing can be overwritten; with it, the plan's own files may be.
    """
    from dlguide.demos import lpfiles

    lpfiles.check_folder(planned.directory, force=force, what="scaffold")
    return lpfiles.plan([item.path for item in planned.files], force=force, what="scaffold")


def write(planned: Plan, *, force: bool = False) -> list[Path]:
    """Check the whole plan, then write it; a non-empty folder needs ``force``, and then only the plan's
    files are replaced."""
    from dlguide.demos import lpfiles

    check(planned, force=force)
    written = []
    for item in planned.files:
        try:
            written.append(lpfiles.write_text(item.path, item.content))
        except OSError as exc:  # the disk filled up, or the folder changed under us, after the checks
            raise WriteFailed(f"scaffold: cannot write {item.path}: {exc.strerror or exc}") from exc
    return written
