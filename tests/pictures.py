"""Tiny pictures the image-demo tests write as a user's folder: bars whose direction is the class."""

from __future__ import annotations


def bars(vertical: bool, offset: int, size: int = 8):
    """A size x size uint8 picture with one white bar, vertical or horizontal, at ``offset``."""
    import numpy as np

    picture = np.zeros((size, size), dtype=np.uint8)
    if vertical:
        picture[:, offset] = 255
    else:
        picture[offset, :] = 255
    return picture
