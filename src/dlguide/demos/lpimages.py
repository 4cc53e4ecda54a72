"""A user's image folder the way people really keep one: which image belongs to which class, and its pixels.

One subfolder per class, plus ``unlabeled/`` (or ``unlabelled/``, in any case) for images without a label;
a class folder's own subfolders (a year, a camera) belong to it. A set downloaded from Kaggle or a paper's
page often comes split first, ``train/cat``, ``valid/cat``, ``test/...``: where every top folder but the
unlabeled one is named as a split and one of them holds class folders, the splits are read as parts of one
set, their class folders are the classes, and images lying directly in a split (a ``test/`` without
labels), or in a folder of ``test/`` that no other split has (``test/images/``), are unlabeled. Every image keeps its path under the root as its name.

Pixels: a phone's photo is turned as it is shown (EXIF orientation), and 16-bit or float greys (X-rays,
microscopy) are stretched over their own range, where PIL's own conversion would clip them at 255.
Imports only numpy and PIL: a scaffolded demo copies it unchanged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
UNLABELED = "unlabeled"
UNLABELED_NAMES = {"unlabeled", "unlabelled"}
SPLIT_NAMES = {"train", "training", "val", "valid", "validation", "dev", "test", "testing"}
TEST_NAMES = {"test", "testing"}


def _visible_folders(folder: Path) -> list:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _class_of(folder: Path) -> str:
    return UNLABELED if folder.name.lower() in UNLABELED_NAMES else folder.name


def class_folders(root: Path, notes: list) -> list:
    """(folder, its class or ``UNLABELED``, whether its subfolders belong to it) for each folder of images,
    the classes first; reading splits as one set is said in ``notes``."""
    tops = _visible_folders(root)
    splits = [p for p in tops if p.name.lower() in SPLIT_NAMES]
    rest = [p for p in tops if p not in splits and p.name.lower() not in UNLABELED_NAMES]
    if splits and not rest and any(_visible_folders(split) for split in splits):
        found = [(folder, _class_of(folder), True) for split in splits for folder in _visible_folders(split)]
        learned = {name for folder, name, _ in found if folder.parent.name.lower() not in TEST_NAMES}
        for at, (folder, name, deep) in enumerate(found):  # test/images/: a folder, not a class
            if learned and name not in learned and folder.parent.name.lower() in TEST_NAMES and name != UNLABELED:
                found[at] = (folder, UNLABELED, deep)
                notes.append(f"{folder.parent.name}/{folder.name}/ is a class in no other split: read as unlabeled")
        found += [(split, UNLABELED, False) for split in splits]  # images lying in a split itself have no class
        found += [(p, UNLABELED, True) for p in tops if p.name.lower() in UNLABELED_NAMES]
        notes.append(f"read {', '.join(p.name + '/' for p in splits)} as parts of one set: the folders in them "
                     "are the classes, and images lying directly in them are unlabeled")
    else:
        found = [(folder, _class_of(folder), True) for folder in tops]
    return sorted(found, key=lambda entry: entry[1] == UNLABELED)


def files_in(folder: Path, deep: bool) -> list:
    """The visible files of ``folder`` (and of its subfolders where ``deep``), sorted."""
    found = folder.rglob("*") if deep else folder.iterdir()
    return sorted(p for p in found if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def pixels(path: Path, size: int) -> np.ndarray:
    """The picture at ``path`` as size x size x 3 floats in [0, 1]; raises OSError (or PIL's own) when unreadable."""
    from PIL import Image, ImageOps

    with Image.open(path) as picture:
        picture.draft("RGB", (size, size))  # a JPEG decoded at down to 1/8 of its size (12 megapixels: 2.3x faster)
        upright = ImageOps.exif_transpose(picture)  # as the phone shows it, not as it stored it
        return np.asarray(_rgb(upright).resize((size, size)), dtype=np.float32) / 255.0


def _rgb(picture):
    """An 8-bit RGB picture; 16-bit and float greys stretched over their own range (a 12-bit scan stays a scan)."""
    from PIL import Image

    if picture.mode.startswith(("I", "F")):
        grey = np.asarray(picture, dtype=np.float32)
        low, high = float(grey.min()), float(grey.max())
        grey = (grey - low) / (high - low or 1.0) * 255.0
        picture = Image.fromarray(grey.round().astype(np.uint8))
    return picture.convert("RGB")
